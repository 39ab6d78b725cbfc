import { Duration, type Service } from "../../model/index.js";
import { serviceSelectorLabels } from "../../monitoring/probes.js";
import { num, selector } from "../../monitoring/promql.js";
import type { Step } from "../../runbook/types.js";
import { PERIODS, SOURCES } from "../checklist.js";
import { checkStep, humanDuration, worst, type RoutineRun } from "../check-step.js";
import { queryCall, singleValue } from "../prometheus.js";
import { t } from "../../i18n/index.js";

/**
 * Daily: each probed service's availability, average and 95th percentile latency over the last
 * 24 h, from the blackbox probes Prometheus keeps (the same series the SLO alerts read), against
 * the service's SLO (MIRA operations guide, Monitoreo: > 99.5 %, < 500 ms, < 2 s).
 */

export function sloQueries(run: RoutineRun, service: Service) {
  const window = Duration.ofSeconds(PERIODS[run.period].windowSeconds);
  const labels = serviceSelectorLabels(run.platform, service);
  const success = selector("probe_success", labels);
  const duration = selector("probe_duration_seconds", labels);
  return {
    availability: `avg(avg_over_time(${success}[${window}]))`,
    average: `avg(avg_over_time(${duration}[${window}]))`,
    p95: `max(quantile_over_time(0.95, ${duration}[${window}]))`,
  };
}

export function sloSteps(run: RoutineRun): Step[] {
  return run.platform.services
    .filter((service) => service.health.length > 0)
    .map((service) => sloStep(run, service));
}

function sloStep(run: RoutineRun, service: Service): Step {
  const base = run.platform.monitoring.prometheusUrl;
  const queries = sloQueries(run, service);
  const window = humanDuration(PERIODS[run.period].windowSeconds);
  return checkStep(
    run,
    {
      title: t`Availability and latency of ${service.name} over the last ${window} (Prometheus)`,
      item: {
        id: `slo/${service.name}`,
        title: t`SLO of ${service.name}, last ${window}`,
        source: SOURCES.slo,
      },
      action: () => ({
        call: Object.values(queries)
          .map((q) => queryCall(base, q))
          .join("\n"),
      }),
    },
    async (step) => {
      const [availability, average, p95] = await Promise.all(
        Object.values(queries).map((q) => singleValue(base, q, step.signal)),
      );
      if (availability === undefined || average === undefined || p95 === undefined)
        return {
          verdict: "attention",
          summary: t`no probe data in Prometheus for the last ${window}: is ${service.name} probed?`,
        };
      const { slo } = service;
      const verdicts = [
        availability < slo.availability ? "failed" : "ok",
        average * 1000 > slo.latencyAvgMs ? "attention" : "ok",
        p95 * 1000 > slo.latencyP95Ms ? "attention" : "ok",
      ] as const;
      return {
        verdict: worst(verdicts),
        summary: t`availability ${percent(availability)} (target ${percent(slo.availability)}), average ${ms(average)} (target ${slo.latencyAvgMs} ms), p95 ${ms(p95)} (target ${slo.latencyP95Ms} ms)`,
        data: { availability, averageSeconds: average, p95Seconds: p95 },
      };
    },
  );
}

function percent(ratio: number): string {
  return `${num(Math.floor(ratio * 100000) / 1000)} %`;
}

function ms(seconds: number): string {
  return `${Math.round(seconds * 1000)} ms`;
}
