import { hostname } from "node:os";
import { databasePrefix } from "./layout.js";
import type { BackupLocation } from "./layout.js";
import { formatBytes } from "./store.js";
import type { ObjectStore, PartialObject } from "./store.js";
import { BACKUP_JOB_DEADLINE_SECONDS } from "./timeouts.js";
import { t } from "../i18n/index.js";

/**
 * What a run killed mid-write (SIGKILL, an OOM kill, a node lost) leaves behind: a file://
 * `<object>.partial-<host>-<pid>` or an s3:// multipart upload never completed nor aborted. Each
 * takes space (a dump's worth) that no listing counted and no retention removed. One is removed
 * only when its writer is certainly gone: its process is dead (same host), or it has not been
 * written to for longer than any backup job may run (the Job's deadline would have killed it).
 */

/** Longer than this since its last write (file://) or its start (s3://): no job can still be writing it. */
export const PARTIAL_MAX_AGE_MS = BACKUP_JOB_DEADLINE_SECONDS * 1000;

export interface JudgedPartial extends PartialObject {
  /** Its writer is gone: safe to remove. */
  readonly stale: boolean;
  /** Why it is removed or kept, for plans and listings. */
  readonly reason: string;
}

export interface PartialSurvey {
  readonly stale: readonly JudgedPartial[];
  /** Being written by a run that may be alive. */
  readonly alive: readonly JudgedPartial[];
  /** Bytes of the stale ones: the space removing them frees. */
  readonly staleBytes: number;
}

/** The partial objects under a database's backups, each judged. */
export async function surveyPartials(
  store: ObjectStore,
  location: BackupLocation,
  now: Date = new Date(),
): Promise<PartialSurvey> {
  const judged = (await store.listPartial(databasePrefix(location))).map((p) => judge(p, now));
  const stale = judged.filter((p) => p.stale);
  return {
    stale,
    alive: judged.filter((p) => !p.stale),
    staleBytes: stale.reduce((sum, p) => sum + p.bytes, 0),
  };
}

export function judge(partial: PartialObject, now: Date = new Date()): JudgedPartial {
  const ageMs = now.getTime() - partial.lastWrittenAt.getTime();
  const age = `${(ageMs / 3_600_000).toFixed(1)} h`;
  const size = formatBytes(partial.bytes);
  const what = partial.upload ? t`upload started ${age} ago` : t`last written ${age} ago`;
  if (ageMs > PARTIAL_MAX_AGE_MS) {
    const limit = `${BACKUP_JOB_DEADLINE_SECONDS / 3600} h`;
    return {
      ...partial,
      stale: true,
      reason: t`${size}, ${what}: longer than a backup job may run (${limit})`,
    };
  }
  const writer = partial.writer;
  if (writer && writer.host === hostname()) {
    if (!processAlive(writer.pid)) {
      return {
        ...partial,
        stale: true,
        reason: t`${size}, its writer (pid ${writer.pid} on this host) is gone`,
      };
    }
    return {
      ...partial,
      stale: false,
      reason: t`${size}, pid ${writer.pid} on this host may still write it`,
    };
  }
  const by = writer ? t` by ${writer.host} pid ${writer.pid}` : "";
  return { ...partial, stale: false, reason: t`${size}, ${what}${by}: may still be running` };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, as another user's process.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface PartialRemoval {
  readonly removed: readonly JudgedPartial[];
  readonly failed: readonly { readonly partial: JudgedPartial; readonly error: string }[];
}

/** Removes partial objects whose writer is gone (a stale survey), one by one; failures are reported, not thrown. */
export async function removePartials(
  store: ObjectStore,
  partials: readonly JudgedPartial[],
): Promise<PartialRemoval> {
  const removal = {
    removed: [] as JudgedPartial[],
    failed: [] as PartialRemoval["failed"][number][],
  };
  for (const partial of partials) {
    if (!partial.stale) throw new Error(t`${partial.name} may still be written; not removed`);
    try {
      await store.deletePartial(partial);
      removal.removed.push(partial);
    } catch (err) {
      removal.failed.push({ partial, error: (err as Error).message });
    }
  }
  return removal;
}
