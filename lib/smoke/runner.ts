import { randomBytes } from "node:crypto";
import path from "node:path";
import { UsageError } from "../errors.js";
import type { Platform, SmokeBrowserStep, SmokeFlow, SmokeRequestStep } from "../model/index.js";
import type { RunContext } from "../runbook/types.js";
import { stateDir } from "../runbook/state-dir.js";
import { maskSecrets } from "../secret.js";
import { browserLine, runBrowserStep } from "./browser.js";
import {
  answerProblems,
  captureValues,
  expectLine,
  requestLine,
  send,
  type FlowValues,
} from "./http.js";
import { fill, RUN_ID } from "./template.js";
import { t } from "../i18n/index.js";

/**
 * The one smoke runner: `guardia smoke`, the runbooks that verify a service after a change
 * (restart-service, maintenance-window's close, restore-db), the daily routine and the CronJob
 * run flows through `runSmokeFlows` (or `planSmokeFlows` in steps.ts, or `runSmokeFlow` itself).
 * A flow's steps run in order and stop at the first failure; the cleanups of the writes that
 * were sent run last, newest first, whatever happened.
 */

export interface SmokeSelection {
  /** Only the flows of this service. */
  readonly service?: string;
  /** Only the flows of these services (restore-db: those that use the database). */
  readonly services?: readonly string[];
  /** Only this flow. */
  readonly flow?: string;
}

export interface SmokeOptions extends SmokeSelection {
  /** "api" leaves the browser steps out (no Chromium where the job runs). @default "all" */
  readonly steps?: "all" | "api";
  /** Where screenshots go. @default <state dir>/smoke/<stack>-<time> */
  readonly evidenceDir?: string;
}

export interface SmokeStepResult {
  readonly step: string;
  readonly kind: "request" | "browser" | "cleanup";
  readonly ok: boolean;
  /** What was sent or opened, as the plan prints it. */
  readonly call: string;
  readonly status?: number;
  readonly durationMs: number;
  readonly detail: string;
  readonly screenshot?: string;
  readonly consoleErrors?: readonly string[];
  readonly failedRequests?: readonly string[];
  /** A browser step left out (`steps: "api"`): it neither passed nor failed. */
  readonly notRun?: boolean;
}

export interface SmokeFlowResult {
  readonly flow: string;
  readonly service: string | undefined;
  readonly ok: boolean;
  /** Why the flow did not run. */
  readonly skipped?: string;
  /** The first failure, e.g. "step whoami: HTTP 500, expected 200". */
  readonly failure?: string;
  readonly durationMs: number;
  readonly steps: readonly SmokeStepResult[];
}

export interface SmokeRun {
  readonly ok: boolean;
  readonly flows: readonly SmokeFlowResult[];
}

/** What a flow needs of a runbook's context. */
export type FlowContext = Pick<RunContext, "secret" | "signal" | "log">;

/** The flows `selection` names, and those the stack does not let run here (with why). */
export function selectFlows(
  platform: Platform,
  selection: SmokeSelection,
): { run: SmokeFlow[]; skipped: SmokeFlowResult[] } {
  const all = platform.smoke.flows;
  if (
    selection.service !== undefined &&
    !platform.services.some((s) => s.name === selection.service)
  )
    throw new UsageError(
      t`--service: no service "${selection.service}" in this stack (services: ${platform.services.map((s) => s.name).join(", ") || t`none`})`,
    );
  if (selection.flow !== undefined && !all.some((f) => f.name === selection.flow))
    throw new UsageError(
      t`--flow: no smoke flow "${selection.flow}" in this stack (flows: ${all.map((f) => f.name).join(", ") || t`none`})`,
    );
  const chosen = all.filter(
    (f) =>
      (selection.service === undefined || f.service === selection.service) &&
      (selection.services === undefined ||
        (f.service !== undefined && selection.services.includes(f.service))) &&
      (selection.flow === undefined || f.name === selection.flow),
  );
  const allowed = (f: SmokeFlow) => !f.writes || platform.smoke.allowWrites;
  return {
    run: chosen.filter(allowed),
    skipped: chosen
      .filter((f) => !allowed(f))
      .map((f) => ({
        flow: f.name,
        service: f.service,
        ok: true,
        skipped: t`it writes, and this stack has smokeFlows.allowWrites: false`,
        durationMs: 0,
        steps: [],
      })),
  };
}

/** Every line a flow's plan prints: each request with what its answer must show, each page. */
export function flowCalls(flow: SmokeFlow): string[] {
  return flow.steps.flatMap((step) =>
    step.kind === "browser"
      ? [browserLine(step)]
      : [
          `${requestLine(step.request)} → ${expectLine(step)}${step.writes ? " (writes)" : ""}`,
          ...(step.cleanup ? [`cleanup, last: ${requestLine(step.cleanup)}`] : []),
        ],
  );
}

/** `<state dir>/smoke/<stack>-<UTC time>`: where a run's screenshots go unless told. */
export function defaultEvidenceDir(stack: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return path.join(stateDir(), "smoke", `${stack}-${stamp}`);
}

/** Runs the selected flows one after the other; skipped ones are listed with why. */
export async function runSmokeFlows(
  ctx: RunContext,
  platform: Platform,
  options: SmokeOptions = {},
): Promise<SmokeRun> {
  const { run, skipped } = selectFlows(platform, options);
  const evidenceDir = options.evidenceDir ?? defaultEvidenceDir(ctx.stack.name);
  const flows: SmokeFlowResult[] = [...skipped];
  for (const flow of run) flows.push(await runSmokeFlow(ctx, flow, { ...options, evidenceDir }));
  return { ok: flows.every((f) => f.ok), flows };
}

/** One flow: its secrets, its steps in order until one fails, then its cleanups. */
export async function runSmokeFlow(
  ctx: FlowContext,
  flow: SmokeFlow,
  options: SmokeOptions & { readonly evidenceDir: string },
): Promise<SmokeFlowResult> {
  const started = performance.now();
  const state: FlowValues = {
    values: new Map([[RUN_ID, randomBytes(4).toString("hex")]]),
    cookies: new Map(),
  };
  const steps: SmokeStepResult[] = [];
  const writes: SmokeRequestStep[] = [];
  let failure: string | undefined;
  try {
    await resolveSecrets(ctx, flow, state.values);
    for (const step of flow.steps) {
      if (step.kind === "request" && step.writes) writes.push(step);
      const result =
        step.kind === "browser"
          ? await browserStep(step, state, flow, options, ctx.signal)
          : await requestStep(step, state, ctx.signal);
      steps.push(result);
      ctx.log(
        result.ok
          ? t`${flow.name}/${result.step}: ok — ${result.detail}`
          : t`${flow.name}/${result.step}: FAILED — ${result.detail}`,
      );
      if (!result.ok) {
        failure = t`step ${result.step}: ${result.detail}`;
        break;
      }
    }
  } catch (err) {
    failure = maskSecrets((err as Error).message);
  } finally {
    for (const write of writes.reverse()) steps.push(await cleanupStep(write, state));
  }
  const leftBehind = steps.filter((s) => s.kind === "cleanup" && !s.ok);
  failure ??= leftBehind[0] && t`cleanup of ${leftBehind[0].step}: ${leftBehind[0].detail}`;
  return {
    flow: flow.name,
    service: flow.service,
    ok: failure === undefined,
    ...(failure !== undefined && { failure }),
    durationMs: Math.round(performance.now() - started),
    steps,
  };
}

async function resolveSecrets(
  ctx: FlowContext,
  flow: SmokeFlow,
  values: Map<string, string>,
): Promise<void> {
  for (const [name, ref] of Object.entries(flow.secrets)) {
    try {
      values.set(name, (await ctx.secret(ref, t`${name} of smoke flow ${flow.name}`)).reveal());
    } catch (err) {
      throw new Error(
        t`secret \${${name}} (Secret ${ref.name}, key ${ref.key}): ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
}

async function requestStep(
  step: SmokeRequestStep,
  state: FlowValues,
  signal: AbortSignal,
): Promise<SmokeStepResult> {
  const call = requestLine(step.request);
  const started = performance.now();
  try {
    const answer = await send(step.request, state, signal);
    // Captured first: a token in the answer is masked before any message quotes the answer.
    const missing = captureValues(answer, step, state.values);
    const problems = answerProblems(answer, step.expect, state.values);
    // With the wrong status, what the answer lacks says nothing more.
    if (answer.status === step.expect.status) problems.push(...missing);
    return {
      step: step.name,
      kind: "request",
      ok: problems.length === 0,
      call,
      status: answer.status,
      durationMs: answer.durationMs,
      detail: problems.length === 0 ? `HTTP ${answer.status}` : problems.join("; "),
    };
  } catch (err) {
    return failedCall(step.name, "request", call, started, err, step.request.timeoutMs);
  }
}

async function cleanupStep(step: SmokeRequestStep, state: FlowValues): Promise<SmokeStepResult> {
  const cleanup = step.cleanup;
  const call = cleanup ? requestLine(cleanup) : "";
  if (!cleanup)
    return {
      step: step.name,
      kind: "cleanup",
      ok: true,
      call,
      durationMs: 0,
      detail: t`no cleanup declared: what it wrote stays`,
    };
  const started = performance.now();
  try {
    fill(cleanup.url, state.values); // a value the write did not return: say so before sending
    // The cleanup runs even when the run was interrupted: its own timeout bounds it.
    const answer = await send(cleanup, state, AbortSignal.timeout(cleanup.timeoutMs));
    const ok = answer.status >= 200 && answer.status < 300;
    return {
      step: step.name,
      kind: "cleanup",
      ok,
      call,
      status: answer.status,
      durationMs: answer.durationMs,
      detail: ok
        ? t`HTTP ${answer.status}: undone`
        : t`HTTP ${answer.status}: what ${step.name} wrote may remain`,
    };
  } catch (err) {
    return failedCall(
      step.name,
      "cleanup",
      call,
      started,
      err,
      cleanup.timeoutMs,
      t`what it wrote may remain`,
    );
  }
}

async function browserStep(
  step: SmokeBrowserStep,
  state: FlowValues,
  flow: SmokeFlow,
  options: SmokeOptions & { readonly evidenceDir: string },
  signal: AbortSignal,
): Promise<SmokeStepResult> {
  const call = browserLine(step);
  if (options.steps === "api")
    return {
      step: step.name,
      kind: "browser",
      ok: true,
      call,
      durationMs: 0,
      detail: t`not run (--steps api)`,
      notRun: true,
    };
  const screenshot = path.join(options.evidenceDir, `${flow.name}-${step.name}.png`);
  const started = performance.now();
  try {
    const outcome = await runBrowserStep(step, state.values, screenshot, signal);
    return {
      step: step.name,
      kind: "browser",
      ok: outcome.ok,
      call,
      durationMs: outcome.durationMs,
      detail: outcome.detail,
      ...(outcome.screenshot && { screenshot: outcome.screenshot }),
      consoleErrors: outcome.consoleErrors,
      failedRequests: outcome.failedRequests,
    };
  } catch (err) {
    return failedCall(step.name, "browser", call, started, err, step.timeoutMs);
  }
}

function failedCall(
  step: string,
  kind: SmokeStepResult["kind"],
  call: string,
  started: number,
  err: unknown,
  timeoutMs: number,
  consequence?: string,
): SmokeStepResult {
  const error = err as Error & { cause?: { code?: string; message?: string } };
  const why =
    error.name === "TimeoutError" || error.name === "AbortError"
      ? t`no answer within ${timeoutMs} ms`
      : (error.cause?.code ?? error.cause?.message ?? error.message);
  return {
    step,
    kind,
    ok: false,
    call,
    durationMs: Math.round(performance.now() - started),
    detail: maskSecrets(consequence ? `${why}: ${consequence}` : why),
  };
}
