import { outcomeOf } from "../errors.js";
import { t } from "../i18n/index.js";
import { maskSecrets } from "../secret.js";
import { seconds, type Progress } from "./progress.js";
import type { RunRecord, StepRecord } from "./record.js";
import type { ContextFactory } from "./context.js";
import type { Step, StepOutcome } from "./types.js";

/**
 * One step, run as the executor runs it: attempts with retries, a timeout that aborts the step's
 * signal, the check after it; and, when a later step fails, the rollback of finished changes,
 * newest first, with what could not be undone recorded next to how to undo it by hand.
 */

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_RETRY_DELAY_MS = 2000;
/**
 * After a timeout or an interruption the step's signal is aborted; it gets this long to stop its
 * processes before the run rolls back and releases its lock (Kubernetes allows 30 s after SIGTERM).
 */
const SETTLE_GRACE_MS = 15_000;

class StepFailure extends Error {}

export async function runStep(
  step: Step,
  record: StepRecord,
  context: ContextFactory,
  progress: Progress,
  at: string,
  interrupt?: AbortSignal,
): Promise<void> {
  const started = Date.now();
  record.startedAt = new Date(started).toISOString();
  progress.stepStarted(at, step.title);
  let lastError: Error | undefined;
  for (let attempt = 0; attempt <= (step.retries ?? 0) && !interrupt?.aborted; attempt++) {
    record.attempts = attempt + 1;
    if (attempt > 0) {
      const why = lastError?.message.split("\n")[0];
      progress.log(t`attempt ${attempt} failed: ${why}; retrying`);
      await new Promise((resolve) =>
        setTimeout(resolve, step.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS),
      );
    }
    try {
      await attemptStep(step, record, context, interrupt);
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
  if (!lastError) return;
  // A refusal or bad input found by a step keeps its exit code (3 or 2), not "failed".
  if (outcomeOf(lastError).outcome !== "failed") throw lastError;
  throw new StepFailure(t`step ${record.index} "${step.title}" failed: ${record.error}`);
}

async function attemptStep(
  step: Step,
  record: StepRecord,
  context: ContextFactory,
  interrupt: AbortSignal | undefined,
): Promise<void> {
  const controller = new AbortController();
  const timeoutMs = step.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const stopped = stopSignal(controller, timeoutMs, interrupt);
  const ctx = context(controller.signal);
  record.action = step.action?.(ctx);
  const running = step.run(ctx);
  try {
    const outcome = await Promise.race([running, stopped.promise]);
    if (outcome) Object.assign(record, pick(outcome));
    if (step.check) {
      try {
        const message = await Promise.race([step.check(ctx), stopped.promise]);
        record.check = { ok: true, ...(message && { message }) };
      } catch (err) {
        record.check = { ok: false, message: maskSecrets((err as Error).message) };
        throw new Error(t`check failed: ${(err as Error).message}`, { cause: err });
      }
    }
  } catch (err) {
    if (controller.signal.aborted) throw await settled(running, err as Error);
    throw err;
  } finally {
    stopped.dispose();
  }
}

/**
 * Rejects on the step's timeout or on the run's interruption, after aborting the step's signal.
 * It rejects before aborting: a step that settles when its signal aborts must not win the race.
 */
function stopSignal(controller: AbortController, timeoutMs: number, interrupt?: AbortSignal) {
  let reject: (err: Error) => void = () => {};
  const promise = new Promise<never>((_, r) => (reject = r));
  promise.catch(() => {});
  const stop = (reason: string) => {
    reject(new Error(reason));
    controller.abort();
  };
  const timer = setTimeout(() => stop(t`timed out after ${seconds(timeoutMs)}`), timeoutMs);
  const onInterrupt = () => stop(t`interrupted (${String(interrupt?.reason ?? "signal")})`);
  if (interrupt?.aborted) onInterrupt();
  interrupt?.addEventListener("abort", onInterrupt);
  return {
    promise,
    dispose: () => {
      clearTimeout(timer);
      interrupt?.removeEventListener("abort", onInterrupt);
    },
  };
}

/** Waits for an aborted step to stop, so its lock is not released while it still works. */
async function settled(running: Promise<unknown>, reason: Error): Promise<Error> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<"still running">((resolve) => {
    timer = setTimeout(() => resolve("still running"), SETTLE_GRACE_MS);
  });
  const result = await Promise.race([
    running.then(
      () => "stopped",
      () => "stopped",
    ),
    grace,
  ]);
  clearTimeout(timer);
  if (result === "stopped") return reason;
  const limit = seconds(SETTLE_GRACE_MS);
  return new Error(
    t`${reason.message}; the step did not stop within ${limit} and may still be running`,
  );
}

function pick(outcome: StepOutcome) {
  return {
    ...(outcome.summary !== undefined && { summary: maskSecrets(outcome.summary) }),
    ...(outcome.evidence !== undefined && { evidence: maskSecrets(outcome.evidence) }),
    ...(outcome.data !== undefined && { data: outcome.data }),
    ...(outcome.attachments?.length && { attachments: outcome.attachments }),
  };
}

/** Undoes completed changes, newest first; what cannot be undone is recorded with how to undo it. */
export async function rollback(
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
        detail: step.manualUndo ?? t`no automatic rollback`,
      });
      continue;
    }
    const ctx = context(AbortSignal.timeout(step.timeoutMs ?? DEFAULT_TIMEOUT_MS));
    const action = step.rollback.action?.(ctx);
    progress.line(t`↺ rolling back: ${step.title}`);
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

/**
 * The statement every failed, refused or interrupted run ends with: what was left changed, what
 * was rolled back, and how to undo the rest by hand; or that nothing was changed.
 */
export function stateAfterFailure(run: RunRecord, steps: readonly Step[]): string {
  const changed = run.steps.filter((s) => s.kind === "change" && s.startedAt !== undefined);
  if (changed.length === 0) return t`State after the failure: nothing was changed.`;
  const lines = run.rollback.map((r) =>
    r.status === "rolled-back"
      ? t`  rolled back: ${r.step}`
      : r.status === "rollback-failed"
        ? t`  ROLLBACK FAILED: ${r.step}: ${r.detail}`
        : t`  left as is: ${r.step} (to undo: ${r.detail})`,
  );
  for (const record of changed.filter((s) => s.status === "failed")) {
    const undo = steps[record.index - 1]?.manualUndo;
    lines.unshift(
      undo
        ? t`  did not complete: ${record.title} (to undo what it did: ${undo})`
        : t`  did not complete: ${record.title}`,
    );
  }
  return t`State after the failure:\n${lines.join("\n")}`;
}
