import { databasePrefix, MANIFEST_OBJECT, newestFirst, tryParseBackupId } from "./layout.js";
import type { BackupLocation } from "./layout.js";
import { ManifestError, readManifest } from "./manifest.js";
import type { Manifest } from "./manifest.js";
import { formatBytes } from "./store.js";
import type { ObjectStore } from "./store.js";

/**
 * What a destination holds for one database. Every backup directory is classified from the
 * listing and its manifest: complete (manifest valid and every object it names present with its
 * size), incomplete (no manifest: still running, or killed) or damaged (manifest unreadable or an
 * object missing). Only complete backups are restorable.
 */

export type BackupStatus = "complete" | "incomplete" | "damaged";

/** What listing and retention read from a manifest; every kind of stored set has these. */
export type ListedManifest = Pick<
  Manifest,
  "id" | "schedule" | "operator" | "startedAt" | "finishedAt" | "objects"
>;

/**
 * Reads and strictly parses one set's manifest, throwing `ManifestError` when it is missing or
 * invalid: `readManifest` for database backups, another reader for other sets stored with the
 * same layout (NocoBase collection exports).
 */
export type ManifestReader<M extends ListedManifest> = (
  store: ObjectStore,
  location: BackupLocation,
  id: string,
) => Promise<M>;

export interface ScannedBackup<M extends ListedManifest = Manifest> {
  readonly id: string;
  readonly schedule: string;
  readonly startedAt: Date;
  readonly status: BackupStatus;
  /** Why it is not complete. */
  readonly problem: string | undefined;
  readonly manifest: M | undefined;
  /** Every object under the backup's prefix (partial files of a killed run included). */
  readonly keys: readonly string[];
  readonly bytes: number;
}

/** All backups of a database, newest first. Keys under the prefix that are not backup ids are ignored. */
export async function scanBackups<M extends ListedManifest = Manifest>(
  store: ObjectStore,
  location: BackupLocation,
  read: ManifestReader<M> = readManifest as unknown as ManifestReader<M>,
): Promise<ScannedBackup<M>[]> {
  const prefix = databasePrefix(location);
  const groups = new Map<string, { key: string; bytes: number }[]>();
  for (const object of await store.list(prefix)) {
    const id = object.key.slice(prefix.length).split("/")[0]!;
    if (!tryParseBackupId(id)) continue;
    groups.set(id, [...(groups.get(id) ?? []), object]);
  }
  const scanned = await Promise.all(
    [...groups].map(([id, objects]) => classify(store, location, id, objects, read)),
  );
  return newestFirst(scanned);
}

async function classify<M extends ListedManifest>(
  store: ObjectStore,
  location: BackupLocation,
  id: string,
  objects: readonly { key: string; bytes: number }[],
  read: ManifestReader<M>,
): Promise<ScannedBackup<M>> {
  const { schedule, startedAt } = tryParseBackupId(id)!;
  const base = {
    id,
    schedule,
    startedAt,
    keys: objects.map((o) => o.key).sort(),
    bytes: objects.reduce((sum, o) => sum + o.bytes, 0),
  };
  const names = new Map(objects.map((o) => [o.key.slice(o.key.lastIndexOf("/") + 1), o.bytes]));
  if (!names.has(MANIFEST_OBJECT)) {
    const problem = `incomplete: no ${MANIFEST_OBJECT} (still running, or the run died)`;
    return { ...base, status: "incomplete", problem, manifest: undefined };
  }
  let manifest: M;
  try {
    manifest = await read(store, location, id);
  } catch (err) {
    if (!(err instanceof ManifestError)) throw err;
    // "missing" here means it was deleted between list and read (retention running).
    const status = err.reason === "missing" ? "incomplete" : "damaged";
    return { ...base, status, problem: err.message, manifest: undefined };
  }
  for (const object of manifest.objects) {
    const bytes = names.get(object.name);
    const problem =
      bytes === undefined
        ? `${object.name} is missing`
        : bytes !== object.bytes
          ? `${object.name} has ${bytes} bytes, the manifest says ${object.bytes}`
          : undefined;
    if (problem) return { ...base, status: "damaged", problem, manifest };
  }
  return { ...base, status: "complete", problem: undefined, manifest };
}

export interface BackupEntry<M extends ListedManifest = Manifest> {
  readonly id: string;
  readonly schedule: string;
  readonly operator: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Bytes of all objects the manifest names. */
  readonly size: number;
  /** "1.2 GiB". */
  readonly sizeText: string;
  readonly ageMs: number;
  /** "3 h", "12.5 d". */
  readonly age: string;
  readonly url: string;
  readonly manifest: M;
}

/** Restorable (complete) backups of a database, newest first. */
export async function listBackups<M extends ListedManifest = Manifest>(
  store: ObjectStore,
  location: BackupLocation,
  now: Date = new Date(),
  read?: ManifestReader<M>,
): Promise<BackupEntry<M>[]> {
  const scanned = await scanBackups(store, location, read);
  return scanned.flatMap((b) => {
    if (b.status !== "complete" || !b.manifest) return [];
    const m = b.manifest;
    const size = m.objects.reduce((sum, o) => sum + o.bytes, 0);
    const ageMs = now.getTime() - Date.parse(m.startedAt);
    const url = store.describe(`${databasePrefix(location)}${b.id}/`);
    const entry: BackupEntry<M> = {
      id: b.id,
      schedule: m.schedule,
      operator: m.operator,
      startedAt: m.startedAt,
      finishedAt: m.finishedAt,
      size,
      sizeText: formatBytes(size),
      ageMs,
      age: formatAge(ageMs),
      url,
      manifest: m,
    };
    return [entry];
  });
}

/** "45 min", "3 h", "12.5 d": ages in listings. */
export function formatAge(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 60) return `${Math.max(0, Math.round(minutes))} min`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
  return `${(minutes / 1440).toFixed(1)} d`;
}
