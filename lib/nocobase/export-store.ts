import { createHash } from "node:crypto";
import { z } from "zod";
import { BackupVerificationError, objectMismatches } from "../backup/integrity.js";
import {
  backupId,
  tryParseBackupId,
  backupPrefix,
  MANIFEST_OBJECT,
  objectKey,
  SCHEDULE_TAG,
} from "../backup/layout.js";
import type { BackupLocation } from "../backup/layout.js";
import { listBackups, type BackupEntry } from "../backup/list.js";
import { ManifestError, storedObject } from "../backup/manifest.js";
import { ObjectNotFoundError, type ObjectStore } from "../backup/store.js";
import { COLLECTIONS_FOLDER } from "../model/checks.js";
import type { Platform } from "../model/index.js";
import { GUARDIA_VERSION } from "../version.js";
import { collectionsDocument, type CollectionsDocument } from "./definitions.js";
import { t } from "../i18n/index.js";

/**
 * NocoBase collection exports at the backup destination, with the database backups' layout and
 * rules: `<platform>/<env>/collections/<id>/{collections.json,manifest.json}`, ids that sort by
 * time, every object's size and sha256 in the manifest, the manifest written last so an export
 * without one is incomplete and never listed, and the same retention (lib/backup/retention.ts).
 */

export const COLLECTIONS_OBJECT = "collections.json";
/** The schedule of the CronJob's exports (`<time>-scheduled`); others are "manual". */
export const EXPORT_SCHEDULE = "scheduled";

/**
 * The object tag S3 lifecycle rules expire exports by. It is not a DNS label, so it never equals
 * a database backup schedule's tag, whose rules select the whole stack prefix.
 */
export function exportTag(schedule: string): string {
  return `collections:${schedule}`;
}

export function exportLocation(platform: Platform): BackupLocation {
  return {
    platform: platform.name,
    environment: platform.environment,
    database: COLLECTIONS_FOLDER,
  };
}

export const exportManifestSchema = z
  .strictObject({
    formatVersion: z.literal(1),
    kind: z.literal("nocobase-collections"),
    id: z.string(),
    platform: z.string().min(1),
    environment: z.string().min(1),
    /** The API it was read from. */
    source: z.string().min(1),
    nocobaseVersion: z.string().min(1),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    operator: z.string().min(1),
    schedule: z.string().min(1),
    objects: z.array(storedObject).min(1),
    /** The names of the collections it holds, for listings. */
    collections: z.array(z.string()),
    guardiaVersion: z.string().min(1),
  })
  .refine((m) => tryParseBackupId(m.id)?.schedule === m.schedule, {
    path: ["schedule"],
    message: "differs from the id's schedule",
  });

export type ExportManifest = z.infer<typeof exportManifestSchema>;
export type ExportEntry = BackupEntry<ExportManifest>;

/** Reads and strictly parses an export's manifest; a `ManifestReader` for listing and retention. */
export async function readExportManifest(
  store: ObjectStore,
  location: BackupLocation,
  id: string,
): Promise<ExportManifest> {
  const key = objectKey(location, id, MANIFEST_OBJECT);
  const where = store.describe(key);
  let text: string;
  try {
    text = (await readBytes(store, key)).toString("utf8");
  } catch (err) {
    if (!(err instanceof ObjectNotFoundError)) throw err;
    throw new ManifestError(key, "missing", t`export ${id} is incomplete: ${where} does not exist`);
  }
  const invalid = (why: string) =>
    new ManifestError(key, "invalid", t`manifest ${where} cannot be trusted: ${why}`);
  let parsed;
  try {
    parsed = exportManifestSchema.safeParse(JSON.parse(text));
  } catch (err) {
    throw invalid(t`not JSON (${(err as Error).message})`);
  }
  if (!parsed.success) {
    throw invalid(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  }
  const m = parsed.data;
  if (m.platform !== location.platform || m.environment !== location.environment || m.id !== id) {
    throw invalid(t`it names ${m.platform}/${m.environment}/${m.id}, but is stored under ${key}`);
  }
  return m;
}

/** Complete exports, newest first. */
export function listExports(store: ObjectStore, location: BackupLocation): Promise<ExportEntry[]> {
  return listBackups(store, location, new Date(), readExportManifest);
}

export interface StoredExport {
  readonly id: string;
  readonly url: string;
  readonly manifest: ExportManifest;
}

/** collections.json first, then the manifest: only a complete export ever has one. */
export async function writeExport(opts: {
  store: ObjectStore;
  location: BackupLocation;
  document: CollectionsDocument;
  schedule: string;
  operator: string;
  startedAt: Date;
}): Promise<StoredExport> {
  const { store, location, document, schedule } = opts;
  const id = backupId(opts.startedAt, schedule);
  const tags = { [SCHEDULE_TAG]: exportTag(schedule) };
  const text = `${JSON.stringify(document, null, 2)}\n`;
  const stored = await store.putSmall(objectKey(location, id, COLLECTIONS_OBJECT), text, tags);
  const manifest = exportManifestSchema.parse({
    formatVersion: 1,
    kind: "nocobase-collections",
    id,
    platform: location.platform,
    environment: location.environment,
    source: document.source,
    nocobaseVersion: document.nocobaseVersion,
    startedAt: opts.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    operator: opts.operator,
    schedule,
    objects: [{ name: COLLECTIONS_OBJECT, ...stored }],
    collections: document.collections.map((c) => c.name),
    guardiaVersion: GUARDIA_VERSION,
  } satisfies ExportManifest);
  await store.putSmall(
    objectKey(location, id, MANIFEST_OBJECT),
    `${JSON.stringify(manifest, null, 2)}\n`,
    tags,
  );
  return { id, url: store.describe(backupPrefix(location, id)), manifest };
}

/** The export's document, after its size and sha256 matched the manifest. */
export async function readExport(
  store: ObjectStore,
  location: BackupLocation,
  manifest: ExportManifest,
): Promise<CollectionsDocument> {
  const object = manifest.objects.find((o) => o.name === COLLECTIONS_OBJECT);
  const where = store.describe(backupPrefix(location, manifest.id));
  if (!object) throw new Error(t`export ${manifest.id} (${where}) has no ${COLLECTIONS_OBJECT}`);
  const bytes = await readBytes(store, objectKey(location, manifest.id, COLLECTIONS_OBJECT));
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const mismatches = objectMismatches(object, { bytes: bytes.length, sha256 });
  if (mismatches.length > 0) throw new BackupVerificationError(manifest.id, mismatches, where);
  const parsed = collectionsDocument.safeParse(JSON.parse(bytes.toString("utf8")));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(
      t`${where}${COLLECTIONS_OBJECT} is not an export guardia reads: ${issues.join("; ")}`,
    );
  }
  return parsed.data;
}

async function readBytes(store: ObjectStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
