import { appendFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import {
  checkHealth,
  countSummary,
  failedChecks,
  healthScope,
  healthTable,
  type CheckRow,
} from "../lib/checks/stack-health.js";
import { RefusedError, UsageError } from "../lib/errors.js";
import { t } from "../lib/i18n/index.js";
import { Duration } from "../lib/model/index.js";
import {
  createSilence,
  describeSilence,
  expireSilence,
  listSilences,
  listStackAlerts,
  silencePlan,
  type AlertmanagerApi,
  type Silence,
  type SilencePlan,
} from "../lib/monitoring/silences.js";
import { defineRunbook, type RunContext, type Step } from "../lib/runbook/define.js";
import {
  windowHeader,
  windowClosing,
  WINDOW_COMMENT_PREFIX,
  type WindowRecord,
} from "../lib/monitoring/maintenance-record.js";
import { WATCHDOG_ALERT } from "../lib/monitoring/alerts/cluster.js";
import { objectUrl } from "../lib/backup/store.js";
import { scheduleKeys, windowId, type ScheduledWindow } from "../lib/maintenance/schedule.js";
import {
  findScheduledStep,
  reminderSteps,
  requireSchedule,
  scheduleSteps,
  type Announced,
} from "../lib/maintenance/schedule-steps.js";
import type { SmokeFlowResult } from "../lib/smoke/runner.js";
import { planSmokeFlows, smokeTable } from "../lib/smoke/steps.js";

const params = z.object({
  close: z
    .boolean()
    .default(false)
    .describe("close the open window: success criteria, expire the silence, complete the record"),
  objective: z.string().min(1).optional().describe("what the window is for (required to open one)"),
  duration: z
    .string()
    .default("2h")
    .describe("length of the window and of its silence (30m, 2h, 1d)"),
  start: z
    .string()
    .optional()
    .describe(
      "when it starts, ISO 8601 (default now); the logistics support plan announces windows 48 h ahead",
    ),
  services: z.string().optional().describe("affected services, comma-separated (default: all)"),
  steps: z.string().optional().describe("the work, steps separated by ';'"),
  rollback: z.string().optional().describe("how to undo the work, steps separated by ';'"),
  ticket: z.string().optional().describe("change or incident ticket"),
  criteria: z
    .string()
    .optional()
    .describe("success criteria besides guardia's own, separated by ';'"),
  schedule: z
    .boolean()
    .default(false)
    .describe(
      "schedule a future window instead of opening one: store it, publish the calendar, announce it",
    ),
  emergency: z
    .boolean()
    .default(false)
    .describe("accept less notice than the stack asks (maintenance.noticeHours); needs --reason"),
  reason: z.string().min(1).optional().describe("why an --emergency window cannot wait"),
  record: z
    .string()
    .optional()
    .describe("window record file (default: maintenance/<stack>-<window>.md)"),
  alertmanagerUrl: z
    .string()
    .url()
    .optional()
    .describe("Alertmanager API (default: the stack's monitoring.alertmanagerUrl)"),
});

type Params = z.infer<typeof params>;

const COMMENT_PREFIX = WINDOW_COMMENT_PREFIX;

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

function api(ctx: RunContext<Params>): AlertmanagerApi {
  return { url: ctx.params.alertmanagerUrl ?? ctx.platform.monitoring.alertmanagerUrl };
}

function recordFile(ctx: RunContext<Params>, id: string): string {
  return path.resolve(ctx.params.record ?? path.join("maintenance", `${ctx.stack.name}-${id}.md`));
}

function parseStart(text: string | undefined): Date {
  if (text === undefined) return new Date();
  const start = new Date(text);
  if (Number.isNaN(start.getTime()))
    throw new UsageError(
      t`--start: expected an ISO 8601 time such as 2026-11-25T02:00:00Z, got "${text}"`,
    );
  return start;
}

function openPlan(ctx: RunContext<Params>) {
  const window = windowToOpen(ctx);
  const { id, silence, file, spec } = window;
  const facts: OpenFacts = { preChecks: [] };
  const announced: Announced = { unsent: [] };
  const steps: Step[] = [
    noOpenWindowStep(ctx),
    findScheduledStep(ctx, spec, announced),
    healthStep(t`Pre-checks: the stack's health before the work`, ctx, facts.preChecks),
    silenceStep(ctx, silence, facts),
    recordStep(window, facts, announced),
    ...reminderSteps(ctx, spec, announced),
  ];
  return {
    steps,
    confirmTarget: ctx.stack.name,
    result: () => ({
      window: id,
      silenceId: facts.silenceId,
      startsAt: silence.startsAt,
      endsAt: silence.endsAt,
      record: file,
      preChecks: facts.preChecks,
      announced: announced.line,
      unsentReminders: announced.unsent,
    }),
    output: () =>
      [
        t`Maintenance window ${id} open until ${silence.endsAt} (silence ${facts.silenceId}).`,
        t`Record: ${file}`,
        ...announced.unsent.map((u) => t`Reminder NOT sent to ${u}: tell them another way.`),
        t`Close it with: guardia maintenance-window --stack ${ctx.stack.name} --close`,
      ].join("\n"),
  };
}

/** --schedule: a future window stored, published in the calendar and announced; nothing muted yet. */
function schedulePlan(ctx: RunContext<Params>) {
  requireSchedule(ctx.platform);
  const { spec } = windowToOpen(ctx);
  if (Date.parse(spec.startsAt) <= Date.now())
    throw new UsageError(t`--schedule: --start must be in the future, got ${spec.startsAt}`);
  const calendar = objectUrl(
    ctx.platform.backups!.destination,
    scheduleKeys(ctx.platform).calendar,
  );
  return {
    steps: scheduleSteps(ctx, spec),
    confirmTarget: ctx.stack.name,
    result: () => ({ window: spec, calendar }),
    output: () =>
      [
        t`Maintenance window ${spec.id} scheduled from ${spec.startsAt} to ${spec.endsAt}.`,
        t`Calendar: ${calendar}`,
        t`Open it then with: guardia maintenance-window --stack ${ctx.stack.name} --objective ...`,
      ].join("\n"),
  };
}

interface OpenFacts {
  silenceId?: string;
  readonly preChecks: CheckRow[];
}

/** --emergency and --reason go together: the record keeps why the notice was skipped. */
function emergencyReason(params: Params): string | undefined {
  if (params.emergency !== (params.reason !== undefined))
    throw new UsageError(t`--emergency needs --reason, and --reason goes with --emergency`);
  return params.reason;
}

/** The window the parameters describe: its silence, its record and where the record goes. */
function windowToOpen(ctx: RunContext<Params>) {
  const { params, platform } = ctx;
  if (!params.objective)
    throw new UsageError(t`--objective: required to open or schedule a window (or pass --close)`);
  const problem = Duration.problem(params.duration);
  if (problem) throw new UsageError(`--duration: ${problem}`);
  const affected = (
    params.services
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean) ?? platform.services.map((s) => s.name)
  ).map((name) => ctx.service(name).name);
  const start = parseStart(params.start);
  const id = windowId(start);
  const silence: SilencePlan = silencePlan({
    platform,
    createdBy: ctx.operator,
    comment: `${COMMENT_PREFIX}${id}: ${params.objective}${params.ticket ? ` (${params.ticket})` : ""}`,
    startsAt: start,
    durationSeconds: Duration.parse(params.duration).seconds,
  });
  const spec: ScheduledWindow = {
    id,
    stack: ctx.stack.name,
    objective: params.objective,
    ticket: params.ticket,
    services: affected,
    startsAt: silence.startsAt,
    endsAt: silence.endsAt,
    steps: splitSteps(params.steps),
    rollback: splitSteps(params.rollback),
    criteria: splitSteps(params.criteria),
    scheduledBy: ctx.operator,
    scheduledAt: new Date().toISOString(),
    emergency: emergencyReason(params),
  };
  const record: WindowRecord = {
    ...spec,
    silence,
    smokeFlows: platform.smoke.flows.map((f) => f.name),
    openedBy: ctx.operator,
  };
  return { id, silence, record, spec, file: recordFile(ctx, id) };
}

function noOpenWindowStep(ctx: RunContext<Params>): Step {
  return {
    title: t`Look for an open maintenance window`,
    kind: "read",
    action: () => ({ call: `GET ${api(ctx).url}/api/v2/silences` }),
    run: async () => {
      const [open] = await openWindows(api(ctx), ctx);
      if (open)
        throw new RefusedError(
          t`${ctx.stack.name} already has an open window: ${open.comment} (silence ${open.id} by ${open.createdBy} until ${open.endsAt}); close it first with --close`,
        );
      return { summary: t`none open` };
    },
  };
}

function silenceStep(ctx: RunContext<Params>, silence: SilencePlan, facts: OpenFacts): Step {
  return {
    title: t`Silence ${ctx.stack.name}'s alerts from ${silence.startsAt} to ${silence.endsAt}`,
    kind: "change",
    action: () => ({
      call: `POST ${api(ctx).url}/api/v2/silences`,
      target: { silence: describeSilence(silence) },
    }),
    run: async () => {
      facts.silenceId = await createSilence(api(ctx), silence);
      return { summary: t`silence ${facts.silenceId}`, data: { silenceId: facts.silenceId } };
    },
    rollback: {
      action: () => ({ call: expireCall(ctx, facts.silenceId) }),
      run: async () => {
        if (facts.silenceId) await expireSilence(api(ctx), facts.silenceId);
      },
    },
  };
}

function recordStep(
  { record, file }: ReturnType<typeof windowToOpen>,
  facts: OpenFacts,
  announced: Announced,
): Step {
  return {
    title: t`Write the window record ${path.relative(process.cwd(), file)}`,
    kind: "change",
    action: () => ({ target: { file } }),
    run: async () => {
      mkdirSync(path.dirname(file), { recursive: true });
      const header = windowHeader(
        record,
        facts.silenceId ?? "",
        healthTable(facts.preChecks),
        announced.line,
      );
      writeFileSync(file, header);
      return { summary: file };
    },
    manualUndo: t`delete ${file}`,
  };
}

/** The window being closed, as the steps find it, and what its criteria found. */
interface CloseFacts {
  window?: Silence;
  id?: string;
  readonly health: CheckRow[];
  newAlerts: string[];
  file?: string;
}

function closePlan(ctx: RunContext<Params>) {
  const facts: CloseFacts = { health: [], newAlerts: [] };
  const smoke = planSmokeFlows(ctx, { after: true });
  const failed = () => [
    ...facts.health.filter((r) => !r.ok).map((r) => `${r.name}: ${r.detail}`),
    ...smoke.failures().map((f) => t`smoke flow ${f}`),
    ...facts.newAlerts,
  ];
  const steps: Step[] = [
    findWindowStep(ctx, facts),
    healthStep(t`Success criteria: health checks`, ctx, facts.health),
    ...smoke.steps,
    newAlertsStep(ctx, facts),
    {
      title: t`Expire the window's silence`,
      kind: "change",
      action: () => ({ call: expireCall(ctx, facts.window?.id) }),
      run: async () => {
        await expireSilence(api(ctx), facts.window!.id);
        return { summary: t`silence ${facts.window!.id} expired: alerts reach people again` };
      },
      manualUndo: t`create a new window if the work goes on`,
    },
    completeRecordStep(ctx, facts, failed, () => smoke.result().flows),
    {
      title: t`Verdict`,
      kind: "verify",
      run: async () => {
        if (failed().length > 0)
          throw new Error(
            t`the window closed, but its success criteria failed: ${failed().join("; ")}`,
          );
        return { summary: t`every success criterion passed` };
      },
    },
  ];
  return {
    steps,
    confirmTarget: ctx.stack.name,
    result: () => ({
      window: facts.id,
      silenceId: facts.window?.id,
      record: facts.file,
      criteria: facts.health,
      smoke: smoke.result(),
      newAlerts: facts.newAlerts,
      succeeded: failed().length === 0,
    }),
  };
}

function findWindowStep(ctx: RunContext<Params>, facts: CloseFacts): Step {
  return {
    title: t`Find the open maintenance window`,
    kind: "read",
    action: () => ({ call: `GET ${api(ctx).url}/api/v2/silences` }),
    run: async () => {
      const [window] = await openWindows(api(ctx), ctx);
      if (!window)
        throw new Error(
          t`${ctx.stack.name} has no open maintenance window (no active or pending guardia silence)`,
        );
      facts.window = window;
      facts.id = window.comment.slice(COMMENT_PREFIX.length).split(":")[0]!;
      facts.file = recordFile(ctx, facts.id);
      return {
        summary: t`${facts.id}: silence ${window.id} since ${window.startsAt} by ${window.createdBy}`,
      };
    },
  };
}

function newAlertsStep(ctx: RunContext<Params>, facts: CloseFacts): Step {
  return {
    title: t`Success criteria: no new critical or warning alerts`,
    kind: "read",
    action: () => ({ call: `GET ${api(ctx).url}/api/v2/alerts` }),
    run: async () => {
      const since = facts.window!.startsAt;
      const alerts = await listStackAlerts(api(ctx), ctx.platform);
      facts.newAlerts = alerts
        .filter(
          (a) =>
            ["critical", "warning"].includes(a.labels.severity ?? "") &&
            a.labels.alertname !== WATCHDOG_ALERT &&
            a.startsAt >= since,
        )
        .map(
          (a) => t`alert ${a.labels.alertname} (${a.labels.priority ?? "?"}) since ${a.startsAt}`,
        );
      return { summary: facts.newAlerts.length === 0 ? t`none` : facts.newAlerts.join("; ") };
    },
  };
}

function completeRecordStep(
  ctx: RunContext<Params>,
  facts: CloseFacts,
  failed: () => string[],
  smoke: () => readonly SmokeFlowResult[],
): Step {
  return {
    title: t`Complete the window record`,
    kind: "change",
    action: () => ({ target: { file: facts.file ?? "maintenance/<stack>-<window>.md" } }),
    run: async () => {
      const closing = windowClosing({
        closedBy: ctx.operator,
        health: healthTable(facts.health),
        ...(smoke().length > 0 && { smoke: smokeTable(smoke()) }),
        newAlerts: facts.newAlerts,
        failed: failed(),
      });
      const file = facts.file!;
      mkdirSync(path.dirname(file), { recursive: true });
      if (existsSync(file)) appendFileSync(file, closing);
      else
        writeFileSync(
          file,
          [
            t`# Maintenance window ${facts.id} — ${ctx.stack.name}`,
            "",
            t`- Silence: ${facts.window!.comment}`,
            closing,
          ].join("\n"),
        );
      return { summary: file };
    },
  };
}

function expireCall(ctx: RunContext<Params>, silenceId: string | undefined): string {
  return `DELETE ${api(ctx).url}/api/v2/silence/${silenceId ?? "<id>"}`;
}

/** The stack's active or pending guardia window silences, newest first. */
async function openWindows(am: AlertmanagerApi, ctx: RunContext<Params>): Promise<Silence[]> {
  const silences = await listSilences(am, ctx.platform, ["active", "pending"]);
  return silences.filter((s) => s.comment.startsWith(COMMENT_PREFIX));
}

/** The stack's health as a record: it never fails the step (a criterion fails the verdict instead). */
function healthStep(title: string, ctx: RunContext<Params>, rows: CheckRow[]): Step {
  const scope = healthScope(ctx.platform);
  return {
    title,
    kind: "read",
    action: () => ({
      call: scope.probes.map((p) => `GET ${p.target.url}`).join(", ") || t`no HTTP checks`,
    }),
    run: async (step) => {
      rows.push(...(await checkHealth(scope, step.pg, step.signal)));
      const failures = failedChecks(rows);
      return {
        summary: `${countSummary(rows)}${failures ? `: ${failures}` : ""}`,
        evidence: healthTable(rows),
      };
    },
  };
}

function splitSteps(text: string | undefined): string[] {
  return (
    text
      ?.split(";")
      .map((s) => s.trim())
      .filter(Boolean) ?? []
  );
}
