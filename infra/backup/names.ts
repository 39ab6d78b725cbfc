import type { Backups, Database, Platform } from "../../lib/model/index.js";
import { MAX_CRONJOB_NAME, objectName, STACK_FILE_IN_CLUSTER } from "../../lib/naming.js";

/**
 * Names and schedule facts of the backup CronJobs, kept free of Pulumi so that monitoring rules
 * ("backup too old", "job failed") and runbooks can use them without loading the Pulumi program.
 */

export { SCHEDULE_TAG } from "../../lib/backup/layout.js";

/** The `schedule` of a restore drill in `backupCronJobNames` and in the pod's labels. */
export const RESTORE_DRILL = "restore-drill";

/** Labels on every backup and drill pod, for dashboards and `kubectl get pods -l`. */
export const DATABASE_LABEL = "guardia.io/database";
export const SCHEDULE_LABEL = "guardia.io/schedule";

export interface BackupCronJob {
  readonly database: string;
  /** The backup schedule's name, or "restore-drill" for a drill. */
  readonly schedule: string;
  /** The CronJob's metadata.name; its Jobs are named `<cronJob>-<minutes since epoch>`. */
  readonly cronJob: string;
  readonly kind: "backup" | "restore-drill";
  /** The cron expression, in the stack's `jobs.timeZone`. */
  readonly cron: string;
  /**
   * The longest gap between two runs over the coming year, in seconds (computed in UTC; a
   * daylight-saving change in `jobs.timeZone` can stretch one gap by an hour).
   */
  readonly maxIntervalSeconds: number;
}

/**
 * Every CronJob the backup component creates for a stack: one per database and schedule, plus
 * one restore drill per database when the stack has one. Empty without `backups`.
 */
export function backupCronJobNames(platform: Platform): BackupCronJob[] {
  const backups = platform.backups;
  if (!backups) return [];
  return platform.databases.flatMap((db) => [
    ...backups.schedules.map((schedule): BackupCronJob => ({
      database: db.name,
      schedule: schedule.name,
      cronJob: backupCronJobName(platform, db, schedule.name),
      kind: "backup",
      cron: schedule.cron.expression,
      maxIntervalSeconds: schedule.cron.maxIntervalSeconds(),
    })),
    ...restoreDrills(platform, db, backups),
  ]);
}

function restoreDrills(platform: Platform, db: Database, backups: Backups): BackupCronJob[] {
  if (!backups.restoreDrill) return [];
  const { cron } = backups.restoreDrill;
  return [
    {
      database: db.name,
      schedule: RESTORE_DRILL,
      cronJob: restoreDrillCronJobName(platform, db),
      kind: "restore-drill",
      cron: cron.expression,
      maxIntervalSeconds: cron.maxIntervalSeconds(),
    },
  ];
}

/** `<platform>-backup-<database>-<schedule>`, shortened with a hash past the CronJob limit. */
export function backupCronJobName(platform: Platform, db: Database, schedule: string): string {
  return objectName(platform, ["backup", db.name, schedule], MAX_CRONJOB_NAME);
}

/** `<platform>-restore-drill-<database>`. */
export function restoreDrillCronJobName(platform: Platform, db: Database): string {
  return objectName(platform, [RESTORE_DRILL, db.name], MAX_CRONJOB_NAME);
}

/** The PersistentVolumeClaim of a file:// destination; one per stack, shared by its databases. */
export function backupClaimName(platform: Platform): string {
  return objectName(platform, ["backups"]);
}

/**
 * The IRSA role. IAM names are global to the AWS account, where several environments of one
 * platform often live, so the environment is part of the name (IAM allows 64 characters).
 */
export function backupRoleName(platform: Platform): string {
  return objectName(platform, [platform.environment, "guardia-backup"], 64);
}

/**
 * Where this stack's backups live inside the bucket: `<prefix>/<platform>/<env>/`, followed by
 * `<database>/<backup-id>/` (DESIGN.md, Backups). No leading slash when the prefix is empty.
 */
export function stackKeyPrefix(platform: Platform, prefix: string): string {
  return `${[prefix, platform.name, platform.environment].filter((p) => p !== "").join("/")}/`;
}

/** `backup-db` as a CronJob runs it (argv after `guardia`); `stack` is a name or a path. */
export function backupArgs(database: string, schedule: string, stack = STACK_FILE_IN_CLUSTER) {
  return [
    "backup-db",
    "--stack",
    stack,
    "--database",
    database,
    "--schedule",
    schedule,
    "--yes",
    "--json",
  ];
}

/** `verify-backup` of the latest backup, as the restore drill runs it (argv after `guardia`). */
export function restoreDrillArgs(database: string, stack = STACK_FILE_IN_CLUSTER) {
  return [
    "verify-backup",
    "--stack",
    stack,
    "--database",
    database,
    "--backup",
    "latest",
    "--yes",
    "--json",
  ];
}
