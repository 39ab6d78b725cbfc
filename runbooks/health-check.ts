import { z } from "zod";
import {
  celeryPingCommand,
  djangoCheckCommand,
  runCeleryPing,
  runDjangoCheck,
  type DiagnosticResult,
} from "../lib/checks/diagnostics.js";
import {
  checkHealth,
  countSummary,
  describeScope,
  failedChecks,
  healthScope,
  healthTable,
  type CheckRow,
} from "../lib/checks/stack-health.js";
import type { Command } from "../lib/command.js";
import type { Service } from "../lib/model/index.js";
import { defineRunbook, type RunContext, type Step } from "../lib/runbook/define.js";
import { t } from "../lib/i18n/index.js";

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

export default defineRunbook({
  name: "health-check",
  summary: "Probe every health endpoint, external dependency and database of a stack",
  description: `
The INATrace operations manual, 2.1 Verificación de Salud de Servicios (backend health endpoint,
frontend, mobile sync), the logistics support plan, Niveles de soporte, level 1 (/api/v1/whoami),
and the MIRA operations guide, Monitoreo: Métricas Clave (NocoBase API, ALMA/SIDRA connectivity,
database availability) as one command. All probes run at once, each with its timeout, so the
whole check takes about one timeout. With --deep it adds the logistics support plan's diagnostic
script (Flujos de atencion, step 2): \`python manage.py check\` and a Celery worker ping, run in
the service's directory on a local stack or through \`kubectl exec\` on a cluster stack.
Read-only: it never changes anything. Exit 0 when everything answers, 1 otherwise.`,
  outline: [
    "Probe every health URL and external dependency, and connect to every database (SELECT 1), all at once",
    "With --deep: Django manage.py check and Celery worker ping",
    "Report the table; fail when any check failed",
  ],
  manual: [
    "INATrace operations manual, 2.1 Verificación de Salud de Servicios",
    "logistics support plan, Niveles de soporte (nivel 1) and Flujos de atención, step 2 (diagnostic script)",
    "MIRA operations guide, Monitoreo, Métricas Clave",
  ],
  onFailure:
    "It changes nothing. Exit 1 means a check failed: the table says which endpoint, dependency or database, with the status or error it got.",
  params,
  plan: (ctx) => {
    const services = ctx.params.service ? [ctx.service(ctx.params.service)] : ctx.platform.services;
    const rows: CheckRow[] = [];
    const steps: Step[] = [
      probeStep(ctx, rows),
      ...(ctx.params.deep ? deepSteps(ctx, services, rows) : []),
      verdictStep(rows),
    ];
    return {
      steps,
      result: () => ({ healthy: rows.every((r) => r.ok), checks: rows }),
      output: () => healthTable(rows),
    };
  },
});

/** HTTP probes and database checks all at once: the step takes about one timeout. */
function probeStep(ctx: RunContext<Params>, rows: CheckRow[]): Step {
  const service = ctx.params.service ? ctx.service(ctx.params.service) : undefined;
  const scope = healthScope(ctx.platform, { service, timeoutMs: ctx.params.timeout });
  const { title, action } = describeScope(scope);
  return {
    title,
    kind: "read",
    action: () => action,
    run: async (step) => {
      const checked = await checkHealth(scope, step.pg, step.signal, ctx.params.timeout);
      rows.push(...checked);
      return { summary: countSummary(checked), data: checked };
    },
  };
}

function deepSteps(
  ctx: RunContext<Params>,
  services: readonly Service[],
  rows: CheckRow[],
): Step[] {
  const { platform, kubectl } = ctx;
  return services.flatMap((svc): Step[] => [
    ...(svc.diagnostics.django
      ? [
          diagnosticStep(
            t`Django manage.py check of ${svc.name}`,
            djangoCheckCommand(platform, kubectl, svc),
            (step, command) => runDjangoCheck(step.exec, svc, command, step.signal),
            rows,
          ),
        ]
      : []),
    ...(svc.diagnostics.celery
      ? [
          diagnosticStep(
            t`Celery worker ping of ${svc.name}`,
            celeryPingCommand(platform, kubectl, svc),
            (step, command) => runCeleryPing(step.exec, svc, command, step.signal),
            rows,
          ),
        ]
      : []),
  ]);
}

function diagnosticStep(
  title: string,
  command: Command,
  check: (ctx: RunContext, command: Command) => Promise<DiagnosticResult>,
  rows: CheckRow[],
): Step {
  return {
    title,
    kind: "read",
    timeoutMs: 90_000,
    action: () => ({ command }),
    run: async (step) => {
      const result = await check(step, command);
      rows.push({ kind: "diagnostic", name: result.name, ok: result.ok, detail: result.detail });
      return { summary: result.detail, evidence: result.output };
    },
  };
}

function verdictStep(rows: CheckRow[]): Step {
  return {
    title: t`Verdict`,
    kind: "read",
    run: async () => {
      const failed = rows.filter((r) => !r.ok).length;
      if (failed > 0)
        throw new Error(t`${failed} of ${rows.length} check(s) failed: ${failedChecks(rows)}`);
      return { summary: t`all ${rows.length} check(s) passed` };
    },
  };
}
