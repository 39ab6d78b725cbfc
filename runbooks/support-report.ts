import { z } from "zod";
import { UsageError } from "../lib/errors.js";
import { t } from "../lib/i18n/index.js";
import { openIncidentStore } from "../lib/incidents/index.js";
import type { Incident } from "../lib/incidents/record.js";
import {
  REGRESSION_WINDOW_HOURS,
  supportIndicators,
  supportMarkdown,
  type Change,
  type SupportIndicators,
} from "../lib/incidents/support.js";
import { overlappingWindows, readAuditRuns } from "../lib/incidents/timeline.js";
import { Duration } from "../lib/model/index.js";
import { WINDOW_COMMENT_PREFIX } from "../lib/monitoring/maintenance-record.js";
import { auditFile } from "../lib/runbook/audit.js";
import { defineRunbook, type RunContext, type Step } from "../lib/runbook/define.js";

/** Runs that change what users see: an incident soon after one is a regression candidate. */
const CHANGE_RUNBOOKS = [
  "restart-service",
  "recreate-collection",
  "restore-db",
  "maintenance-window",
];

const params = z.object({
  since: z.string().default("30d").describe("how far back, a duration (7d, 30d, 90d)"),
  format: z.enum(["md", "json"]).default("md").describe("the report on stdout: Markdown or JSON"),
  alertmanagerUrl: z
    .string()
    .url()
    .optional()
    .describe(
      "Alertmanager API, for the maintenance windows (default: the stack's monitoring.alertmanagerUrl)",
    ),
});

type Ctx = RunContext<z.infer<typeof params>>;

export default defineRunbook({
  name: "support-report",
  summary:
    "Support indicators from the incident records: time to acknowledge and resolve, root causes, regressions",
  description: `
The logistics support plan, Indicadores de soporte: mean time to resolve per severity, the share
of incidents closed with a root cause identified, and regressions after changes — incidents that
began during or within 48 hours after a maintenance window (Alertmanager's window silences and
maintenance-window runs), a restart or a restore (the audit log) — each figure with the counts
behind it, plus the mean time to acknowledge per priority (MIRA operations guide, Gestión de
Incidentes: response times). Read-only; the records are those of \`guardia incident\`.`,
  outline: [
    "read every incident record of the stack at its backup destination",
    "read the changes: maintenance windows (Alertmanager) and restart/restore runs (audit log)",
    "compute the indicators; print Markdown or JSON",
  ],
  manual: [
    "logistics support plan, Indicadores de soporte",
    "MIRA operations guide, Gestión de Incidentes (Clasificación de Severidad)",
  ],
  onFailure:
    "Read-only: nothing to undo. When Alertmanager cannot be read the report still comes out, and its 'Not counted' section says the maintenance windows were left out.",
  params,
  plan: (ctx) => reportPlan(ctx),
});

function reportPlan(ctx: Ctx) {
  const problem = Duration.problem(ctx.params.since);
  if (problem) throw new UsageError(`--since: ${problem}`);
  const until = new Date();
  const since = new Date(until.getTime() - Duration.parse(ctx.params.since).seconds * 1000);
  const am = { url: ctx.params.alertmanagerUrl ?? ctx.platform.monitoring.alertmanagerUrl };
  let incidents: Incident[] = [];
  const changes: Change[] = [];
  const gaps: string[] = [];
  let report: SupportIndicators | undefined;
  const steps: Step[] = [
    {
      title: t`Read the incident records`,
      kind: "read",
      run: async () => {
        const store = await openIncidentStore(ctx.platform);
        try {
          incidents = await store.list();
        } finally {
          store.store.close();
        }
        return { summary: t`${incidents.length} record(s)` };
      },
    },
    {
      title: t`Read the changes: maintenance windows, restarts and restores`,
      kind: "read",
      action: () => ({ call: `read ${auditFile()}\nGET ${am.url}/api/v2/silences` }),
      run: async () => {
        // A change up to 48 h before `since` can still explain an incident inside it.
        const from = new Date(since.getTime() - REGRESSION_WINDOW_HOURS * 3600_000).toISOString();
        changes.push(...auditChanges(ctx, from, until.toISOString()));
        try {
          const windows = await overlappingWindows(am, ctx.platform, from, until.toISOString());
          changes.push(
            ...windows.map((w) => ({
              what: t`maintenance window ${w.comment.slice(WINDOW_COMMENT_PREFIX.length)}`,
              start: w.startsAt,
              end: w.endsAt,
            })),
          );
        } catch (err) {
          gaps.push(t`maintenance windows in Alertmanager: ${(err as Error).message}`);
        }
        report = supportIndicators(incidents, changes, since, until);
        return {
          summary: [t`${changes.length} change(s)`, ...gaps].join("; "),
        };
      },
    },
  ];
  return {
    steps,
    result: () => ({ ...report, notCounted: gaps }),
    output: () =>
      ctx.params.format === "json"
        ? JSON.stringify({ ...report, notCounted: gaps }, null, 2)
        : supportMarkdown(report!, ctx.stack.name, gaps),
  };
}

function auditChanges(ctx: Ctx, from: string, to: string): Change[] {
  return readAuditRuns(auditFile(), ctx.stack.name, from, to)
    .filter((r) => CHANGE_RUNBOOKS.includes(r.runbook))
    .filter((r) => r.steps.some((s) => s.kind === "change" && s.status === "ok"))
    .map((r) => ({
      what: t`guardia ${r.runbook} by ${r.operator}`,
      start: r.time,
      end: new Date(Date.parse(r.time) + (r.durationMs ?? 0)).toISOString(),
    }));
}
