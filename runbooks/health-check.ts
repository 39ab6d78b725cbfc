import { z } from "zod";
import { checkDatabase, type DatabaseCheck } from "../lib/checks/database-check.js";
import {
  celeryPingCommand,
  djangoCheckCommand,
  runCeleryPing,
  runDjangoCheck,
  type DiagnosticResult,
} from "../lib/checks/diagnostics.js";
import { probeUrl, type ProbeResult } from "../lib/checks/http-probe.js";
import type { Database, Platform, Service } from "../lib/model/index.js";
import { defineRunbook, type RunContext, type Step } from "../lib/runbook/define.js";

const params = z.object({
  service: z.string().optional().describe("check only this service (and the databases it uses)"),
  deep: z
    .boolean()
    .default(false)
    .describe("also run the stack's diagnostics: Django manage.py check, Celery worker ping"),
  timeout: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("per-probe timeout in milliseconds (default: each endpoint's timeoutMs)"),
});

type Params = z.infer<typeof params>;

interface Row {
  readonly kind: string;
  readonly name: string;
  readonly ok: boolean;
  readonly latencyMs?: number;
  readonly detail: string;
}

export default defineRunbook({
  name: "health-check",
  summary: "Probe every health endpoint, external dependency and database of a stack",
  description: `
Seed 000 §2.1 (backend health endpoint, frontend, mobile sync), seed 002 level 1 (/api/v1/whoami)
and seed 004 (NocoBase API, ALMA/SIDRA connectivity, database availability) as one command. All
probes run at once, each with its timeout, so the whole check takes about one timeout. With --deep
it adds seed 002's diagnostic script: \`python manage.py check\` and a Celery worker ping, run in
the service's directory on a local stack or through \`kubectl exec\` on a cluster stack.
Read-only: it never changes anything. Exit 0 when everything answers, 1 otherwise.`,
  outline: [
    "Probe every health URL and external dependency, and connect to every database (SELECT 1), all at once",
    "With --deep: Django manage.py check and Celery worker ping",
    "Report the table; fail when any check failed",
  ],
  params,
  plan: (ctx) => {
    const services = selectedServices(ctx);
    const rows: Row[] = [];
    const steps: Step[] = [
      probeStep(ctx, services, rows),
      ...(ctx.params.deep ? deepSteps(ctx, services, rows) : []),
      verdictStep(rows),
    ];
    return {
      steps,
      result: () => ({ healthy: rows.every((r) => r.ok), checks: rows }),
      output: () => table(rows),
    };
  },
});

function selectedServices(ctx: RunContext<Params>): readonly Service[] {
  return ctx.params.service ? [ctx.service(ctx.params.service)] : ctx.platform.services;
}

function probeTargets(
  platform: Platform,
  services: readonly Service[],
  narrowed: boolean,
  timeout?: number,
) {
  const endpoints = services.flatMap((svc) =>
    svc.health.map((h) => ({
      kind: "endpoint",
      name: svc.name,
      endpoint: { ...h, timeoutMs: timeout ?? h.timeoutMs },
    })),
  );
  const dependencies = narrowed
    ? []
    : platform.externalDependencies.map((dep) => ({
        kind: "dependency",
        name: dep.name,
        endpoint: { url: dep.url, expectStatus: 200, timeoutMs: timeout ?? 10_000 },
      }));
  return [...endpoints, ...dependencies];
}

/** HTTP probes and database checks all at once: the step takes about one timeout. */
function probeStep(ctx: RunContext<Params>, services: readonly Service[], rows: Row[]): Step {
  const targets = probeTargets(
    ctx.platform,
    services,
    ctx.params.service !== undefined,
    ctx.params.timeout,
  );
  const databases = selectedDatabases(ctx, services);
  return {
    title: `Probe ${targets.length} endpoint(s) and ${databases.length} database(s)`,
    kind: "read",
    action: () => ({
      call: targets.map((t) => `GET ${t.endpoint.url}`).join(", ") || "no HTTP endpoints",
      target: Object.fromEntries(
        databases.map((db) => [db.name, `${db.host}:${db.port}/${db.database}`]),
      ),
    }),
    run: async (step) => {
      const [probes, checks] = await Promise.all([
        Promise.all(targets.map((t) => probeUrl(t.name, t.endpoint, step.signal))),
        Promise.all(databases.map((db) => databaseCheck(ctx, db))),
      ]);
      rows.push(...probes.map((r, i) => probeRow(targets[i]!.kind, r)));
      rows.push(...checks.map((r) => ({ kind: "database", ...r })));
      return { summary: countSummary([...probes, ...checks]), data: { probes, databases: checks } };
    },
  };
}

function probeRow(kind: string, result: ProbeResult): Row {
  return {
    kind,
    name: `${result.name} ${result.url}`,
    ok: result.ok,
    latencyMs: result.latencyMs,
    detail: result.detail,
  };
}

/** With --service, only the databases that service uses. */
function selectedDatabases(
  ctx: RunContext<Params>,
  services: readonly Service[],
): readonly Database[] {
  if (!ctx.params.service) return ctx.platform.databases;
  const names = new Set(services.map((s) => s.name));
  return ctx.platform.databases.filter((db) => db.usedBy.some((user) => names.has(user)));
}

async function databaseCheck(ctx: RunContext<Params>, db: Database): Promise<DatabaseCheck> {
  try {
    return await checkDatabase(await ctx.pg(db), ctx.params.timeout ?? 5000);
  } catch (err) {
    return { name: db.name, ok: false, latencyMs: 0, detail: (err as Error).message };
  }
}

function deepSteps(ctx: RunContext<Params>, services: readonly Service[], rows: Row[]): Step[] {
  return services.flatMap((svc): Step[] => [
    ...(svc.diagnostics.django
      ? [
          diagnosticStep(
            `Django manage.py check of ${svc.name}`,
            djangoCheckCommand(ctx.platform, ctx.kubectl, svc),
            (step) => runDjangoCheck(step.exec, step.platform, step.kubectl, svc, step.signal),
            rows,
          ),
        ]
      : []),
    ...(svc.diagnostics.celery
      ? [
          diagnosticStep(
            `Celery worker ping of ${svc.name}`,
            celeryPingCommand(ctx.platform, ctx.kubectl, svc),
            (step) => runCeleryPing(step.exec, step.platform, step.kubectl, svc, step.signal),
            rows,
          ),
        ]
      : []),
  ]);
}

function diagnosticStep(
  title: string,
  command: { argv: string[]; cwd: string | undefined },
  check: (ctx: RunContext) => Promise<DiagnosticResult>,
  rows: Row[],
): Step {
  return {
    title,
    kind: "read",
    timeoutMs: 90_000,
    action: () => ({ command: command.argv, ...(command.cwd && { target: { cwd: command.cwd } }) }),
    run: async (ctx) => {
      const result = await check(ctx);
      rows.push({ kind: "diagnostic", name: result.name, ok: result.ok, detail: result.detail });
      return { summary: result.detail, evidence: result.output };
    },
  };
}

function verdictStep(rows: Row[]): Step {
  return {
    title: "Verdict",
    kind: "read",
    run: async () => {
      const failed = rows.filter((r) => !r.ok);
      if (failed.length > 0) {
        throw new Error(
          `${failed.length} of ${rows.length} check(s) failed: ${failed.map((r) => `${r.name} (${r.detail})`).join("; ")}`,
        );
      }
      return { summary: `all ${rows.length} check(s) passed` };
    },
  };
}

function countSummary(results: readonly { ok: boolean }[]): string {
  const failed = results.filter((r) => !r.ok).length;
  return failed === 0 ? `${results.length} ok` : `${failed} of ${results.length} failing`;
}

function table(rows: readonly Row[]): string {
  const lines = rows.map((r) => [
    r.ok ? "UP" : "DOWN",
    r.kind,
    r.name,
    r.latencyMs === undefined ? "" : `${r.latencyMs} ms`,
    r.detail,
  ]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...lines.map((l) => l[i]!.length), 0));
  return lines
    .map((l) => l.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]!) : cell)).join("  "))
    .join("\n");
}
