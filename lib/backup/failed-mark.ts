import { z } from "zod";
import { FAILED_OBJECT, objectKey, SCHEDULE_TAG } from "./layout.js";
import type { BackupLocation } from "./layout.js";
import { readText, type ObjectStore } from "./store.js";
import { t } from "../i18n/index.js";

/**
 * failed.json: the mark a backup gets when its own read-back fails (the stored dump is not what
 * the manifest says, or cannot be read). Its presence alone makes the backup failed; the reason
 * inside is for people, so an unreadable mark still counts.
 */

const failedMarkSchema = z.object({
  id: z.string(),
  reason: z.string(),
  markedAt: z.iso.datetime(),
  operator: z.string(),
});

export type FailedMark = z.infer<typeof failedMarkSchema>;

export async function markFailed(
  store: ObjectStore,
  location: BackupLocation,
  backup: { readonly id: string; readonly schedule: string },
  reason: string,
  operator: string,
): Promise<void> {
  const mark: FailedMark = { id: backup.id, reason, markedAt: new Date().toISOString(), operator };
  await store.putSmall(
    objectKey(location, backup.id, FAILED_OBJECT),
    `${JSON.stringify(mark, null, 2)}\n`,
    { [SCHEDULE_TAG]: backup.schedule },
  );
}

/** Why the backup was marked failed, as the mark says; a mark that cannot be read still counts. */
export async function failedReason(
  store: ObjectStore,
  location: BackupLocation,
  id: string,
): Promise<string> {
  try {
    const text = await readText(store, objectKey(location, id, FAILED_OBJECT));
    const mark = failedMarkSchema.parse(JSON.parse(text));
    return t`its read-back failed (${mark.markedAt}): ${mark.reason}`;
  } catch {
    return t`it is marked failed (${FAILED_OBJECT} beside its manifest)`;
  }
}
