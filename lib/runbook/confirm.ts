import { createInterface } from "node:readline/promises";
import { RefusedError } from "../errors.js";
import type { Environment } from "../model/index.js";

/**
 * The confirmation gate before the first change: a y/N question, or in prod typing the target's
 * name (a wrong stack or database then cannot be confirmed by reflex). Without a terminal and
 * without --yes the run is refused before it touches anything.
 */
export interface ConfirmIO {
  readonly interactive: boolean;
  ask(question: string, signal?: AbortSignal): Promise<string>;
}

export function terminalConfirmIO(): ConfirmIO {
  return {
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    ask: async (question, signal) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question, { signal: signal ?? new AbortController().signal });
      } finally {
        rl.close();
      }
    },
  };
}

/** Refuses (exit 3) a mutating run that nobody can confirm. */
export function assertConfirmable(io: ConfirmIO, yes: boolean, changeCount: number): void {
  if (yes || io.interactive) return;
  throw new RefusedError(
    `refusing to run ${changeCount} mutating step(s) without confirmation: no terminal to ask on; ` +
      "pass --yes to confirm, or --dry-run to see the plan. Nothing was changed.",
  );
}

export async function confirmChanges(options: {
  readonly io: ConfirmIO;
  readonly environment: Environment;
  readonly target: string;
  readonly summary: string;
  readonly signal?: AbortSignal | undefined;
}): Promise<void> {
  const { io, environment, target, summary, signal } = options;
  const ask = (question: string) =>
    io.ask(question, signal).catch((err: unknown) => {
      // Interrupted at the prompt: nothing was confirmed, so nothing was changed.
      if (signal?.aborted)
        throw new RefusedError("interrupted before confirmation; nothing was changed");
      throw err;
    });
  if (environment === "prod") {
    const answer = await ask(
      `${summary}\nThis is PRODUCTION. Type the target's name (${target}) to continue: `,
    );
    if (answer.trim() !== target)
      throw new RefusedError(
        `not confirmed ("${answer.trim()}" is not "${target}"); nothing was changed`,
      );
    return;
  }
  const answer = await ask(`${summary}\nProceed? [y/N] `);
  if (!/^y(es)?$/i.test(answer.trim()))
    throw new RefusedError("not confirmed; nothing was changed");
}
