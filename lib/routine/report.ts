import type { RoutinePeriod } from "../model/index.js";
import { currentLanguage, t, tr } from "../i18n/index.js";
import { GUARDIA_VERSION } from "../version.js";
import { PERIODS, VERDICT_ORDER, type ItemResult, type Verdict } from "./checklist.js";

/**
 * A routine run's report: every item with its verdict, problems first (failed, then attention),
 * what changed since the previous report of the same period marked, then the rest one line each.
 * The JSON form is what the next run compares against; the Markdown form is what a person reads.
 */

export const REPORT_TYPE = "guardia.routine.v1";

export interface ReportItem extends ItemResult {
  /** The verdict of the previous report, "new" when it had no such item; absent: unchanged or no previous report. */
  readonly was?: Verdict | "new";
}

export interface RoutineReport {
  readonly type: typeof REPORT_TYPE;
  /** As `--stack` named it. */
  readonly stack: string;
  readonly platform: string;
  readonly environment: string;
  readonly period: RoutinePeriod;
  readonly startedAt: string;
  readonly operator: string;
  readonly guardiaVersion: string;
  readonly counts: Readonly<Record<Verdict, number>>;
  /** The report this one compares with; absent on the first run. */
  readonly previous: { readonly startedAt: string } | undefined;
  readonly items: readonly ReportItem[];
}

export interface ReportInput {
  readonly stack: string;
  readonly platform: string;
  readonly environment: string;
  readonly period: RoutinePeriod;
  readonly startedAt: Date;
  readonly operator: string;
}

/** The previous report as far as a comparison needs it (an older guardia's report parses too). */
export interface PreviousReport {
  readonly startedAt: string;
  readonly items: readonly {
    readonly id: string;
    readonly verdict: Verdict;
    readonly data?: Readonly<Record<string, unknown>>;
  }[];
}

export function buildReport(
  input: ReportInput,
  results: readonly ItemResult[],
  previous: PreviousReport | undefined,
): RoutineReport {
  const before = new Map(previous?.items.map((i) => [i.id, i.verdict]));
  const items = sortItems(results).map((item): ReportItem => {
    if (!previous) return item;
    const was = before.get(item.id);
    if (was === item.verdict) return item;
    return { ...item, was: was ?? "new" };
  });
  const counts = Object.fromEntries(
    VERDICT_ORDER.map((v) => [v, items.filter((i) => i.verdict === v).length]),
  ) as Record<Verdict, number>;
  return {
    type: REPORT_TYPE,
    stack: input.stack,
    platform: input.platform,
    environment: input.environment,
    period: input.period,
    startedAt: input.startedAt.toISOString(),
    operator: input.operator,
    guardiaVersion: GUARDIA_VERSION,
    counts,
    previous: previous && { startedAt: previous.startedAt },
    items,
  };
}

/** Failed, attention, manual, ok; within each, what changed first, then in check order. */
function sortItems(results: readonly ItemResult[]): ItemResult[] {
  return VERDICT_ORDER.flatMap((verdict) => results.filter((r) => r.verdict === verdict));
}

export function isChanged(item: ReportItem): boolean {
  return item.was !== undefined;
}

/** "1 failed, 2 attention, 0 manual, 5 ok" (VERDICT_ORDER). */
export function countsLine(report: RoutineReport): string {
  const { failed, attention, manual, ok } = report.counts;
  return t`${failed} failed, ${attention} attention, ${manual} manual, ${ok} ok`;
}

/** The period as a report names it: "daily" ("diaria": a rutina, a lista in Spanish). */
/** The period in words, in the run's language or, for rendered alerts, the stack's. */
export function periodName(period: RoutinePeriod, language = currentLanguage()): string {
  if (period === "daily") return tr(language)`daily`;
  return period === "weekly" ? tr(language)`weekly` : tr(language)`monthly`;
}

export function reportTitle(report: RoutineReport): string {
  return t`guardia routine, ${periodName(report.period)}: ${report.platform} ${report.environment}`;
}

/** "2026-12-01 07:00 UTC". */
export function utcMinute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function changedText(item: ReportItem): string {
  if (item.was === undefined) return "";
  return item.was === "new"
    ? t`new since the last run`
    : t`changed since the last run (was ${verdictWord(item.was)})`;
}

/** A verdict in a sentence (the record keeps the English value). */
export function verdictWord(verdict: Verdict): string {
  const words: Record<Verdict, string> = {
    failed: t`failed`,
    attention: t`attention`,
    manual: t`manual`,
    ok: t`ok`,
  };
  return words[verdict];
}

/** A verdict heading an item: "FAILED: Last backup of logistica". */
export function verdictLabel(verdict: Verdict): string {
  const labels: Record<Verdict, string> = {
    failed: t`FAILED`,
    attention: t`ATTENTION`,
    manual: t`MANUAL`,
    ok: t`ok`,
  };
  return labels[verdict];
}

/** The report for a person: problems with their evidence, then one line per remaining item. */
export function reportMarkdown(report: RoutineReport): string {
  const problems = report.items.filter((i) => i.verdict === "failed" || i.verdict === "attention");
  const rest = report.items.filter((i) => !problems.includes(i));
  const changed = report.items.filter(isChanged).length;
  const since = report.previous
    ? t`${changed} changed since the last run (${utcMinute(report.previous.startedAt)}).`
    : t`First report of this period: nothing to compare with.`;
  return [
    `# ${reportTitle(report)}`,
    "",
    t`${utcMinute(report.startedAt)} · stack ${report.stack} · by ${report.operator} · guardia ${report.guardiaVersion}`,
    t`Checklists: ${PERIODS[report.period].manuals.join("; ")}.`,
    "",
    `**${countsLine(report)}**. ${since}`,
    "",
    t`## Problems`,
    "",
    ...(problems.length === 0 ? [t`None.`, ""] : problems.flatMap(problemSection)),
    t`## The rest`,
    "",
    ...(rest.length === 0 ? [t`None.`] : rest.map(restLine)),
    "",
  ].join("\n");
}

function problemSection(item: ReportItem): string[] {
  const changed = changedText(item);
  return [
    `### ${verdictLabel(item.verdict)}: ${item.title}${changed ? ` — **${changed}**` : ""}`,
    "",
    item.summary,
    "",
    ...(item.evidence ? ["```", item.evidence.replace(/```/g, "'''"), "```", ""] : []),
    `_${item.source}_`,
    "",
  ];
}

function restLine(item: ReportItem): string {
  const changed = changedText(item);
  return `- ${verdictLabel(item.verdict)}: ${item.title}: ${item.summary}${changed ? ` — **${changed}**` : ""}`;
}
