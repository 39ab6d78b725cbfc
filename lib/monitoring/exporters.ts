import { stringify } from "yaml";
import type { Database, DataFreshness, Platform } from "../model/index.js";
import { isClusterHost } from "../model/resolve.js";
import { objectName } from "../naming.js";

/**
 * The postgres_exporters guardia runs (Pulumi-free facts; infra/exporters.ts deploys them): one
 * per database whose stack names no exporter job (and gives the password Secret it connects
 * with), so that every database of a cluster stack has a database-down alert (MIRA operations guide, Monitoreo: Database Availability 100 %, "alertar
 * DBA inmediatamente"), and one per database with data freshness queries, which run as the
 * exporter's custom queries (MIRA operations guide, Monitoreo: Verificar Sincronización ALMA).
 */

export const POSTGRES_EXPORTER_PORT = 9187;
/** Where the custom queries are mounted in the exporter's pod. */
export const QUERIES_PATH = "/etc/postgres-exporter/queries.yaml";

/** `<platform>-postgres-exporter-<database>`: the Deployment, its Service, and so the `job` label. */
export function guardiaPostgresExporterJob(platform: Platform, db: Database): string {
  return objectName(platform, ["postgres-exporter", db.name]);
}

export interface DeployedPostgresExporter {
  readonly database: Database;
  /** The Prometheus job (its Service's name, as the ServiceMonitor scrapes it). */
  readonly job: string;
  readonly freshness: readonly DataFreshness[];
}

/** The exporters guardia deploys for a cluster stack. */
export function deployedPostgresExporters(platform: Platform): DeployedPostgresExporter[] {
  if (platform.runtime !== "kubernetes") return [];
  return platform.databases.flatMap((database) => {
    const freshness = platform.dataFreshness.filter((f) => f.database === database.name);
    const forUp = !database.exporterJob && database.passwordSecret !== undefined;
    if (!forUp && freshness.length === 0) return [];
    return [{ database, job: guardiaPostgresExporterJob(platform, database), freshness }];
  });
}

/**
 * The job whose `pg_up` tells whether a database is up: the stack's own exporter when it names
 * one, else guardia's (cluster stacks, a database with a password Secret); else undefined.
 */
export function databaseExporterJob(platform: Platform, db: Database): string | undefined {
  if (db.exporterJob) return db.exporterJob;
  const deployed = platform.runtime === "kubernetes" && db.passwordSecret !== undefined;
  return deployed ? guardiaPostgresExporterJob(platform, db) : undefined;
}

/** The job that runs a freshness query: always guardia's exporter of its database. */
export function freshnessJob(platform: Platform, entry: DataFreshness): string {
  const db = platform.databases.find((d) => d.name === entry.database)!;
  return guardiaPostgresExporterJob(platform, db);
}

/** `guardia_freshness_alma_sync_newest_seconds`: the series a freshness query exports. */
export function freshnessMetric(entry: Pick<DataFreshness, "name">): string {
  return `guardia_freshness_${entry.name.replace(/-/g, "_")}_newest_seconds`;
}

/**
 * postgres_exporter's custom queries (`--extend.query-path`): each stack query becomes the
 * subquery of one that turns its timestamp into unix seconds; no rows at all count as 0, the
 * oldest time there is, so an empty sync table is stale rather than silent.
 */
export function freshnessQueriesYaml(entries: readonly DataFreshness[]): string {
  const queries = Object.fromEntries(
    entries.map((entry) => [
      freshnessMetric(entry).replace(/_newest_seconds$/, ""),
      {
        query:
          "SELECT coalesce(extract(epoch FROM max(newest)), 0)::float8 AS newest_seconds " +
          `FROM (${entry.query.trim()}) AS guardia_freshness(newest)`,
        metrics: [
          {
            newest_seconds: {
              usage: "GAUGE",
              description: `Newest synchronised row of ${entry.name} (unix seconds)`,
            },
          },
        ],
      },
    ]),
  );
  return stringify(queries, { lineWidth: 0 });
}

/** In-cluster hosts speak plain TCP; a managed database (RDS) is reached over TLS. */
export function exporterSslMode(db: Database): "disable" | "require" {
  return isClusterHost(db.host) ? "disable" : "require";
}
