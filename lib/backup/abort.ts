import { t } from "../i18n/index.js";
/**
 * Cancellation of the long operations (dump, checksums, restore): an AbortSignal from the runbook
 * step (its timeout, or SIGTERM/SIGINT), and an error that says the work was cancelled rather
 * than that a tool failed, since a killed pg_dump reports "killed by SIGKILL" and nothing more.
 */

export class CancelledError extends Error {
  override name = "CancelledError";
}

/** "was cancelled (timed out after 5.5 h)": the signal's reason in words. */
export function cancelledError(what: string, signal: AbortSignal, cause?: unknown): CancelledError {
  const reason: unknown = signal.reason;
  const why = reason instanceof Error ? reason.message : String(reason ?? "aborted");
  return new CancelledError(t`${what} was cancelled (${why})`, { cause });
}

export function throwIfCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw cancelledError(what, signal);
}

/** Calls `stop` once when `signal` aborts (at once if it already has); returns the unsubscribe. */
export function onAbort(signal: AbortSignal | undefined, stop: () => void): () => void {
  if (!signal) return () => undefined;
  if (signal.aborted) {
    stop();
    return () => undefined;
  }
  signal.addEventListener("abort", stop, { once: true });
  return () => signal.removeEventListener("abort", stop);
}

/**
 * `work`, or a rejection as soon as `signal` aborts. `work` is left to settle on its own (its
 * failure is then ignored): use it where the caller's cleanup ends the work (DROP ... FORCE).
 */
export async function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  work.catch(() => undefined);
  let unsubscribe: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    unsubscribe = onAbort(signal, () => reject(signal.reason));
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    unsubscribe();
  }
}
