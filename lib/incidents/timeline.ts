import { existsSync, readFileSync } from "node:fs";
import { t } from "../i18n/index.js";
import type { Platform } from "../model/index.js";
import { WATCHDOG_ALERT } from "../monitoring/alerts/cluster.js";
import { WINDOW_COMMENT_PREFIX } from "../monitoring/maintenance-record.js";
import {
  listSilences,
  listStackAlerts,
  type AlertmanagerApi,
  type Silence,
} from "../monitoring/silences.js";
import type { AuditRecord } from "../runbook/audit.js";
import { outcomeText } from "../runbook/report.js";
import { INCIDENT_ALERT } from "./notify.js";
import { entryKindText, type Incident, type IncidentEntry } from "./record.js";

/**
 * The timeline nobody has to type: the incident's own entries, every guardia run on the stack
 * in the incident's window (from the audit log: who, what, outcome), the stack's alerts that
 * fired and resolved in the window, and the maintenance windows that overlap it, in time order.
 *
 * Alerts: Alertmanager's API lists only the alerts it holds now, so an alert that fired and
 * resolved is gone from it by the time the incident closes. Prometheus keeps the history as the
 * `ALERTS{alertstate="firing"}` series; with a Prometheus URL the spans come from there, and
 * without one the timeline holds only what Alertmanager still has (and says so).
 */

export interface TimelineEntry {
  readonly time: string;
  /** "gap": a source that could not be read, so the reader knows what the timeline may miss. */
  readonly source: "incident" | "runbook" | "alert" | "maintenance" | "gap";
  readonly text: string;
  readonly who?: string;
  readonly outcome?: string;
  /** The run's evidence report, when it wrote one. */
  readonly link?: string;
}

export interface AlertSpan {
  readonly alertname: string;
  readonly priority: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly firedAt: string;
  /** undefined: still firing at the end of the window. */
  readonly resolvedAt: string | undefined;
}

export interface TimelineSources {
  readonly audit: readonly AuditRecord[];
  readonly alerts: readonly AlertSpan[];
  readonly windows: readonly Silence[];
  /** What the timeline could not see, said in it. */
  readonly gaps: readonly string[];
  /** When the sources were read (the gaps' time). */
  readonly readAt: string;
}

/** The audit log's runs on this stack between `from` and `to` (dry runs left out: nothing ran). */
export function readAuditRuns(
  file: string,
  stack: string,
  from: string,
  to: string,
): AuditRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as AuditRecord];
      } catch {
        return []; // a line cut by a crash: the others still count
      }
    })
    .filter((r) => r.stack === stack && !r.dryRun && r.runbook !== "incident")
    .filter((r) => r.time >= from && r.time <= to);
}

/** Firing spans of the stack's alerts from Prometheus' ALERTS series over [from, to]. */
export async function prometheusAlertSpans(
  prometheusUrl: string,
  platform: Platform,
  from: string,
  to: string,
): Promise<AlertSpan[]> {
  const start = Date.parse(from) / 1000;
  const end = Date.parse(to) / 1000;
  const step = Math.max(1, Math.ceil((end - start) / 1000));
  const query = `ALERTS{alertstate="firing",platform="${platform.name}",environment="${platform.environment}"}`;
  const url = `${prometheusUrl.replace(/\/+$/, "")}/api/v1/query_range?${new URLSearchParams({
    query,
    start: String(start),
    end: String(end),
    step: String(step),
  })}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  if (!res.ok)
    throw new Error(t`Prometheus at ${prometheusUrl} answered ${res.status} ${await res.text()}`);
  const body = (await res.json()) as {
    data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
  };
  return body.data.result
    .flatMap(({ metric, values }) =>
      firingRuns(
        values.map(([t]) => t),
        step,
        end,
      ).map(([first, last]) => ({
        alertname: metric.alertname ?? "?",
        priority: metric.priority,
        labels: metric,
        firedAt: new Date(first * 1000).toISOString(),
        resolvedAt: last === undefined ? undefined : new Date(last * 1000).toISOString(),
      })),
    )
    .filter((s) => s.alertname !== WATCHDOG_ALERT);
}

/** Contiguous runs of sample times: [first, resolved-at] (undefined while firing at `end`). */
function firingRuns(times: number[], step: number, end: number): [number, number | undefined][] {
  const runs: [number, number | undefined][] = [];
  let first: number | undefined;
  let previous = 0;
  for (const t of times) {
    if (first === undefined) first = t;
    else if (t - previous > step * 1.5) {
      runs.push([first, previous + step]);
      first = t;
    }
    previous = t;
  }
  if (first !== undefined)
    runs.push([first, end - previous > step * 1.5 ? previous + step : undefined]);
  return runs;
}

/** What Alertmanager holds now that started in the window (without Prometheus: the only source). */
export async function alertmanagerAlertSpans(
  am: AlertmanagerApi,
  platform: Platform,
  from: string,
): Promise<AlertSpan[]> {
  const alerts = await listStackAlerts(am, platform);
  return alerts
    .filter((a) => ![WATCHDOG_ALERT, INCIDENT_ALERT].includes(a.labels.alertname ?? ""))
    .filter((a) => a.startsAt >= from)
    .map((a) => ({
      alertname: a.labels.alertname ?? "?",
      priority: a.labels.priority,
      labels: a.labels,
      firedAt: a.startsAt,
      resolvedAt: undefined,
    }));
}

/** The stack's maintenance windows (their silences, expired ones included) overlapping [from, to]. */
export async function overlappingWindows(
  am: AlertmanagerApi,
  platform: Platform,
  from: string,
  to: string,
): Promise<Silence[]> {
  const silences = await listSilences(am, platform);
  return silences.filter(
    (s) => s.comment.startsWith(WINDOW_COMMENT_PREFIX) && s.startsAt <= to && s.endsAt >= from,
  );
}

/** One of the incident's own entries as a timeline entry (its text in the run's language). */
export function incidentTimelineEntry(e: IncidentEntry): TimelineEntry {
  return {
    time: e.time,
    source: "incident",
    who: e.author,
    text: `${entryKindText(e.kind)}: ${e.text}`,
  };
}

function runText(r: AuditRecord): string {
  const code = r.exitCode ?? "?";
  if (!r.error) return t`guardia ${r.runbook} (exit ${code}) on ${r.host}`;
  return t`guardia ${r.runbook} (exit ${code}: ${r.error.split("\n")[0]}) on ${r.host}`;
}

export function assembleTimeline(incident: Incident, sources: TimelineSources): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...incident.entries.map(incidentTimelineEntry),
    ...sources.audit.map((r) => ({
      time: r.time,
      source: "runbook" as const,
      who: r.operator,
      outcome: r.outcome,
      text: runText(r),
      ...(r.report && { link: r.report }),
    })),
    ...sources.alerts.flatMap((a) => alertEntries(a)),
    ...sources.windows.flatMap((w) => {
      const window = w.comment.slice(WINDOW_COMMENT_PREFIX.length);
      return [
        {
          time: w.startsAt,
          source: "maintenance" as const,
          who: w.createdBy,
          text: t`window opens: ${window}`,
        },
        {
          time: w.endsAt,
          source: "maintenance" as const,
          who: w.createdBy,
          text: t`window ends: ${window}`,
        },
      ];
    }),
  ];
  const gaps = sources.gaps.map((text) => ({ time: sources.readAt, source: "gap" as const, text }));
  return [...entries.sort((a, b) => a.time.localeCompare(b.time)), ...gaps];
}

function alertEntries(a: AlertSpan): TimelineEntry[] {
  const scope = ["service", "database", "dependency"].map((k) => a.labels[k]).filter(Boolean);
  const name = `${a.alertname}${a.priority ? ` (${a.priority})` : ""}${scope.length ? ` ${scope.join(", ")}` : ""}`;
  return [
    { time: a.firedAt, source: "alert", text: t`alert fired: ${name}` },
    ...(a.resolvedAt
      ? [{ time: a.resolvedAt, source: "alert" as const, text: t`alert resolved: ${name}` }]
      : []),
  ];
}

/** One line per entry, for the record's Markdown, the post-mortem and the terminal. */
export function timelineLines(entries: readonly TimelineEntry[]): string[] {
  return entries.map(
    (e) =>
      `- ${e.time.slice(0, 19).replace("T", " ")}Z [${sourceText(e.source)}] ${e.text}${e.who ? ` — ${e.who}` : ""}${e.outcome ? ` (${outcomeText(e.outcome)})` : ""}${e.link ? ` — ${t`report: ${e.link}`}` : ""}`,
  );
}

/** The entry's source as people read it; the record stores the English value. */
function sourceText(source: TimelineEntry["source"]): string {
  switch (source) {
    case "incident":
      return t`incident`;
    case "runbook":
      return t`runbook`;
    case "alert":
      return t`alert`;
    case "maintenance":
      return t`maintenance`;
    case "gap":
      return t`gap`;
  }
}
