import type { Backups, Database, Platform } from "../model/index.js";
import { cronJobArgs, MAX_CRONJOB_NAME, objectName } from "../naming.js";

/**
 * Names, labels, commands and schedule facts of the backup and restore-drill CronJobs, kept free
 * of Pulumi so that monitoring rules ("backup too old", "job failed"), infra/backup/ and the
 * runbooks share them without loading the Pulumi program.
 */

/** The `schedule` of a restore drill in `backupCronJobNames` and in the pod's labels. */
export const RESTORE_DRILL = "restore-drill";

/** Labels on every backup and drill pod, for dashboards and `kubectl get pods -l`. */
export const DATABASE_LABEL = "guardia.io/database";
export const SCHEDULE_LABEL = "guardia.io/schedule";

/** A backup or restore-drill CronJob, as the alerts and the dashboard watch it. */
export interface BackupJob {
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
export function backupCronJobNames(platform: Platform): BackupJob[] {
  return platform.databases.flatMap((db) => backupJobsOf(platform, db));
}

/** The CronJobs of one database: its schedules, then the restore drill. */
export function backupJobsOf(platform: Platform, db: Database): BackupJob[] {
  const backups = platform.backups;
  if (!backups) return [];
  return [
    ...backups.schedules.map((schedule): BackupJob => ({
      database: db.name,
      schedule: schedule.name,
      cronJob: backupCronJobName(platform, db, schedule.name),
      kind: "backup",
      cron: schedule.cron.expression,
      maxIntervalSeconds: schedule.cron.maxIntervalSeconds(),
    })),
    ...restoreDrills(platform, db, backups),
  ];
}

function restoreDrills(platform: Platform, db: Database, backups: Backups): BackupJob[] {
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
 * `<database>/<backup-id>/` (the layout of lib/backup/layout.ts). No leading slash when the prefix is empty.
 */
export function stackKeyPrefix(platform: Platform, prefix: string): string {
  return `${[prefix, platform.name, platform.environment].filter((p) => p !== "").join("/")}/`;
}

/** `backup-db` as its CronJob runs it (argv after `guardia`). */
export function backupArgs(database: string, schedule: string): string[] {
  return cronJobArgs("backup-db", { database, schedule });
}

/** `verify-backup` of the latest backup, as the restore drill runs it (argv after `guardia`). */
export function restoreDrillArgs(database: string): string[] {
  return cronJobArgs("verify-backup", { database, backup: "latest" });
}
