import type { ObjectStore } from "../backup/store.js";
import type { Platform, RoutinePeriod } from "../model/index.js";
import type { Attachment, PlannedAction, RunContext, Step } from "../runbook/types.js";
import { printable } from "../user-text.js";
import type { ItemResult, ItemSink, Verdict } from "./checklist.js";
import { t } from "../i18n/index.js";
import { verdictWord } from "./report.js";

/**
 * What every check of a routine run shares: the run's context, the period, the moment the run
 * started (every "last 24 h" counts back from it), where results go, the previous report's items
 * (for growth and "changed since"), and the backup destination when the stack has one.
 */
export interface RoutineRun {
  readonly ctx: RunContext;
  readonly platform: Platform;
  readonly period: RoutinePeriod;
  readonly now: Date;
  readonly record: ItemSink;
  /** An item of the previous report of this period (read by an earlier step). */
  readonly previous: (id: string) => PreviousItem | undefined;
  /** The backup destination's store, opened once; undefined without `backups`. */
  readonly store: (() => Promise<ObjectStore>) | undefined;
  /** The stack as an engineer names it (`--stack mira-prod`), for the commands a report suggests. */
  readonly stackName: string;
}

export interface PreviousItem {
  readonly verdict: Verdict;
  readonly data?: Readonly<Record<string, unknown>>;
  /** When the previous report was made. */
  readonly at: Date;
}

/** The item a check reports on, before it knows the verdict. */
export type ItemHeader = Pick<ItemResult, "id" | "title" | "source">;
export type Finding = Omit<ItemResult, "id" | "title" | "source"> & {
  /** Files for `--report` (a screenshot); the routine's own report keeps only the item. */
  readonly attachments?: readonly Attachment[];
};

export interface CheckSpec {
  readonly title: string;
  readonly item: ItemHeader;
  readonly action?: (ctx: RunContext) => PlannedAction | undefined;
  /** @default 300000 (5 min): each check's own calls time out well before. */
  readonly timeoutMs?: number;
}

const CHECK_TIMEOUT_MS = 5 * 60_000;

/**
 * A read step that measures one item. A check that cannot measure (the server does not answer, a
 * command fails) is an item that failed, with the reason: the run goes on and reports it; only an
 * interrupted or timed-out step stops the run.
 */
export function checkStep(
  run: RoutineRun,
  spec: CheckSpec,
  measure: (step: RunContext) => Promise<Finding>,
): Step {
  return {
    title: spec.title,
    kind: "read",
    timeoutMs: spec.timeoutMs ?? CHECK_TIMEOUT_MS,
    ...(spec.action && { action: spec.action }),
    run: async (step) => {
      let finding: Finding;
      try {
        finding = await measure(step);
      } catch (err) {
        if (step.signal.aborted) throw err;
        const message = String((err as Error).message ?? err);
        // "kubectl exited 1:" says nothing alone: the summary carries the tool's own words.
        finding = {
          verdict: "failed",
          summary: t`could not check: ${oneLine(message)}`,
          evidence: message,
        };
      }
      const { attachments, ...item } = finding;
      run.record({ ...spec.item, ...item });
      return {
        summary: `${verdictWord(finding.verdict)}: ${finding.summary}`,
        evidence: finding.evidence,
        ...(attachments && { attachments }),
      };
    },
  };
}

/** A message on one line for the report's summary, at most 300 characters. */
function oneLine(message: string): string {
  const words = message
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return printable(words.join(" "), 300);
}

/** Worst first: failed over attention over ok. */
export function worst(verdicts: readonly Verdict[]): Verdict {
  for (const v of ["failed", "attention", "manual"] as const) if (verdicts.includes(v)) return v;
  return "ok";
}

/** "3.2 d", "5 h", "12 min": durations in summaries. */
export function humanDuration(seconds: number): string {
  if (seconds < 3600) return `${Math.max(0, Math.round(seconds / 60))} min`;
  if (seconds < 48 * 3600) return `${Math.round(seconds / 3600)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}
