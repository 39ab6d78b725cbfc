/**
 * The CLI's exit codes (DESIGN.md): 0 done, 1 failed, 2 bad input or usage, 3 refused (a lock is
 * held or the run was not confirmed). Library code throws these; only the CLI turns them into exits.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, refused: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Bad flags or parameters: exit 2, nothing was touched. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The run did not start: a lock is held or nobody confirmed it. Exit 3, nothing was touched. */
export class RefusedError extends Error {
  override name = "RefusedError";
}
