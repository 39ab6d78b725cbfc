import type { BackupSchedule } from "../model/index.js";
import { checkObjects, describeMismatch } from "./integrity.js";
import { databasePrefix, DUMP_OBJECT, MANIFEST_OBJECT } from "./layout.js";
import type { BackupLocation } from "./layout.js";
import { scanBackups } from "./list.js";
import type { ListedManifest, ManifestReader, ScannedBackup } from "./list.js";
import { removePartials, type JudgedPartial, type PartialRemoval } from "./partials.js";
import type { ObjectStore } from "./store.js";
import { t } from "../i18n/index.js";

/**
 * Retention for file:// destinations (S3 buckets expire objects with lifecycle rules instead).
 * The MIRA operations guide's `find -mtime +30 -delete` (Backup y Recovery: Política de Backup)
 * deletes the last good backup when backups have been failing for a month; this keeps, per schedule, the newest complete backup whatever its age, and deletes
 * nothing at all while the newest backup of the database is incomplete or fails its checksum —
 * that is the moment the old ones may be all there is. Planning is separate from deleting, so a
 * dry run prints the plan. Proving the newest backup intact means reading its dump in full, so a
 * caller that has just done so says which one it verified, and a preview may skip it.
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
  /**
   * Partial objects whose writer is gone (a run killed mid-write): removed even when retention
   * is blocked, since they are no backup at all.
   */
  readonly partials: readonly JudgedPartial[];
  /** Set when nothing may be deleted, with the reason. */
  readonly blocked: string | undefined;
  /**
   * How the newest backup's objects were proven intact: read and hashed now, trusted from the
   * caller's own verification, or not checked (a preview, which `applyRetention` refuses);
   * undefined when there is nothing to check (no backup, or the newest is not complete).
   */
  readonly newestCheck: "hashed" | "trusted" | "skipped" | undefined;
}

export interface RetentionOptions {
  readonly store: ObjectStore;
  readonly location: BackupLocation;
  /** The stack's schedules: keepDays per schedule name. */
  readonly schedules: readonly Pick<BackupSchedule, "name" | "keepDays">[];
  /** @default new Date() */
  readonly now?: Date;
  /**
   * The manifest of a backup whose objects the caller has just read and compared with it
   * (backup-db's verify step). When that is still the newest backup, with the same objects, its
   * dump is not read again.
   */
  readonly verified?: ListedManifest;
  /**
   * false: a preview that does not read the newest dump at all. Its plan says so and
   * `applyRetention` refuses it; plan again with the check before deleting. @default true
   */
  readonly checksum?: boolean;
  /** How the sets' manifests are read. @default readManifest (database backups) */
  readonly read?: ManifestReader<ListedManifest>;
}

const DAY_MS = 86_400_000;

export async function planRetention(opts: RetentionOptions): Promise<RetentionPlan> {
  const { store, location } = opts;
  const now = opts.now ?? new Date();
  const backups = await scanBackups(store, location, { read: opts.read });
  const base = {
    location,
    url: store.describe(databasePrefix(location)),
    now: now.toISOString(),
  };
  const item = (b: ScannedBackup<ListedManifest>, reason: string): RetentionItem => ({
    id: b.id,
    schedule: b.schedule,
    ageDays: Math.round(((now.getTime() - b.startedAt.getTime()) / DAY_MS) * 10) / 10,
    reason,
    keys: deletionOrder(b.keys),
  });
  const partials = backups.flatMap((b) => b.partials.filter((p) => p.stale));
  const { blocked, newestCheck } = await newestProblem(opts, backups);
  if (blocked) {
    const keep = backups.map((b) => item(b, t`kept: retention is blocked`));
    return { ...base, delete: [], keep, partials, blocked, newestCheck };
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
        item(b, t`schedule "${b.schedule}" is not in the stack, so it has no keepDays`),
      );
    } else if (age <= days * DAY_MS) {
      plan.keep.push(item(b, t`within keepDays ${days} of schedule ${b.schedule}`));
    } else if (newestComplete.get(b.schedule) === b.id) {
      plan.keep.push(
        item(b, t`older than ${days} days, but the newest complete ${b.schedule} backup`),
      );
    } else {
      const reason =
        b.status === "complete"
          ? t`older than keepDays ${days} of schedule ${b.schedule}`
          : t`${b.status} and older than keepDays ${days} of schedule ${b.schedule}`;
      plan.delete.push(item(b, reason));
    }
  }
  return { ...base, ...plan, partials, blocked: undefined, newestCheck };
}

/**
 * Why the newest backup cannot be trusted, if it cannot. Its dump is read in full and hashed (a
 * manifest alone does not prove the bytes beside it are intact), unless the caller verified that
 * very backup, or asked for a preview.
 */
async function newestProblem(
  opts: RetentionOptions,
  backups: readonly ScannedBackup<ListedManifest>[],
): Promise<Pick<RetentionPlan, "blocked" | "newestCheck">> {
  const newest = backups[0];
  if (!newest) return { blocked: undefined, newestCheck: undefined };
  const blocked = (why: string) =>
    t`newest backup ${newest.id} ${why}; nothing is deleted until a newer backup is complete and verified`;
  if (newest.status !== "complete" || !newest.manifest) {
    return { blocked: blocked(t`is ${newest.status} (${newest.problem})`), newestCheck: undefined };
  }
  if (opts.checksum === false) return { blocked: undefined, newestCheck: "skipped" };
  if (sameObjects(opts.verified, newest.manifest)) {
    return { blocked: undefined, newestCheck: "trusted" };
  }
  const mismatches = await checkObjects(opts.store, opts.location, newest.manifest);
  if (mismatches.length > 0) {
    const why = t`fails its checksum: ${mismatches.map(describeMismatch).join("; ")}`;
    return { blocked: blocked(why), newestCheck: "hashed" };
  }
  return { blocked: undefined, newestCheck: "hashed" };
}

/** The verified manifest is this backup's, naming the same objects, sizes and digests. */
function sameObjects(verified: ListedManifest | undefined, current: ListedManifest): boolean {
  if (!verified || verified.id !== current.id) return false;
  const key = (m: ListedManifest) =>
    JSON.stringify(m.objects.map((o) => [o.name, o.bytes, o.sha256]).sort());
  return key(verified) === key(current);
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
  /** Partial objects of dead runs removed, and those that could not be. */
  readonly partials: PartialRemoval;
}

/** Deletes what the plan says, nothing else; a blocked plan deletes no backup. */
export async function applyRetention(
  store: ObjectStore,
  plan: RetentionPlan,
): Promise<RetentionResult> {
  if (plan.newestCheck === "skipped" && !plan.blocked) {
    throw new Error(
      t`retention plan of ${plan.url} is a preview that did not check the newest backup's dump; plan again with the checksum before deleting`,
    );
  }
  const partials = await removePartials(store, plan.partials);
  if (plan.blocked) return { deleted: [], keys: 0, partials };
  let keys = 0;
  for (const backup of plan.delete) {
    for (const key of backup.keys) {
      await store.delete(key);
      keys++;
    }
  }
  return { deleted: plan.delete.map((b) => b.id), keys, partials };
}

/** One line for a step's summary: what expired, what stays, or why nothing may be deleted. */
export function retentionSummary(plan: RetentionPlan, what = "backup"): string {
  if (plan.blocked) return t`nothing deleted: ${plan.blocked}`;
  const preview =
    plan.newestCheck !== "skipped"
      ? ""
      : what === "export"
        ? t` (preview: checked after the new export is made)`
        : t` (preview: checked after the new backup is made)`;
  const kept = t`${plan.keep.length} kept${preview}`;
  return plan.delete.length === 0
    ? t`nothing expired; ${kept}`
    : t`${plan.delete.length} expired (${plan.delete.map((d) => d.id).join(", ")}); ${kept}`;
}

/** The target a "delete expired" step plans: what the preview found expired, and where. */
export function retentionTarget(
  plan: RetentionPlan | undefined,
  destination: { readonly url: string },
): Record<string, string> {
  return {
    delete: plan?.delete.map((d) => d.id).join(", ") || "nothing",
    destination: destination.url,
  };
}
