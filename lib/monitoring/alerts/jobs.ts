import type { GuardiaJob } from "../../jobs.js";
import type { AlertDefinition, MonitoringContext } from "../catalogue.js";
import { tr } from "../../i18n/index.js";
import { respondWithin } from "../contract.js";
import { selector } from "../promql.js";
import { cronJobSeries, KSM, repeat, samplesFor } from "./examples.js";

/**
 * Every guardia CronJob of the stack (lib/jobs.ts) as kube-state-metrics sees it: its newest Job
 * has a failed pod and the CronJob has not succeeded since. One rule for all of them, so a new
 * CronJob gets its alert from its entry in `guardiaJobs`.
 */

export function jobFailedAlerts(ctx: MonitoringContext): AlertDefinition[] {
  return ctx.jobs.map((job) => jobFailed(ctx, job));
}

function jobFailed(ctx: MonitoringContext, job: GuardiaJob): AlertDefinition {
  const forSeconds = ctx.timing.jobFailedFor.seconds;
  const { alert, group, priority, summary, consequence, first } = job.failed;
  const lang = ctx.platform.language;
  const ns = { namespace: ctx.platform.namespace };
  const owner = { ...ns, owner_kind: "CronJob", owner_name: job.cronJob };
  const lastSuccess = selector("kube_cronjob_status_last_successful_time", {
    ...ns,
    cronjob: job.cronJob,
  });
  return {
    alert,
    group,
    // Start time of the newest Job of this CronJob with a failed pod, newer than the CronJob's
    // last success: a pod that failed and was retried successfully does not count.
    expr:
      `max(\n  ${selector("kube_job_status_start_time", ns)}\n` +
      `  * on (namespace, job_name) ${selector("kube_job_owner", owner)}\n` +
      `  and on (namespace, job_name) (${selector("kube_job_status_failed", ns)} > 0)\n)\n` +
      `> (max(${lastSuccess}) or vector(0))`,
    forSeconds,
    priority,
    subject: job.subject,
    summary: summary(lang),
    description: [
      tr(
        lang,
      )`The newest Job of CronJob ${job.cronJob} failed and no run succeeded since: ${consequence(lang)}.`,
      tr(lang)`Run ${first.runbook} by hand and read the failed Job's logs.`,
      respondWithin(priority, lang),
    ].join(" "),
    first,
    ...jobFailedExamples(ctx, job, forSeconds),
  };
}

function jobFailedExamples(
  ctx: MonitoringContext,
  job: GuardiaJob,
  forSeconds: number,
): Pick<AlertDefinition, "fires" | "blip"> {
  const step = ctx.timing.probeInterval.seconds;
  const count = samplesFor(forSeconds, step) + 2;
  const failedRun = failedRunSeries(ctx, job, -600, count);
  const lastSuccess = cronJobSeries(
    "kube_cronjob_status_last_successful_time",
    ctx.platform.namespace,
    job.cronJob,
  );
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

/** One Job of the CronJob, started at `start`, with one failed pod. */
function failedRunSeries(ctx: MonitoringContext, job: GuardiaJob, start: number, count: number) {
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
