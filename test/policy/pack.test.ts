import type { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import * as proxy from "@pulumi/policy/proxy.js";
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { RULE_IDS, RULES } from "../../lib/policy/catalogue.js";
import { PULUMI_SECRET_SIG } from "../../lib/render/files.js";
import type { Render } from "../../lib/render/render.js";
import { guardiaPolicies, NOTES_POLICY, UNKNOWN_VALUE, known } from "../../policy-pack/policies.js";
import { renderInline } from "../harness/stacks.js";
import { repoRoot } from "../harness/tools.js";
import { exampleRender } from "./helpers.js";

/**
 * The CrossGuard pack through its own validation callbacks, called the way the pack's analyzer
 * calls them (its gRPC server is not started): the resources of a render, as the engine would
 * hand them over, must get the verdict `guardia policy` gives.
 */

const { unknownCheckingProxy, unknownStringValue } = proxy as unknown as {
  unknownCheckingProxy: <T>(value: T) => T;
  unknownStringValue: unknown;
};

/** A value as the engine passes it to a pack: secrets already unwrapped to their value. */
function engineValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(engineValue);
  if (value === null || typeof value !== "object") return value;
  if (PULUMI_SECRET_SIG in value)
    return engineValue((value as unknown as { value: unknown }).value);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, engineValue(v)]));
}

/** Every resource the program registered, components included, as PolicyResources. */
function engineResources(
  render: Render,
  wrap = (p: Record<string, unknown>) => p,
): PolicyResource[] {
  const recorded = [...render.components, ...render.files.map((f) => f.resource)];
  return recorded.map((r) => ({
    type: r.type,
    name: r.name,
    urn: `urn:pulumi:${render.stack.name}::guardia::${r.type}::${r.name}`,
    props: wrap(engineValue(r.inputs) as Record<string, unknown>),
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      additionalSecretOutputs: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    },
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  })) as unknown as PolicyResource[];
}

interface Report {
  readonly policy: string;
  readonly message: string;
  readonly urn: string | undefined;
}

async function runPack(resources: PolicyResource[]): Promise<Report[]> {
  const reports: Report[] = [];
  const args = {
    resources,
    stackTags: new Map(),
    getConfig: () => ({}),
    notApplicable: () => {
      throw new Error("not applicable");
    },
  } as unknown as StackValidationArgs;
  for (const policy of guardiaPolicies()) {
    await policy.validateStack(args, (message, urn) =>
      reports.push({ policy: policy.name, message, urn }),
    );
  }
  return reports;
}

const mandatory = (reports: Report[]) => reports.filter((r) => r.policy !== NOTES_POLICY);

describe("the pack's policies", () => {
  it("are the catalogue's rules, mandatory, with their severities, and one advisory policy for notes", () => {
    const policies = guardiaPolicies();
    expect(policies.map((p) => p.name)).toEqual([...RULE_IDS, NOTES_POLICY]);
    for (const policy of policies.slice(0, -1) as StackValidationPolicy[]) {
      const id = policy.name as (typeof RULE_IDS)[number];
      expect(policy).toMatchObject({
        enforcementLevel: "mandatory",
        severity: RULES[id].severity,
        description: RULES[id].title,
      });
    }
    expect(policies.at(-1)?.enforcementLevel).toBe("advisory");
  });
});

describe.each(["mira-prod", "inatrace-prod", "logistica-prod"])("%s through the pack", (name) => {
  let render: Render;
  let reports: Report[];
  beforeAll(async () => {
    render = await exampleRender(name);
    reports = await runPack(engineResources(render));
  });

  it("reports no violation, like guardia policy", () => {
    expect(render.verdict.violations).toEqual([]);
    expect(mandatory(reports)).toEqual([]);
  });

  it("reports the waivers in force and what it could not check, as advisory notes", () => {
    const notes = reports.map((r) => r.message);
    expect(notes).toEqual([
      ...render.verdict.waivers.map((w) =>
        expect.stringContaining(
          `waiver in force: ${w.rule} on ${w.resource}, owner ${w.owner}, until ${w.expires}`,
        ),
      ),
      ...render.verdict.notes.map((n) => `not checked: ${n}`),
    ]);
  });
});

interface MiraPlatform {
  backups: { schedules: { keepDays: number }[] };
  jobs: { image: string };
}

describe("a prod stack that breaks rules", () => {
  let render: Render;
  let reports: Report[];
  beforeAll(async () => {
    const text = readFileSync(path.join(repoRoot, "stacks", "Pulumi.mira-prod.yaml"), "utf8");
    const platform = (parse(text) as { config: Record<string, MiraPlatform> }).config[
      "guardia:platform"
    ]!;
    platform.backups.schedules[0]!.keepDays = 14;
    platform.jobs.image = "registry.hospitaldeovalle.cl/ops/guardia:latest";
    render = await renderInline(platform, "mira-prod");
    reports = await runPack(engineResources(render));
  });

  it("fails the same rules on the same resources as guardia policy, each report with its URN", () => {
    const fromCli = render.verdict.violations.map(
      (v) => `${v.rule} ${v.resource} (${v.field}): ${v.message}`,
    );
    expect(fromCli.length).toBeGreaterThanOrEqual(5);
    expect(
      mandatory(reports).map((r) => `${r.policy} ${r.message.replace(/\. Fix: .*$/, "")}`),
    ).toEqual(expect.arrayContaining(fromCli));
    expect(mandatory(reports)).toHaveLength(fromCli.length);
    const image = mandatory(reports).find((r) => r.policy === "image-pinned")!;
    expect(image.message).toContain(`Fix: ${RULES["image-pinned"].fix}`);
    expect(image.urn).toMatch(/::kubernetes:batch\/v1:CronJob::mira-backup-mira-daily$/);
    expect(
      mandatory(reports).find((r) => r.policy === "prod-backup-retention")?.urn,
    ).toBeUndefined();
  });

  it("still judges every resource during a preview, when some values are not known yet", async () => {
    const previewed = engineResources(render, (props) =>
      unknownCheckingProxy(
        props.kind === "ServiceAccount"
          ? {
              ...props,
              metadata: {
                ...(props.metadata as object),
                annotations: { "eks.amazonaws.com/role-arn": unknownStringValue },
              },
            }
          : props,
      ),
    );
    expect(mandatory(await runPack(previewed))).toEqual(mandatory(reports));
    const copy = known(
      previewed.find((r) => r.type === "kubernetes:core/v1:ServiceAccount")!.props,
    );
    expect(copy).toMatchObject({
      metadata: { annotations: { "eks.amazonaws.com/role-arn": UNKNOWN_VALUE } },
    });
  });
});
