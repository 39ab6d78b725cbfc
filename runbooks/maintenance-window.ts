import { closePlan } from "../lib/maintenance/close-window.js";
import { openPlan } from "../lib/maintenance/open-window.js";
import { schedulePlan } from "../lib/maintenance/schedule-plan.js";
import { params } from "../lib/maintenance/window-context.js";
import { defineRunbook } from "../lib/runbook/define.js";

export default defineRunbook({
  name: "maintenance-window",
  summary: "Open or close a maintenance window: pre-checks, silence, success criteria, record",
  description: `
The INATrace operations manual, 3 Mantenimiento Planificado (3.1 Ventanas de Mantenimiento:
windows documented in the maintenance-window format; 3.3 Criterios de Éxito: health endpoints
green, smoke tests passed, no new critical errors), and the logistics support plan,
Comunicaciones (windows announced at least 48 hours ahead). Opening records the objective,
affected services, start and end, steps, rollback and success criteria; runs the stack's health
checks as the baseline; and creates an Alertmanager silence scoped to the stack for the window,
which spares the dead man's switch (GuardiaWatchdog keeps its heartbeat going). Closing
(--close) finds the open window from its silence, runs the success criteria (health-check green,
the stack's smoke flows, no critical or warning alert that started during the window), expires
the silence even when a criterion fails so alerts reach people again, completes the record, and
exits 1 if a criterion failed. The window's state lives in Alertmanager, so any engineer can
close it.

--schedule announces a future window instead: it is stored at the stack's backup destination
(maintenance/<platform>/<env>/<window>.json), the iCalendar feed beside it (windows.ics, to
subscribe to) is rebuilt, and the stack's receivers for announcements (maintenance.receivers) get
the objective, services, times, rollback and criteria. A window needs the notice the stack asks
(maintenance.noticeHours: 48 h in prod) unless --emergency --reason says why it cannot wait; the
same rule refuses opening a window that was never scheduled. Opening finds the scheduled window,
reminds the receivers that it opens, and the record says whether it was announced.`,
  outline: [
    "schedule: check the notice, store the window, rebuild the calendar feed, announce it to the receivers",
    "open: refuse when the stack already has an open window",
    "open: find the window in the schedule; an unscheduled one needs the stack's notice or --emergency --reason",
    "open: pre-checks — every health URL, dependency and database",
    "open: POST an Alertmanager silence on the stack's labels for the window (not the watchdog)",
    "open: write the window record (Markdown), saying whether the window was announced",
    "open: remind the announcement receivers that the window opens",
    "close: find the window; success criteria: health checks, the smoke flows (login and a business flow per service), no new critical/warning alerts",
    "close: expire the silence; complete the record; fail if a criterion failed",
  ],
  manual: [
    "INATrace operations manual, 3 Mantenimiento Planificado (3.1 Ventanas de Mantenimiento, 3.3 Criterios de Éxito)",
    "logistics support plan, Comunicaciones (maintenance windows announced ahead)",
  ],
  onFailure:
    "Scheduling: a failure before every announcement went out deletes the stored window and rebuilds the calendar without it; announcements already sent cannot be unsent (the run names them). Opening: a reminder that does not arrive is reported and leaves the window open. Opening: the pre-checks are the baseline and are recorded whatever they find; another open window stops the run before anything is created; when the window record cannot be written after the silence was created, the silence is expired again, so alerts are never muted without a record. Closing: the silence is expired even when a success criterion fails, so alerts reach people again; the run exits 1 and the completed record says which criterion failed.",
  params,
  plan: (ctx) =>
    ctx.params.close ? closePlan(ctx) : ctx.params.schedule ? schedulePlan(ctx) : openPlan(ctx),
});
