import type { Database } from "../../model/index.js";
import type { AlertDefinition, MonitoringContext } from "../catalogue.js";
import { tr } from "../../i18n/index.js";
import { respondWithin } from "../contract.js";
import { databaseExporterJob } from "../exporters.js";
import { selector } from "../promql.js";
import { blip, repeat, samplesFor } from "./examples.js";

/**
 * Database availability from postgres_exporter (`pg_up`): the exporter job the stack names
 * (`databases[].exporterJob`), else the one guardia deploys (infra/exporters.ts), so every
 * database of a cluster stack has one. MIRA operations guide, Monitoreo: "Database Availability,
 * 5 min, 100 %, alert the DBA immediately" — P1.
 */
export function databaseAlerts(ctx: MonitoringContext): AlertDefinition[] {
  return ctx.platform.databases.flatMap((db) => {
    const job = databaseExporterJob(ctx.platform, db);
    return job ? [databaseDown(ctx, db, job)] : [];
  });
}

function databaseDown(ctx: MonitoringContext, db: Database, job: string): AlertDefinition {
  const { timing } = ctx;
  const step = timing.probeInterval.seconds;
  const forSeconds = timing.databaseDownFor.seconds;
  const instance = `${job}:9187`;
  const series = selector("pg_up", { job, instance });
  const down = blip(1, 0, { before: 5, bad: 2 }, forSeconds + 2 * step, step);
  const lang = ctx.platform.language;
  const users = db.usedBy.join(", ");
  return {
    alert: "DatabaseDown",
    group: "databases",
    expr: `last_over_time(${selector("pg_up", { job })}[${timing.lastProbeLookback}]) == 0`,
    forSeconds,
    priority: "P1",
    subject: { database: db.name },
    summary: tr(lang)`Database ${db.name} is down: postgres_exporter cannot connect`,
    description: [
      db.usedBy.length > 0
        ? tr(
            lang,
          )`postgres_exporter (job ${job}) has not reached ${db.database} on ${db.host}:${db.port} for ${timing.databaseDownFor}; ${users} cannot work.`
        : tr(
            lang,
          )`postgres_exporter (job ${job}) has not reached ${db.database} on ${db.host}:${db.port} for ${timing.databaseDownFor}; its services cannot work.`,
      tr(lang)`Alert the DBA immediately.`,
      respondWithin("P1", lang),
    ].join(" "),
    first: { runbook: "health-check" },
    fires: [
      {
        step,
        series: [{ series, values: repeat(0, samplesFor(forSeconds, step) + 2) }],
        trueFrom: 0,
        seriesLabels: { job, instance },
      },
    ],
    blip: { step, series: [{ series, values: down.values }], checkFrom: 0 },
  };
}
