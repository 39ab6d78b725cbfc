import { UsageError } from "../errors.js";
import { printable } from "../user-text.js";

export interface StackProblem {
  /** Display path such as `guardia:platform.backups.schedules[0].keepDays`. */
  readonly path: string;
  readonly line: number | undefined;
  readonly message: string;
}

/** How many problems the message lists; a file of garbage should not print a million lines. */
export const MAX_LISTED_PROBLEMS = 50;

/** How long a path or message may be when it is printed. */
const MAX_PATH = 200;
const MAX_MESSAGE = 1000;

/**
 * Every problem of one stack file; the CLI prints it and exits 2. The message is safe to print:
 * paths and messages carry no control characters and have a bounded length, since both can
 * repeat what the file says.
 */
export class StackError extends UsageError {
  constructor(
    readonly file: string,
    readonly problems: readonly StackProblem[],
  ) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    const lines = problems
      .slice(0, MAX_LISTED_PROBLEMS)
      .map(
        (p) =>
          `  ${p.line ? `line ${p.line}: ` : ""}${printable(p.path, MAX_PATH)}: ${printable(p.message, MAX_MESSAGE)}`,
      );
    if (problems.length > MAX_LISTED_PROBLEMS) {
      lines.push(`  … and ${problems.length - MAX_LISTED_PROBLEMS} more`);
    }
    super(`${printable(file, MAX_PATH)}: ${count}\n${lines.join("\n")}`);
    this.name = "StackError";
  }
}
