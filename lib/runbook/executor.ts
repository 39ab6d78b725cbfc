import { createKubectl, type Kubectl } from "../adapters/kubectl.js";
import { pgTarget } from "../adapters/postgres.js";
import { EXIT, RefusedError, UsageError } from "../errors.js";
import type { LoadedStack } from "../model/index.js";
import { maskSecrets } from "../secret.js";
import { resolveSecret } from "../secrets.js";
import { GUARDIA_VERSION } from "../version.js";
import { assertConfirmable, confirmChanges, type ConfirmIO } from "./confirm.js";
import { createExec, type ExecRecord } from "./exec.js";
import { acquireLock, type HeldLock } from "./locks.js";
import { seconds, type Progress } from "./progress.js";
import type { RunRecord, StepRecord } from "./record.js";
import type { RunbookDefinition, RunbookPlan, RunContext, Step } from "./types.js";

/**
 * Runs one runbook: read steps always, changes only when not a dry run and after confirmation,
 * under a lock per target; on a failure, the changes already made are rolled back in reverse
 * order and the record says exactly what was left and how to undo it.
 */
export interface ExecuteOptions {
  readonly stack: LoadedStack;
  readonly params: Record<string, unknown>;
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly operator: string;
  readonly progress: Progress;
  readonly confirmIO: ConfirmIO;
  readonly env?: NodeJS.ProcessEnv;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_RETRY_DELAY_MS = 2000;

class StepFailure extends Error {}

export async function executeRunbook(
  definition: RunbookDefinition,
  options: ExecuteOptions,
): Promise<RunRecord> {
  const started = Date.now();
  const run = newRecord(definition, options);
  let current: StepRecord | undefined;
  const exec = createExec((entry: ExecRecord) => current?.commands.push(entry));
  const kubectl = createKubectl(exec, options.stack.platform.namespace);
  const context = contextFactory(definition, options, exec, kubectl);
  let held: HeldLock | undefined;
  let plan: RunbookPlan | undefined;
  try {
    plan = definition.plan(context(new AbortController().signal));
    run.steps = plan.steps.map((step, i) => ({
      index: i + 1,
      title: step.title,
      kind: step.kind,
      status: "not-run",
      durationMs: 0,
      attempts: 0,
      commands: [],
    }));
    const changes = plan.steps.filter((s) => s.kind === "change").length;
    if (!options.dryRun && changes > 0) {
      assertConfirmable(options.confirmIO, options.yes, changes);
      if (plan.lock)
        held = await acquireLock(
          plan.lock,
          { operator: options.operator, runbook: definition.name, stack: options.stack.name },
          { kubectl, pg: context(new AbortController().signal).pg },
        );
      run.lock = held?.description;
    }
    const done: Step[] = [];
    let confirmed = options.yes;
    for (const [i, step] of plan.steps.entries()) {
      const record = run.steps[i]!;
      current = record;
      if (options.dryRun && step.kind !== "read") {
        plannedStep(step, record, context, options.progress, position(i, plan));
        continue;
      }
      const lost = step.kind === "change" ? held?.lost() : undefined;
      if (lost) {
        await rollback(done, run, context, options.progress);
        throw new Error(`stopped before "${step.title}": ${lost}`);
      }
      if (step.kind === "change" && !confirmed) {
        await confirmChanges({
          io: options.confirmIO,
          environment: options.stack.platform.environment,
          target: plan.confirmTarget ?? options.stack.platform.name,
          summary: pendingChanges(plan, i, context),
        });
        confirmed = true;
      }
      try {
        await runStep(step, record, context, options.progress, position(i, plan));
      } catch (err) {
        await rollback(done, run, context, options.progress);
        throw err;
      }
      if (step.kind === "change") done.push(step);
    }
    finish(run, options.dryRun ? "planned" : "done", EXIT.ok);
  } catch (err) {
    const error = err as Error;
    const [outcome, code] =
      err instanceof RefusedError
        ? (["refused", EXIT.refused] as const)
        : err instanceof UsageError
          ? (["bad-input", EXIT.usage] as const)
          : (["failed", EXIT.failed] as const);
    run.error = maskSecrets(failureMessage(error, run));
    finish(run, outcome, code);
  } finally {
    options.progress.stop();
    await held?.release().catch(() => {});
    await Promise.resolve(plan?.cleanup?.()).catch(() => {});
  }
  describeResult(run, plan);
  run.durationMs = Date.now() - started;
  return run;
}

function newRecord(definition: RunbookDefinition, options: ExecuteOptions): RunRecord {
  return {
    runbook: definition.name,
    stack: options.stack.name,
    stackFile: options.stack.file,
    environment: options.stack.platform.environment,
    params: options.params,
    dryRun: options.dryRun,
    operator: options.operator,
    startedAt: new Date().toISOString(),
    steps: [],
    rollback: [],
    guardiaVersion: GUARDIA_VERSION,
  };
}

/** The result also after a failure: a failed health check still shows which checks failed. */
function describeResult(run: RunRecord, plan: RunbookPlan | undefined): void {
  try {
    run.result = plan?.result?.();
    run.output = plan?.output?.();
  } catch (err) {
    run.error ??= `could not compute the result: ${(err as Error).message}`;
  }
}

function finish(
  run: RunRecord,
  outcome: NonNullable<RunRecord["outcome"]>,
  exitCode: number,
): void {
  run.outcome = outcome;
  run.exitCode = exitCode;
  run.finishedAt = new Date().toISOString();
}

type ContextFactory = (signal: AbortSignal) => RunContext;

function contextFactory(
  definition: RunbookDefinition,
  options: ExecuteOptions,
  exec: RunContext["exec"],
  kubectl: Kubectl,
): ContextFactory {
  const { stack, env = process.env } = options;
  const { platform } = stack;
  const sources = {
    env,
    readKubernetesSecret: (_ns: string, name: string, key: string) => kubectl.readSecret(name, key),
  };
  const base = {
    runbook: definition.name,
    stack,
    platform,
    params: options.params,
    dryRun: options.dryRun,
    operator: options.operator,
    log: (message: string) => options.progress.log(message),
    exec,
    kubectl,
    secret: (ref: Parameters<RunContext["secret"]>[0], label: string) =>
      resolveSecret(ref, platform, label, sources),
    pg: (database: Parameters<RunContext["pg"]>[0]) => pgTarget(database, platform, sources),
    service: (name: string) => findNamed(platform.services, name, "service", "--service"),
    database: (name: string) => findNamed(platform.databases, name, "database", "--database"),
  };
  return (signal) => ({ ...base, signal });
}

function findNamed<T extends { name: string }>(
  items: readonly T[],
  name: string,
  what: string,
  flag: string,
): T {
  const found = items.find((item) => item.name === name);
  if (!found) {
    const known = items.map((i) => i.name).join(", ") || "none";
    throw new UsageError(`${flag}: no ${what} "${name}" in this stack (${what}s: ${known})`);
  }
  return found;
}

function position(index: number, plan: RunbookPlan): string {
  return `[${index + 1}/${plan.steps.length}]`;
}

function plannedStep(
  step: Step,
  record: StepRecord,
  context: ContextFactory,
  progress: Progress,
  at: string,
): void {
  record.status = "planned";
  record.action = step.action?.(context(new AbortController().signal));
  progress.stepFinished(at, record);
}

function pendingChanges(plan: RunbookPlan, from: number, context: ContextFactory): string {
  const ctx = context(new AbortController().signal);
  const lines = plan.steps
    .slice(from)
    .filter((s) => s.kind === "change")
    .map((s) => {
      const action = s.action?.(ctx);
      return `  - ${s.title}${action?.command ? `\n      $ ${action.command.join(" ")}` : ""}${action?.call ? `\n      → ${action.call}` : ""}`;
    });
  return `About to change ${ctxTarget(ctx)}:\n${lines.join("\n")}`;
}

function ctxTarget(ctx: RunContext): string {
  return `${ctx.stack.name} (${ctx.platform.environment}, namespace ${ctx.platform.namespace})`;
}

async function runStep(
  step: Step,
  record: StepRecord,
  context: ContextFactory,
  progress: Progress,
  at: string,
): Promise<void> {
  const started = Date.now();
  record.startedAt = new Date(started).toISOString();
  progress.stepStarted(at, step.title);
  let lastError: Error | undefined;
  for (let attempt = 0; attempt <= (step.retries ?? 0); attempt++) {
    record.attempts = attempt + 1;
    if (attempt > 0) {
      progress.log(`attempt ${attempt} failed: ${lastError?.message.split("\n")[0]}; retrying`);
      await new Promise((resolve) =>
        setTimeout(resolve, step.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS),
      );
    }
    try {
      await attemptStep(step, record, context);
      lastError = undefined;
      break;
    } catch (err) {
      lastError = err as Error;
    }
  }
  record.durationMs = Date.now() - started;
  record.status = lastError ? "failed" : "ok";
  if (lastError) record.error = maskSecrets(lastError.message);
  progress.stepFinished(at, record);
  // A refusal or bad input found by a step keeps its exit code (3 or 2), not "failed".
  if (lastError instanceof RefusedError || lastError instanceof UsageError) throw lastError;
  if (lastError)
    throw new StepFailure(`step ${record.index} "${step.title}" failed: ${record.error}`);
}

async function attemptStep(step: Step, record: StepRecord, context: ContextFactory): Promise<void> {
  const controller = new AbortController();
  const timeoutMs = step.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Reject before aborting: a step that settles when its signal aborts must not win the race.
      reject(new Error(`timed out after ${seconds(timeoutMs)}`));
      controller.abort();
    }, timeoutMs);
  });
  try {
    const ctx = context(controller.signal);
    record.action = step.action?.(ctx);
    const outcome = await Promise.race([step.run(ctx), timedOut]);
    if (outcome) Object.assign(record, pick(outcome));
    if (step.check) {
      try {
        const message = await Promise.race([step.check(ctx), timedOut]);
        record.check = { ok: true, ...(message && { message }) };
      } catch (err) {
        record.check = { ok: false, message: maskSecrets((err as Error).message) };
        throw new Error(`check failed: ${(err as Error).message}`, { cause: err });
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

function pick(outcome: { summary?: string; evidence?: string; data?: unknown }) {
  return {
    ...(outcome.summary !== undefined && { summary: maskSecrets(outcome.summary) }),
    ...(outcome.evidence !== undefined && { evidence: maskSecrets(outcome.evidence) }),
    ...(outcome.data !== undefined && { data: outcome.data }),
  };
}

/** Undoes completed changes, newest first; what cannot be undone is recorded with how to undo it. */
async function rollback(
  done: readonly Step[],
  run: RunRecord,
  context: ContextFactory,
  progress: Progress,
): Promise<void> {
  for (const step of [...done].reverse()) {
    const record = run.steps.find((r) => r.title === step.title && r.status === "ok");
    if (!step.rollback) {
      run.rollback.push({
        step: step.title,
        status: "manual",
        detail: step.manualUndo ?? "no automatic rollback",
      });
      continue;
    }
    const ctx = context(AbortSignal.timeout(step.timeoutMs ?? DEFAULT_TIMEOUT_MS));
    const action = step.rollback.action?.(ctx);
    progress.line(`↺ rolling back: ${step.title}`);
    try {
      await step.rollback.run(ctx);
      if (record) record.status = "rolled-back";
      run.rollback.push({ step: step.title, status: "rolled-back", ...(action && { action }) });
    } catch (err) {
      run.rollback.push({
        step: step.title,
        status: "rollback-failed",
        detail: maskSecrets((err as Error).message),
        ...(action && { action }),
      });
    }
  }
}

function failureMessage(error: Error, run: RunRecord): string {
  if (run.rollback.length === 0) return error.message;
  const lines = run.rollback.map((r) =>
    r.status === "rolled-back"
      ? `  rolled back: ${r.step}`
      : r.status === "rollback-failed"
        ? `  ROLLBACK FAILED: ${r.step}: ${r.detail}`
        : `  left as is: ${r.step} (to undo: ${r.detail})`,
  );
  return `${error.message}\nState after the failure:\n${lines.join("\n")}`;
}
