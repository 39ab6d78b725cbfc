import type { ExternalDependency } from "../../model/index.js";
import type { AlertDefinition, MonitoringContext } from "../catalogue.js";
import { tr } from "../../i18n/index.js";
import { respondWithin } from "../contract.js";
import { dependencySelectorLabels } from "../probes.js";
import { num, selector } from "../promql.js";
import { dependencyWindow, dependencyWindowProbes } from "../timing.js";
import { blip, repeat } from "./examples.js";

/**
 * An external dependency (MIRA operations guide, Monitoreo: ALMA/SIDRA through the VPN, "> 95 %, every 15 min") whose
 * measured availability falls under its target. Its probes are far apart, so the rule reads only
 * ranges (`avg_over_time`), never instant samples, which go stale after 5 minutes.
 */
export function dependencyAlerts(ctx: MonitoringContext): AlertDefinition[] {
  return ctx.platform.externalDependencies.map((dep) => dependencyUnavailable(ctx, dep));
}

function dependencyUnavailable(ctx: MonitoringContext, dep: ExternalDependency): AlertDefinition {
  const step = dep.interval.seconds;
  const window = dependencyWindow(dep.interval, dep.availability);
  const probes = dependencyWindowProbes(dep.availability);
  const labels = dependencySelectorLabels(ctx.platform, dep);
  const series = selector("probe_success", { ...labels, instance: dep.url });
  const target = `${num(dep.availability * 100)} %`;
  // Two failed probes in a full window stay within the budget by construction (timing.ts).
  const failing = blip(1, 0, { before: probes + 1, bad: 2 }, window.seconds, step);
  const lang = ctx.platform.language;
  return {
    alert: "DependencyUnavailable",
    group: "dependencies",
    expr: `avg_over_time(${selector("probe_success", labels)}[${window}]) < ${num(dep.availability)}`,
    forSeconds: step,
    priority: dep.priority,
    subject: { dependency: dep.name },
    summary: tr(lang)`${dep.name} answered under ${target} of probes over ${window}`,
    description: [
      tr(
        lang,
      )`${dep.description ?? dep.name} (${dep.url}) was available for less than its ${target} target over the last ${window} (${probes} probes, ${dep.interval} apart).`,
      tr(lang)`Check the VPN and contact the provider's IT.`,
      respondWithin(dep.priority, lang),
    ].join(" "),
    first: { runbook: "health-check" },
    fires: [
      {
        step,
        series: [{ series, values: repeat(0, 4) }],
        trueFrom: 0,
        seriesLabels: { job: labels.job!, instance: dep.url },
      },
    ],
    blip: { step, series: [{ series, values: failing.values }], checkFrom: failing.start },
  };
}
