import * as pulumi from "@pulumi/pulumi";

/**
 * A stand-in for the Pulumi engine: the Pulumi CLI and its provider plugins cannot be installed
 * here, so `guardia render` and the infra tests run the real program against the SDK's mock
 * runtime and record every resource it registers, with the inputs it would send to the engine.
 */

export interface RecordedResource {
  /** Pulumi type token, e.g. "kubernetes:batch/v1:CronJob". */
  readonly type: string;
  /** Pulumi logical name. */
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

export interface FakeRun {
  readonly resources: readonly RecordedResource[];
  readonly outputs: unknown;
}

export { PULUMI_SECRET_SIG } from "./files.js";

/** Account id of the fake engine's ARNs, so nobody mistakes a rendered ARN for a real one. */
const FAKE_ACCOUNT = "000000000000";

/**
 * Runs `program` as `pulumi up --stack <stack>` would, with `config` as the stack's config
 * (keys like "guardia:platform", values as strings the way Pulumi passes them to programs).
 */
export async function runWithFakePulumiEngine(options: {
  readonly project: string;
  readonly stack: string;
  readonly config: Record<string, string>;
  readonly program: () => unknown;
}): Promise<FakeRun> {
  const resources: RecordedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs as Record<string, unknown>,
        });
        return {
          id: `${args.name}-id`,
          state: { ...fakeComputedOutputs(args.type, args.name, args.inputs), ...args.inputs },
        };
      },
      call: (args) => args.inputs as Record<string, unknown>,
    },
    options.project,
    options.stack,
    false,
  );
  pulumi.runtime.setAllConfig(options.config);
  const outputs = await settle(await options.program());
  // Drain registrations still in flight (children registered inside apply callbacks).
  await pulumi.runtime.disconnect();
  return { resources, outputs };
}

/** What AWS would compute on create (ARNs, names), filled in so references between resources render. */
function fakeComputedOutputs(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
): Record<string, unknown> {
  const match = /^aws:([a-z0-9]+)\/[a-zA-Z0-9]+:([A-Za-z0-9]+)$/.exec(type);
  if (!match) return {};
  const [, service, kind] = match;
  const physical = (inputs.name ?? inputs.bucket ?? name) as string;
  const region = service === "iam" || service === "s3" ? "" : "fake-region-1";
  const account = service === "s3" ? "" : FAKE_ACCOUNT;
  const resource = service === "iam" ? `${kind!.toLowerCase()}/${physical}` : physical;
  return {
    arn: `arn:aws:${service}:${region}:${account}:${resource}`,
    name: physical,
    bucket: physical,
  };
}

/** Resolves every Output inside a program's returned outputs, as the engine does for stack outputs. */
async function settle(value: unknown): Promise<unknown> {
  if (value === null || value === undefined) return value;
  if (pulumi.Output.isInstance(value)) {
    return new Promise((resolve) => (value as pulumi.Output<unknown>).apply((v) => resolve(v)));
  }
  if (Array.isArray(value)) return Promise.all(value.map(settle));
  if (typeof value === "object") {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await settle(v)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}
