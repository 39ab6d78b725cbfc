/**
 * `guardia/runbook`: what a team's own runbook is written with. A file in the team's
 * `runbooks/` folder (next to Pulumi.yaml) whose default export is `defineRunbook({...})` runs
 * through the same engine as guardia's own: dry-run plan, confirmation, lock, audit and report.
 * Params are a zod object made with the `z` exported here (the engine reads its flags from it).
 */
export { z } from "zod";
export { defineRunbook } from "../runbook/define.js";
export type {
  PlannedAction,
  RunbookDefinition,
  RunbookPlan,
  RunContext,
  Step,
  StepKind,
  StepOutcome,
} from "../runbook/types.js";
export type { Command, Pipeline, Runnable, SecretEnv } from "../command.js";
export { pgCommand, pgSecrets, type PgTarget } from "../adapters/postgres.js";
export { databaseLock, workloadLock, type LockSpec } from "../runbook/locks.js";
export { CommandError, type Exec, type ExecOptions, type ExecResult } from "../runbook/exec.js";
export { RefusedError, UsageError } from "../errors.js";
export type { Secret } from "../secret.js";
