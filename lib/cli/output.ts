import { outcomeOf } from "../errors.js";
import { maskDeep, maskSecrets } from "../secret.js";
import { printableText } from "../user-text.js";

/**
 * What the CLI prints at the end: with --json exactly one JSON object on stdout, failures
 * included, in one shape ({outcome, exitCode, error, ...}); otherwise text, errors on stderr.
 */

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(maskDeep(value))}\n`);
}

/**
 * A failure as the JSON result: outcome, exit code and message, plus the facts the error carries
 * (a stack error's file and problems, a held lock's holder).
 */
export function errorResult(err: unknown): Record<string, unknown> {
  const error = err instanceof Error ? err : new Error(String(err));
  // An error's own fields, e.g. a stack error's `file` and `problems`; `name` says nothing to a reader.
  const details = Object.fromEntries(Object.entries(error).filter(([key]) => key !== "name"));
  return { ...outcomeOf(error), error: error.message, ...details };
}

/** Prints a failure that ended a command before or outside a run; returns its exit code. */
export function reportError(err: unknown, json: boolean): number {
  const result = errorResult(err);
  if (json) printJson(result);
  // A message may quote a flag's value or a stack's text: masked, and never terminal control.
  else process.stderr.write(`guardia: ${printableText(maskSecrets(String(result.error)))}\n`);
  if (process.env.GUARDIA_DEBUG && err instanceof Error && err.stack)
    process.stderr.write(`${maskSecrets(err.stack)}\n`);
  return result.exitCode as number;
}
