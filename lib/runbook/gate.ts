import type { Kubectl } from "../adapters/kubectl.js";
import { outcomeOf, RefusedError } from "../errors.js";
import { t } from "../i18n/index.js";
import type { LoadedStack } from "../model/index.js";
import { assertConfirmable, confirmChanges, type ConfirmIO } from "./confirm.js";
import { planningContext, type ContextFactory } from "./context.js";
import { acquireLock, type HeldLock, type LockSpec } from "./locks.js";
import type { Progress } from "./progress.js";
import { actionLines } from "./report.js";
import type { PlannedAction, RunbookPlan } from "./types.js";

/**
 * What stands between a plan and its first change: the confirmation, then the lock. Nobody holds
 * the lock while the question waits (another operator may work meanwhile), so after the answer
 * the read steps run again under the lock and the changes they lead to must be exactly the ones
 * confirmed; otherwise the run is refused. Read steps must therefore give the same facts when
 * they run twice. A runbook without a lock does not serialize its runs, so it reads once. With
 * --yes there is nobody to wait for: the lock is taken before the first step, and the read steps
 * run once, under it.
 */
export interface GateOptions {
  readonly runbook: string;
  readonly stack: LoadedStack;
  readonly plan: RunbookPlan;
  readonly context: ContextFactory;
  readonly kubectl: Kubectl;
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly operator: string;
  readonly progress: Progress;
  readonly confirmIO: ConfirmIO;
  readonly interrupt?: AbortSignal | undefined;
  readonly confirmTimeoutMs?: number | undefined;
  /** Runs the read step at this index again (after the confirmation, under the lock). */
  readonly rereadStep: (index: number) => Promise<void>;
}

export class ChangeGate {
  #held: HeldLock | undefined;
  #open = false;

  constructor(private readonly options: GateOptions) {}

  /** The lock's description once taken, for the record. */
  get lock(): string | undefined {
    return this.#held?.description;
  }

  /** Before the first step: refuses a run nobody can confirm; with --yes takes the lock now. */
  async start(): Promise<void> {
    const { plan, dryRun, yes, confirmIO } = this.options;
    const changes = plan.steps.filter((s) => s.kind === "change").length;
    if (dryRun || changes === 0) return;
    assertConfirmable(confirmIO, yes, changes);
    if (yes) {
      await this.#takeLock();
      this.#open = true;
    }
  }

  /** Before every change step: the first one asks, locks and re-checks; each checks the lock. */
  async beforeChange(index: number): Promise<void> {
    const { plan } = this.options;
    if (!this.#open) {
      const confirmed = pendingChanges(plan, index, this.options.context);
      await this.#confirm(confirmed);
      await this.#takeLock();
      this.#open = true;
      if (plan.lock) await this.#recheck(index, confirmed);
    }
    const lost = this.#held?.lost();
    if (lost) throw new Error(t`stopped before "${plan.steps[index]!.title}": ${lost}`);
  }

  async release(): Promise<void> {
    await this.#held?.release().catch(() => {});
  }

  async #confirm(changes: readonly PendingChange[]): Promise<void> {
    const { stack, plan, confirmIO, interrupt, confirmTimeoutMs } = this.options;
    const { platform } = stack;
    await confirmChanges({
      io: confirmIO,
      environment: platform.environment,
      target: plan.confirmTarget ?? platform.name,
      summary: t`About to change ${stack.name} (${platform.environment}, namespace ${platform.namespace}, ${stack.file}):\n${changes.map(changeText).join("\n")}`,
      signal: interrupt,
      ...(confirmTimeoutMs !== undefined && { timeoutMs: confirmTimeoutMs }),
    });
  }

  async #takeLock(): Promise<void> {
    const { plan, stack, operator, runbook, kubectl, context } = this.options;
    if (!plan.lock) return;
    try {
      this.#held = await acquireLock(
        plan.lock,
        { operator, runbook, stack: stack.name },
        { kubectl, pg: planningContext(context).pg },
      );
    } catch (err) {
      if (outcomeOf(err).outcome !== "failed") throw err;
      throw new Error(lockFailure(plan.lock, stack, err as Error), { cause: err });
    }
  }

  async #recheck(firstChange: number, confirmed: readonly PendingChange[]): Promise<void> {
    const { plan, progress, context } = this.options;
    const reads = plan.steps.flatMap((s, i) => (s.kind === "read" && i < firstChange ? [i] : []));
    if (reads.length === 0) return;
    progress.line(t`Reading again under the lock: the changes must still be the ones confirmed`);
    for (const index of reads) await this.options.rereadStep(index);
    const now = pendingChanges(plan, firstChange, context);
    const differences = confirmed.flatMap((before, i) => {
      const after = now[i];
      return JSON.stringify(before) === JSON.stringify(after)
        ? []
        : [
            t`  ${before.title}\n    confirmed: ${actionText(before.action)}\n    now:       ${actionText(after?.action)}`,
          ];
    });
    if (differences.length > 0) {
      throw new RefusedError(
        t`what the plan read changed while the confirmation waited; the changes are no longer the ones confirmed:\n${differences.join("\n")}\nRun it again to see the new plan.`,
      );
    }
  }
}

interface PendingChange {
  readonly title: string;
  readonly action: PlannedAction | undefined;
}

/** The change steps from `from` on, with the actions they would take now. */
function pendingChanges(plan: RunbookPlan, from: number, context: ContextFactory): PendingChange[] {
  const ctx = planningContext(context);
  return plan.steps
    .slice(from)
    .filter((s) => s.kind === "change")
    .map((s) => ({ title: s.title, action: s.action?.(ctx) }));
}

function changeText({ title, action }: PendingChange): string {
  return [`  - ${title}`, ...actionLines(action).map((line) => `      ${line}`)].join("\n");
}

function actionText(action: PlannedAction | undefined): string {
  return actionLines(action).join("; ") || t`nothing`;
}

/** A lock that could not be taken (not one that is held): what, where, and what to check. */
function lockFailure(spec: LockSpec, stack: LoadedStack, err: Error): string {
  const of = t`stack ${stack.name} (${stack.file})`;
  const why = err.message;
  switch (spec.kind) {
    case "postgres": {
      const db = spec.database;
      const where = t`${db.database} on ${db.host}:${db.port} as ${db.user}`;
      return t`could not take the lock ${spec.name} on database ${db.name} of ${of}: ${where}: ${why}. Check that the server is running and reachable from here, and the database's host, port, user and password in the stack file.`;
    }
    case "lease":
      return t`could not take the Lease for lock ${spec.name} in namespace ${spec.namespace} of ${of}: ${why}. Check kubectl's current context and that it may create and update Leases in ${spec.namespace}.`;
    case "file":
      return t`could not take the lock file for ${spec.name} of ${of}: ${why}. Check that guardia's state directory ($XDG_STATE_HOME/guardia) is writable.`;
  }
}
