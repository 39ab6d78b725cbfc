import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { healthTable, type CheckRow } from "../checks/stack-health.js";
import { RefusedError } from "../errors.js";
import { t } from "../i18n/index.js";
import {
  createSilence,
  describeSilence,
  expireSilence,
  type SilencePlan,
} from "../monitoring/silences.js";
import type { RunContext, Step } from "../runbook/types.js";
import { windowHeader } from "../monitoring/maintenance-record.js";
import { findScheduledStep, reminderSteps, type Announced } from "./schedule-steps.js";
import {
  api,
  expireCall,
  healthStep,
  openWindows,
  windowToOpen,
  type Params,
} from "./window-context.js";

/** `maintenance-window` opening a window: pre-checks, the silence, the record, the reminders. */

export function openPlan(ctx: RunContext<Params>) {
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

interface OpenFacts {
  silenceId?: string;
  readonly preChecks: CheckRow[];
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
