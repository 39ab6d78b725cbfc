import type { Platform, SecretRef } from "./model/index.js";
import { Secret } from "./secret.js";

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
  throw new Error(
    `no value for the ${label}: set ${names.join(" or ")}` +
      (platform.runtime === "kubernetes"
        ? `, or give kubectl read access to Secret ${ref.name}`
        : ""),
  );
}
