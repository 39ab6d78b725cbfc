export { renderInline } from "../../harness/stacks.js";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { backupCronJobNames } from "../../../lib/backup/job-names.js";
import { loadStack, type LoadedStack, type Platform } from "../../../lib/model/index.js";
import { monitoringContext, type MonitoringContext } from "../../../lib/monitoring/catalogue.js";
import {
  PULUMI_SECRET_SIG,
  runWithFakePulumiEngine,
  type FakeRun,
  type RecordedResource,
} from "../../../lib/render/fake-pulumi-engine.js";
import { Monitoring } from "../../../infra/monitoring/index.js";
import type { Render } from "../../../lib/render/render.js";
import { repoRoot, toolPath, type ToolName } from "../../harness/tools.js";

/** The example stacks in stacks/, and those that run in a cluster (the others render nothing). */
export const EXAMPLE_STACKS = readdirSync(path.join(repoRoot, "stacks"))
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((name): name is string => name !== undefined)
  .sort();

export const CLUSTER_STACKS = EXAMPLE_STACKS.filter(
  (name) => loadStack(name, repoRoot).platform.runtime === "kubernetes",
);

export function exampleContext(name: string): { stack: LoadedStack; ctx: MonitoringContext } {
  const stack = loadStack(name, repoRoot);
  return {
    stack,
    ctx: monitoringContext(stack.platform, stack.name, backupCronJobNames(stack.platform)),
  };
}

export function manifestsOfKind<T = Record<string, unknown>>(render: Render, kind: string): T[] {
  return render.files
    .filter((f) => f.path.startsWith(`kubernetes/${kind}/`))
    .map((f) => f.resource.inputs as T);
}

export function resourcesOfType(render: Render, type: string): RecordedResource[] {
  return render.files.filter((f) => f.resource.type === type).map((f) => f.resource);
}

export interface ToolResult {
  readonly code: number;
  /** stdout and stderr, whole (promtool prints each failed test's details). */
  readonly output: string;
}

/** Runs a monitoring tool in `cwd` to completion, whatever its exit code. */
export function runTool(name: ToolName, args: string[], cwd?: string): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(
      toolPath(name),
      args,
      { cwd, timeout: 120_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err ? err.code : 0;
        if (typeof code !== "number") return reject(err ?? new Error(`${name} did not exit`));
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

/** Runs a monitoring tool that must succeed; the error carries its whole output. */
export async function tool(name: ToolName, args: string[], cwd?: string): Promise<string> {
  const result = await runTool(name, args, cwd);
  if (result.code !== 0) {
    throw new Error(`${name} ${args.join(" ")} exited ${result.code}:\n${result.output}`);
  }
  return result.output;
}

/** A fresh temp dir and its removal. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `guardia-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The Monitoring component alone for an example stack, under the fake Pulumi engine (no schema
 * validation: that is renderStack's job), with every option at its default.
 */
export async function runMonitoring(name: string, platform?: Platform): Promise<FakeRun> {
  const { stack } = exampleContext(name);
  const resolved = platform ?? stack.platform;
  return runWithFakePulumiEngine({
    project: "guardia",
    stack: name,
    config: {},
    program: () =>
      new Monitoring(`${resolved.name}-monitoring`, {
        platform: resolved,
        stack: name,
        backupJobs: backupCronJobNames(resolved),
      }),
  });
}

/** A recorded input as the program wrote it: Pulumi wraps secret values with a signature key. */
export function unsecret(value: unknown): unknown {
  if (value !== null && typeof value === "object" && PULUMI_SECRET_SIG in value) {
    return (value as unknown as { value: unknown }).value;
  }
  return value;
}

/** The Alertmanager configuration in the run's `<platform>-alertmanager` Secret. */
export function alertmanagerYamlOf(run: FakeRun): string {
  const secrets = run.resources.filter((r) => r.type === "kubernetes:core/v1:Secret");
  const secret = secrets.find((r) =>
    /-alertmanager$/.test(String((r.inputs.metadata as { name: string }).name)),
  );
  if (!secret) throw new Error(`no <platform>-alertmanager Secret among ${secrets.length} Secrets`);
  const data = unsecret(secret.inputs.stringData) as Record<string, string>;
  return data["alertmanager.yaml"]!;
}
