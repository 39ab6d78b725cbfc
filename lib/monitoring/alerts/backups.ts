import type { BackupJob } from "../../backup/job-names.js";
import type { AlertDefinition, MonitoringContext } from "../catalogue.js";
import { tr } from "../../i18n/index.js";
import { respondWithin } from "../contract.js";
import { selector, type Labels } from "../promql.js";
import { cronJobSeries, overTime, repeat, samplesFor } from "./examples.js";

/**
 * Backups as kube-state-metrics sees their CronJobs: the last successful run is older than the
 * schedule allows.
 */

const HOUR = 3600;

/**
 * A backup is "too old" once the longest gap of its schedule has passed plus time for the run
 * itself: half the gap, at most 3 hours (a daily backup alerts 27 hours after the last success).
 */
export function backupAgeLimitSeconds(job: Pick<BackupJob, "maxIntervalSeconds">): number {
  return job.maxIntervalSeconds + Math.min(job.maxIntervalSeconds / 2, 3 * HOUR);
}

/** A failed run of a backup or drill CronJob is alerted like every guardia job's (jobs.ts). */
export function backupAlerts(ctx: MonitoringContext): AlertDefinition[] {
  return ctx.backupJobs.filter((job) => job.kind === "backup").map((job) => backupTooOld(ctx, job));
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
  const lang = ctx.platform.language;
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
    summary: tr(
      lang,
    )`The last ${job.schedule} backup of ${job.database} is older than its schedule allows`,
    description: [
      tr(
        lang,
      )`CronJob ${job.cronJob} has not completed a backup for more than ${hours(limit)} hours (its schedule runs at most ${hours(job.maxIntervalSeconds)} hours apart).`,
      tr(lang)`Run the backup by hand, then look at the CronJob's last Jobs.`,
      respondWithin("P2", lang),
    ].join(" "),
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
  const { namespace } = ctx.platform;
  const lastSuccess = cronJobSeries(
    "kube_cronjob_status_last_successful_time",
    namespace,
    job.cronJob,
  );
  const created = cronJobSeries("kube_cronjob_created", namespace, job.cronJob);
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

function hours(seconds: number): string {
  return String(Math.round((seconds / HOUR) * 10) / 10);
}
