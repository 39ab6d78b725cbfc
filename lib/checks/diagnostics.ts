import type { Kubectl } from "../adapters/kubectl.js";
import type { Command } from "../command.js";
import type { Platform, Service, Workload } from "../model/index.js";
import type { Exec, ExecResult } from "../runbook/exec.js";
import { t } from "../i18n/index.js";

/**
 * The logistics support plan's diagnostic script (Flujos de atencion, step 2): `python manage.py
 * check` and a ping of the Celery workers. On a local stack they run in the service's directory;
 * on a cluster stack, inside the workload's pod through `kubectl exec`. Each is a `Command` built
 * once: the plan prints it and the check runs it.
 */
export interface DiagnosticResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly output: string;
}

/** A command run "in" a service: locally in its directory, or through kubectl exec. */
export function serviceCommand(
  platform: Platform,
  kubectl: Kubectl,
  service: Service,
  workload: Workload | undefined,
  argv: readonly string[],
): Command {
  if (platform.runtime === "local") {
    if (!service.local)
      throw new Error(t`service ${service.name} has no \`local.cwd\` in this local stack`);
    return { argv, cwd: service.local.cwd };
  }
  if (!workload) throw new Error(t`service ${service.name} has no workload to exec into`);
  const container = service.container ? ["-c", service.container] : [];
  return kubectl.command(["exec", workload.ref, ...container, "--", ...argv]);
}

export function djangoCheckCommand(platform: Platform, kubectl: Kubectl, service: Service) {
  const django = service.diagnostics.django!;
  return serviceCommand(platform, kubectl, service, service.workload, [
    django.python,
    django.manage,
    "check",
  ]);
}

export function celeryPingCommand(platform: Platform, kubectl: Kubectl, service: Service) {
  const celery = service.diagnostics.celery!;
  const argv = [
    celery.python,
    "-m",
    "celery",
    "-A",
    celery.app,
    "inspect",
    "ping",
    "-t",
    String(celery.timeoutSeconds),
  ];
  return serviceCommand(platform, kubectl, service, celery.workload, argv);
}

/** `command` (djangoCheckCommand's) run; passes on exit 0. */
export async function runDjangoCheck(
  exec: Exec,
  service: Service,
  command: Command,
  signal?: AbortSignal,
): Promise<DiagnosticResult> {
  const { result, output } = await runDiagnostic(exec, command, 60_000, signal);
  const ok = result.code === 0;
  const last = output.split("\n").at(-1) ?? "";
  const detail = ok ? last : t`exit ${result.code}: ${last}`;
  return { name: `${service.name}: manage.py check`, ok, detail, output };
}

/** `command` (celeryPingCommand's) run; passes when every expected worker answered pong. */
export async function runCeleryPing(
  exec: Exec,
  service: Service,
  command: Command,
  signal?: AbortSignal,
): Promise<DiagnosticResult> {
  const celery = service.diagnostics.celery!;
  const timeoutMs = (celery.timeoutSeconds + 30) * 1000;
  const { result, output } = await runDiagnostic(exec, command, timeoutMs, signal);
  const online = Number(/(\d+) nodes? online/.exec(output)?.[1] ?? 0);
  const missing = celery.workers.filter(
    (worker) => !output.includes(`${worker}: OK`) && !output.includes(`-> ${worker}:`),
  );
  const ok = result.code === 0 && online > 0 && missing.length === 0;
  const detail = ok
    ? t`${online} worker(s) answered pong`
    : missing.length > 0 && online > 0
      ? t`no pong from ${missing.join(", ")}`
      : t`no worker answered within ${celery.timeoutSeconds} s`;
  return { name: `${service.name}: celery ping`, ok, detail, output };
}

async function runDiagnostic(
  exec: Exec,
  command: Command,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<{ result: ExecResult; output: string }> {
  const result = await exec(command, { signal, allowFailure: true, timeoutMs });
  return { result, output: `${result.stdout}${result.stderr}`.trim() };
}
