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
import { tr, type Language } from "./i18n/index.js";
import { periodName } from "./routine/report.js";
import type { Platform, Priority } from "./model/index.js";
import type { FirstCommand } from "./monitoring/contract.js";
import { cronJobArgs, MAX_CRONJOB_NAME, objectName, type Component } from "./naming.js";
import { EXPORT_SCHEDULE } from "./nocobase/export-store.js";
import {
  mediaCleanupArgs,
  mediaCleanupCronJobName,
  tokenRotationArgs,
  tokenRotationCronJobName,
} from "./chores/job-names.js";
import { routineArgs, routineJobs, type RoutineJob } from "./routine/job-names.js";

/**
 * Every CronJob guardia runs in a stack's namespace, as data: infra/guardia-cronjob.ts builds a
 * CronJob from one of these, and the monitoring gives each one an alert when its newest run
 * failed (lib/monitoring/alerts/jobs.ts). A new scheduled runbook is one more entry of
 * `guardiaJobs`: its CronJob and its alert then come from the same entry.
 */

/** What the CronJob builder needs: which runbook runs when, under which name. */
export interface ScheduledRunbook {
  /** The CronJob's metadata.name; its Jobs are named `<cronJob>-<minutes since epoch>`. */
  readonly cronJob: string;
  /** `app.kubernetes.io/component` of the CronJob, its Jobs and pods. */
  readonly component: Component;
  /** The cron expression, in the stack's `jobs.timeZone`. */
  readonly cron: string;
  /** The runbook's argv after `guardia` (`cronJobArgs`). */
  readonly args: readonly string[];
}

export interface GuardiaJob extends ScheduledRunbook {
  /** What the job works on, as the labels of its alert (`cronjob` always among them). */
  readonly subject: Readonly<Record<string, string>>;
  /** The alert of a failed run, its priority and what the run is called in its texts. */
  readonly failed: {
    readonly alert: string;
    /** The alert's rule group ("backups", "jobs"). */
    readonly group: string;
    readonly priority: Priority;
    /** The alert's summary in a language: "The daily backup of mira failed". */
    readonly summary: (language: Language) => string;
    /** Why a failure matters, a clause after "failed and no run succeeded since: ". */
    readonly consequence: (language: Language) => string;
    /** What an engineer runs by hand instead. */
    readonly first: FirstCommand;
  };
}

/**
 * The stack's CronJobs: backups and restore drills, log rotation, the collections export, the
 * hygiene chores and the routine checklists. (The smoke CronJob is not here: its alert waits for
 * two failed runs in a row, lib/monitoring/alerts/smoke.ts.)
 */
export function guardiaJobs(platform: Platform): GuardiaJob[] {
  return [
    ...backupCronJobNames(platform).map(backupGuardiaJob),
    ...rotatedEntries(platform).map((entry) => logRotationJob(platform, entry)),
    ...(platform.collections?.export && platform.backups ? [collectionsExportJob(platform)] : []),
    ...(platform.tokens?.cron ? [tokenRotationJob(platform)] : []),
    ...(platform.media?.claim ? [mediaCleanupJob(platform)] : []),
    ...routineJobs(platform).map((job) => routineGuardiaJob(platform, job)),
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
        summary: (lang) => tr(lang)`The restore drill of ${database} failed`,
        consequence: (lang) =>
          tr(lang)`the latest backup could not be restored and verified, it may not be restorable`,
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
      summary: (lang) => tr(lang)`The ${schedule} backup of ${database} failed`,
      consequence: (lang) => tr(lang)`the newest backup grows older with every hour`,
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
      summary: (lang) => tr(lang)`The log rotation of ${entry.name} failed`,
      consequence: (lang) => tr(lang)`its log files grow until the volume is full`,
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
      summary: (lang) => tr(lang)`The export of the NocoBase collections failed`,
      consequence: (lang) =>
        tr(lang)`the newest export of the collections' definitions grows older every day`,
      first: { runbook: "export-collections" },
    },
  };
}

export function tokenRotationJob(platform: Platform): GuardiaJob {
  const cronJob = tokenRotationCronJobName(platform);
  return {
    cronJob,
    component: "token-rotation",
    cron: platform.tokens!.cron!.expression,
    args: tokenRotationArgs(),
    subject: { cronjob: cronJob },
    failed: {
      alert: "TokenRotationFailed",
      group: "jobs",
      priority: "P3",
      summary: (lang) => tr(lang)`The rotation of the API tokens failed`,
      consequence: (lang) => tr(lang)`tokens past the stack's policy stay valid`,
      first: { runbook: "rotate-tokens" },
    },
  };
}

export function mediaCleanupJob(platform: Platform): GuardiaJob {
  const cronJob = mediaCleanupCronJobName(platform);
  return {
    cronJob,
    component: "media-cleanup",
    cron: platform.media!.cron.expression,
    args: mediaCleanupArgs(),
    subject: { cronjob: cronJob },
    failed: {
      alert: "MediaCleanupFailed",
      group: "jobs",
      priority: "P3",
      summary: (lang) => tr(lang)`The cleanup of orphaned media files failed`,
      consequence: (lang) =>
        tr(lang)`orphaned files stay on the media volume and keep using its space`,
      first: { runbook: "cleanup-media" },
    },
  };
}

export function routineGuardiaJob(platform: Platform, job: RoutineJob): GuardiaJob {
  return {
    cronJob: job.cronJob,
    component: "routine",
    cron: job.cron,
    args: routineArgs(job.period),
    subject: { cronjob: job.cronJob, schedule: job.period },
    failed: {
      alert: "RoutineJobFailed",
      group: "routine",
      priority: "P3",
      summary: (lang) =>
        tr(lang)`The ${periodName(job.period, lang)} routine checklist of ${platform.name} failed`,
      consequence: (lang) => tr(lang)`its report was not written or not posted`,
      first: { runbook: "routine", flags: { period: job.period } },
    },
  };
}
