import { createHmac } from "node:crypto";
import { HOLDS_NO_SECRET_VALUES } from "../naming.js";
import type { RecordedResource } from "./fake-pulumi-engine.js";
import { PULUMI_SECRET_SIG, type RenderedFile } from "./files.js";

/**
 * Fingerprints of the secret values a render replaced with `[secret]`, so `guardia diff` can say
 * whether a secret changed without ever holding its value in the output. HMAC-SHA256 under a key
 * only `guardia diff` knows (GUARDIA_SECRET_DIGEST_KEY, kept in its cache): without the key a
 * fingerprint cannot be tried against guessed values. A render written without the key has none.
 */

export const SECRET_DIGEST_KEY_ENV = "GUARDIA_SECRET_DIGEST_KEY";
/** Beside the render's files; read by `guardia diff` only. */
export const SECRET_DIGESTS_FILE = ".guardia-secret-digests.json";

/** Where a `[secret]` sits in a rendered file: its path of keys and indices. */
export type SecretPath = readonly (string | number)[];

/** Every rendered file's secret fingerprints: path in the render → [field path, digest][]. */
export function secretDigests(
  files: readonly RenderedFile[],
  key: string,
): Record<string, [SecretPath, string][]> {
  const digest = (value: unknown) =>
    createHmac("sha256", key)
      .update(JSON.stringify(value ?? null))
      .digest("hex");
  const entries = files
    .map((f) => [f.path, secretValues(f.resource).map(([p, v]) => [p, digest(v)])] as const)
    .filter(([, values]) => values.length > 0);
  return Object.fromEntries(entries) as Record<string, [SecretPath, string][]>;
}

const isSigned = (v: unknown): v is { value: unknown } =>
  v !== null && typeof v === "object" && PULUMI_SECRET_SIG in v;

/** The secret values of a resource by the path of the `[secret]` that replaces each (files.ts). */
function secretValues(resource: RecordedResource): [SecretPath, unknown][] {
  const found: [SecretPath, unknown][] = [];
  const walk = (value: unknown, path: SecretPath) => {
    if (isSigned(value)) found.push([path, value.value]);
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value !== null && typeof value === "object")
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  const { inputs } = resource;
  if (resource.type !== "kubernetes:core/v1:Secret") {
    walk(inputs, []);
    return found;
  }
  // A Secret's data map is one secret in the SDK, but its render shows `[secret]` per key.
  const metadata = inputs.metadata as { annotations?: Record<string, string> } | undefined;
  const plain = metadata?.annotations?.[HOLDS_NO_SECRET_VALUES] === "true";
  for (const section of ["data", "stringData"]) {
    const map = isSigned(inputs[section])
      ? (inputs[section] as { value: unknown }).value
      : inputs[section];
    if (plain || map === null || typeof map !== "object") continue;
    for (const [k, v] of Object.entries(map)) found.push([[section, k], isSigned(v) ? v.value : v]);
  }
  walk(
    Object.fromEntries(Object.entries(inputs).filter(([k]) => k !== "data" && k !== "stringData")),
    [],
  );
  return found;
}
