import type { z } from "zod";
import type { RunbookDefinition } from "./types.js";

/**
 * Declares a runbook. Identity at run time; its job is the type inference that gives each
 * runbook's `plan` typed params, and one check that the name is a valid CLI command.
 */
export function defineRunbook<S extends z.ZodObject>(
  definition: RunbookDefinition<S>,
): RunbookDefinition<S> {
  if (!/^[a-z][a-z-]*[a-z]$/.test(definition.name)) {
    throw new Error(`runbook name "${definition.name}" must be lowercase words joined by "-"`);
  }
  return definition;
}

export type { RunbookDefinition, RunContext, Step, StepOutcome, PlannedAction } from "./types.js";
