import { createKubectl, type Kubectl } from "../adapters/kubectl.js";
import { pgTarget } from "../adapters/postgres.js";
import { shellLine } from "../command.js";
import { EXIT, RefusedError, UsageError } from "../errors.js";
import type { LoadedStack } from "../model/index.js";
import { maskSecrets } from "../secret.js";
import { resolveSecret } from "../secrets.js";
import { GUARDIA_VERSION } from "../version.js";
import { assertConfirmable, confirmChanges, type ConfirmIO } from "./confirm.js";
import { createExec, withDefaults, type ExecRecord } from "./exec.js";
import { acquireLock, type HeldLock } from "./locks.js";
import type { Progress } from "./progress.js";
import { failureMessage, rollback, runStep, type ContextFactory } from "./steps.js";
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
  /** Aborted when the run is interrupted (SIGINT, SIGTERM): the current step stops, changes roll back. */
  readonly interrupt?: AbortSignal;
}

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
      if (options.interrupt?.aborted) {
        await rollback(done, run, context, options.progress);
        throw new Error(`interrupted (${String(options.interrupt.reason)}) before "${step.title}"`);
      }
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
          signal: options.interrupt,
        });
        confirmed = true;
      }
      try {
        await runStep(
          step,
          record,
          context,
          options.progress,
          position(i, plan),
          options.interrupt,
        );
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
    current = undefined; // the lock's own commands are no step's
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
  return (signal) => {
    // Commands a step runs stop with the step (its timeout, or an interrupted run).
    const stepExec = withDefaults(exec, { signal });
    return {
      ...base,
      signal,
      exec: stepExec,
      kubectl: createKubectl(stepExec, platform.namespace),
    };
  };
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
      return `  - ${s.title}${action?.command ? `\n      $ ${shellLine(action.command)}` : ""}${action?.call ? `\n      → ${action.call.split("\n").join("\n      → ")}` : ""}`;
    });
  return `About to change ${ctxTarget(ctx)}:\n${lines.join("\n")}`;
}

function ctxTarget(ctx: RunContext): string {
  return `${ctx.stack.name} (${ctx.platform.environment}, namespace ${ctx.platform.namespace})`;
}
