import { rotatedEntries, type ClaimedLogFiles } from "../../logs/job-names.js";
import { logSizeCapBytes } from "../../model/resolve-hygiene.js";
import type { AlertDefinition, MonitoringContext } from "../catalogue.js";
import { tr } from "../../i18n/index.js";
import { respondWithin } from "../contract.js";
import { num, selector } from "../promql.js";
import { overTime, repeat, samplesFor } from "./examples.js";

/**
 * A log volume that keeps growing despite its rotation, towards the entry's size cap. (A chore's
 * CronJob that fails is alerted on by the job-failed alert every guardia CronJob gets.)
 */
export function choreAlerts(ctx: MonitoringContext): AlertDefinition[] {
  return rotatedEntries(ctx.platform).map((entry) => logsGrowing(ctx, entry));
}

const DAY = 86400;
/** How far ahead the log-growth alert looks, as the volume alert does. */
const PREDICT_SECONDS = 4 * DAY;

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
  const lang = platform.language;
  return {
    alert: "LogsGrowingPastCap",
    group: "logs",
    expr: `predict_linear(${used}[${window}], ${PREDICT_SECONDS}) > ${num(cap)}`,
    forSeconds: timing.logGrowthFor.seconds,
    priority: "P3",
    subject: { logs: entry.name },
    summary: tr(lang)`The logs of ${entry.name} keep growing despite rotation`,
    description: [
      tr(
        lang,
      )`Claim ${entry.claim} (logs entry ${entry.name}) grows at a rate that passes the entry's size cap of ${gigabytes(cap)} GB within 4 days, judged over the last ${window}.`,
      tr(
        lang,
      )`Check that the rotation CronJob runs and what writes so much (maxSize ${entry.maxSize}, deleteAfterDays ${entry.deleteAfterDays}).`,
      respondWithin("P3", lang),
    ].join(" "),
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
        seriesLabels: { job: "kubelet", persistentvolumeclaim: claim.persistentvolumeclaim! },
      },
    ],
    blip: {
      // A large file written and rotated away within two scrapes, after a steady day.
      step,
      series: [
        {
          series,
          values: [
            ...repeat(cap / 2, full + 1),
            ...repeat(0.9 * cap, 2),
            ...repeat(cap / 2, count),
          ],
        },
      ],
      checkFrom: 0,
    },
  };
}

function gigabytes(bytes: number): string {
  return String(Math.round((bytes / 1e9) * 10) / 10);
}
