import { CronExpressionParser } from "cron-parser";
import { createRequire } from "node:module";
import type Cronstrue from "cronstrue";
import { quoted } from "../user-text.js";

/**
 * cronstrue only describes schedules for reviewers (render's SUMMARY.md); loaded on first use, it
 * stays out of every runbook's start (a module loaded by name at run time is not bundled).
 */
const load = createRequire(import.meta.url);
let cronstrue: typeof Cronstrue | undefined;

const MACRO_FREE_FIELDS = 5;
/** Enough runs to see a year of a daily schedule; frequent schedules stop earlier at the horizon. */
const MAX_RUNS_SCANNED = 800;
const SCAN_HORIZON_MS = 400 * 24 * 3600 * 1000;

/**
 * A five-field cron expression as Kubernetes CronJobs read it, checked once and able to describe
 * itself: in words for reviewers, and as the longest gap between runs for "backup too old" alerts.
 */
export class CronSchedule {
  private constructor(readonly expression: string) {}

  /** Why `expression` is not a schedule Kubernetes accepts, or undefined when it is one. */
  static problem(expression: string): string | undefined {
    const fields = expression.trim().split(/\s+/);
    if (fields.length !== MACRO_FREE_FIELDS) {
      return `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
    }
    try {
      // Parsing finds every mistake (out of range, no such day); without a time zone, since
      // validity does not depend on one and a zone costs ten times as much.
      CronExpressionParser.parse(expression);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  }

  static parse(expression: string): CronSchedule {
    const problem = CronSchedule.problem(expression);
    if (problem) throw new Error(`invalid cron expression ${quoted(expression)}: ${problem}`);
    return new CronSchedule(expression.trim().split(/\s+/).join(" "));
  }

  /** "At 02:00", "At 03:00, only on Sunday": what a reviewer reads in SUMMARY.md. */
  describe(): string {
    cronstrue ??= load("cronstrue") as typeof Cronstrue;
    return cronstrue.toString(this.expression, { use24HourTimeFormat: true, verbose: false });
  }

  /** The first run strictly after `after`, in the given IANA time zone. */
  nextRun(after: Date, timeZone = "UTC"): Date {
    return CronExpressionParser.parse(this.expression, { currentDate: after, tz: timeZone })
      .next()
      .toDate();
  }

  /** The longest time between two consecutive runs over the coming year, in seconds. */
  maxIntervalSeconds(from = new Date("2026-01-01T00:00:00Z")): number {
    const runs = CronExpressionParser.parse(this.expression, { currentDate: from, tz: "UTC" });
    let previous = runs.next().toDate().getTime();
    let longest = 0;
    for (let i = 0; i < MAX_RUNS_SCANNED && previous - from.getTime() < SCAN_HORIZON_MS; i++) {
      const next = runs.next().toDate().getTime();
      longest = Math.max(longest, next - previous);
      previous = next;
    }
    return longest / 1000;
  }

  toString(): string {
    return this.expression;
  }
}
