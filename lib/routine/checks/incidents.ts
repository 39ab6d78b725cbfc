import { Duration, type Priority } from "../../model/index.js";
import { REPEAT_INTERVAL } from "../../model/defaults.js";
import type { ObjectStore } from "../../backup/store.js";
import { objectUrl, readText } from "../../backup/store.js";
import type { Step } from "../../runbook/types.js";
import { SOURCES } from "../checklist.js";
import { checkStep, humanDuration, type Finding, type RoutineRun } from "../check-step.js";
import { t } from "../../i18n/index.js";

/**
 * Weekly: open incidents left without an update past their priority's response time (MIRA
 * operations guide, Gestión de Incidentes: 15 min / 1 h / 4 h / 24 h), from the incident records
 * at the backup destination under `<platform>/<env>/incidents/` (one JSON object per incident,
 * as `guardia incident` writes them). Where there are none, a person checks the incident tool.
 */

/** What guardia reads of a record; other fields are the incident tool's business. */
interface IncidentRecord {
  readonly id: string;
  readonly title: string;
  readonly priority: Priority;
  readonly open: boolean;
  /** The newest moment someone touched it: its last timeline entry, update or opening. */
  readonly lastUpdate: number;
}

export function incidentsPrefix(run: RoutineRun): string {
  return `${run.platform.name}/${run.platform.environment}/incidents/`;
}

export function incidentSteps(run: RoutineRun): Step[] {
  if (run.period !== "weekly") return [];
  const where = run.platform.backups
    ? objectUrl(run.platform.backups.destination, incidentsPrefix(run))
    : t`no backup destination`;
  return [
    checkStep(
      run,
      {
        title: t`Open incidents past their response time`,
        item: {
          id: "incidents",
          title: t`Open incidents past their response time`,
          source: SOURCES.incidents,
        },
        action: () => ({ target: { "incident records": where } }),
      },
      async () => {
        const records = run.store
          ? await readIncidents(await run.store(), incidentsPrefix(run))
          : [];
        if (records.length === 0)
          return {
            verdict: "manual",
            summary: t`no incident records (${where}): check the incident tool for open incidents past their response time`,
          };
        return judgeIncidents(records, run.now);
      },
    ),
  ];
}

export function judgeIncidents(records: readonly IncidentRecord[], now: Date): Finding {
  const open = records.filter((r) => r.open);
  const late = open.filter(
    (r) =>
      now.getTime() - r.lastUpdate > Duration.parse(REPEAT_INTERVAL[r.priority]).seconds * 1000,
  );
  const lines = late.map(
    (r) =>
      t`${r.priority} ${r.id}: ${r.title}, no update for ${humanDuration((now.getTime() - r.lastUpdate) / 1000)}`,
  );
  const data = { records: records.length, open: open.length, late: late.length };
  if (late.length === 0)
    return {
      verdict: "ok",
      summary: t`${open.length} open incident(s), each updated within its response time`,
      data,
    };
  const urgent = late.some((r) => r.priority === "P1" || r.priority === "P2");
  return {
    verdict: urgent ? "failed" : "attention",
    summary: t`${late.length} of ${open.length} open incident(s) past their response time`,
    evidence: lines.join("\n"),
    data,
  };
}

async function readIncidents(store: ObjectStore, prefix: string): Promise<IncidentRecord[]> {
  const keys = (await store.list(prefix)).map((o) => o.key).filter((k) => k.endsWith(".json"));
  const records: IncidentRecord[] = [];
  for (const key of keys) {
    const record = parseIncident(key, await readText(store, key));
    if (record) records.push(record);
  }
  return records;
}

const PRIORITY = /^P[1-4]$/;
const CLOSED = new Set(["closed", "resolved"]);

/** A record in any reasonable shape; undefined for what is not an incident (an index, a lock). */
export function parseIncident(key: string, text: string): IncidentRecord | undefined {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const priority = String(raw.priority ?? "");
  if (!PRIORITY.test(priority)) return undefined;
  const timeline = Array.isArray(raw.timeline) ? (raw.timeline as Record<string, unknown>[]) : [];
  const times = [raw.openedAt, raw.createdAt, raw.updatedAt, ...timeline.map((e) => e.at ?? e.time)]
    .map((t) => Date.parse(String(t)))
    .filter(Number.isFinite);
  if (times.length === 0) return undefined;
  const status = String(raw.status ?? "open").toLowerCase();
  return {
    id: String(raw.id ?? key.slice(key.lastIndexOf("/") + 1).replace(/\.json$/, "")),
    title: String(raw.title ?? ""),
    priority: priority as Priority,
    open: !CLOSED.has(status) && raw.closedAt === undefined,
    lastUpdate: Math.max(...times),
  };
}
