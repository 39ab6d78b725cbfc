import { routineJobs, type RoutineJob } from "../../routine/job-names.js";
import type { AlertDefinition, MonitoringContext } from "../catalogue.js";
import { RESPONSE_TIME } from "../contract.js";
import { selector } from "../promql.js";
import { repeat, samplesFor } from "./examples.js";

/**
 * A routine CronJob whose newest Job failed with no success since (kube-state-metrics; the same
 * expression as a backup's job-failed alert): the checklist was not done, so nobody got its
 * report. P3: a missed checklist is not an outage, and a routine that never starts is the dead
 * man's switch's to catch.
 */

const KSM = { job: "kube-state-metrics" };

export function routineAlerts(ctx: MonitoringContext): AlertDefinition[] {
  return routineJobs(ctx.platform).map((job) => routineJobFailed(ctx, job));
}

function routineJobFailed(ctx: MonitoringContext, job: RoutineJob): AlertDefinition {
  const forSeconds = ctx.timing.jobFailedFor.seconds;
  const ns = { namespace: ctx.platform.namespace };
  const owner = { ...ns, owner_kind: "CronJob", owner_name: job.cronJob };
  const lastSuccess = selector("kube_cronjob_status_last_successful_time", {
    ...ns,
    cronjob: job.cronJob,
  });
  return {
    alert: "RoutineJobFailed",
    group: "routine",
    expr:
      `max(\n  ${selector("kube_job_status_start_time", ns)}\n` +
      `  * on (namespace, job_name) ${selector("kube_job_owner", owner)}\n` +
      `  and on (namespace, job_name) (${selector("kube_job_status_failed", ns)} > 0)\n)\n` +
      `> (max(${lastSuccess}) or vector(0))`,
    forSeconds,
    priority: "P3",
    subject: { cronjob: job.cronJob, schedule: job.period },
    summary: `The ${job.period} routine checklist of ${ctx.platform.name} failed`,
    description:
      `The newest Job of CronJob ${job.cronJob} failed and no run succeeded since: its report was ` +
      `not written or not posted. Run it by hand and read the failed Job's logs. Priority P3: ` +
      `respond within ${RESPONSE_TIME.P3}.`,
    first: { runbook: "routine", flags: { period: job.period } },
    ...examples(ctx, job, forSeconds),
  };
}

function examples(
  ctx: MonitoringContext,
  job: RoutineJob,
  forSeconds: number,
): Pick<AlertDefinition, "fires" | "blip"> {
  const step = ctx.timing.probeInterval.seconds;
  const count = samplesFor(forSeconds, step) + 2;
  const ksm = { ...KSM, namespace: ctx.platform.namespace };
  const run = { ...ksm, job_name: `${job.cronJob}-29000000` };
  const failedRun = [
    {
      series: selector("kube_job_owner", {
        ...run,
        owner_kind: "CronJob",
        owner_name: job.cronJob,
        owner_is_controller: "true",
      }),
      values: repeat(1, count + 2),
    },
    { series: selector("kube_job_status_start_time", run), values: repeat(-600, count + 2) },
    { series: selector("kube_job_status_failed", run), values: repeat(1, count + 2) },
  ];
  const lastSuccess = selector("kube_cronjob_status_last_successful_time", {
    ...ksm,
    cronjob: job.cronJob,
  });
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
      // The run failed, a run by hand succeeded two scrapes later.
      step,
      series: [
        ...failedRun,
        { series: lastSuccess, values: [...repeat(-86400, 2), ...repeat(2 * step, count)] },
      ],
      checkFrom: 0,
    },
  };
}
