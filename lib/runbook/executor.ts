import { createKubectl } from "../adapters/kubectl.js";
import { EXIT, outcomeOf } from "../errors.js";
import { t } from "../i18n/index.js";
import type { LoadedStack } from "../model/index.js";
import { maskSecrets } from "../secret.js";
import { GUARDIA_VERSION } from "../version.js";
import type { ConfirmIO } from "./confirm.js";
import { contextFactory, planningContext, type ContextFactory } from "./context.js";
import { createExec, type ExecRecord } from "./exec.js";
import { ChangeGate } from "./gate.js";
import type { Progress } from "./progress.js";
import type { Outcome, RunRecord, StepRecord } from "./record.js";
import { rollback, runStep, stateAfterFailure } from "./steps.js";
import type { RunbookDefinition, RunbookPlan, Step } from "./types.js";

/**
 * Runs one runbook: read steps always, changes only when not a dry run and after confirmation,
 * under a lock per target (gate.ts); on a failure, the changes already made are rolled back in
 * reverse order and the record says exactly what was left and how to undo it.
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
  /** How long the confirmation waits for an answer. @default CONFIRM_TIMEOUT_MS (5 min) */
  readonly confirmTimeoutMs?: number;
}

/** One run in progress: its plan, its record, and the changes made so far (newest last). */
interface Execution {
  readonly options: ExecuteOptions;
  readonly run: RunRecord;
  readonly plan: RunbookPlan;
  readonly context: ContextFactory;
  readonly done: Step[];
  /** Points the command recorder at the step that runs now. */
  readonly track: (record: StepRecord) => void;
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
  const context = contextFactory({ ...options, runbook: definition.name }, exec, kubectl);
  let plan: RunbookPlan | undefined;
  let gate: ChangeGate | undefined;
  try {
    plan = definition.plan(planningContext(context));
    run.steps = plan.steps.map(newStepRecord);
    const track = (record: StepRecord) => (current = record);
    const execution: Execution = { options, run, plan, context, done: [], track };
    gate = new ChangeGate({
      ...options,
      runbook: definition.name,
      plan,
      context,
      kubectl,
      rereadStep: (i) => runAt(execution, i),
    });
    await runSteps(execution, gate);
    finish(run, options.dryRun ? "planned" : "done", EXIT.ok);
  } catch (err) {
    fail(run, err as Error, plan);
  } finally {
    run.lock = gate?.lock;
    options.progress.stop();
    current = undefined; // the lock's own commands are no step's
    await gate?.release();
    await Promise.resolve(plan?.cleanup?.()).catch(() => {});
  }
  describeResult(run, plan);
  run.durationMs = Date.now() - started;
  return run;
}

/** The step loop; on any failure the finished changes are rolled back before it rethrows. */
async function runSteps(execution: Execution, gate: ChangeGate): Promise<void> {
  const { options, plan, run, context, done } = execution;
  try {
    await gate.start();
    for (const [i, step] of plan.steps.entries()) {
      if (options.dryRun && step.kind !== "read") {
        plannedStep(execution, i);
        continue;
      }
      if (step.kind === "change") await gate.beforeChange(i);
      await runAt(execution, i);
      if (step.kind === "change") done.push(step);
    }
  } catch (err) {
    await rollback(done, run, context, options.progress);
    throw err;
  }
}

async function runAt(
  { options, plan, run, context, track }: Execution,
  index: number,
): Promise<void> {
  const step = plan.steps[index]!;
  if (options.interrupt?.aborted)
    throw new Error(t`interrupted (${String(options.interrupt.reason)}) before "${step.title}"`);
  const record = run.steps[index]!;
  track(record);
  await runStep(step, record, context, options.progress, position(index, plan), options.interrupt);
}

function plannedStep({ options, plan, run, context }: Execution, index: number): void {
  const record = run.steps[index]!;
  record.status = "planned";
  record.action = plan.steps[index]!.action?.(planningContext(context));
  options.progress.stepFinished(position(index, plan), record);
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

function newStepRecord(step: Step, i: number): StepRecord {
  return {
    index: i + 1,
    title: step.title,
    kind: step.kind,
    status: "not-run",
    durationMs: 0,
    attempts: 0,
    commands: [],
  };
}

/**
 * The error, then the state the run left: every failed, refused or interrupted run ends with it.
 * Bad input found before anything ran is only the message (the state goes without saying).
 */
function fail(run: RunRecord, error: Error, plan: RunbookPlan | undefined): void {
  const { outcome, exitCode } = outcomeOf(error);
  const started = run.steps.some((s) => s.startedAt !== undefined);
  const state =
    outcome === "bad-input" && !started ? undefined : stateAfterFailure(run, plan?.steps ?? []);
  run.error = maskSecrets(state ? `${error.message}\n${state}` : error.message);
  finish(run, outcome, exitCode);
}

/** The result also after a failure: a failed health check still shows which checks failed. */
function describeResult(run: RunRecord, plan: RunbookPlan | undefined): void {
  try {
    run.result = plan?.result?.();
    run.output = plan?.output?.();
  } catch (err) {
    run.error ??= t`could not compute the result: ${(err as Error).message}`;
  }
}

function finish(run: RunRecord, outcome: Outcome, exitCode: number): void {
  run.outcome = outcome;
  run.exitCode = exitCode;
  run.finishedAt = new Date().toISOString();
}

function position(index: number, plan: RunbookPlan): string {
  return `[${index + 1}/${plan.steps.length}]`;
}
