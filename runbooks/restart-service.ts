import { z } from "zod";
import { parseJson } from "../lib/adapters/kubectl.js";
import { probeUrl } from "../lib/checks/http-probe.js";
import { shellLine, type Command } from "../lib/command.js";
import { UsageError } from "../lib/errors.js";
import type { Service, Workload } from "../lib/model/index.js";
import { defineRunbook, type RunContext, type Step } from "../lib/runbook/define.js";
import { localServiceLock, workloadLock } from "../lib/runbook/locks.js";
import { planSmokeFlows } from "../lib/smoke/steps.js";
import { t } from "../lib/i18n/index.js";

const params = z.object({
  service: z.string().describe("service to restart (a services[].name of the stack)"),
  timeout: z.number().int().positive().default(300).describe("seconds to wait for the rollout"),
});

type Params = z.infer<typeof params>;

interface WorkloadStatus {
  spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  status?: { readyReplicas?: number; updatedReplicas?: number };
}

export default defineRunbook({
  name: "restart-service",
  summary: "Restart a service, wait for it to come back, and health-check it",
  description: `
The MIRA operations guide, Troubleshooting Operacional: API No Responde ("systemctl restart
nocobase"), and the logistics support plan, Niveles de soporte, level 2 ("restaura servicios
Docker o workers Celery"), made safe: on a cluster stack a \`kubectl rollout restart\` of the
service's workload (pods are replaced one by one, so a healthy Deployment keeps serving), a wait
for the rollout with a timeout, then a health check of that service and its smoke flows (INATrace
operations manual, 3.3 Criterios de Éxito: login and a minimal business flow). When the rollout or the
health check fails it shows the pods' status, recent events and the last log lines, and exits 1.
On a local stack it runs the service's \`local.restart\` command (no shell) and health-checks it.
A Lease per workload (a lock file on local stacks) keeps two operators from restarting the same
service at once.`,
  outline: [
    "Read the workload: replicas ready, pod selector",
    "kubectl rollout restart <workload> (local stacks: the service's restart command)",
    "kubectl rollout status <workload> --timeout=<timeout>s",
    "Health-check the service's endpoints",
    "Run the service's smoke flows (login and a business flow), when the stack has any",
    "On failure: pod status, recent events, last log lines",
  ],
  manual: [
    "MIRA operations guide, Troubleshooting Operacional, Problema: API No Responde",
    "logistics support plan, Niveles de soporte (nivel 2: restore Docker services or Celery workers)",
  ],
  onFailure:
    "A rollout restart replaces the pods with the same spec: there is nothing to undo. When the rollout or the health check fails, the run exits 1 and prints the pods' status, recent events and last log lines; a failed smoke flow exits 1 naming the step that failed and why; an interrupted wait leaves the rollout going on in the cluster (`kubectl rollout status <workload>` shows where it is). The Lease (lock file on local stacks) is released in every case.",
  params,
  plan: (ctx) => {
    const service = ctx.service(ctx.params.service);
    return ctx.platform.runtime === "local" ? localPlan(ctx, service) : clusterPlan(ctx, service);
  },
});

function clusterPlan(ctx: RunContext<Params>, service: Service) {
  if (!service.workload)
    throw new UsageError(
      t`--service: ${service.name} has no \`workload\` to restart in this stack`,
    );
  const workload = service.workload;
  const facts: { selector?: string } = {};
  const diagnose = (step: RunContext) => diagnostics(step, workload, facts.selector);
  const steps: Step[] = [
    readStep(ctx, workload, facts),
    {
      title: t`Restart ${workload.ref}`,
      kind: "change",
      ...runs(ctx.kubectl.command(["rollout", "restart", workload.ref]), t`restart requested`, {
        stack: ctx.stack.name,
        namespace: ctx.platform.namespace,
        workload: workload.ref,
      }),
      manualUndo: t`a rollout restart replaces the pods with the same spec; there is nothing to undo`,
    },
    rolloutStep(ctx, workload, diagnose),
    healthStep(service, diagnose),
    ...smokeAfterRestart(ctx, service),
  ];
  return { steps, lock: workloadLock(ctx.platform, workload), confirmTarget: workload.ref };
}

function readStep(ctx: RunContext<Params>, workload: Workload, facts: { selector?: string }): Step {
  const read = ctx.kubectl.command(["get", workload.ref, "-o", "json"]);
  return {
    title: t`Read ${workload.ref}`,
    kind: "read",
    action: () => ({ command: read }),
    run: async (step) => {
      const status = parseJson<WorkloadStatus>(await step.exec(read));
      const labels = status.spec?.selector?.matchLabels ?? {};
      facts.selector =
        Object.entries(labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(",") || undefined;
      const ready = t`${status.status?.readyReplicas ?? 0}/${status.spec?.replicas ?? "?"} ready`;
      return { summary: ready, data: { selector: facts.selector } };
    },
  };
}

function rolloutStep(
  ctx: RunContext<Params>,
  workload: Workload,
  diagnose: (step: RunContext) => Promise<string>,
): Step {
  const { timeout } = ctx.params;
  const status = ctx.kubectl.command(["rollout", "status", workload.ref, `--timeout=${timeout}s`]);
  return {
    title: t`Wait for the rollout of ${workload.ref}`,
    kind: "verify",
    timeoutMs: (timeout + 30) * 1000,
    action: () => ({ command: status }),
    run: async (step) => {
      const rollout = await step.exec(status, { allowFailure: true });
      if (rollout.code !== 0)
        throw new Error(
          t`the rollout did not finish: ${rollout.stderr.trim() || rollout.stdout.trim()}\n${await diagnose(step)}`,
        );
      return { summary: rollout.stdout.trim().split("\n").at(-1) };
    },
  };
}

function localPlan(ctx: RunContext<Params>, service: Service) {
  const restart = service.local?.restart?.split(/\s+/).filter(Boolean);
  if (!restart?.length)
    throw new UsageError(
      t`--service: ${service.name} has no \`local.restart\` command in this local stack`,
    );
  const steps: Step[] = [
    {
      title: t`Restart ${service.name}`,
      kind: "change",
      ...runs({ argv: restart, cwd: service.local!.cwd }, t`restart command succeeded`),
      manualUndo: t`a restart cannot be undone; start the service by hand if it stays down`,
    },
    healthStep(service, async () => ""),
    ...smokeAfterRestart(ctx, service),
  ];
  return {
    steps,
    lock: localServiceLock(ctx.platform, service),
    confirmTarget: service.name,
  };
}

/** A step's action and run: `command`, built once, planned and then run. */
function runs(
  command: Command,
  summary: string,
  target?: Record<string, string>,
): Pick<Step, "action" | "run"> {
  return {
    action: () => ({ command, ...(target && { target }) }),
    run: async (step) => {
      await step.exec(command);
      return { summary };
    },
  };
}

/** Health attempts after a restart: a restarted service needs a moment before it answers. */
const HEALTH_ATTEMPTS = 6;
const HEALTH_DELAY_MS = 10_000;

function healthStep(service: Service, diagnose: (ctx: RunContext) => Promise<string>): Step {
  return {
    title: t`Health-check ${service.name}`,
    kind: "verify",
    timeoutMs: HEALTH_ATTEMPTS * (HEALTH_DELAY_MS + 10_000),
    action: () => ({
      call: service.health.map((h) => `GET ${h.url}`).join(", ") || t`no health endpoints declared`,
    }),
    run: async (step) => {
      let failed: string[] = [];
      for (let attempt = 1; attempt <= HEALTH_ATTEMPTS; attempt++) {
        const results = await Promise.all(
          service.health.map((h) => probeUrl(service.name, h, step.signal)),
        );
        failed = results.filter((r) => !r.ok).map((r) => `${r.url}: ${r.detail}`);
        if (failed.length === 0) {
          return {
            summary:
              results.map((r) => t`${r.detail} in ${r.latencyMs} ms`).join(", ") ||
              t`no endpoints to check`,
          };
        }
        if (attempt < HEALTH_ATTEMPTS) {
          step.log(
            t`attempt ${attempt}: ${failed.join("; ")}; next in ${HEALTH_DELAY_MS / 1000} s`,
          );
          await new Promise((resolve) => setTimeout(resolve, HEALTH_DELAY_MS));
        }
      }
      throw new Error(`${failed.join("; ")}\n${await diagnose(step)}`);
    },
  };
}

/**
 * A green health endpoint says the process answers, not that people can log in: the service's
 * smoke flows run after it, and a failed flow fails the run.
 */
function smokeAfterRestart(ctx: RunContext<Params>, service: Service): readonly Step[] {
  return planSmokeFlows(ctx, { service: service.name, after: true, failRun: true }).steps;
}

/** Pod status, recent events and the last log lines: what an engineer looks at next. */
async function diagnostics(
  ctx: RunContext,
  workload: Workload,
  selector: string | undefined,
): Promise<string> {
  const selectorArgs = selector ? ["-l", selector] : [];
  const sections: [string, string[]][] = [
    [t`Pods`, ["get", "pods", ...selectorArgs, "-o", "wide"]],
    [t`Recent events`, ["get", "events", "--sort-by=.lastTimestamp"]],
    [t`Last log lines`, ["logs", workload.ref, "--all-containers", "--tail=30"]],
  ];
  const parts = await Promise.all(
    sections.map(async ([title, args]) => {
      const command = ctx.kubectl.command(args);
      const result = await ctx.exec(command, { allowFailure: true });
      const text = (result.stdout || result.stderr).trim().split("\n").slice(-30).join("\n");
      return `--- ${title} (${shellLine(command)}) ---\n${text}`;
    }),
  );
  return parts.join("\n");
}
