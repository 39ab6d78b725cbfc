import type { PolicyFile } from "../../lib/policy/input.js";
import { policyFiles } from "../../lib/render/files.js";
import { renderStack, type Render } from "../../lib/render/render.js";
import { repoRoot } from "../harness/tools.js";

/** Renders of the example stacks, once per test file, and copies of their files to break. */

const renders = new Map<string, Promise<Render>>();

export function exampleRender(name: string): Promise<Render> {
  if (!renders.has(name)) renders.set(name, renderStack(name, repoRoot));
  return renders.get(name)!;
}

export async function exampleFiles(name: string): Promise<PolicyFile[]> {
  return structuredClone(policyFiles((await exampleRender(name)).files));
}

/** A copy of `files` where `change` edited the content of `resource` (which must exist). */
export function edited(
  files: readonly PolicyFile[],
  resource: string,
  change: (content: Record<string, unknown>) => void,
): PolicyFile[] {
  const copy = structuredClone(files) as PolicyFile[];
  const file = copy.find((f) => f.resource === resource);
  if (!file) throw new Error(`no ${resource} among ${copy.map((f) => f.resource).join(", ")}`);
  change(file.content);
  return copy;
}

export function without(files: readonly PolicyFile[], resource: string): PolicyFile[] {
  if (!files.some((f) => f.resource === resource)) throw new Error(`no ${resource}`);
  return files.filter((f) => f.resource !== resource);
}

/** "rule resource" of every violation, to compare whole verdicts at a glance. */
export function violated(verdict: { violations: readonly { rule: string; resource: string }[] }) {
  return verdict.violations.map((v) => `${v.rule} ${v.resource}`);
}

/** Walks to a nested field: at(job, "spec", "jobTemplate", ...) */
export function at(value: unknown, ...path: (string | number)[]): Record<string, unknown> {
  let node = value;
  for (const key of path) node = (node as Record<string | number, unknown>)[key];
  return node as Record<string, unknown>;
}
