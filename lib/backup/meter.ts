import { formatBytes } from "./store.js";
import { t } from "../i18n/index.js";

/**
 * Progress of a long transfer (a dump streaming to the store), as lines for the step's progress
 * display: bytes so far, the rate, and how far along it is against an estimate (the last backup's
 * size: the new one is compressed the same way); and a warning when no byte has moved for a
 * minute (pg_dump waiting for a lock, a frozen database, a stalled destination), which the step
 * timeout of hours would otherwise hide.
 */

export interface MeterOptions {
  readonly log: (line: string) => void;
  readonly estimate?: Estimate;
  /** How often a line is printed; a stall is warned after `stallMs` without a byte. */
  readonly everyMs?: number;
  readonly stallMs?: number;
  readonly now?: () => number;
}

/** What the transfer is expected to come to, and whence: "the last backup", 12 MiB. */
export interface Estimate {
  readonly bytes: number;
  readonly from: string;
}

export interface Meter {
  /** The bytes moved so far (a running total). */
  readonly update: (bytes: number) => void;
  /** One line now, as the timer would print it (also used by the timer). */
  readonly tick: () => void;
  readonly stop: () => void;
}

export const METER_EVERY_MS = 15_000;
export const STALL_MS = 60_000;

export function startMeter(options: MeterOptions): Meter {
  const now = options.now ?? Date.now;
  const stallMs = options.stallMs ?? STALL_MS;
  const started = now();
  let bytes = 0;
  let movedAt = started;
  const update = (total: number) => {
    if (total > bytes) movedAt = now();
    bytes = total;
  };
  const tick = () => {
    const at = now();
    const still = at - movedAt;
    if (still >= stallMs) {
      options.log(
        t`WARNING: no byte has moved for ${Math.round(still / 1000)} s (${formatBytes(bytes)} so far): pg_dump may wait for a lock, or the database or the destination has stalled`,
      );
      return;
    }
    options.log(progressLine(bytes, at - started, options.estimate));
  };
  const timer = setInterval(tick, options.everyMs ?? METER_EVERY_MS);
  timer.unref();
  return { update, tick, stop: () => clearInterval(timer) };
}

/** "48.0 MiB stored, 3.2 MiB/s; about 40% of the last backup (120 MiB), about 23 s left". */
export function progressLine(bytes: number, elapsedMs: number, estimate?: Estimate): string {
  const rate = elapsedMs > 0 ? (bytes * 1000) / elapsedMs : 0;
  const line = t`${formatBytes(bytes)} stored, ${formatBytes(Math.round(rate))}/s`;
  if (!estimate || estimate.bytes <= 0) return line;
  const share = Math.round((bytes / estimate.bytes) * 100);
  const left =
    rate > 0 && bytes < estimate.bytes
      ? t`, about ${Math.round((estimate.bytes - bytes) / rate)} s left`
      : "";
  return t`${line}; about ${share}% of ${estimate.from} (${formatBytes(estimate.bytes)})${left}`;
}
