import type { CommandRecord } from "../command.js";
import type { Attachment, PlannedAction, StepKind } from "./types.js";

/**
 * What a run did, step by step: the single source for the --json result, the plan, the evidence
 * report and the audit record, so all four always agree.
 */

export type StepStatus = "ok" | "failed" | "planned" | "rolled-back" | "not-run";

export interface StepRecord {
  readonly index: number;
  readonly title: string;
  readonly kind: StepKind;
  status: StepStatus;
  action?: PlannedAction;
  startedAt?: string;
  durationMs: number;
  attempts: number;
  summary?: string;
  evidence?: string;
  data?: unknown;
  attachments?: readonly Attachment[];
  check?: { ok: boolean; message?: string };
  error?: string;
  /** Commands the step ran, as their plans print them (masked), with exit codes. */
  commands: CommandRecord[];
}

export interface RollbackRecord {
  readonly step: string;
  readonly status: "rolled-back" | "rollback-failed" | "manual";
  readonly detail?: string;
  readonly action?: PlannedAction;
}

export type Outcome = "done" | "planned" | "failed" | "refused" | "bad-input";

export interface RunRecord {
  readonly runbook: string;
  readonly stack: string;
  readonly stackFile: string;
  readonly environment: string;
  readonly params: Record<string, unknown>;
  readonly dryRun: boolean;
  readonly operator: string;
  readonly startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  steps: StepRecord[];
  rollback: RollbackRecord[];
  lock?: string;
  outcome?: Outcome;
  exitCode?: number;
  error?: string;
  result?: unknown;
  /** The result for a person (printed without --json; not part of the JSON result). */
  output?: string;
  readonly guardiaVersion: string;
}
