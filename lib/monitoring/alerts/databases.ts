import type { Database } from "../../model/index.js";
import type { AlertDefinition, MonitoringContext } from "../catalogue.js";
import { RESPONSE_TIME } from "../contract.js";
import { selector } from "../promql.js";
import { blip, repeat, samplesFor } from "./examples.js";

/**
 * Database availability from postgres_exporter (`pg_up`), for databases whose stack names the
 * exporter's Prometheus job (`databases[].exporterJob`). MIRA operations guide, Monitoreo: "Database Availability, 5 min,
 * 100 %, alert the DBA immediately" — P1.
 */
export function databaseAlerts(ctx: MonitoringContext): AlertDefinition[] {
  return ctx.platform.databases.flatMap((db) => (db.exporterJob ? [databaseDown(ctx, db)] : []));
}

function databaseDown(ctx: MonitoringContext, db: Database): AlertDefinition {
  const { timing } = ctx;
  const step = timing.probeInterval.seconds;
  const forSeconds = timing.databaseDownFor.seconds;
  const job = db.exporterJob!;
  const instance = `${job}:9187`;
  const series = selector("pg_up", { job, instance });
  const down = blip(1, 0, { before: 5, bad: 2 }, forSeconds + 2 * step, step);
  return {
    alert: "DatabaseDown",
    group: "databases",
    expr: `last_over_time(${selector("pg_up", { job })}[${timing.lastProbeLookback}]) == 0`,
    forSeconds,
    priority: "P1",
    subject: { database: db.name },
    summary: `Database ${db.name} is down: postgres_exporter cannot connect`,
    description:
      `postgres_exporter (job ${job}) has not reached ${db.database} on ${db.host}:${db.port} for ` +
      `${timing.databaseDownFor}; ${db.usedBy.length > 0 ? db.usedBy.join(", ") : "its services"} cannot work. ` +
      `Alert the DBA immediately. Priority P1: respond within ${RESPONSE_TIME.P1}.`,
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
