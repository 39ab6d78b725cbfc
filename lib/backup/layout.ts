import { randomBytes } from "node:crypto";
import { compactUtc, parseCompactUtc } from "./stamp.js";
import type { Database, Platform } from "../model/index.js";
import { t } from "../i18n/index.js";

/**
 * Where backups live under a destination, the layout every backup, listing and restore shares:
 * `<platform>/<env>/<database>/<backup-id>/{dump.pgcustom.zst,manifest.json}`. The id starts with
 * the UTC start time, so sorting ids sorts backups by time, in any object store's listing, and
 * ends with a random run tag, so two runs that start in the same second (two CronJob pods, a
 * manual run beside the scheduled one) never share a directory: `20261123T020000Z-daily_3f9a1c`.
 */

export const DUMP_OBJECT = "dump.pgcustom.zst";

/**
 * Object tag naming the schedule of a backup's objects. Backup ids end with the schedule, so an
 * S3 key prefix cannot select one schedule; the bucket's lifecycle rules match this tag instead
 * (infra/backup/storage-s3.ts) to expire each schedule after its keepDays.
 */
export const SCHEDULE_TAG = "guardia-schedule";
export const MANIFEST_OBJECT = "manifest.json";
/**
 * Written beside the manifest when a backup's read-back found it does not hold what its manifest
 * says: listing, verification and restores skip it. An object of its own, because an S3 backup
 * role cannot delete (and Object Lock forbids deleting) the manifest.
 */
export const FAILED_OBJECT = "failed.json";

/** Which database's backups: the platform, its environment and the database's logical name. */
export interface BackupLocation {
  readonly platform: string;
  readonly environment: string;
  /** The logical name from the stack (`--database mira`), not the PostgreSQL database name. */
  readonly database: string;
}

export function locationOf(platform: Platform, database: Database): BackupLocation {
  return { platform: platform.name, environment: platform.environment, database: database.name };
}

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const SCHEDULE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** A schedule has no "_", so the run tag after it is unambiguous; ids of older guardia have none. */
const ID = /^(\d{8}T\d{6}Z)-([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:_([0-9a-f]{6}))?$/;

/** `mira/prod/mira/`: the key prefix of one database's backups, with the trailing slash. */
export function databasePrefix(location: BackupLocation): string {
  for (const [field, value] of Object.entries(location)) {
    if (!SEGMENT.test(value)) {
      throw new Error(
        t`backup location: ${field} ${JSON.stringify(value)} is not a safe path segment`,
      );
    }
  }
  return `${location.platform}/${location.environment}/${location.database}/`;
}

/** `mira/prod/mira/20261123T020000Z-daily/`. */
export function backupPrefix(location: BackupLocation, id: string): string {
  parseBackupId(id);
  return `${databasePrefix(location)}${id}/`;
}

export function objectKey(location: BackupLocation, id: string, object: string): string {
  return `${backupPrefix(location, id)}${object}`;
}

/** A run tag: 6 random hex digits (16.7 million per second and schedule). */
export function runTag(): string {
  return randomBytes(3).toString("hex");
}

/**
 * `20261123T020000Z-daily_3f9a1c` from the start time (whole seconds, UTC), the schedule name and
 * the run's tag (random unless given).
 */
export function backupId(startedAt: Date, schedule: string, run: string = runTag()): string {
  if (!SCHEDULE.test(schedule)) {
    throw new Error(
      t`schedule name ${JSON.stringify(schedule)} cannot go into a backup id: use lowercase letters, digits and "-"`,
    );
  }
  if (!/^[0-9a-f]{6}$/.test(run)) throw new Error(`run tag ${JSON.stringify(run)}: 6 hex digits`);
  return `${compactUtc(startedAt)}-${schedule}_${run}`;
}

export interface ParsedBackupId {
  readonly id: string;
  readonly startedAt: Date;
  readonly schedule: string;
  /** The run tag; undefined for an id made by a guardia that had none. */
  readonly run: string | undefined;
}

/** The start time and schedule inside an id; throws on anything that is not one. */
export function parseBackupId(id: string): ParsedBackupId {
  const parsed = tryParseBackupId(id);
  if (!parsed) {
    throw new Error(
      t`${JSON.stringify(id)} is not a backup id (expected e.g. 20261123T020000Z-daily_3f9a1c)`,
    );
  }
  return parsed;
}

export function tryParseBackupId(id: string): ParsedBackupId | undefined {
  const m = ID.exec(id);
  const startedAt = m ? parseCompactUtc(m[1]!) : undefined;
  return m && startedAt ? { id, startedAt, schedule: m[2]!, run: m[3] } : undefined;
}

/** Newest first: ids start with the UTC time, so the reverse string order is the time order. */
export function newestFirst<T extends { readonly id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}
