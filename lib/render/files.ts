import { HOLDS_NO_SECRET_VALUES } from "../naming.js";
import type { PolicyFile } from "../policy/input.js";
import type { RecordedResource } from "./fake-pulumi-engine.js";

/**
 * A recorded resource as the file a reviewer reads: Kubernetes objects as their manifest, AWS
 * resources as { type, name, inputs } with JSON policies expanded, every secret value replaced.
 * Free of the Pulumi SDK, so the CrossGuard pack turns the engine's resources into the same files.
 */

/** Pulumi marks secret values with this signature key when it serializes them. */
export const PULUMI_SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_PLACEHOLDER = "[secret]";

export interface RenderedFile {
  /** Path inside the render directory, with "/" separators. */
  readonly path: string;
  readonly resource: RecordedResource;
  /** What the file holds: the manifest for Kubernetes, { type, name, inputs } otherwise. */
  readonly content: Record<string, unknown>;
}

/** Resources a render writes: the providers' objects, not components or providers themselves. */
export function isProviderResource(resource: { readonly type: string }): boolean {
  return /^(kubernetes|aws):/.test(resource.type);
}

/** One recorded resource as the file a reviewer reads: secrets redacted, JSON policies as YAML. */
export function toFile(resource: RecordedResource): RenderedFile {
  const isSecret = resource.type === "kubernetes:core/v1:Secret";
  const inputs = redactSecrets(
    isSecret ? secretManifest(resource.inputs) : resource.inputs,
  ) as Record<string, unknown>;
  if (resource.type.startsWith("kubernetes:")) {
    const manifest = inputs;
    const kind = String(manifest.kind);
    const name = String(
      (manifest.metadata as { name?: string } | undefined)?.name ?? resource.name,
    );
    return { path: `kubernetes/${kind}/${name}.yaml`, resource, content: manifest };
  }
  // "aws:s3/bucketPolicy:BucketPolicy" → aws/s3.BucketPolicy/<name>.yaml
  const [, module, type] = /^aws:([^/]+)\/[^:]+:(.+)$/.exec(resource.type) ?? [];
  return {
    path: `aws/${module}.${type}/${resource.name}.yaml`,
    resource,
    content: { type: resource.type, name: resource.name, inputs: expandJsonDocuments(inputs) },
  };
}

function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== "object") return value;
  if (PULUMI_SECRET_SIG in value) return SECRET_PLACEHOLDER;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v)]));
}

/**
 * A Secret keeps its keys and shows `[secret]` for each value. The Kubernetes SDK marks the whole
 * `data`/`stringData` map as one secret, so it is unwrapped first; collapsing the map into one
 * string would also make the object fail its schema.
 */
function secretManifest(inputs: Record<string, unknown>): Record<string, unknown> {
  const metadata = inputs.metadata as { annotations?: Record<string, string> } | undefined;
  const plain = metadata?.annotations?.[HOLDS_NO_SECRET_VALUES] === "true";
  const values = (data: unknown) => {
    const map = unwrapSecret(data);
    if (!map || typeof map !== "object") return map;
    return plain ? map : Object.fromEntries(Object.keys(map).map((k) => [k, SECRET_PLACEHOLDER]));
  };
  return {
    ...inputs,
    ...(inputs.data !== undefined && { data: values(inputs.data) }),
    ...(inputs.stringData !== undefined && { stringData: values(inputs.stringData) }),
  };
}

function unwrapSecret(value: unknown): unknown {
  return value !== null && typeof value === "object" && PULUMI_SECRET_SIG in value
    ? (value as unknown as { value: unknown }).value
    : value;
}

/** IAM and bucket policies are JSON strings; reviewers read them better as YAML. */
function expandJsonDocuments(value: unknown): unknown {
  if (typeof value === "string" && value.startsWith("{")) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  if (Array.isArray(value)) return value.map(expandJsonDocuments);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandJsonDocuments(v)]));
}

/** Rendered files as the policy rules read them; the CrossGuard pack builds the same. */
export function policyFiles(files: readonly RenderedFile[]): PolicyFile[] {
  return files.map((f) => ({
    resource: f.path.replace(/\.yaml$/, ""),
    type: f.resource.type,
    content: f.content,
  }));
}
