import { z } from "zod";
import { UsageError } from "../errors.js";
import { t } from "../i18n/index.js";
import type { AlertmanagerApi } from "../monitoring/silences.js";
import type { RunContext, Step } from "../runbook/types.js";
import { openIncidentStore } from "./index.js";
import { incidentAlert, notifyCall, NOTIFIED, postIncidentAlert } from "./notify.js";
import type { Incident, IncidentEntry } from "./record.js";
import type { IncidentStore } from "./store.js";

/**
 * What every mode of `guardia incident` shares: its parameters, the stack's Alertmanager and
 * incident store, where a record lives, and the P1/P2 notification step. The modes' plans are in
 * open-plan.ts, change-plan.ts, close-plan.ts and list-plan.ts; runbooks/incident.ts joins them.
 */

const ACTIONS = ["open", "note", "update", "close", "list", "postmortem"] as const;
const PRIORITY = z.enum(["P1", "P2", "P3", "P4"]);

const text = (what: string) => z.string().trim().min(1).optional().describe(what);

export const params = z.object({
  action: z
    .enum(ACTIONS)
    .describe("what to do; may be given first, without the flag: guardia incident open ..."),
  id: text("the incident (note, update, close, postmortem)"),
  priority: PRIORITY.optional().describe(
    "open, update: P1 15 min, P2 1 h, P3 4 h, P4 24 h to respond",
  ),
  title: text("open: one line"),
  service: text("open: the affected service"),
  reporter: text("open: who reported it (default: the operator)"),
  owner: text("open, update: who handles it (default: the operator)"),
  affected: text("open: user and area affected"),
  endpoint: text("open: the endpoint affected"),
  tokenEnv: text(
    "open: an environment variable holding the affected token (never a flag: flags reach the audit log); only its fingerprint is stored",
  ),
  description: text("open: what happens"),
  reproduce: text("open: steps to reproduce"),
  logExcerpt: text(
    "open: a file with the relevant log lines (the last 4000 characters, secrets masked)",
  ),
  stepsTaken: text("open: steps already taken"),
  text: text("note: the entry; update: why"),
  status: z
    .enum(["open", "investigating", "mitigated"])
    .optional()
    .describe("update: the new status"),
  rootCause: text("close: the root cause"),
  fix: text("close: what fixed it"),
  evidence: text("close: files attached as evidence, comma-separated (logs, screenshots)"),
  postmortem: z
    .boolean()
    .default(false)
    .describe("close, postmortem: write one for a P2-P4 too (a P1 always gets one)"),
  out: text(
    "where the post-mortem is written locally (default: incidents/<stack>-<id>-postmortem.md)",
  ),
  open: z.boolean().default(false).describe("list: only the incidents not closed"),
  alertmanagerUrl: z
    .string()
    .url()
    .optional()
    .describe("Alertmanager API (default: the stack's monitoring.alertmanagerUrl)"),
  prometheusUrl: z
    .string()
    .url()
    .optional()
    .describe("Prometheus API, for the alerts that fired and resolved in the incident's window"),
});

export type Params = z.infer<typeof params>;
export type Ctx = RunContext<Params>;

export function am(ctx: Ctx): AlertmanagerApi {
  return { url: ctx.params.alertmanagerUrl ?? ctx.platform.monitoring.alertmanagerUrl };
}

export async function withStore<T>(
  ctx: Ctx,
  use: (store: IncidentStore) => Promise<T>,
): Promise<T> {
  const store = await openIncidentStore(ctx.platform);
  try {
    return await use(store);
  } finally {
    store.store.close();
  }
}

export function where(ctx: Ctx, id: string): string {
  const destination = ctx.platform.backups?.destination.url ?? "<backups.destination>";
  return `${destination}/incidents/${ctx.platform.name}/${ctx.platform.environment}/${id}.json`;
}

export function requireId(ctx: Ctx): string {
  if (!ctx.params.id) throw new UsageError(t`--id: required to ${ctx.params.action} an incident`);
  return ctx.params.id;
}

export function entry(ctx: Ctx, kind: IncidentEntry["kind"], text: string): IncidentEntry {
  return { time: new Date().toISOString(), author: ctx.operator, kind, text };
}

/** The P1/P2 notification (an alert through the stack's Alertmanager); `ends` resolves it. */
export function notifyStep(ctx: Ctx, incident: () => Incident | undefined, ends?: boolean): Step {
  return {
    title: ends
      ? t`Resolve the notification to the priority's receivers through Alertmanager`
      : t`Notify the priority's receivers through Alertmanager`,
    kind: "change",
    action: () => ({ call: notifyCall(am(ctx)) }),
    run: async () => {
      const current = incident();
      if (!current || !NOTIFIED.includes(current.priority))
        return { summary: t`not notified: ${current?.priority ?? "?"} is not P1 or P2` };
      await postIncidentAlert(
        am(ctx),
        incidentAlert(ctx.platform, current, ends ? new Date() : undefined),
      );
      const to = ctx.platform.alerting.routes[current.priority].join(", ") || t`nobody (no route)`;
      return {
        summary: ends
          ? t`${current.priority} resolved to ${to}`
          : t`${current.priority} sent to ${to}`,
      };
    },
    manualUndo: ends
      ? t`the notification stays firing until its end (7 days after opening): tell the stakeholders the incident is closed`
      : t`tell the stakeholders by hand (the notification did not go out, or went out by mistake)`,
  };
}
