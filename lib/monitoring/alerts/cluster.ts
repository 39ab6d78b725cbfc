import type { AlertDefinition, MonitoringContext } from "../catalogue.js";
import { tr } from "../../i18n/index.js";
import { respondWithin } from "../contract.js";
import { selector } from "../promql.js";
import { repeat, samplesFor } from "./examples.js";

/** The stack's volumes filling up (kubelet's volume stats), and the dead man's switch. */
export function clusterAlerts(ctx: MonitoringContext): AlertDefinition[] {
  return [volumeFillingUp(ctx), watchdog(ctx)];
}

export const WATCHDOG_ALERT = "GuardiaWatchdog";

const FREE_RATIO = 0.15;
const PREDICT_SECONDS = 4 * 86400;
const GB = 1e9;

/**
 * kube-prometheus' KubePersistentVolumeFillingUp, scoped to the stack's namespace: under 15 % free
 * and, at the rate of the last window, full within 4 days. Backups, logs and PostgreSQL data all
 * live on claims in the namespace.
 */
function volumeFillingUp(ctx: MonitoringContext): AlertDefinition {
  const { timing, platform } = ctx;
  const step = timing.probeInterval.seconds;
  const ns = { namespace: platform.namespace };
  const available = selector("kubelet_volume_stats_available_bytes", ns);
  const capacity = selector("kubelet_volume_stats_capacity_bytes", ns);
  const claim = { job: "kubelet", ...ns, persistentvolumeclaim: `${platform.name}-data` };
  const series = (metric: string, values: number[]) => ({
    series: selector(metric, claim),
    values,
  });
  const count = samplesFor(timing.volumeFor.seconds, step) + 3;
  const filling = Array.from({ length: count }, (_, k) => 10 * GB - k * 0.02 * GB);
  return {
    alert: "VolumeFillingUp",
    group: "volumes",
    expr:
      `(${available} / ${capacity}) < ${FREE_RATIO}\nand\n` +
      `predict_linear(${available}[${timing.volumeWindow}], ${PREDICT_SECONDS}) < 0`,
    forSeconds: timing.volumeFor.seconds,
    priority: "P3",
    subject: {},
    ...volumeTexts(ctx),
    first: { runbook: "health-check" },
    fires: [
      {
        step,
        series: [
          series("kubelet_volume_stats_available_bytes", filling),
          series("kubelet_volume_stats_capacity_bytes", repeat(100 * GB, count)),
        ],
        // predict_linear needs two samples.
        trueFrom: step,
        seriesLabels: { job: claim.job, persistentvolumeclaim: claim.persistentvolumeclaim },
      },
    ],
    blip: {
      // A large temporary file: 10 % free for two scrapes, then back to half free.
      step,
      series: [
        series("kubelet_volume_stats_available_bytes", [
          ...repeat(50 * GB, 10),
          ...repeat(10 * GB, 2),
          ...repeat(50 * GB, count),
        ]),
        series("kubelet_volume_stats_capacity_bytes", repeat(100 * GB, count + 12)),
      ],
      checkFrom: 0,
    },
  };
}

function volumeTexts(ctx: MonitoringContext): Pick<AlertDefinition, "summary" | "description"> {
  const { timing, platform } = ctx;
  const lang = platform.language;
  return {
    summary: tr(lang)`Volume {{ $labels.persistentvolumeclaim }} is filling up: full within 4 days`,
    description: [
      tr(
        lang,
      )`PersistentVolumeClaim {{ $labels.persistentvolumeclaim }} in ${platform.namespace} has less than ${FREE_RATIO * 100} % free and, at the rate of the last ${timing.volumeWindow}, fills up within 4 days.`,
      tr(
        lang,
      )`Backups and logs stop when it does: check retention (keepDays, log rotation) or grow the claim.`,
      respondWithin("P3", lang),
    ].join(" "),
  };
}

/**
 * Always firing, so that its absence can alert: a dead man's switch outside the cluster expects it
 * every few minutes. Routed on its own (alertmanager-config.ts), never to people.
 */
function watchdog(ctx: MonitoringContext): AlertDefinition {
  const lang = ctx.platform.language;
  return {
    alert: WATCHDOG_ALERT,
    group: "watchdog",
    expr: "vector(1)",
    forSeconds: 0,
    priority: "P4",
    subject: {},
    summary: tr(lang)`guardia's alerting pipeline for ${ctx.stack} is alive`,
    description: tr(
      lang,
    )`Always firing. It proves that Prometheus evaluates ${ctx.stack}'s rules and that Alertmanager routes them; a dead man's switch that stops receiving it must page. Priority P4: nobody acts on it.`,
    first: { runbook: "health-check" },
    fires: [{ step: ctx.timing.probeInterval.seconds, series: [], trueFrom: 0, seriesLabels: {} }],
    blip: undefined,
  };
}
