import type { DataFreshness } from "../../model/index.js";
import type { AlertDefinition, MonitoringContext } from "../catalogue.js";
import { RESPONSE_TIME } from "../contract.js";
import { freshnessJob, freshnessMetric } from "../exporters.js";
import { selector } from "../promql.js";
import { overTime, repeat, samplesFor } from "./examples.js";

/**
 * Data a sync brings in has gone stale (MIRA operations guide, Monitoreo: "Verificar
 * Sincronización ALMA", every hour; Gestión de Incidentes: "Sincronización ALMA falla" is P2): the
 * newest synchronised row, from the stack's query run by guardia's postgres_exporter, is older
 * than `maxAge`, or the query returns nothing while the database answers (a query that broke
 * must not silence the alert). At the dependency's priority, held for 5 probe intervals.
 */

export function freshnessAlerts(ctx: MonitoringContext): AlertDefinition[] {
  if (ctx.platform.runtime !== "kubernetes") return [];
  return ctx.platform.dataFreshness.map((entry) => dataStale(ctx, entry));
}

function dataStale(ctx: MonitoringContext, entry: DataFreshness): AlertDefinition {
  const forSeconds = 5 * ctx.timing.probeInterval.seconds;
  const job = freshnessJob(ctx.platform, entry);
  const newest = selector(freshnessMetric(entry), { job });
  const up = selector("pg_up", { job });
  const maxAge = entry.maxAge.seconds;
  const from = entry.dependency ? ` from ${entry.dependency}` : "";
  return {
    alert: "DataStale",
    group: "freshness",
    expr: `(time() - max(${newest}) > ${maxAge})\nor\n(max(${up}) == 1 unless max(${newest}))`,
    forSeconds,
    priority: entry.priority,
    subject: {
      database: entry.database,
      freshness: entry.name,
      ...(entry.dependency && { dependency: entry.dependency }),
    },
    summary: `The data${from} in ${entry.database} is stale: nothing newer than ${entry.maxAge} (${entry.name})`,
    description:
      `${entry.description ?? `The newest row of ${entry.name}`} is older than ${entry.maxAge}, or ` +
      `its query returned nothing: the synchronisation${from} has stopped. Check the dependency and ` +
      `the sync's logs, then run it again. Query: ${entry.query.trim()}. Priority ${entry.priority}: ` +
      `respond within ${RESPONSE_TIME[entry.priority]}.`,
    first: { runbook: "health-check" },
    ...dataStaleExamples(ctx, entry, forSeconds),
  };
}

/** The last sync long ago and a query that returns nothing fire; one late sync does not. */
function dataStaleExamples(
  ctx: MonitoringContext,
  entry: DataFreshness,
  forSeconds: number,
): Pick<AlertDefinition, "fires" | "blip"> {
  const step = ctx.timing.probeInterval.seconds;
  const job = freshnessJob(ctx.platform, entry);
  const instance = `${job}:9187`;
  const series = selector(freshnessMetric(entry), { job, instance });
  const upSeries = selector("pg_up", { job, instance });
  const maxAge = entry.maxAge.seconds;
  const count = samplesFor(forSeconds, step) + 2;
  return {
    fires: [
      {
        // The last sync was long ago.
        step,
        series: [
          { series, values: repeat(-(maxAge + 3600), count) },
          { series: upSeries, values: repeat(1, count) },
        ],
        trueFrom: 0,
        seriesLabels: {},
      },
      {
        // The database answers, the query does not.
        step,
        series: [{ series: upSeries, values: repeat(1, count) }],
        trueFrom: 0,
        seriesLabels: {},
      },
    ],
    blip: {
      // One sync ran two scrapes late: the newest row fell past maxAge, then caught up.
      step,
      series: [
        {
          series,
          values: [
            ...overTime(10, step, (t) => t - 60),
            ...repeat(9 * step - 60 - maxAge - step, 2),
            ...overTime(count, step, (t) => t - 60, 12 * step),
          ],
        },
        { series: upSeries, values: repeat(1, count + 12) },
      ],
      checkFrom: 0,
    },
  };
}
