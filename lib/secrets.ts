import type { Platform, SecretRef } from "./model/index.js";
import { rememberSecret, Secret } from "./secret.js";
import { t } from "./i18n/index.js";

/**
 * Where a runbook finds a Secret's value: the environment first (in the cluster, CronJobs set it
 * from the Secret; on a laptop, the engineer does), then the Kubernetes Secret itself through
 * kubectl when the stack runs in a cluster.
 */

/** The environment variable that carries `ref`'s value: `ref.env`, else GUARDIA_SECRET_<NAME>_<KEY>. */
export function secretEnvName(ref: SecretRef): string {
  return (
    ref.env ?? `GUARDIA_SECRET_${ref.name}_${ref.key}`.toUpperCase().replace(/[^A-Z0-9_]/g, "_")
  );
}

export type KubernetesSecretReader = (
  namespace: string,
  name: string,
  key: string,
) => Promise<string>;

export interface SecretSources {
  readonly env?: NodeJS.ProcessEnv;
  /** Extra variables tried after the ref's own (PGPASSWORD for database passwords). */
  readonly fallbackEnv?: readonly string[];
  /** Reads a Kubernetes Secret (kubectl); absent for local stacks. */
  readonly readKubernetesSecret?: KubernetesSecretReader;
}

export async function resolveSecret(
  ref: SecretRef,
  platform: Platform,
  label: string,
  sources: SecretSources = {},
): Promise<Secret> {
  const env = sources.env ?? process.env;
  const names = [secretEnvName(ref), ...(sources.fallbackEnv ?? [])];
  const fromEnv = names
    .map((name) => env[name])
    .find((value) => value !== undefined && value !== "");
  if (fromEnv !== undefined) return new Secret(fromEnv, label);
  if (platform.runtime === "kubernetes" && sources.readKubernetesSecret) {
    const value = await sources.readKubernetesSecret(platform.namespace, ref.name, ref.key);
    return new Secret(value, label);
  }
  const variables = names.join(t` or `);
  throw new Error(
    platform.runtime === "kubernetes"
      ? t`no value for the ${label}: set ${variables}, or give kubectl read access to Secret ${ref.name}`
      : t`no value for the ${label}: set ${variables}`,
  );
}

/**
 * Masks, from the start of a run, every value the environment holds for the stack's Secret
 * references, although no step has read it yet: a password pasted into --operator or --database
 * by mistake is then masked in the audit record, the plan and every message like a read one.
 */
export function maskStackSecrets(platform: Platform, env: NodeJS.ProcessEnv = process.env): void {
  for (const ref of secretRefs(platform)) {
    const value = env[secretEnvName(ref)];
    if (value) rememberSecret(value);
  }
}

/** Every Secret reference in the stack: the model names each field that holds one `...Secret`. */
function secretRefs(
  value: unknown,
  found: SecretRef[] = [],
  seen = new Set<unknown>(),
): SecretRef[] {
  if (value === null || typeof value !== "object" || seen.has(value)) return found;
  seen.add(value);
  for (const [key, child] of Object.entries(value)) {
    if (key.endsWith("Secret") && child && typeof child === "object")
      found.push(child as SecretRef);
    else secretRefs(child, found, seen);
  }
  return found;
}
