import {
  backupArgs,
  backupCronJobNames,
  restoreDrillArgs,
  type BackupJob,
} from "./backup/job-names.js";
import {
  logRotationCronJobName,
  rotateLogsArgs,
  rotatedEntries,
  LOG_ROTATION_SCHEDULE,
  type ClaimedLogFiles,
} from "./logs/job-names.js";
import { mountDirectory } from "./logs/patterns.js";
import type { Platform, Priority } from "./model/index.js";
import type { FirstCommand } from "./monitoring/contract.js";
import { cronJobArgs, MAX_CRONJOB_NAME, objectName, type Component } from "./naming.js";
import { EXPORT_SCHEDULE } from "./nocobase/export-store.js";

/**
 * Every CronJob guardia runs in a stack's namespace, as data: infra/guardia-cronjob.ts builds a
 * CronJob from one of these, and the monitoring gives each one an alert when its newest run
 * failed (lib/monitoring/alerts/jobs.ts). A new scheduled runbook is one more entry of
 * `guardiaJobs`: its CronJob and its alert then come from the same entry.
 */

export interface GuardiaJob {
  /** The CronJob's metadata.name; its Jobs are named `<cronJob>-<minutes since epoch>`. */
  readonly cronJob: string;
  /** `app.kubernetes.io/component` of the CronJob, its Jobs and pods. */
  readonly component: Component;
  /** The cron expression, in the stack's `jobs.timeZone`. */
  readonly cron: string;
  /** The runbook's argv after `guardia` (`cronJobArgs`). */
  readonly args: readonly string[];
  /** What the job works on, as the labels of its alert (`cronjob` always among them). */
  readonly subject: Readonly<Record<string, string>>;
  /** The alert of a failed run, its priority and what the run is called in its texts. */
  readonly failed: {
    readonly alert: string;
    /** The alert's rule group ("backups", "jobs"). */
    readonly group: string;
    readonly priority: Priority;
    /** "the daily backup of mira". */
    readonly what: string;
    /** Why a failure matters, a clause after "failed and no run succeeded since: ". */
    readonly consequence: string;
    /** What an engineer runs by hand instead. */
    readonly first: FirstCommand;
  };
}

/** The stack's CronJobs: backups and restore drills, log rotation, the collections export. */
export function guardiaJobs(platform: Platform): GuardiaJob[] {
  return [
    ...backupCronJobNames(platform).map(backupGuardiaJob),
    ...rotatedEntries(platform).map((entry) => logRotationJob(platform, entry)),
    ...(platform.collections?.export && platform.backups ? [collectionsExportJob(platform)] : []),
  ];
}

export function backupGuardiaJob(job: BackupJob): GuardiaJob {
  const { database, schedule, cronJob } = job;
  const subject = { database, schedule, cronjob: cronJob };
  if (job.kind === "restore-drill") {
    const first: FirstCommand = { runbook: "verify-backup", flags: { database, backup: "latest" } };
    return {
      cronJob,
      component: "restore-drill",
      cron: job.cron,
      args: restoreDrillArgs(database),
      subject,
      failed: {
        alert: "RestoreDrillFailed",
        group: "backups",
        priority: "P3",
        what: `restore drill of ${database}`,
        consequence:
          "the latest backup could not be restored and verified, it may not be restorable",
        first,
      },
    };
  }
  const first: FirstCommand = { runbook: "backup-db", flags: { database, schedule } };
  return {
    cronJob,
    component: "backup",
    cron: job.cron,
    args: backupArgs(database, schedule),
    subject,
    failed: {
      alert: "BackupJobFailed",
      group: "backups",
      priority: "P2",
      what: `${schedule} backup of ${database}`,
      consequence: "the newest backup grows older with every hour",
      first,
    },
  };
}

export function logRotationJob(platform: Platform, entry: ClaimedLogFiles): GuardiaJob {
  const cronJob = logRotationCronJobName(platform, entry);
  return {
    cronJob,
    component: "log-rotation",
    cron: LOG_ROTATION_SCHEDULE.expression,
    args: rotateLogsArgs(entry.name, mountDirectory(entry.paths)),
    subject: { logs: entry.name, cronjob: cronJob },
    failed: {
      alert: "LogRotationFailed",
      group: "jobs",
      priority: "P3",
      what: `log rotation of ${entry.name}`,
      consequence: "its log files grow until the volume is full",
      first: { runbook: "rotate-logs", flags: { logs: entry.name } },
    },
  };
}

export function collectionsExportJob(platform: Platform): GuardiaJob {
  const cronJob = objectName(platform, ["export-collections"], MAX_CRONJOB_NAME);
  return {
    cronJob,
    component: "collections-export",
    cron: platform.collections!.export!.cron.expression,
    args: cronJobArgs("export-collections", { schedule: EXPORT_SCHEDULE }),
    subject: { cronjob: cronJob },
    failed: {
      alert: "CollectionsExportFailed",
      group: "jobs",
      priority: "P3",
      what: "export of the NocoBase collections",
      consequence: "the newest export of the collections' definitions grows older every day",
      first: { runbook: "export-collections" },
    },
  };
}
