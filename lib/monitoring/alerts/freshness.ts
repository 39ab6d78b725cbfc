import type { DataFreshness } from "../../model/index.js";
import type { AlertDefinition, MonitoringContext } from "../catalogue.js";
import { tr } from "../../i18n/index.js";
import { respondWithin } from "../contract.js";
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
    ...dataStaleTexts(ctx, entry),
    first: { runbook: "health-check" },
    ...dataStaleExamples(ctx, entry, forSeconds),
  };
}

function dataStaleTexts(
  ctx: MonitoringContext,
  entry: DataFreshness,
): Pick<AlertDefinition, "summary" | "description"> {
  const lang = ctx.platform.language;
  const { dependency, database, maxAge, name } = entry;
  const what = entry.description ?? tr(lang)`The newest row of ${name}`;
  return {
    summary: dependency
      ? tr(
          lang,
        )`The data from ${dependency} in ${database} is stale: nothing newer than ${maxAge} (${name})`
      : tr(lang)`The data in ${database} is stale: nothing newer than ${maxAge} (${name})`,
    description: [
      dependency
        ? tr(
            lang,
          )`${what} is older than ${maxAge}, or its query returned nothing: the synchronisation from ${dependency} has stopped.`
        : tr(
            lang,
          )`${what} is older than ${maxAge}, or its query returned nothing: the synchronisation has stopped.`,
      tr(lang)`Check the dependency and the sync's logs, then run it again.`,
      tr(lang)`Query: ${entry.query.trim()}.`,
      respondWithin(entry.priority, lang),
    ].join(" "),
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
