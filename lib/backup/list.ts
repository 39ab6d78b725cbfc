import { basename } from "node:path";
import { failedReason } from "./failed-mark.js";
import { BackupVerificationError, checkObjects, describeMismatch } from "./integrity.js";
import type { Mismatch } from "./integrity.js";
import {
  databasePrefix,
  FAILED_OBJECT,
  MANIFEST_OBJECT,
  newestFirst,
  tryParseBackupId,
} from "./layout.js";
import type { BackupLocation } from "./layout.js";
import { ManifestError, readManifest } from "./manifest.js";
import { judge, type JudgedPartial } from "./partials.js";
import type { Manifest } from "./manifest.js";
import { formatBytes } from "./store.js";
import type { ListedObject, ObjectStore } from "./store.js";
import { t } from "../i18n/index.js";

/**
 * What a destination holds for one database, and which backup a restore may use. Every backup
 * directory is classified from the listing and its manifest: complete (manifest valid, its own
 * checksum right, every object it names present with its size), partial (no manifest, an object
 * still being written or left half-written by a run that died), incomplete (no manifest, nothing
 * being written), failed (its read-back marked it) or damaged (manifest unreadable or
 * changed, an object missing or of another size; with sha256 checks, an object whose digest
 * differs). Only complete backups are restorable, and `chooseBackup` is the one place that
 * picks one for verify-backup, restore-db and list-backups.
 */

export type BackupStatus = "complete" | "incomplete" | "partial" | "damaged" | "failed";

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
  /** Why it is not complete, without the status: "no manifest.json (still running, or …)". */
  readonly problem: string | undefined;
  readonly manifest: M | undefined;
  /** Every complete object under the backup's prefix. */
  readonly keys: readonly string[];
  /** Of the objects and the partial ones. */
  readonly bytes: number;
  /** Objects being written, or left half-written by a run that died, each judged. */
  readonly partials: readonly JudgedPartial[];
  /** Every object was read and its sha256 compared with the manifest's (`sha256: true`). */
  readonly sha256Checked: boolean;
  /** What differed, when the sha256 check found the objects changed. */
  readonly mismatches?: readonly Mismatch[];
}

export interface ScanOptions<M extends ListedManifest = Manifest> {
  /** @default readManifest (database backups) */
  readonly read?: ManifestReader<M>;
  /**
   * Also read every object of every complete backup and compare its sha256 with the manifest
   * (`list-backups --verify`): sizes alone do not reveal a flipped byte. @default false
   */
  readonly sha256?: boolean;
  readonly signal?: AbortSignal;
}

/** All backups of a database, newest first. Keys under the prefix that are not backup ids are ignored. */
export async function scanBackups<M extends ListedManifest = Manifest>(
  store: ObjectStore,
  location: BackupLocation,
  opts: ScanOptions<M> = {},
): Promise<ScannedBackup<M>[]> {
  const read = opts.read ?? (readManifest as unknown as ManifestReader<M>);
  const prefix = databasePrefix(location);
  const groups = new Map<string, { objects: ListedObject[]; partials: JudgedPartial[] }>();
  const group = (key: string) => {
    const id = key.slice(prefix.length).split("/")[0]!;
    if (!tryParseBackupId(id)) return undefined;
    if (!groups.has(id)) groups.set(id, { objects: [], partials: [] });
    return groups.get(id)!;
  };
  const [objects, partials] = await Promise.all([store.list(prefix), store.listPartial(prefix)]);
  for (const object of objects) group(object.key)?.objects.push(object);
  for (const partial of partials) group(partial.key)?.partials.push(judge(partial));
  const scanned = await Promise.all(
    [...groups].map(([id, found]) => classify(store, location, id, found, read)),
  );
  if (!opts.sha256) return newestFirst(scanned);
  // One at a time: each is a full read of a dump.
  const checked: ScannedBackup<M>[] = [];
  for (const backup of newestFirst(scanned)) {
    checked.push(await checkSha256(store, location, backup, opts.signal));
  }
  return checked;
}

async function classify<M extends ListedManifest>(
  store: ObjectStore,
  location: BackupLocation,
  id: string,
  { objects, partials }: { objects: readonly ListedObject[]; partials: readonly JudgedPartial[] },
  read: ManifestReader<M>,
): Promise<ScannedBackup<M>> {
  const { schedule, startedAt } = tryParseBackupId(id)!;
  const base = {
    id,
    schedule,
    startedAt,
    keys: objects.map((o) => o.key).sort(),
    bytes: [...objects, ...partials].reduce((sum, o) => sum + o.bytes, 0),
    partials,
    sha256Checked: false,
  };
  const names = new Map(objects.map((o) => [o.key.slice(o.key.lastIndexOf("/") + 1), o.bytes]));
  if (!names.has(MANIFEST_OBJECT)) {
    if (partials.length > 0) {
      const problem = partials.map((p) => `${basename(p.name)}: ${p.reason}`).join("; ");
      return { ...base, status: "partial", problem, manifest: undefined };
    }
    const problem = t`no ${MANIFEST_OBJECT} (still running, or the run died)`;
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
  if (names.has(FAILED_OBJECT)) {
    const problem = await failedReason(store, location, id);
    return { ...base, status: "failed", problem, manifest };
  }
  for (const object of manifest.objects) {
    const bytes = names.get(object.name);
    const problem =
      bytes === undefined
        ? t`${object.name} is missing`
        : bytes !== object.bytes
          ? t`${object.name} has ${bytes} bytes, the manifest says ${object.bytes}`
          : undefined;
    if (problem) return { ...base, status: "damaged", problem, manifest };
  }
  return { ...base, status: "complete", problem: undefined, manifest };
}

/** A complete backup read in full: damaged when any object's sha256 differs from the manifest's. */
async function checkSha256<M extends ListedManifest>(
  store: ObjectStore,
  location: BackupLocation,
  backup: ScannedBackup<M>,
  signal?: AbortSignal,
): Promise<ScannedBackup<M>> {
  if (backup.status !== "complete" || !backup.manifest) return backup;
  const mismatches = await checkObjects(store, location, backup.manifest, signal);
  if (mismatches.length === 0) return { ...backup, sha256Checked: true };
  const problem = mismatches.map(describeMismatch).join("; ");
  return { ...backup, status: "damaged", problem, sha256Checked: true, mismatches };
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
  /** Its objects were read and their sha256 compared with the manifest in this listing. */
  readonly sha256Checked: boolean;
}

/** Restorable (complete) backups of a database, newest first. */
export async function listBackups<M extends ListedManifest = Manifest>(
  store: ObjectStore,
  location: BackupLocation,
  now: Date = new Date(),
  read?: ManifestReader<M>,
): Promise<BackupEntry<M>[]> {
  const scanned = await scanBackups(store, location, { read });
  return scanned.flatMap((b) =>
    b.status === "complete" ? [entryOf(store, location, b, now)] : [],
  );
}

/** A complete backup as listings show it. */
export function entryOf<M extends ListedManifest>(
  store: ObjectStore,
  location: BackupLocation,
  b: ScannedBackup<M>,
  now: Date = new Date(),
): BackupEntry<M> {
  const m = b.manifest!;
  const size = m.objects.reduce((sum, o) => sum + o.bytes, 0);
  const ageMs = now.getTime() - Date.parse(m.startedAt);
  return {
    id: b.id,
    schedule: m.schedule,
    operator: m.operator,
    startedAt: m.startedAt,
    finishedAt: m.finishedAt,
    size,
    sizeText: formatBytes(size),
    ageMs,
    age: formatAge(ageMs),
    url: store.describe(`${databasePrefix(location)}${b.id}/`),
    manifest: m,
    sha256Checked: b.sha256Checked,
  };
}

/** A backup `chooseBackup` passed over, and why: what the plan shows before a restore. */
export interface SkippedBackup {
  readonly id: string;
  readonly status: BackupStatus;
  /** "failed: its read-back failed (…): …": the status, once, and the reason. */
  readonly reason: string;
}

export interface BackupChoice {
  readonly chosen: BackupEntry;
  /** Newer backups passed over for "latest", or the named one's problem; newest first. */
  readonly skipped: readonly SkippedBackup[];
}

export interface ChooseOptions {
  /**
   * Read the candidates' objects and compare their sha256 with the manifest, newest first until
   * one matches: a restore must not even start from a dump with a flipped byte. @default false
   */
  readonly sha256?: boolean;
  /** A scan already made (list-backups): no second listing. */
  readonly scanned?: readonly ScannedBackup[];
  readonly signal?: AbortSignal;
  /** @default new Date() */
  readonly now?: Date;
}

/** No backup the caller asked for is restorable; the message says what was found instead. */
export class NoRestorableBackupError extends Error {
  override name = "NoRestorableBackupError";
  constructor(
    message: string,
    readonly skipped: readonly SkippedBackup[],
  ) {
    super(message);
  }
}

/**
 * The backup that `wanted` ("latest" or an id) means: "latest" is the newest backup that passed
 * its checks (complete; with `sha256`, its digests match too), and every newer one is reported as
 * skipped with the reason; an id is that backup, if it passes them. Throws
 * `NoRestorableBackupError` naming what was skipped when none does.
 */
export async function chooseBackup(
  store: ObjectStore,
  location: BackupLocation,
  wanted: string,
  opts: ChooseOptions = {},
): Promise<BackupChoice> {
  const all = opts.scanned ?? (await scanBackups(store, location));
  const candidates = wanted === "latest" ? all : all.filter((b) => b.id === wanted);
  const skipped: SkippedBackup[] = [];
  for (const candidate of candidates) {
    const backup = opts.sha256
      ? await checkSha256(store, location, candidate, opts.signal)
      : candidate;
    if (backup.status === "complete") {
      return { chosen: entryOf(store, location, backup, opts.now), skipped };
    }
    if (wanted !== "latest" && backup.mismatches) {
      const url = store.describe(`${databasePrefix(location)}${backup.id}/`);
      throw new BackupVerificationError(backup.id, backup.mismatches, url);
    }
    skipped.push({ id: backup.id, status: backup.status, reason: statusText(backup) });
  }
  throw new NoRestorableBackupError(noneMessage(store, location, wanted, all, skipped), skipped);
}

/**
 * "skipped 2 newer: A (failed: …), B (damaged: …)": one line for a plan's summary, each reason cut
 * to `width` characters and at most `max` backups named (the step's evidence has them all).
 */
export function skippedText(skipped: readonly SkippedBackup[], max = 5, width = 120): string {
  if (skipped.length === 0) return t`skipped none`;
  const cut = (text: string) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);
  const named = skipped.slice(0, max).map((s) => `${s.id} (${cut(s.reason)})`);
  const more = skipped.length > max ? t`, and ${skipped.length - max} more` : "";
  return t`skipped ${skipped.length} newer: ${named.join(", ")}${more}`;
}

/** "complete", or "damaged: dump.pgcustom.zst has 12 bytes, …": the status once, then why. */
export function statusText(backup: Pick<ScannedBackup, "status" | "problem">): string {
  return backup.problem ? `${backup.status}: ${backup.problem}` : backup.status;
}

function noneMessage(
  store: ObjectStore,
  location: BackupLocation,
  wanted: string,
  all: readonly ScannedBackup[],
  skipped: readonly SkippedBackup[],
): string {
  const where = t`database ${location.database} in ${store.describe(databasePrefix(location))}`;
  if (wanted !== "latest" && skipped.length === 0) {
    const newest = all.slice(0, 5).map((b) => b.id);
    return t`no backup ${wanted} of ${where} (newest: ${newest.join(", ") || t`none`})`;
  }
  if (wanted !== "latest")
    return t`backup ${wanted} of ${where} is not restorable: ${skipped[0]!.reason}`;
  if (skipped.length === 0) return t`no backup of ${where}`;
  const lines = skipped.slice(0, 10).map((s) => `  ${s.id}: ${s.reason}`);
  const more = skipped.length > 10 ? [t`  … and ${skipped.length - 10} more`] : [];
  return t`no restorable backup of ${where}; every one was skipped:\n${[...lines, ...more].join("\n")}`;
}

/** "45 min", "3 h", "12.5 d": ages in listings. */
export function formatAge(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 60) return `${Math.max(0, Math.round(minutes))} min`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
  return `${(minutes / 1440).toFixed(1)} d`;
}
