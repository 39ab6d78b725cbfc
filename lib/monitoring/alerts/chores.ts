import { choreJobs, type ChoreJob } from "../../chores/job-names.js";
import { rotatedEntries, type ClaimedLogFiles } from "../../logs/job-names.js";
import { logSizeCapBytes } from "../../model/resolve-hygiene.js";
import type { AlertDefinition, MonitoringContext } from "../catalogue.js";
import { RESPONSE_TIME } from "../contract.js";
import { num, selector } from "../promql.js";
import { overTime, repeat, samplesFor } from "./examples.js";

/**
 * The chores that run in the cluster besides backups (log rotation, token rotation, media
 * cleanup): an alert when a chore's newest Job failed and none succeeded since, and a log volume
 * that keeps growing despite its rotation, towards the entry's size cap.
 */
export function choreAlerts(ctx: MonitoringContext): AlertDefinition[] {
  return [
    ...choreJobs(ctx.platform).map((job) => choreJobFailed(ctx, job)),
    ...rotatedEntries(ctx.platform).map((entry) => logsGrowing(ctx, entry)),
  ];
}

/** kube-state-metrics' own job label, present on every series it exports. */
const KSM = { job: "kube-state-metrics" };
const DAY = 86400;
/** How far ahead the log-growth alert looks, as the volume alert does. */
const PREDICT_SECONDS = 4 * DAY;

/**
 * The newest Job of the CronJob has a failed pod and started after the CronJob's last success:
 * a pod that failed and was retried successfully does not count.
 */
export function cronJobFailedExpr(namespace: string, cronJob: string): string {
  const ns = { namespace };
  const owner = { ...ns, owner_kind: "CronJob", owner_name: cronJob };
  const lastSuccess = selector("kube_cronjob_status_last_successful_time", { ...ns, cronjob: cronJob });
  return (
    `max(\n  ${selector("kube_job_status_start_time", ns)}\n` +
    `  * on (namespace, job_name) ${selector("kube_job_owner", owner)}\n` +
    `  and on (namespace, job_name) (${selector("kube_job_status_failed", ns)} > 0)\n)\n` +
    `> (max(${lastSuccess}) or vector(0))`
  );
}

function choreJobFailed(ctx: MonitoringContext, job: ChoreJob): AlertDefinition {
  const forSeconds = ctx.timing.jobFailedFor.seconds;
  return {
    alert: "ChoreJobFailed",
    group: "chores",
    expr: cronJobFailedExpr(ctx.platform.namespace, job.cronJob),
    forSeconds,
    priority: job.priority,
    subject: { ...job.subject, cronjob: job.cronJob },
    summary: `The ${job.what} failed`,
    description:
      `The newest Job of CronJob ${job.cronJob} failed and no run succeeded since. Read the ` +
      `failed Job's logs (its last lines are its JSON result), then run the same runbook by ` +
      `hand. Priority ${job.priority}: respond within ${RESPONSE_TIME[job.priority]}.`,
    first: { runbook: job.runbook, flags: job.flags },
    ...jobFailedExamples(ctx, job, forSeconds),
  };
}

function jobFailedExamples(
  ctx: MonitoringContext,
  job: ChoreJob,
  forSeconds: number,
): Pick<AlertDefinition, "fires" | "blip"> {
  const step = ctx.timing.probeInterval.seconds;
  const count = samplesFor(forSeconds, step) + 2;
  const failedRun = failedRunSeries(ctx.platform.namespace, job.cronJob, -600, count);
  const lastSuccess = selector("kube_cronjob_status_last_successful_time", {
    ...KSM,
    namespace: ctx.platform.namespace,
    cronjob: job.cronJob,
  });
  return {
    fires: [
      {
        step,
        series: [...failedRun, { series: lastSuccess, values: repeat(-DAY, count) }],
        trueFrom: 0,
        seriesLabels: {},
      },
    ],
    blip: {
      // A pod failed, the Job's retry succeeded two scrapes later.
      step,
      series: [
        ...failedRun,
        { series: lastSuccess, values: [...repeat(-DAY, 2), ...repeat(2 * step, count)] },
      ],
      checkFrom: 0,
    },
  };
}

/** One Job of the CronJob, started at `start`, with one failed pod. */
function failedRunSeries(namespace: string, cronJob: string, start: number, count: number) {
  const jobLabels = { ...KSM, namespace, job_name: `${cronJob}-29000000` };
  const ownerLabels = {
    ...jobLabels,
    owner_kind: "CronJob",
    owner_name: cronJob,
    owner_is_controller: "true",
  };
  return [
    { series: selector("kube_job_owner", ownerLabels), values: repeat(1, count + 2) },
    { series: selector("kube_job_status_start_time", jobLabels), values: repeat(start, count + 2) },
    { series: selector("kube_job_status_failed", jobLabels), values: repeat(1, count + 2) },
  ];
}

/**
 * The claim of a rotated `logs` entry, at the rate of the last day (which spans a rotation, so
 * the saw-tooth of daily rotation averages out), passes the entry's size cap within 4 days:
 * rotation is not keeping up, or something else writes there.
 */
function logsGrowing(ctx: MonitoringContext, entry: ClaimedLogFiles): AlertDefinition {
  const { timing, platform } = ctx;
  const cap = logSizeCapBytes(entry);
  const claim = { namespace: platform.namespace, persistentvolumeclaim: entry.claim };
  const used = selector("kubelet_volume_stats_used_bytes", claim);
  const window = timing.logGrowthWindow;
  return {
    alert: "LogsGrowingPastCap",
    group: "logs",
    expr: `predict_linear(${used}[${window}], ${PREDICT_SECONDS}) > ${num(cap)}`,
    forSeconds: timing.logGrowthFor.seconds,
    priority: "P3",
    subject: { logs: entry.name },
    summary: `The logs of ${entry.name} keep growing despite rotation`,
    description:
      `Claim ${entry.claim} (logs entry ${entry.name}) grows at a rate that passes the entry's ` +
      `size cap of ${gigabytes(cap)} GB within 4 days, judged over the last ${window}. Check ` +
      `that the rotation CronJob runs and what writes so much (maxSize ${entry.maxSize}, ` +
      `deleteAfterDays ${entry.deleteAfterDays}). Priority P3: respond within ${RESPONSE_TIME.P3}.`,
    first: { runbook: "rotate-logs", flags: { logs: entry.name } },
    ...logsGrowingExamples(ctx, claim, cap),
  };
}

function logsGrowingExamples(
  ctx: MonitoringContext,
  claim: Record<string, string>,
  cap: number,
): Pick<AlertDefinition, "fires" | "blip"> {
  const { timing } = ctx;
  const step = timing.probeInterval.seconds;
  const series = selector("kubelet_volume_stats_used_bytes", { job: "kubelet", ...claim });
  const count = samplesFor(timing.logGrowthFor.seconds, step) + 2;
  // A fifth of the cap a day: at half the cap now, past it within 4 days.
  const growing = overTime(count, step, (t) => cap / 2 + (cap / 5) * (t / DAY));
  const full = timing.logGrowthWindow.seconds / step;
  return {
    fires: [
      {
        step,
        series: [{ series, values: growing }],
        // predict_linear needs two samples.
        trueFrom: step,
        seriesLabels: { job: "kubelet" },
      },
    ],
    blip: {
      // A large file written and rotated away within two scrapes, after a steady day.
      step,
      series: [
        {
          series,
          values: [...repeat(cap / 2, full + 1), ...repeat(0.9 * cap, 2), ...repeat(cap / 2, count)],
        },
      ],
      checkFrom: 0,
    },
  };
}

function gigabytes(bytes: number): string {
  return String(Math.round((bytes / 1e9) * 10) / 10);
}
