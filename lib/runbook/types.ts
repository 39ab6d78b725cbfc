import type { z } from "zod";
import type { Kubectl } from "../adapters/kubectl.js";
import type { PgTarget } from "../adapters/postgres.js";
import type { Database, LoadedStack, Platform, SecretRef, Service } from "../model/index.js";
import type { Runnable } from "../command.js";
import type { Secret } from "../secret.js";
import type { Exec } from "./exec.js";
import type { LockSpec } from "./locks.js";

/**
 * The shape of a runbook: a list of steps over a stack's model, each read-only or mutating,
 * described as data (the exact command and target) before it runs, so a dry run can print the
 * plan, a reviewer can read it, and the audit log can record it.
 */

/**
 * - `read`: gathers facts and changes nothing; runs in a dry run too. After a confirmation it runs
 *   again under the run's lock, so running it twice must give the same facts, not add to them.
 * - `change`: mutates something; a dry run prints its action instead of running it.
 * - `verify`: read-only, but only meaningful after the changes (wait for a rollout, health-check
 *   the restarted service); a dry run prints it as planned.
 */
export type StepKind = "read" | "change" | "verify";

/**
 * What a step will do, as data: the command or API call and what it acts on. A step builds its
 * command once (a `Command`, or a `Pipeline` of them) and both returns it here and runs that
 * value, so the plan, the audit record and the report print what runs.
 */
export interface PlannedAction {
  /** The command as it runs (secrets travel in the environment, never here). */
  readonly command?: Runnable;
  /** An API call, e.g. "POST http://alertmanager:9093/api/v2/silences"; several, one per line. */
  readonly call?: string;
  /** Resolved target: host, database, namespace, workload... */
  readonly target?: Readonly<Record<string, string>>;
}

export interface StepOutcome {
  /** One line for the progress display, the plan and the report ("3/3 pods ready"). */
  readonly summary?: string;
  /** Output that matters as evidence (a table, an excerpt of logs), for the report. */
  readonly evidence?: string;
  /** Structured facts for the --json result. */
  readonly data?: unknown;
  /** Files kept as evidence (a screenshot): `--report` copies them beside the report and links them. */
  readonly attachments?: readonly Attachment[];
}

export interface Attachment {
  readonly title: string;
  readonly file: string;
}

export interface Step {
  readonly title: string;
  readonly kind: StepKind;
  /** Evaluated when the step is reached, so it can name facts found by earlier read steps. */
  readonly action?: (ctx: RunContext) => PlannedAction | undefined;
  readonly run: (ctx: RunContext) => Promise<StepOutcome | void>;
  /** Runs after `run` succeeds; throws when the step did not achieve what it should. */
  readonly check?: (ctx: RunContext) => Promise<string | void>;
  /** Undoes this step when a later step fails. */
  readonly rollback?: {
    readonly action?: (ctx: RunContext) => PlannedAction | undefined;
    readonly run: (ctx: RunContext) => Promise<void>;
  };
  /** How to undo it by hand when there is no automatic rollback (shown when a later step fails). */
  readonly manualUndo?: string;
  /** @default 600000 (10 min) */
  readonly timeoutMs?: number;
  /** Extra attempts after a failure. @default 0 */
  readonly retries?: number;
  /** @default 2000 */
  readonly retryDelayMs?: number;
}

/** What a runbook gets: the stack, its params, and adapters that record and mask what they do. */
export interface RunContext<P = Record<string, unknown>> {
  readonly runbook: string;
  readonly stack: LoadedStack;
  readonly platform: Platform;
  readonly params: P;
  readonly dryRun: boolean;
  readonly operator: string;
  /** Aborted on the step's timeout; pass it to long operations. */
  readonly signal: AbortSignal;
  /** A progress line inside the current step (masked). */
  readonly log: (message: string) => void;
  readonly exec: Exec;
  readonly kubectl: Kubectl;
  /** A Secret reference's value (environment, then kubectl); never printable. */
  readonly secret: (ref: SecretRef, label: string) => Promise<Secret>;
  /** A database target with its password resolved. */
  readonly pg: (database: Database) => Promise<PgTarget>;
  readonly service: (name: string) => Service;
  readonly database: (name: string) => Database;
}

export interface RunbookPlan {
  readonly steps: readonly Step[];
  /** The run's result for --json and the report, computed after the steps. */
  readonly result?: () => unknown;
  /** The result for a person (a table), printed on stdout after a run without --json. */
  readonly output?: () => string;
  /** Lock taken for the whole run when it mutates (per target: one database, one workload). */
  readonly lock?: LockSpec;
  /** What a prod operator must type to confirm (the database or workload name). */
  readonly confirmTarget?: string;
  /** Runs after the steps whatever happened (closes connections the steps opened). */
  readonly cleanup?: () => void | Promise<void>;
}

export interface RunbookDefinition<S extends z.ZodObject = z.ZodObject> {
  /** CLI name, e.g. "restore-db" (lowercase words joined by "-"). */
  readonly name: string;
  /** One line for `guardia list`. */
  readonly summary: string;
  /**
   * Which operations-manual procedure it codifies (by the manual's title and section) and how;
   * shown by `guardia <runbook> --help`.
   */
  readonly description: string;
  /** What each step does, in order, for `--help` (the steps themselves need a stack to exist). */
  readonly outline: readonly string[];
  /** The manuals' procedures it codifies, by title and section, for its docs page. */
  readonly manual?: readonly string[];
  /** What a failed or interrupted run leaves behind, and what to do next, for its docs page. */
  readonly onFailure?: string;
  /** Parameters: each key becomes a --kebab-case flag; `.describe()` texts become the help. */
  readonly params: S;
  /**
   * A param (an enum) that may also be given as the first word after the runbook's name:
   * `guardia incident open ...` is `guardia incident --action open ...`.
   */
  readonly subcommand?: keyof z.infer<S> & string;
  /**
   * Params (strings) that may be written as a word and its value after the runbook's name:
   * `guardia routine ack update-docs ...` is `guardia routine --ack update-docs ...`.
   */
  readonly verbs?: readonly (keyof z.infer<S> & string)[];
  /** Builds the steps for one run; state shared between steps lives in this closure. */
  readonly plan: (ctx: RunContext<z.infer<S>>) => RunbookPlan;
}
