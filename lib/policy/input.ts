import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseStackText, type LoadedStack } from "../model/index.js";
import type { RuleId } from "./catalogue.js";

/**
 * What the rules read: the rendered resources of one stack, as `guardia render` writes them
 * (Kubernetes manifests; AWS resources as { type, name, inputs } with JSON policies as objects),
 * and the stack's model as the stack ConfigMap carries it into the cluster. The CrossGuard pack
 * builds the same input from what the Pulumi engine passes it, so both judge the same data.
 */

export interface PolicyFile {
  /** As in the render directory, without ".yaml": `kubernetes/CronJob/mira-backup-mira-daily`. */
  readonly resource: string;
  /** Pulumi type token, e.g. "kubernetes:batch/v1:CronJob". */
  readonly type: string;
  readonly content: Record<string, unknown>;
}

export interface PolicyInput {
  readonly files: readonly PolicyFile[];
  /** The model from the stack ConfigMap; undefined when the render has none (local stacks). */
  readonly stack: LoadedStack | undefined;
  /** Today (UTC), YYYY-MM-DD: waivers expire after their `expires` day. */
  readonly today: string;
  /** guardia's root, whose docs/runbooks/<runbook>.md the default runbook URLs point at. */
  readonly guardiaRoot: string;
}

export interface Finding {
  readonly rule: RuleId;
  readonly resource: string;
  /** The field at fault: a YAML path in the rendered file, or `guardia:platform.<path>`. */
  readonly field: string;
  /** One line naming what is wrong; never a secret value. */
  readonly message: string;
}

/** The ConfigMap that carries the stack file (infra/foundation.ts). */
const STACK_FILE_KEY = "stack.yaml";

export function stackConfigMap(files: readonly PolicyFile[]): PolicyFile | undefined {
  return files.find(
    (f) =>
      f.type === "kubernetes:core/v1:ConfigMap" &&
      typeof (f.content.data as Record<string, unknown> | undefined)?.[STACK_FILE_KEY] ===
        "string" &&
      labels(f.content)["app.kubernetes.io/component"] === "foundation",
  );
}

/** The model the stack ConfigMap carries, parsed by the same loader as a stack file. */
export function modelOf(files: readonly PolicyFile[], stackName?: string): LoadedStack | undefined {
  const configMap = stackConfigMap(files);
  if (!configMap) return undefined;
  const text = (configMap.content.data as Record<string, string>)[STACK_FILE_KEY]!;
  return parseStackText(text, configMap.resource, stackName);
}

export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** guardia's own root: the default runbook URLs point at its docs/runbooks. */
export const GUARDIA_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) {
    dir = path.dirname(dir);
  }
  return dir;
})();

export function labels(manifest: Record<string, unknown>): Record<string, string> {
  const metadata = manifest.metadata as { labels?: Record<string, string> } | undefined;
  return metadata?.labels ?? {};
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The files of one Pulumi type. */
export function filesOfType(input: PolicyInput, type: string): PolicyFile[] {
  return input.files.filter((f) => f.type === type);
}
