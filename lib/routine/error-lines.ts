import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { printable } from "../user-text.js";

/**
 * ERROR lines counted the way a person skims a log (INATrace operations manual, 2.2 Revisión de
 * Logs y Alertas): how many, and the few distinct messages behind them, with numbers and ids
 * folded so that "timeout after 31 s on order 4411" and "… 12 s on order 98" count as one.
 */

/** Distinct messages kept; past this, lines still count but add no new message. */
const MAX_DISTINCT = 2000;
const MESSAGE_CHARS = 160;

/** `2026-12-01T06:58:01.123Z`, `2026-12-01 06:58:01,123`, with an optional offset. */
const LEADING_TIME =
  /^\[?(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?\]?\s*/;
const KUBECTL_PREFIX = /^\[pod\/[^\]]+\]\s*/;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const HEX = /\b(0x)?[0-9a-f]{12,}\b/gi;

export interface TopMessage {
  readonly message: string;
  readonly count: number;
  /** The first line that had it, as written (cut). */
  readonly example: string;
}

export class ErrorTally {
  count = 0;
  readonly #messages = new Map<string, { count: number; example: string }>();

  constructor(private readonly pattern: RegExp) {}

  /** Counts `line` when it is an error line. */
  add(line: string): void {
    if (!this.pattern.test(line)) return;
    this.count++;
    const key = messageKey(line);
    const seen = this.#messages.get(key);
    if (seen) seen.count++;
    else if (this.#messages.size < MAX_DISTINCT)
      this.#messages.set(key, { count: 1, example: printable(line, MESSAGE_CHARS) });
  }

  top(n: number): TopMessage[] {
    return [...this.#messages.entries()]
      .sort(([, a], [, b]) => b.count - a.count)
      .slice(0, n)
      .map(([message, { count, example }]) => ({ message, count, example }));
  }
}

/** The message of a line, without its source, time and the numbers that make every line unique. */
export function messageKey(line: string): string {
  let text = line.replace(KUBECTL_PREFIX, "");
  const json = jsonMessage(text);
  if (json !== undefined) text = json;
  text = text.replace(LEADING_TIME, "");
  text = text.replace(UUID, "<id>").replace(HEX, "<id>").replace(/\d+/g, "#");
  return printable(text.trim().replace(/\s+/g, " "), MESSAGE_CHARS);
}

function jsonMessage(text: string): string | undefined {
  if (!text.startsWith("{")) return undefined;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const message = parsed.message ?? parsed.msg ?? parsed.error;
    return typeof message === "string" ? message : undefined;
  } catch {
    return undefined;
  }
}

/** The time a line starts with (or a JSON line's `time`/`timestamp`), if it has one. */
export function lineTime(line: string): number | undefined {
  const match = LEADING_TIME.exec(line);
  if (match) {
    const [, date, time, fraction, zone] = match;
    const ms = fraction ? `.${fraction.slice(0, 3).padEnd(3, "0")}` : "";
    // A time without a zone is the server's local time; the jobs run in UTC like most servers.
    const offset = !zone ? "Z" : zone === "Z" ? "Z" : zone.replace(/^([+-]\d{2})(\d{2})$/, "$1:$2");
    const at = Date.parse(`${date}T${time}${ms}${offset}`);
    return Number.isNaN(at) ? undefined : at;
  }
  if (!line.startsWith("{")) return undefined;
  try {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    const value = parsed.time ?? parsed.timestamp;
    const at = typeof value === "number" ? value : Date.parse(String(value));
    return Number.isFinite(at) ? at : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Adds a log file's error lines written since `sinceMs`: a line without a time of its own (a
 * traceback's) belongs to the last line that had one; before any, to the file's last change.
 */
export async function tallyFile(
  file: string,
  tally: ErrorTally,
  sinceMs: number,
  mtimeMs: number,
): Promise<void> {
  let current = mtimeMs;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    current = lineTime(line) ?? current;
    if (current >= sinceMs) tally.add(line);
  }
}
