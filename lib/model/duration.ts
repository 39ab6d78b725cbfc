import { quoted } from "../user-text.js";

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 } as const;
const DURATION = /^(\d+)(s|m|h|d|w)$/;

/** A Prometheus-style duration ("30s", "5m", "1h", "1d"), kept in the form the user wrote. */
export class Duration {
  private constructor(
    readonly seconds: number,
    private readonly text: string,
  ) {}

  static problem(text: string): string | undefined {
    const match = DURATION.exec(text);
    if (!match) return `expected a duration like "30s", "5m", "1h" or "1d", got ${quoted(text)}`;
    return Number(match[1]) > 0
      ? undefined
      : `a duration must be longer than 0, got ${quoted(text)}`;
  }

  static parse(text: string): Duration {
    const problem = Duration.problem(text);
    if (problem) throw new Error(problem);
    const [, amount, unit] = DURATION.exec(text)!;
    return new Duration(Number(amount) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS], text);
  }

  /** The shortest exact Prometheus form of a number of seconds ("90s", "15m", "2h"). */
  static ofSeconds(seconds: number): Duration {
    const units = Object.entries(UNIT_SECONDS).reverse();
    const [unit, size] = units.find(([, size]) => seconds % size === 0) ?? ["s", 1];
    return new Duration(seconds, `${seconds / size}${unit}`);
  }

  toString(): string {
    return this.text;
  }
}
