/**
 * The CLI's exit codes: 0 done, 1 failed, 2 bad input or usage, 3 refused (a lock is held or the
 * run was not confirmed). Library code throws the errors below; `outcomeOf` is the one place that
 * turns an error into an exit code, for the CLI and for a runbook's record alike.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, refused: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each exit code means: `--help` and docs/cli.md print this table. */
export const EXIT_MEANINGS: readonly (readonly [ExitCode, string])[] = [
  [EXIT.ok, "done (for --dry-run: planned)"],
  [
    EXIT.failed,
    "failed; changes were rolled back where the runbook can, and the error says what was left",
  ],
  [EXIT.usage, "bad input (flags, parameters, stack file); nothing was touched"],
  [
    EXIT.refused,
    "refused (a lock is held, or the changes were not confirmed); nothing was changed",
  ],
];

/** Bad flags, parameters or stack files: exit 2, nothing was touched. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The run did not start: a lock is held or nobody confirmed it. Exit 3, nothing was touched. */
export class RefusedError extends Error {
  override name = "RefusedError";
}

export type FailureOutcome = "failed" | "refused" | "bad-input";

/** The outcome and exit code of a run that ended with `err`. */
export function outcomeOf(err: unknown): { outcome: FailureOutcome; exitCode: ExitCode } {
  if (err instanceof RefusedError) return { outcome: "refused", exitCode: EXIT.refused };
  if (err instanceof UsageError) return { outcome: "bad-input", exitCode: EXIT.usage };
  return { outcome: "failed", exitCode: EXIT.failed };
}
