import { appendFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { healthTable, type CheckRow } from "../checks/stack-health.js";
import { t } from "../i18n/index.js";
import { expireSilence, listStackAlerts, type Silence } from "../monitoring/silences.js";
import type { RunContext, Step } from "../runbook/types.js";
import { windowClosing } from "../monitoring/maintenance-record.js";
import { WATCHDOG_ALERT } from "../monitoring/alerts/cluster.js";
import type { SmokeFlowResult } from "../smoke/runner.js";
import { planSmokeFlows, smokeTable } from "../smoke/steps.js";
import {
  api,
  expireCall,
  healthStep,
  openWindows,
  recordFile,
  COMMENT_PREFIX,
  type Params,
} from "./window-context.js";

/**
 * `maintenance-window --close`: the success criteria (health, smoke flows, no new alerts), the
 * silence expired whatever they found, the record completed, the verdict.
 */

/** The window being closed, as the steps find it, and what its criteria found. */
interface CloseFacts {
  window?: Silence;
  id?: string;
  readonly health: CheckRow[];
  newAlerts: string[];
  file?: string;
}

export function closePlan(ctx: RunContext<Params>) {
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
      return {
        summary: facts.newAlerts.length === 0 ? t`no new alerts` : facts.newAlerts.join("; "),
      };
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
