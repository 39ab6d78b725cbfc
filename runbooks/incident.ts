import { changePlan, noteChange, updateChange } from "../lib/incidents/change-plan.js";
import { closePlan } from "../lib/incidents/close-plan.js";
import { listPlan } from "../lib/incidents/list-plan.js";
import { openPlan } from "../lib/incidents/open-plan.js";
import { params, type Ctx, type Params } from "../lib/incidents/run-context.js";
import { defineRunbook } from "../lib/runbook/define.js";
import type { RunbookPlan } from "../lib/runbook/types.js";

export default defineRunbook({
  name: "incident",
  summary: "Open, note, update, close and list incidents; timeline, notifications, post-mortem",
  description: `
The MIRA operations guide, Gestión de Incidentes (Clasificación de Severidad: P1-P4 with 15 min,
1 h, 4 h and 24 h to respond; notify stakeholders for P1 and P2; a post-mortem for every P1 in
its template), the INATrace operations manual, 5.2 Flujo de Atención and 5.3 Información Útil
para Escalamiento (the minimum record), and the logistics support plan, Flujos de atencion
(endpoint and token affected; evidence attached on closing). Records live at the stack's backup
destination under incidents/<platform>/<env>/, one JSON object each, changed under a lock per
incident. P1/P2 incidents notify the priority's receivers through the stack's Alertmanager, in the
alerts' own formats, until they close. Closing assembles the timeline: the incident's entries,
every guardia run on the stack in its window (audit log), the alerts that fired and resolved
(Prometheus' ALERTS with --prometheus-url, else what Alertmanager still holds) and overlapping
maintenance windows; a P1 gets its post-mortem prefilled.`,
  outline: [
    "open: build the record (response deadline from the priority); store it; notify P1/P2 receivers",
    "note / update: add an entry (update: priority, owner, status) under the incident's lock",
    "close: check the evidence files; assemble the timeline; store the evidence; close the record",
    "close: resolve the notification; write the post-mortem (P1, or --postmortem)",
    "list: every incident (--open: not closed), flagging P1/P2 past their response time",
  ],
  manual: [
    "MIRA operations guide, Gestión de Incidentes (Clasificación de Severidad, Procedimiento de Incidente, Template de Post-Mortem (P1))",
    "INATrace operations manual, 5.2 Flujo de Atención and 5.3 Información Útil para Escalamiento",
    "logistics support plan, Flujos de atencion and Comunicaciones",
  ],
  onFailure:
    "Every change to a record is one write of the whole object under the incident's lock: a failed run leaves the record as it was before that write. When the notification fails after the record was stored, the record stands and says nothing was notified; tell the stakeholders by hand. A lock left by a process that died expires after a minute.",
  params,
  subcommand: "action",
  plan: (ctx) => PLANS[ctx.params.action](ctx),
});

const PLANS: Record<Params["action"], (ctx: Ctx) => RunbookPlan> = {
  open: (ctx) => openPlan(ctx),
  note: (ctx) => changePlan(ctx, noteChange(ctx)),
  update: (ctx) => changePlan(ctx, updateChange(ctx)),
  close: (ctx) => closePlan(ctx),
  list: (ctx) => listPlan(ctx),
  postmortem: (ctx) => closePlan(ctx, true),
};
