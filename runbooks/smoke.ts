import { z } from "zod";
import { UsageError } from "../lib/errors.js";
import { defineRunbook } from "../lib/runbook/define.js";
import { planSmokeFlows, smokeTable } from "../lib/smoke/steps.js";
import { t } from "../lib/i18n/index.js";

const params = z.object({
  service: z.string().optional().describe("run only this service's flows"),
  flow: z.string().optional().describe("run only this flow"),
  steps: z
    .enum(["all", "api"])
    .default("all")
    .describe("api: leave out the browser steps (where there is no Chromium)"),
  screenshots: z
    .string()
    .optional()
    .describe("directory for the browser steps' screenshots (default: guardia's state directory)"),
});

export default defineRunbook({
  name: "smoke",
  summary: "Run the stack's smoke flows: log in and walk a minimal business flow per service",
  description: `
The INATrace operations manual, 3.3 Criterios de Éxito ("pruebas de humo aprobadas: login y flujo
mínimo de negocio por módulo") and 2.1 Verificación de Salud de Servicios (the frontend renders
its main dashboard), and the MIRA operations guide, Backup y Recovery, scenario 2, step 5
("Verificar funcionalidad") and Monitoreo, Test de Conexión, as one command. Each flow of the
stack's smokeFlows runs its steps in order: HTTP requests that log in with a dedicated smoke
user's credentials (from Secret references), check what each answer shows and capture what later
steps need (a token, an id), and pages opened in headless Chromium that must show a named element
of the dashboard. A green health endpoint and a 200 from an empty single-page shell prove neither.
A flow stops at its first failing step; the cleanup requests of its writes run last, whatever
happened. Credentials, captured values and cookies are masked in every output. Flows that only
read also run in a dry run; writing flows (allowed only where the stack lets them, and in prod
only with a cleanup) are changes that need the confirmation. Screenshots are attached to
--report. Exit 0 when every flow passed, 1 otherwise.`,
  outline: [
    "Run each flow in order: its requests (status, JSON fields, text, captures) and pages (the dashboard element visible)",
    "After each flow: the cleanup requests of its writes, newest first, even when a step failed",
    "Report each step with its time; fail when any flow failed",
  ],
  manual: [
    "INATrace operations manual, 3.3 Criterios de Éxito (login and a minimal business flow per module)",
    "INATrace operations manual, 2.1 Verificación de Salud de Servicios (the frontend renders its main dashboard)",
    'MIRA operations guide, Backup y Recovery, scenario 2, step 5 ("Verificar funcionalidad")',
    "MIRA operations guide, Monitoreo, Scripts de Monitoreo, Test de Conexión (every 5 minutes)",
  ],
  onFailure:
    "Flows that only read change nothing. A writing flow runs the cleanup requests of what it wrote at its end, even when a later step failed; the step's evidence marks each cleanup PASS or FAIL, and a failed one names the request to repeat by hand. Exit 1 names the flow, the step and why (the status and answer, the missing JSON field, or for a page the console errors and failed requests, with its screenshot).",
  params,
  plan: (ctx) => {
    const { service, flow, steps: which, screenshots } = ctx.params;
    if (ctx.platform.smoke.flows.length === 0)
      throw new UsageError(
        t`${ctx.stack.name} declares no smoke flows: add them under smokeFlows.flows in the stack file`,
      );
    const smoke = planSmokeFlows(ctx, {
      service,
      flow,
      steps: which,
      failRun: true,
      ...(screenshots !== undefined && { evidenceDir: screenshots }),
    });
    if (smoke.steps.length === 0 && smoke.result().flows.length === 0)
      throw new UsageError(
        t`--service: ${service} has no smoke flows (flows by service: ${ctx.platform.smoke.flows
          .map((f) => `${f.name} → ${f.service ?? t`the stack`}`)
          .join(", ")})`,
      );
    return {
      steps: smoke.steps,
      confirmTarget: ctx.stack.name,
      result: () => smoke.result(),
      output: () => smokeTable(smoke.result().flows),
    };
  },
});
