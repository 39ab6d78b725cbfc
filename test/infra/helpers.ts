export { renderInline } from "../harness/stacks.js";
import type { ICronJob } from "kubernetes-models/batch/v1/CronJob";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { restrictedPodProblems } from "../../lib/policy/rules/pods.js";
import type { RecordedResource } from "../../lib/render/fake-pulumi-engine.js";
import type { Render } from "../../lib/render/render.js";

/**
 * Helpers for the infra tests: render a stack (an example or one written inline) through
 * `renderStack` — the fake Pulumi engine plus the Kubernetes schema validation — and read back
 * what it would create.
 */

/** Renders a `guardia:platform` object written inline, as `Pulumi.<stack>.yaml` in a temp dir. */

export function resourcesOfType(render: Render, type: string): RecordedResource[] {
  return render.files.filter((f) => f.resource.type === type).map((f) => f.resource);
}

/** The one resource of `type`; fails the test when there are none or several. */
export function onlyResource(render: Render, type: string): RecordedResource {
  const found = resourcesOfType(render, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

export function awsResources(render: Render): RecordedResource[] {
  return render.files.filter((f) => f.resource.type.startsWith("aws:")).map((f) => f.resource);
}

export function cronJobs(render: Render): ICronJob[] {
  return resourcesOfType(render, "kubernetes:batch/v1:CronJob").map(
    (r) => r.inputs as unknown as ICronJob,
  );
}

export function cronJob(render: Render, name: string): ICronJob {
  const job = cronJobs(render).find((j) => j.metadata?.name === name);
  if (!job) {
    const names = cronJobs(render).map((j) => j.metadata?.name);
    throw new Error(`no CronJob ${name} (have: ${names.join(", ")})`);
  }
  return job;
}

export function podOf(job: ICronJob): IPodSpec {
  const pod = job.spec.jobTemplate.spec?.template.spec;
  if (!pod) throw new Error(`CronJob ${job.metadata?.name} has no pod template`);
  return pod;
}

export function containerOf(job: ICronJob): IContainer {
  const [container, ...more] = podOf(job).containers;
  if (!container || more.length > 0) throw new Error("expected exactly one container");
  return container;
}

/** The full command line the container runs: command followed by args. */
export function argvOf(job: ICronJob): string[] {
  const c = containerOf(job);
  return [...(c.command ?? []), ...(c.args ?? [])];
}

export function envOf(job: ICronJob): Record<string, unknown> {
  return Object.fromEntries(
    (containerOf(job).env ?? []).map((e) => [e.name, e.valueFrom ?? e.value]),
  );
}

/** What the Pod Security "restricted" profile would reject in a pod; empty when it passes. */
export function restrictedProblems(pod: IPodSpec): string[] {
  return restrictedPodProblems(pod as unknown as Record<string, unknown>).map(
    ([field, problem]) => `${field}: ${problem}`,
  );
}

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: unknown;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

export function parsePolicy(json: unknown): PolicyDocument {
  if (typeof json !== "string")
    throw new Error(`expected a JSON policy string, got ${typeof json}`);
  return JSON.parse(json) as PolicyDocument;
}

export const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Allowed actions that delete or that use a wildcard, and resources that are "*". */
export function dangerousGrants(policy: PolicyDocument): string[] {
  return policy.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => [
    ...asList(s.Action)
      .filter((a) => a.includes("*") || /delete/i.test(a))
      .map((a) => `action ${a}`),
    ...asList(s.Resource)
      .filter((r) => r === "*")
      .map((r) => `resource ${r}`),
  ]);
}
