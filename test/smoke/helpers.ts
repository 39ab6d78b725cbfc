import { loadStack } from "../../lib/model/index.js";
import { executeRunbook } from "../../lib/runbook/executor.js";
import { createProgress } from "../../lib/runbook/progress.js";
import type { RunRecord } from "../../lib/runbook/record.js";
import type { SmokeFlowResult, SmokeRun } from "../../lib/smoke/runner.js";
import smoke from "../../runbooks/smoke.js";
import { writeStackFile } from "../harness/stacks.js";

/** `guardia smoke` in this process, on a stack written from `platform`, quietly. */
export async function runSmoke(
  platform: object,
  params: Record<string, unknown>,
  env: Record<string, string>,
  options: { dryRun?: boolean } = {},
): Promise<RunRecord & { result: SmokeRun }> {
  const run = await executeRunbook(smoke, {
    stack: loadStack(writeStackFile(platform)),
    params: { steps: "all", ...params },
    dryRun: options.dryRun ?? false,
    yes: true,
    operator: "test",
    progress: createProgress({ stream: { write: () => true } as unknown as NodeJS.WritableStream }),
    confirmIO: { interactive: false, ask: async () => "" },
    env,
  });
  return run as RunRecord & { result: SmokeRun };
}

export function flowOf(run: { result: SmokeRun }, name: string): SmokeFlowResult {
  const flow = run.result.flows.find((f) => f.flow === name);
  if (!flow) throw new Error(`no result for flow ${name}: ${JSON.stringify(run.result)}`);
  return flow;
}

/** "step: PASS/FAIL" per step, cleanups marked: what a test expects a flow to have done. */
export function stepStates(flow: SmokeFlowResult): string[] {
  return flow.steps.map(
    (s) => `${s.kind === "cleanup" ? `${s.step} (cleanup)` : s.step}: ${s.ok ? "PASS" : "FAIL"}`,
  );
}
