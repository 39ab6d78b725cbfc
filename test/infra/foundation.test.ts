import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Foundation } from "../../infra/foundation.js";
import program from "../../infra/index.js";
import { platformFromPulumiConfig } from "../../infra/stack.js";
import { loadStack, parseStackText, PLATFORM_KEY, StackError } from "../../lib/model/index.js";
import { runWithFakePulumiEngine, type FakeRun } from "../../lib/render/fake-pulumi-engine.js";
import { repoRoot } from "../harness/tools.js";

/** infra/index.ts's program under the fake engine, with a stack's `guardia:platform` as its config. */
async function runProgram(stackName: string, raw?: unknown): Promise<FakeRun> {
  const input = raw ?? loadStack(stackName, repoRoot).input;
  return runWithFakePulumiEngine({
    project: "guardia",
    stack: stackName,
    config: { [PLATFORM_KEY]: JSON.stringify(input) },
    program,
  });
}

/** The one resource of `type` whose Kubernetes name is `name`. */
function only<T>(run: FakeRun, type: string, name: string): { name: string; inputs: T } {
  const found = run.resources.filter(
    (r) => r.type === type && (r.inputs.metadata as { name?: string } | undefined)?.name === name,
  );
  expect(found, `${type} ${name}`).toHaveLength(1);
  return { name: found[0]!.name, inputs: found[0]!.inputs as T };
}

const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
/** Every example stack whose runtime is kubernetes (local stacks create nothing). */
const KUBERNETES_STACKS = readdirSync(path.join(repoRoot, "stacks"))
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((name): name is string => name !== undefined)
  .filter((name) => loadStack(name, repoRoot).platform.runtime === "kubernetes")
  .sort();

describe("Foundation in mira-prod", () => {
  const labels = {
    "app.kubernetes.io/managed-by": "guardia",
    "app.kubernetes.io/part-of": "mira",
    "app.kubernetes.io/component": "foundation",
    "guardia.io/environment": "prod",
  };

  it("creates the job ServiceAccount <platform>-guardia, without an API token", async () => {
    const run = await runProgram("mira-prod");
    expect(run.resources.find((r) => r.type === "guardia:index:Foundation")?.name).toBe("mira");
    const resource = only<IServiceAccount>(run, SERVICE_ACCOUNT, "mira-guardia");
    expect(resource.name).toBe("mira-sa");
    const sa = resource.inputs;
    expect(sa.metadata).toMatchObject({ name: "mira-guardia", namespace: "mira", labels });
    expect(sa.automountServiceAccountToken).toBe(false);
  });

  it("ships the stack's model as a ConfigMap and exports both names", async () => {
    const run = await runProgram("mira-prod");
    const configMap = only<IConfigMap>(run, CONFIG_MAP, "mira-guardia-stack").inputs;
    expect(configMap.metadata).toEqual({ name: "mira-guardia-stack", namespace: "mira", labels });
    expect(Object.keys(configMap.data ?? {})).toEqual(["stack.yaml"]);
    expect(run.outputs).toMatchObject({
      serviceAccountName: "mira-guardia",
      stackConfigMapName: "mira-guardia-stack",
    });
  });

  it("passes annotations (the IRSA role) to the ServiceAccount", async () => {
    const { platform, input } = loadStack("mira-prod", repoRoot);
    const run = await runWithFakePulumiEngine({
      project: "guardia",
      stack: "mira-prod",
      config: {},
      program: () =>
        new Foundation("mira", {
          platform,
          input,
          serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/x" },
        }),
    });
    const sa = only<IServiceAccount>(run, SERVICE_ACCOUNT, "mira-guardia").inputs;
    expect(sa.metadata?.annotations).toEqual({
      "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/x",
    });
  });
});

describe("the stack ConfigMap", () => {
  it("covers the example stacks that run in a cluster", () => {
    expect(KUBERNETES_STACKS).toEqual(expect.arrayContaining(["mira-prod", "logistica-dev"]));
  });

  it.each(KUBERNETES_STACKS)("of %s parses back to the same model", async (name) => {
    const original = loadStack(name, repoRoot);
    const run = await runProgram(name);
    const configMap = only<IConfigMap>(
      run,
      CONFIG_MAP,
      `${original.platform.name}-guardia-stack`,
    ).inputs;
    const shipped = parseStackText(configMap.data!["stack.yaml"]!, "stack.yaml", name);
    expect(shipped.platform).toEqual(original.platform);
    expect(shipped.input).toEqual(original.input);
  });
});

describe("infra/index.ts", () => {
  it("creates nothing for a runtime: local stack", async () => {
    const run = await runProgram("mira-local");
    expect(run.resources).toEqual([]);
    expect(run.outputs).toEqual({});
  });

  it("refuses an invalid guardia:platform, listing every problem", async () => {
    const file = path.join(repoRoot, "test/fixtures/Pulumi.broken.yaml");
    const raw = (parse(readFileSync(file, "utf8")) as { config: Record<string, unknown> }).config[
      PLATFORM_KEY
    ];
    let error: unknown;
    const run = await runWithFakePulumiEngine({
      project: "guardia",
      stack: "broken",
      config: { [PLATFORM_KEY]: JSON.stringify(raw) },
      program: () => {
        try {
          platformFromPulumiConfig();
        } catch (err) {
          error = err;
        }
      },
    });
    expect(run.resources).toEqual([]);
    const [first, ...problems] = (error as Error).message.split("\n");
    expect(error).toBeInstanceOf(StackError);
    expect(first).toBe("stack broken (Pulumi config): 3 problems");
    // Pulumi config has no lines to sort by; the order is the schema's.
    expect(problems.sort()).toEqual([
      "  guardia:platform.backups.scheduel: unknown key `scheduel` (did you mean `schedules`?); allowed here: destination, schedules, restoreDrill",
      '  guardia:platform.backups.schedules[0].cron: invalid cron "0 25 * * *": Constraint error, got value 25 expected range 0-23',
      "  guardia:platform.backups.schedules[1].keepDays: keepDays (-1) must be at least 1",
    ]);
  });
});
