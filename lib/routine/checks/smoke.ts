import { existsSync } from "node:fs";
import type { SmokeFlow } from "../../model/index.js";
import type { Step } from "../../runbook/types.js";
import { chromiumPath } from "../../smoke/browser.js";
import { defaultEvidenceDir, runSmokeFlow, selectFlows } from "../../smoke/runner.js";
import { flowAction, flowSummary, flowTimeoutMs, smokeTable } from "../../smoke/steps.js";
import { SOURCES } from "../checklist.js";
import { checkStep, type Finding, type RoutineRun } from "../check-step.js";
import { t } from "../../i18n/index.js";

/**
 * Daily: the stack's smoke flows, through the same runner as `guardia smoke`, one item each. A
 * health endpoint that answers says nothing of a login or a dashboard (INATrace operations
 * manual, 2.1: the frontend renders its main dashboard, mobile syncs with the API). A failed flow
 * is a failed item naming the step and why. Browser steps run where Chromium is installed; where
 * it is not (a routine pod without the browser image) the item says what went unchecked. The
 * screenshots go with the step to `--report`, as `guardia smoke`'s do.
 * Flows that write (where the stack allows them) are `verify` steps: a dry run lists them
 * without sending anything; the others run in a dry run too, as every check does.
 */

export function smokeSteps(run: RoutineRun): Step[] {
  const { run: flows } = selectFlows(run.platform, {});
  if (flows.length === 0) return [];
  const chromium = chromiumPath();
  const browser = existsSync(chromium);
  const evidenceDir = defaultEvidenceDir(run.stackName, run.now);
  return flows.map((flow) => smokeStep(run, flow, { browser, chromium, evidenceDir }));
}

interface Where {
  /** Chromium is installed here: browser steps run. */
  readonly browser: boolean;
  readonly chromium: string;
  readonly evidenceDir: string;
}

function smokeStep(run: RoutineRun, flow: SmokeFlow, where: Where): Step {
  const step = checkStep(
    run,
    {
      title: flow.service
        ? t`Smoke flow ${flow.name} of ${flow.service}`
        : t`Smoke flow ${flow.name}`,
      item: {
        id: `smoke/${flow.name}`,
        title: flow.service
          ? t`Smoke flow ${flow.name} (${flow.service})`
          : t`Smoke flow ${flow.name}`,
        source: SOURCES.smoke,
      },
      action: () => flowAction(flow),
      timeoutMs: flowTimeoutMs(flow),
    },
    (ctx) => measure(ctx, flow, where),
  );
  return flow.writes ? { ...step, kind: "verify" } : step;
}

async function measure(
  ctx: Parameters<typeof runSmokeFlow>[0],
  flow: SmokeFlow,
  where: Where,
): Promise<Finding> {
  const result = await runSmokeFlow(ctx, flow, {
    steps: where.browser ? "all" : "api",
    evidenceDir: where.evidenceDir,
  });
  const unrun = result.steps.filter((s) => s.notRun).length;
  const note =
    unrun > 0 ? t`; the browser step(s) went unchecked: no Chromium at ${where.chromium}` : "";
  return {
    verdict: !result.ok ? "failed" : unrun > 0 ? "attention" : "ok",
    summary: `${flowSummary(result)}${note}`,
    evidence: smokeTable([result]),
    data: { ...result },
    attachments: result.steps.flatMap((s) =>
      s.screenshot ? [{ title: `${flow.name}/${s.step}`, file: s.screenshot }] : [],
    ),
  };
}
