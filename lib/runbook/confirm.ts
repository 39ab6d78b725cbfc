import { createInterface } from "node:readline";
import { RefusedError } from "../errors.js";
import { currentLanguage, t } from "../i18n/index.js";
import type { Environment } from "../model/index.js";
import { seconds } from "./progress.js";

/**
 * The confirmation gate before the first change: a y/N question, or in prod typing the target's
 * name (a wrong stack or database then cannot be confirmed by reflex). Without a terminal and
 * without --yes the run is refused before it touches anything. Nobody holds a lock while the
 * question waits, and it waits CONFIRM_TIMEOUT_MS at most: Ctrl-C, end of input or no answer
 * in time are all a refusal.
 */
export interface ConfirmIO {
  readonly interactive: boolean;
  /** Resolves with the answer; rejects when `signal` aborts or the operator interrupts. */
  ask(question: string, signal: AbortSignal): Promise<string>;
}

export const CONFIRM_TIMEOUT_MS = 5 * 60_000;

/** The operator left the prompt: Ctrl-C on a terminal in raw mode, or the end of input. */
export class PromptInterrupted extends Error {
  override name = "PromptInterrupted";
}

export function terminalConfirmIO(): ConfirmIO {
  return {
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    ask: (question, signal) =>
      new Promise<string>((resolve, reject) => {
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        let settled = false;
        const settle = (settleWith: () => void) => {
          if (settled) return;
          settled = true;
          signal.removeEventListener("abort", onAbort);
          settleWith();
          rl.close();
        };
        const leave = (why: string) =>
          settle(() => {
            process.stderr.write("\n");
            reject(why === "aborted" ? (signal.reason as Error) : new PromptInterrupted(why));
          });
        const onAbort = () => leave("aborted");
        // On a terminal readline reads Ctrl-C as a key and emits this instead of a process signal.
        rl.on("SIGINT", () => leave("Ctrl-C"));
        rl.on("close", () => leave("end of input"));
        signal.addEventListener("abort", onAbort);
        if (signal.aborted) return onAbort();
        rl.question(question, (answer) => settle(() => resolve(answer)));
      }),
  };
}

/** Refuses (exit 3) a mutating run that nobody can confirm. */
export function assertConfirmable(io: ConfirmIO, yes: boolean, changeCount: number): void {
  if (yes || io.interactive) return;
  throw new RefusedError(
    t`refusing to run ${changeCount} mutating step(s) without confirmation: no terminal to ask on; pass --yes to confirm, or --dry-run to see the plan`,
  );
}

export interface ConfirmOptions {
  readonly io: ConfirmIO;
  readonly environment: Environment;
  readonly target: string;
  readonly summary: string;
  /** The run's interruption (SIGINT, SIGTERM): a refusal at the prompt. */
  readonly signal?: AbortSignal | undefined;
  /** @default CONFIRM_TIMEOUT_MS */
  readonly timeoutMs?: number;
}

export async function confirmChanges(options: ConfirmOptions): Promise<void> {
  const { environment, target, summary } = options;
  const limit = t`No answer within ${waitText(options.timeoutMs ?? CONFIRM_TIMEOUT_MS)} means no`;
  if (environment === "prod") {
    const answer = await ask(
      options,
      t`${summary}\n${limit}.\nThis is PRODUCTION. Type the target's name (${target}) to continue: `,
    );
    if (answer.trim() !== target)
      throw new RefusedError(t`not confirmed ("${answer.trim()}" is not "${target}")`);
    return;
  }
  const answer = await ask(options, t`${summary}\n${limit}.\nProceed? [y/N] `);
  if (!yes(answer.trim())) throw new RefusedError(t`not confirmed`);
}

/** "y" or "yes" always; in Spanish, whose prompt says [s/N], also "s", "si" and "sí". */
function yes(answer: string): boolean {
  if (/^y(es)?$/i.test(answer)) return true;
  return currentLanguage() === "es" && /^s[ií]?$/i.test(answer);
}

async function ask(options: ConfirmOptions, question: string): Promise<string> {
  const timeoutMs = options.timeoutMs ?? CONFIRM_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    return await options.io.ask(question, signal);
  } catch (err) {
    if (err instanceof PromptInterrupted) throw new RefusedError(interruptedText(err.message));
    if (options.signal?.aborted)
      throw new RefusedError(interruptedText(String(options.signal.reason)));
    if (timeout.aborted)
      throw new RefusedError(t`no answer within ${waitText(timeoutMs)}: not confirmed`);
    throw err;
  }
}

function interruptedText(why: string): string {
  return t`interrupted at the confirmation prompt (${why}): not confirmed`;
}

function waitText(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : seconds(ms);
}
