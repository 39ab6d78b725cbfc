import type { PgTarget } from "../adapters/postgres.js";
import { DEFAULTS, type Database, type Platform, type Service } from "../model/index.js";
import type { PlannedAction } from "../runbook/types.js";
import { formatTable } from "../table.js";
import { checkDatabase } from "./database-check.js";
import { probeUrl, type ProbeTarget } from "./http-probe.js";
import { t } from "../i18n/index.js";

/**
 * A stack's health as one table: every health URL, external dependency and database, all probed
 * at once so the whole check takes about one timeout. (Smoke flows are lib/smoke's.)
 * health-check prints it; maintenance-window uses it before and after the work.
 */

export interface CheckRow {
  readonly kind: "endpoint" | "dependency" | "database" | "diagnostic";
  readonly name: string;
  readonly ok: boolean;
  readonly latencyMs?: number;
  readonly detail: string;
}

export interface HealthScope {
  readonly probes: readonly { kind: CheckRow["kind"]; name: string; target: ProbeTarget }[];
  readonly databases: readonly Database[];
}

export interface ScopeOptions {
  /** Only this service and the databases it uses (no external dependencies). */
  readonly service?: Service;
  /** Overrides every probe's timeout (ms). */
  readonly timeoutMs?: number;
}

export function healthScope(platform: Platform, options: ScopeOptions = {}): HealthScope {
  const { service, timeoutMs } = options;
  const services = service ? [service] : platform.services;
  const endpoints = services.flatMap((svc) =>
    svc.health.map((h) => ({
      kind: "endpoint" as const,
      name: svc.name,
      target: { ...h, timeoutMs: timeoutMs ?? h.timeoutMs },
    })),
  );
  const dependencies = service
    ? []
    : platform.externalDependencies.map((dep) => ({
        kind: "dependency" as const,
        name: dep.name,
        target: {
          url: dep.url,
          expectStatus: DEFAULTS.dependencyProbe.expectStatus,
          timeoutMs: timeoutMs ?? DEFAULTS.dependencyProbe.timeoutMs,
        },
      }));
  const databases = service
    ? platform.databases.filter((db) => db.usedBy.includes(service.name))
    : platform.databases;
  return { probes: [...endpoints, ...dependencies], databases };
}

export function describeScope(scope: HealthScope): { title: string; action: PlannedAction } {
  return {
    title: t`Probe ${scope.probes.length} endpoint(s) and ${scope.databases.length} database(s)`,
    action: {
      call: scope.probes.map((p) => `GET ${p.target.url}`).join(", ") || t`no HTTP endpoints`,
      target: Object.fromEntries(
        scope.databases.map((db) => [db.name, `${db.host}:${db.port}/${db.database}`]),
      ),
    },
  };
}

/** Runs every check of the scope concurrently; a database whose password cannot be found is a failed row. */
export async function checkHealth(
  scope: HealthScope,
  pg: (database: Database) => Promise<PgTarget>,
  signal: AbortSignal,
  databaseTimeoutMs = 5000,
): Promise<CheckRow[]> {
  const [probes, databases] = await Promise.all([
    Promise.all(
      scope.probes.map(async (p): Promise<CheckRow> => {
        const result = await probeUrl(p.name, p.target, signal);
        return {
          kind: p.kind,
          name: `${p.name} ${result.url}`,
          ok: result.ok,
          latencyMs: result.latencyMs,
          detail: result.detail,
        };
      }),
    ),
    Promise.all(
      scope.databases.map(async (db): Promise<CheckRow> => {
        try {
          return { kind: "database", ...(await checkDatabase(await pg(db), databaseTimeoutMs)) };
        } catch (err) {
          return {
            kind: "database",
            name: db.name,
            ok: false,
            latencyMs: 0,
            detail: (err as Error).message,
          };
        }
      }),
    ),
  ]);
  return [...probes, ...databases];
}

export function countSummary(rows: readonly { ok: boolean }[]): string {
  const failed = rows.filter((r) => !r.ok).length;
  return failed === 0 ? t`${rows.length} ok` : t`${failed} of ${rows.length} failing`;
}

/** One line per check: UP/DOWN, kind, name, latency, detail; columns aligned. */
export function healthTable(rows: readonly CheckRow[]): string {
  return formatTable(
    rows.map((r) => [
      r.ok ? t`UP` : t`DOWN`,
      kindWord(r.kind),
      r.name,
      r.latencyMs === undefined ? "" : `${r.latencyMs} ms`,
      r.detail,
    ]),
  );
}

/** A check's kind in the table: the value itself in English. */
function kindWord(kind: CheckRow["kind"]): string {
  if (kind === "endpoint") return t`endpoint`;
  if (kind === "dependency") return t`dependency`;
  return kind === "database" ? t`database` : t`diagnostic`;
}

export function failedChecks(rows: readonly CheckRow[]): string {
  return rows
    .filter((r) => !r.ok)
    .map((r) => `${r.name} (${r.detail})`)
    .join("; ");
}
