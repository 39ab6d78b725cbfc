import type { Kubectl } from "../adapters/kubectl.js";
import type { Platform, Service, Workload } from "../model/index.js";
import type { Exec } from "../runbook/exec.js";

/**
 * Seed 002's diagnostic script: `python manage.py check` and a ping of the Celery workers. On a
 * local stack they run in the service's directory; on a cluster stack, inside the workload's pod
 * through `kubectl exec`.
 */
export interface DiagnosticResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly output: string;
}

/** argv of a command run "in" a service: locally, or through kubectl exec. */
export function serviceCommand(
  platform: Platform,
  kubectl: Kubectl,
  service: Service,
  workload: Workload | undefined,
  argv: readonly string[],
): { argv: string[]; cwd: string | undefined } {
  if (platform.runtime === "local") {
    if (!service.local)
      throw new Error(`service ${service.name} has no \`local.cwd\` in this local stack`);
    return { argv: [...argv], cwd: service.local.cwd };
  }
  if (!workload) throw new Error(`service ${service.name} has no workload to exec into`);
  const container = service.container ? ["-c", service.container] : [];
  return {
    argv: kubectl.command(["exec", workload.ref, ...container, "--", ...argv]),
    cwd: undefined,
  };
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

export async function runDjangoCheck(
  exec: Exec,
  platform: Platform,
  kubectl: Kubectl,
  service: Service,
  signal?: AbortSignal,
): Promise<DiagnosticResult> {
  const { argv, cwd } = djangoCheckCommand(platform, kubectl, service);
  const result = await exec(argv, { cwd, signal, allowFailure: true, timeoutMs: 60_000 });
  const output = `${result.stdout}${result.stderr}`.trim();
  const ok = result.code === 0;
  const detail = ok
    ? (output.split("\n").at(-1) ?? "ok")
    : `exit ${result.code}: ${output.split("\n").at(-1) ?? ""}`;
  return { name: `${service.name}: manage.py check`, ok, detail, output };
}

export async function runCeleryPing(
  exec: Exec,
  platform: Platform,
  kubectl: Kubectl,
  service: Service,
  signal?: AbortSignal,
): Promise<DiagnosticResult> {
  const celery = service.diagnostics.celery!;
  const { argv, cwd } = celeryPingCommand(platform, kubectl, service);
  const result = await exec(argv, {
    cwd,
    signal,
    allowFailure: true,
    timeoutMs: (celery.timeoutSeconds + 30) * 1000,
  });
  const output = `${result.stdout}${result.stderr}`.trim();
  const online = Number(/(\d+) nodes? online/.exec(output)?.[1] ?? 0);
  const missing = celery.workers.filter(
    (worker) => !output.includes(`${worker}: OK`) && !output.includes(`-> ${worker}:`),
  );
  const ok = result.code === 0 && online > 0 && missing.length === 0;
  const detail = ok
    ? `${online} worker(s) answered pong`
    : missing.length > 0 && online > 0
      ? `no pong from ${missing.join(", ")}`
      : `no worker answered within ${celery.timeoutSeconds} s`;
  return { name: `${service.name}: celery ping`, ok, detail, output };
}
