import { t } from "../i18n/index.js";
import type { Priority } from "../model/index.js";
import { PRIORITIES } from "../monitoring/contract.js";
import { minutesBetween, type Incident } from "./record.js";

/**
 * The logistics support plan's indicators (Indicadores de soporte): mean time to resolve per
 * severity, the share of incidents closed with a root cause, and regressions after changes —
 * here the incidents that began during or within 48 hours after a maintenance window, a restart
 * or a restore. Mean time to acknowledge is added (MIRA operations guide: response times per
 * priority). Every figure comes with the counts behind it.
 */

/** A change that may cause a regression: a maintenance window, or a run that restarted or restored. */
export interface Change {
  readonly what: string;
  readonly start: string;
  readonly end: string;
}

export const REGRESSION_WINDOW_HOURS = 48;

/** A root cause given as one of these was not identified. */
const UNKNOWN_CAUSE = /^\s*(unknown|desconocida|desconocido|n\/a|none|-)\s*$/i;

export interface PriorityFigures {
  readonly incidents: number;
  readonly acknowledged: number;
  readonly meanAcknowledgeMinutes: number | null;
  readonly resolved: number;
  readonly meanResolveMinutes: number | null;
}

export interface SupportIndicators {
  readonly since: string;
  readonly until: string;
  readonly incidents: number;
  readonly perPriority: Readonly<Record<Priority, PriorityFigures>>;
  readonly rootCause: {
    readonly closed: number;
    readonly identified: number;
    readonly share: number | null;
  };
  readonly afterChanges: {
    readonly incidents: number;
    readonly of: number;
    readonly items: readonly {
      readonly incident: string;
      readonly change: string;
      readonly changeAt: string;
    }[];
  };
}

function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10;
}

function priorityFigures(incidents: readonly Incident[]): PriorityFigures {
  const acked = incidents.filter((i) => i.acknowledgedAt !== undefined);
  const resolved = incidents.filter((i) => i.closedAt !== undefined);
  return {
    incidents: incidents.length,
    acknowledged: acked.length,
    meanAcknowledgeMinutes: mean(acked.map((i) => minutesBetween(i.openedAt, i.acknowledgedAt!))),
    resolved: resolved.length,
    meanResolveMinutes: mean(resolved.map((i) => minutesBetween(i.openedAt, i.closedAt!))),
  };
}

/** The change an incident followed, if it began during one or within 48 h after its end. */
function precedingChange(incident: Incident, changes: readonly Change[]): Change | undefined {
  const opened = Date.parse(incident.openedAt);
  const after = REGRESSION_WINDOW_HOURS * 3600_000;
  return changes.find((c) => Date.parse(c.start) <= opened && opened <= Date.parse(c.end) + after);
}

export function supportIndicators(
  all: readonly Incident[],
  changes: readonly Change[],
  since: Date,
  until: Date,
): SupportIndicators {
  const incidents = all.filter(
    (i) => Date.parse(i.openedAt) >= since.getTime() && Date.parse(i.openedAt) <= until.getTime(),
  );
  const closed = incidents.filter((i) => i.status === "closed");
  const identified = closed.filter((i) => i.rootCause && !UNKNOWN_CAUSE.test(i.rootCause));
  const items = incidents.flatMap((i) => {
    const change = precedingChange(i, changes);
    return change ? [{ incident: i.id, change: change.what, changeAt: change.start }] : [];
  });
  return {
    since: since.toISOString(),
    until: until.toISOString(),
    incidents: incidents.length,
    perPriority: Object.fromEntries(
      PRIORITIES.map((p) => [p, priorityFigures(incidents.filter((i) => i.priority === p))]),
    ) as Record<Priority, PriorityFigures>,
    rootCause: {
      closed: closed.length,
      identified: identified.length,
      share:
        closed.length === 0 ? null : Math.round((identified.length / closed.length) * 1000) / 10,
    },
    afterChanges: { incidents: items.length, of: incidents.length, items },
  };
}

const figure = (value: number | null, unit = " min") => (value === null ? "—" : `${value}${unit}`);

export function supportMarkdown(
  s: SupportIndicators,
  stack: string,
  gaps: readonly string[],
): string {
  return [
    t`# Support indicators — ${stack}`,
    "",
    t`${s.since} → ${s.until}: ${s.incidents} incident(s).`,
    "",
    t`## Time to acknowledge and to resolve, per priority`,
    "",
    t`| Priority | Incidents | Acknowledged | Mean to acknowledge | Resolved | Mean to resolve |`,
    "| -------- | --------- | ------------ | ------------------- | -------- | --------------- |",
    ...PRIORITIES.map((p) => {
      const f = s.perPriority[p];
      return `| ${p} | ${f.incidents} | ${f.acknowledged} | ${figure(f.meanAcknowledgeMinutes)} | ${f.resolved} | ${figure(f.meanResolveMinutes)} |`;
    }),
    "",
    t`## Closed with a root cause identified`,
    "",
    t`${figure(s.rootCause.share, " %")} (${s.rootCause.identified} of ${s.rootCause.closed} closed)`,
    "",
    t`## Regressions after changes (began within ${REGRESSION_WINDOW_HOURS} h of a maintenance window, restart or restore)`,
    "",
    t`${s.afterChanges.incidents} of ${s.afterChanges.of} incident(s)`,
    ...s.afterChanges.items.map((i) => t`- ${i.incident} after ${i.change} (${i.changeAt})`),
    ...(gaps.length ? ["", t`## Not counted`, "", ...gaps.map((g) => `- ${g}`)] : []),
    "",
  ].join("\n");
}
