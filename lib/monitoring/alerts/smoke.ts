import { smokeJob, type SmokeJob } from "../../smoke/job.js";
import type { AlertDefinition, MonitoringContext } from "../catalogue.js";
import { tr } from "../../i18n/index.js";
import { respondWithin } from "../contract.js";
import { selector } from "../promql.js";
import { repeat, samplesFor, overTime } from "./examples.js";

/**
 * The smoke CronJob's flows failed twice in a row. A run exits 1 when a flow fails, so the
 * CronJob's last success, which kube-state-metrics exports (as the backup alerts read it),
 * stops moving. Two schedule gaps plus one run's deadline without a success means two runs in a
 * row failed (or did not run), while a single failure, followed by a passing run, never fires: a
 * flaky login is not worth a page, a login broken for two runs is. kube-state-metrics is already
 * what guardia's backup alerts read, so the result reaches Prometheus with nothing to deploy:
 * a Pushgateway would be a new stateful component that keeps a job's last result after the job
 * is gone. Which flow and step failed is in each run's JSON result in the Job's log, and
 * `guardia smoke` shows it at once.
 */

const KSM = { job: "kube-state-metrics" };

export function smokeAlerts(ctx: MonitoringContext): AlertDefinition[] {
  const job = smokeJob(ctx.platform);
  return job ? [smokeFlowsFailing(ctx, job)] : [];
}

/** No success for two gaps and one run's time: two runs in a row failed (or never ran). */
export function smokeFailureLimitSeconds(job: SmokeJob): number {
  return 2 * job.maxIntervalSeconds + job.deadlineSeconds;
}

function smokeFlowsFailing(ctx: MonitoringContext, job: SmokeJob): AlertDefinition {
  const labels = { namespace: ctx.platform.namespace, cronjob: job.cronJob };
  const lastSuccess = selector("kube_cronjob_status_last_successful_time", labels);
  const created = selector("kube_cronjob_created", labels);
  const limit = smokeFailureLimitSeconds(job);
  const minutes = (seconds: number) => Math.round(seconds / 60);
  const lang = ctx.platform.language;
  return {
    alert: "SmokeFlowsFailing",
    group: "smoke",
    // The second arm covers a CronJob that never succeeded since it was created.
    expr:
      `(time() - max(${lastSuccess}) > ${limit})\nor\n` +
      `((time() - max(${created}) > ${limit}) unless max(${lastSuccess}))`,
    forSeconds: ctx.timing.probeInterval.seconds,
    priority: "P2",
    subject: { cronjob: job.cronJob },
    summary: tr(lang)`The smoke flows of ${ctx.stack} failed in two runs in a row`,
    description: [
      tr(
        lang,
      )`CronJob ${job.cronJob} has not completed a smoke run for more than ${minutes(limit)} minutes (it runs at least every ${minutes(job.maxIntervalSeconds)} minutes): two runs in a row failed, so a login or a business flow is broken even if the health endpoints answer.`,
      tr(
        lang,
      )`Run the flows to see which step fails and why; each failed Job's log holds its run's JSON result.`,
      respondWithin("P2", lang),
    ].join(" "),
    first: { runbook: "smoke" },
    ...examples(ctx, job, limit),
  };
}

function examples(
  ctx: MonitoringContext,
  job: SmokeJob,
  limit: number,
): Pick<AlertDefinition, "fires" | "blip"> {
  const step = ctx.timing.probeInterval.seconds;
  const gap = job.maxIntervalSeconds;
  const series = (metric: string) =>
    selector(metric, { ...KSM, namespace: ctx.platform.namespace, cronjob: job.cronJob });
  // Runs every `gap` seconds from time -gap: the one at -gap succeeded.
  const trueFrom = (Math.floor((limit - gap) / step) + 1) * step;
  const count = samplesFor(trueFrom + ctx.timing.probeInterval.seconds, step) + 2;
  const createdLongAgo = {
    series: series("kube_cronjob_created"),
    values: repeat(-30 * 86400, count),
  };
  return {
    fires: [
      {
        // The runs at 0 and at `gap` both failed: the last success stays at -gap.
        step,
        series: [
          {
            series: series("kube_cronjob_status_last_successful_time"),
            values: repeat(-gap, count),
          },
          createdLongAgo,
        ],
        trueFrom,
        seriesLabels: {},
      },
      {
        // Created long ago, never succeeded.
        step,
        series: [createdLongAgo],
        trueFrom: 0,
        seriesLabels: {},
      },
    ],
    blip: {
      // The run at 0 failed; the one at `gap` and every later one succeeded.
      step,
      series: [
        {
          series: series("kube_cronjob_status_last_successful_time"),
          values: overTime(count, step, (t) => (t < gap ? -gap : Math.floor(t / gap) * gap)),
        },
        createdLongAgo,
      ],
      checkFrom: 0,
    },
  };
}
