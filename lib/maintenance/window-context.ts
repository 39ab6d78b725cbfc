import path from "node:path";
import { z } from "zod";
import {
  checkHealth,
  countSummary,
  failedChecks,
  healthScope,
  healthTable,
  type CheckRow,
} from "../checks/stack-health.js";
import { UsageError } from "../errors.js";
import { t } from "../i18n/index.js";
import { Duration } from "../model/index.js";
import {
  listSilences,
  silencePlan,
  type AlertmanagerApi,
  type Silence,
  type SilencePlan,
} from "../monitoring/silences.js";
import type { RunContext, Step } from "../runbook/types.js";
import { WINDOW_COMMENT_PREFIX, type WindowRecord } from "../monitoring/maintenance-record.js";
import { windowId, type ScheduledWindow } from "./schedule.js";

/**
 * What every mode of `guardia maintenance-window` shares: its parameters, the stack's
 * Alertmanager, the window the parameters describe, the open window's silence and the health
 * step. The modes' plans are in open-window.ts, schedule-plan.ts and close-window.ts;
 * runbooks/maintenance-window.ts joins them.
 */

export const params = z.object({
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

export type Params = z.infer<typeof params>;

export const COMMENT_PREFIX = WINDOW_COMMENT_PREFIX;

export function api(ctx: RunContext<Params>): AlertmanagerApi {
  return { url: ctx.params.alertmanagerUrl ?? ctx.platform.monitoring.alertmanagerUrl };
}

export function recordFile(ctx: RunContext<Params>, id: string): string {
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

/** --emergency and --reason go together: the record keeps why the notice was skipped. */
function emergencyReason(params: Params): string | undefined {
  if (params.emergency !== (params.reason !== undefined))
    throw new UsageError(t`--emergency needs --reason, and --reason goes with --emergency`);
  return params.reason;
}

/** The window the parameters describe: its silence, its record and where the record goes. */
export function windowToOpen(ctx: RunContext<Params>) {
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

export function expireCall(ctx: RunContext<Params>, silenceId: string | undefined): string {
  return `DELETE ${api(ctx).url}/api/v2/silence/${silenceId ?? "<id>"}`;
}

/** The stack's active or pending guardia window silences, newest first. */
export async function openWindows(
  am: AlertmanagerApi,
  ctx: RunContext<Params>,
): Promise<Silence[]> {
  const silences = await listSilences(am, ctx.platform, ["active", "pending"]);
  return silences.filter((s) => s.comment.startsWith(COMMENT_PREFIX));
}

/** The stack's health as a record: it never fails the step (a criterion fails the verdict instead). */
export function healthStep(title: string, ctx: RunContext<Params>, rows: CheckRow[]): Step {
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
