import type { BackupJob } from "../../backup/job-names.js";
import type { AlertDefinition, MonitoringContext } from "../catalogue.js";
import { RESPONSE_TIME } from "../contract.js";
import { selector, type Labels } from "../promql.js";
import { overTime, repeat, samplesFor } from "./examples.js";

/**
 * Backups and restore drills as kube-state-metrics sees their CronJobs: the last successful run is
 * older than the schedule allows, or the newest run failed after the last success.
 */

const HOUR = 3600;
/** kube-state-metrics' own job label, present on every series it exports. */
const KSM = { job: "kube-state-metrics" };

/**
 * A backup is "too old" once the longest gap of its schedule has passed plus time for the run
 * itself: half the gap, at most 3 hours (a daily backup alerts 27 hours after the last success).
 */
export function backupAgeLimitSeconds(job: Pick<BackupJob, "maxIntervalSeconds">): number {
  return job.maxIntervalSeconds + Math.min(job.maxIntervalSeconds / 2, 3 * HOUR);
}

export function backupAlerts(ctx: MonitoringContext): AlertDefinition[] {
  return ctx.backupJobs.flatMap((job) =>
    job.kind === "backup" ? [backupTooOld(ctx, job), jobFailed(ctx, job)] : [jobFailed(ctx, job)],
  );
}

function cronJobLabels(ctx: MonitoringContext, job: BackupJob): Labels {
  return { namespace: ctx.platform.namespace, cronjob: job.cronJob };
}

function backupTooOld(ctx: MonitoringContext, job: BackupJob): AlertDefinition {
  const forSeconds = ctx.timing.backupTooOldFor.seconds;
  const limit = backupAgeLimitSeconds(job);
  const labels = cronJobLabels(ctx, job);
  const lastSuccess = selector("kube_cronjob_status_last_successful_time", labels);
  const created = selector("kube_cronjob_created", labels);
  return {
    alert: "BackupTooOld",
    group: "backups",
    // The second arm covers a CronJob that never succeeded: kube-state-metrics has no
    // last-successful time for it, so its age counts from the CronJob's creation.
    expr:
      `(time() - max(${lastSuccess}) > ${limit})\nor\n` +
      `((time() - max(${created}) > ${limit}) unless max(${lastSuccess}))`,
    forSeconds,
    priority: "P2",
    subject: { database: job.database, schedule: job.schedule, cronjob: job.cronJob },
    summary: `The last ${job.schedule} backup of ${job.database} is older than its schedule allows`,
    description:
      `CronJob ${job.cronJob} has not completed a backup for more than ${hours(limit)} hours ` +
      `(its schedule runs at most ${hours(job.maxIntervalSeconds)} hours apart). Run the backup ` +
      `by hand, then look at the CronJob's last Jobs. Priority P2: respond within ${RESPONSE_TIME.P2}.`,
    first: { runbook: "backup-db", flags: { database: job.database, schedule: job.schedule } },
    ...backupTooOldExamples(ctx, job, forSeconds, limit),
  };
}

function backupTooOldExamples(
  ctx: MonitoringContext,
  job: BackupJob,
  forSeconds: number,
  limit: number,
): Pick<AlertDefinition, "fires" | "blip"> {
  const step = ctx.timing.probeInterval.seconds;
  const count = samplesFor(forSeconds, step) + 2;
  const lastSuccess = ksm("kube_cronjob_status_last_successful_time", ctx, job);
  const created = ksm("kube_cronjob_created", ctx, job);
  const longAgo = -(limit + HOUR);
  return {
    fires: [
      {
        step,
        series: [
          { series: lastSuccess, values: repeat(longAgo, count) },
          { series: created, values: repeat(longAgo - 30 * 86400, count) },
        ],
        trueFrom: 0,
        seriesLabels: {},
      },
      {
        // Never succeeded since it was created long ago.
        step,
        series: [{ series: created, values: repeat(longAgo, count) }],
        trueFrom: 0,
        seriesLabels: {},
      },
    ],
    blip: {
      // kube-state-metrics serves a stale success time for two scrapes, then the real one.
      step,
      series: [
        {
          series: lastSuccess,
          values: [
            ...overTime(5, step, (t) => t - HOUR),
            ...repeat(longAgo, 2),
            ...overTime(count, step, (t) => t - HOUR, 7 * step),
          ],
        },
        { series: created, values: repeat(longAgo - 30 * 86400, count + 7) },
      ],
      checkFrom: 0,
    },
  };
}

function jobFailed(ctx: MonitoringContext, job: BackupJob): AlertDefinition {
  const forSeconds = ctx.timing.jobFailedFor.seconds;
  const ns = { namespace: ctx.platform.namespace };
  const owner = { ...ns, owner_kind: "CronJob", owner_name: job.cronJob };
  const lastSuccess = selector("kube_cronjob_status_last_successful_time", {
    ...ns,
    cronjob: job.cronJob,
  });
  const isDrill = job.kind === "restore-drill";
  const what = isDrill ? "restore drill" : `${job.schedule} backup`;
  return {
    alert: isDrill ? "RestoreDrillFailed" : "BackupJobFailed",
    group: "backups",
    // Start time of the newest Job of this CronJob with a failed pod, newer than the CronJob's
    // last success: a pod that failed and was retried successfully does not count.
    expr:
      `max(\n  ${selector("kube_job_status_start_time", ns)}\n` +
      `  * on (namespace, job_name) ${selector("kube_job_owner", owner)}\n` +
      `  and on (namespace, job_name) (${selector("kube_job_status_failed", ns)} > 0)\n)\n` +
      `> (max(${lastSuccess}) or vector(0))`,
    forSeconds,
    priority: isDrill ? "P3" : "P2",
    subject: { database: job.database, schedule: job.schedule, cronjob: job.cronJob },
    summary: `The ${what} of ${job.database} failed`,
    description: isDrill
      ? `The latest restore drill (CronJob ${job.cronJob}) could not restore and verify the latest ` +
        `backup of ${job.database}: the backups may not be restorable. Verify the latest backup by ` +
        `hand and read the Job's logs. Priority P3: respond within ${RESPONSE_TIME.P3}.`
      : `The newest Job of CronJob ${job.cronJob} failed and no run succeeded since. Run the ` +
        `backup by hand and read the failed Job's logs. Priority P2: respond within ${RESPONSE_TIME.P2}.`,
    first: isDrill
      ? { runbook: "verify-backup", flags: { database: job.database, backup: "latest" } }
      : { runbook: "backup-db", flags: { database: job.database, schedule: job.schedule } },
    ...jobFailedExamples(ctx, job, forSeconds),
  };
}

function jobFailedExamples(
  ctx: MonitoringContext,
  job: BackupJob,
  forSeconds: number,
): Pick<AlertDefinition, "fires" | "blip"> {
  const step = ctx.timing.probeInterval.seconds;
  const count = samplesFor(forSeconds, step) + 2;
  const failedRun = failedRunSeries(ctx, job, -600, count);
  const lastSuccess = ksm("kube_cronjob_status_last_successful_time", ctx, job);
  return {
    fires: [
      {
        step,
        series: [...failedRun, { series: lastSuccess, values: repeat(-86400, count) }],
        trueFrom: 0,
        seriesLabels: {},
      },
    ],
    blip: {
      // A pod failed, the Job's retry succeeded two scrapes later.
      step,
      series: [
        ...failedRun,
        { series: lastSuccess, values: [...repeat(-86400, 2), ...repeat(2 * step, count)] },
      ],
      checkFrom: 0,
    },
  };
}

function ksm(metric: string, ctx: MonitoringContext, job: BackupJob): string {
  return selector(metric, { ...KSM, namespace: ctx.platform.namespace, cronjob: job.cronJob });
}

/** One Job of the CronJob, started at `start`, with one failed pod. */
function failedRunSeries(ctx: MonitoringContext, job: BackupJob, start: number, count: number) {
  const jobLabels = {
    ...KSM,
    namespace: ctx.platform.namespace,
    job_name: `${job.cronJob}-29000000`,
  };
  const ownerLabels = {
    ...jobLabels,
    owner_kind: "CronJob",
    owner_name: job.cronJob,
    owner_is_controller: "true",
  };
  return [
    { series: selector("kube_job_owner", ownerLabels), values: repeat(1, count + 2) },
    { series: selector("kube_job_status_start_time", jobLabels), values: repeat(start, count + 2) },
    { series: selector("kube_job_status_failed", jobLabels), values: repeat(1, count + 2) },
  ];
}

function hours(seconds: number): string {
  return String(Math.round((seconds / HOUR) * 10) / 10);
}
