import type { BackupSchedule } from "../model/index.js";
import { checkObjects, describeMismatch } from "./integrity.js";
import { databasePrefix, DUMP_OBJECT, MANIFEST_OBJECT } from "./layout.js";
import type { BackupLocation } from "./layout.js";
import { scanBackups } from "./list.js";
import type { ScannedBackup } from "./list.js";
import type { ObjectStore } from "./store.js";

/**
 * Retention for file:// destinations (S3 buckets expire objects with lifecycle rules instead).
 * The seed's `find -mtime +30 -delete` deletes the last good backup when backups have been failing
 * for a month; this keeps, per schedule, the newest complete backup whatever its age, and deletes
 * nothing at all while the newest backup of the database is incomplete or fails its checksum —
 * that is the moment the old ones may be all there is. Planning is separate from deleting, so a
 * dry run prints the plan.
 */

export interface RetentionItem {
  readonly id: string;
  readonly schedule: string;
  readonly ageDays: number;
  readonly reason: string;
  /** Objects to delete (or kept), manifest first. */
  readonly keys: readonly string[];
}

export interface RetentionPlan {
  readonly location: BackupLocation;
  readonly url: string;
  readonly now: string;
  readonly delete: readonly RetentionItem[];
  readonly keep: readonly RetentionItem[];
  /** Set when nothing may be deleted, with the reason. */
  readonly blocked: string | undefined;
}

export interface RetentionOptions {
  readonly store: ObjectStore;
  readonly location: BackupLocation;
  /** The stack's schedules: keepDays per schedule name. */
  readonly schedules: readonly Pick<BackupSchedule, "name" | "keepDays">[];
  /** @default new Date() */
  readonly now?: Date;
}

const DAY_MS = 86_400_000;

export async function planRetention(opts: RetentionOptions): Promise<RetentionPlan> {
  const { store, location } = opts;
  const now = opts.now ?? new Date();
  const backups = await scanBackups(store, location);
  const base = {
    location,
    url: store.describe(databasePrefix(location)),
    now: now.toISOString(),
  };
  const item = (b: ScannedBackup, reason: string): RetentionItem => ({
    id: b.id,
    schedule: b.schedule,
    ageDays: Math.round(((now.getTime() - b.startedAt.getTime()) / DAY_MS) * 10) / 10,
    reason,
    keys: deletionOrder(b.keys),
  });
  const blocked = await newestProblem(store, location, backups);
  if (blocked) {
    const keep = backups.map((b) => item(b, "kept: retention is blocked"));
    return { ...base, delete: [], keep, blocked };
  }
  const keepDays = new Map(opts.schedules.map((s) => [s.name, s.keepDays]));
  // backups is newest first, so the first complete one seen per schedule is its newest.
  const newestComplete = new Map<string, string>();
  for (const b of backups) {
    if (b.status === "complete" && !newestComplete.has(b.schedule)) {
      newestComplete.set(b.schedule, b.id);
    }
  }
  const plan = { delete: [] as RetentionItem[], keep: [] as RetentionItem[] };
  for (const b of backups) {
    const days = keepDays.get(b.schedule);
    const age = now.getTime() - b.startedAt.getTime();
    if (days === undefined) {
      plan.keep.push(
        item(b, `schedule "${b.schedule}" is not in the stack, so it has no keepDays`),
      );
    } else if (age <= days * DAY_MS) {
      plan.keep.push(item(b, `within keepDays ${days} of schedule ${b.schedule}`));
    } else if (newestComplete.get(b.schedule) === b.id) {
      plan.keep.push(
        item(b, `older than ${days} days, but the newest complete ${b.schedule} backup`),
      );
    } else {
      const what = b.status === "complete" ? "older" : `${b.status} and older`;
      plan.delete.push(item(b, `${what} than keepDays ${days} of schedule ${b.schedule}`));
    }
  }
  return { ...base, ...plan, blocked: undefined };
}

/**
 * Why the newest backup cannot be trusted, or undefined. Its dump is read in full and hashed: a
 * manifest alone does not prove the bytes beside it are intact.
 */
async function newestProblem(
  store: ObjectStore,
  location: BackupLocation,
  backups: readonly ScannedBackup[],
): Promise<string | undefined> {
  const newest = backups[0];
  if (!newest) return undefined;
  const blocked = (why: string) =>
    `newest backup ${newest.id} ${why}; nothing is deleted until a newer backup is complete and verified`;
  if (newest.status !== "complete" || !newest.manifest) {
    return blocked(`is ${newest.status} (${newest.problem})`);
  }
  const mismatches = await checkObjects(store, location, newest.manifest);
  if (mismatches.length > 0) {
    return blocked(`fails its checksum: ${mismatches.map(describeMismatch).join("; ")}`);
  }
  return undefined;
}

/** Manifest first: a backup caught half-deleted must read as incomplete, never as restorable. */
function deletionOrder(keys: readonly string[]): string[] {
  const rank = (key: string) =>
    key.endsWith(`/${MANIFEST_OBJECT}`) ? 0 : key.endsWith(`/${DUMP_OBJECT}`) ? 2 : 1;
  return [...keys].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export interface RetentionResult {
  readonly deleted: readonly string[];
  readonly keys: number;
}

/** Deletes what the plan says, nothing else; a blocked plan deletes nothing. */
export async function applyRetention(
  store: ObjectStore,
  plan: RetentionPlan,
): Promise<RetentionResult> {
  if (plan.blocked) return { deleted: [], keys: 0 };
  let keys = 0;
  for (const backup of plan.delete) {
    for (const key of backup.keys) {
      await store.delete(key);
      keys++;
    }
  }
  return { deleted: plan.delete.map((b) => b.id), keys };
}
