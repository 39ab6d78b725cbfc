import type { SmokeFlow } from "../model/index.js";
import type { PlannedAction, RunContext, Step, StepKind } from "../runbook/types.js";
import { formatTable } from "../table.js";
import {
  defaultEvidenceDir,
  flowCalls,
  runSmokeFlow,
  selectFlows,
  type SmokeFlowResult,
  type SmokeOptions,
  type SmokeRun,
} from "./runner.js";
import { t } from "../i18n/index.js";

/**
 * Smoke flows as runbook steps, one per flow, for any runbook that must show a service works:
 * each step's action is the flow's requests and pages as data (the plan, the audit record and the
 * report print them), its evidence a table of each request's answer and time, its screenshots
 * attached to the report. `guardia smoke` is these steps and nothing else; restart-service and
 * maintenance-window add them after their own checks.
 */

export interface SmokePlanOptions extends SmokeOptions {
  /**
   * The flows check the result of a change (a restart, a restore, a window's close): they are
   * `verify` steps, which a dry run prints without running. Otherwise flows that only read are
   * `read` steps and run in a dry run too, and writing flows are `change` steps. @default false
   */
  readonly after?: boolean;
  /** Ends with a step that fails the run (rolling back its changes) when a flow failed. @default false */
  readonly failRun?: boolean;
}

export interface SmokePlan {
  /** One step per flow that may run here, then the verdict when `failRun`; empty without flows. */
  readonly steps: readonly Step[];
  /** The flows' results so far, in the stack's order, skipped flows included. */
  result(): SmokeRun;
  /** One line per failed flow: "<flow>: step <step>: <why>". */
  failures(): string[];
}

/** Time Chromium gets to start, besides a page's own timeout. */
const BROWSER_START_MS = 60_000;

/** `ctx`: the planning runbook's context, whatever its params (each step gets its own). */
export function planSmokeFlows(
  ctx: Pick<RunContext, "platform" | "stack">,
  options: SmokePlanOptions = {},
): SmokePlan {
  const { run, skipped } = selectFlows(ctx.platform, options);
  const evidenceDir = options.evidenceDir ?? defaultEvidenceDir(ctx.stack.name);
  const results = new Map<string, SmokeFlowResult>(skipped.map((s) => [s.flow, s]));
  const order = ctx.platform.smoke.flows.map((f) => f.name);
  const result = (): SmokeRun => {
    const flows = order.flatMap((name) => results.get(name) ?? []);
    return { ok: flows.every((f) => f.ok), flows };
  };
  const failures = () =>
    result()
      .flows.filter((f) => !f.ok)
      .map((f) => `${f.flow}: ${f.failure ?? t`failed`}`);
  const flowSteps = run.map((flow) =>
    flowStep(flow, stepKind(flow, options), async (step) => {
      const outcome = await runSmokeFlow(step, flow, { ...options, evidenceDir });
      results.set(flow.name, outcome);
      return outcome;
    }),
  );
  const verdict: Step = {
    title: t`Verdict: every smoke flow passed`,
    kind: options.after ? "verify" : "read",
    run: async () => {
      const failed = failures();
      if (failed.length > 0)
        throw new Error(t`${failed.length} smoke flow(s) failed: ${failed.join("; ")}`);
      return { summary: t`${result().flows.filter((f) => !f.skipped).length} flow(s) passed` };
    },
  };
  return {
    steps: [...flowSteps, ...(options.failRun && flowSteps.length > 0 ? [verdict] : [])],
    result,
    failures,
  };
}

function stepKind(flow: SmokeFlow, options: SmokePlanOptions): StepKind {
  if (options.after) return "verify";
  return flow.writes ? "change" : "read";
}

function flowStep(
  flow: SmokeFlow,
  kind: StepKind,
  run: (ctx: RunContext) => Promise<SmokeFlowResult>,
): Step {
  return {
    title: flow.service
      ? t`Smoke flow ${flow.name} of ${flow.service}`
      : t`Smoke flow ${flow.name}`,
    kind,
    timeoutMs: flowTimeoutMs(flow),
    action: () => flowAction(flow),
    run: async (ctx) => {
      const outcome = await run(ctx);
      return {
        summary: flowSummary(outcome),
        evidence: smokeTable([outcome]),
        data: outcome,
        attachments: outcome.steps.flatMap((s) =>
          s.screenshot ? [{ title: `${flow.name}/${s.step}`, file: s.screenshot }] : [],
        ),
      };
    },
    ...(kind === "change" && {
      manualUndo: t`the flow's cleanup requests ran at its end, whatever happened; where the evidence shows one FAILED, undo by hand: ${flowCalls(
        flow,
      )
        .filter((c) => c.startsWith("cleanup"))
        .join("; ")}`,
    }),
  };
}

/** A flow as a plan prints it: its requests and pages, one per line, and what it belongs to. */
export function flowAction(flow: SmokeFlow): PlannedAction {
  return {
    call: flowCalls(flow).join("\n"),
    target: { flow: flow.name, ...(flow.service && { service: flow.service }) },
  };
}

/** Every request, cleanup and page at its own timeout, plus Chromium's start. */
export function flowTimeoutMs(flow: SmokeFlow): number {
  const steps = flow.steps.reduce(
    (sum, s) =>
      sum +
      (s.kind === "browser"
        ? s.timeoutMs + BROWSER_START_MS
        : s.request.timeoutMs + (s.cleanup?.timeoutMs ?? 0)),
    0,
  );
  return steps + 10_000;
}

export function flowSummary(result: SmokeFlowResult): string {
  if (result.skipped) return t`skipped: ${result.skipped}`;
  const ran = result.steps.filter((s) => s.kind !== "cleanup" && !s.notRun);
  const notRun = result.steps.filter((s) => s.notRun).length;
  const time = `${(result.durationMs / 1000).toFixed(1)} s`;
  return result.ok
    ? t`${ran.length} step(s) passed${notRun > 0 ? t`, ${notRun} not run` : ""} in ${time}`
    : t`FAILED at ${result.failure?.split("\n")[0] ?? t`an unknown step`} (${time})`;
}

/** One line per step of each flow: PASS/FAIL, flow, step, status, time, what it found. */
export function smokeTable(flows: readonly SmokeFlowResult[]): string {
  return formatTable(
    flows.flatMap((flow) =>
      flow.skipped
        ? [["SKIP", flow.flow, "", "", "", flow.skipped]]
        : flow.steps.map((s) => [
            s.ok ? "PASS" : "FAIL",
            flow.flow,
            s.kind === "cleanup" ? t`${s.step} (cleanup)` : s.step,
            s.status === undefined ? "" : String(s.status),
            `${s.durationMs} ms`,
            s.detail,
          ]),
    ),
  );
}
