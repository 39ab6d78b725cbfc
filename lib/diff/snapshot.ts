import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import type { PolicyFile } from "../policy/input.js";
import { SECRET_PLACEHOLDER } from "../render/files.js";
import type { Render } from "../render/render.js";
import { SECRET_DIGESTS_FILE, secretDigests, type SecretPath } from "../render/secret-digests.js";

/**
 * One stack's render as `guardia diff` compares it: every file's content exactly as `guardia
 * render` writes it (parsed back from YAML), by path. The working tree's comes from an in-process
 * render, the base's from the render directory its own code wrote.
 */
export interface StackRender {
  readonly name: string;
  /**
   * `kubernetes/CronJob/x.yaml` → content, in path order. Each `[secret]` the render has a
   * fingerprint for reads `[secret:<fingerprint>]` here, so a changed secret compares unequal;
   * the fingerprint never leaves the comparison (see resources.ts).
   */
  readonly files: ReadonlyMap<string, Record<string, unknown>>;
  /** Whether the render came with secret fingerprints (a base from before them has none). */
  readonly fingerprinted: boolean;
}

/** Matches `[secret]` and `[secret:<fingerprint>]`. */
export const SECRET_VALUE = /\[secret(:[0-9a-f]+)?\]/;

/** The same serialization as writeRender, read back: what a reviewer would read in the files. */
export function fromRender(render: Render, digestKey: string): StackRender {
  const digests = secretDigests(render.files, digestKey);
  const files = render.files.map((f) => {
    const content = parse(stringify(f.content, { lineWidth: 0 })) as Record<string, unknown>;
    return [f.path, fingerprint(content, digests[f.path] ?? [])] as const;
  });
  return { name: render.stack.name, files: new Map(files), fingerprinted: true };
}

function fingerprint(
  content: Record<string, unknown>,
  digests: readonly (readonly [SecretPath, string])[],
): Record<string, unknown> {
  for (const [field, digest] of digests) {
    const parent = field
      .slice(0, -1)
      .reduce<unknown>(
        (node, key) => (node as Record<string | number, unknown> | undefined)?.[key],
        content,
      ) as Record<string | number, unknown> | undefined;
    const last = field.at(-1)!;
    if (parent?.[last] === SECRET_PLACEHOLDER) parent[last] = `[secret:${digest.slice(0, 16)}]`;
  }
  return content;
}

/** Every `[secret:<fingerprint>]` back to `[secret]`: for output, and for a base without them. */
export function withoutFingerprints<T>(value: T): T {
  if (typeof value === "string")
    return (
      SECRET_VALUE.test(value)
        ? value.replace(new RegExp(SECRET_VALUE, "g"), SECRET_PLACEHOLDER)
        : value
    ) as T;
  if (Array.isArray(value)) return value.map(withoutFingerprints) as T;
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, withoutFingerprints(v)]),
  ) as T;
}

export function unfingerprinted(stack: StackRender): StackRender {
  const files = [...stack.files].map(([p, c]) => [p, withoutFingerprints(c)] as const);
  return { name: stack.name, files: new Map(files), fingerprinted: false };
}

/** Every `<dir>/<stack>/` a `guardia render --all` wrote. */
export function readRenderTree(dir: string): StackRender[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => readRenderDir(name, path.join(dir, name)));
}

function readRenderDir(name: string, dir: string): StackRender {
  const digestsFile = path.join(dir, SECRET_DIGESTS_FILE);
  const digests = existsSync(digestsFile)
    ? (JSON.parse(readFileSync(digestsFile, "utf8")) as Record<string, [SecretPath, string][]>)
    : undefined;
  const paths = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((p) => p.split(path.sep).join("/"))
    .filter((p) => /^(kubernetes|aws)\/.+\.yaml$/.test(p) && statSync(path.join(dir, p)).isFile())
    .sort();
  const files = paths.map((p) => {
    const content = parse(readFileSync(path.join(dir, p), "utf8")) as Record<string, unknown>;
    return [p, fingerprint(content, digests?.[p] ?? [])] as const;
  });
  return { name, files: new Map(files), fingerprinted: digests !== undefined };
}

/** The Pulumi type token of a rendered file: AWS files carry it, manifests have apiVersion/kind. */
export function typeOf(content: Record<string, unknown>): string {
  if (typeof content.type === "string" && "inputs" in content) return content.type;
  const apiVersion = String(content.apiVersion);
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
  return `kubernetes:${group}/${version}:${String(content.kind)}`;
}

/** The files as the policy rules read them: what the render wrote, without fingerprints. */
export function policyFilesOf(stack: StackRender): PolicyFile[] {
  return [...stack.files].map(([file, content]) => ({
    resource: file.replace(/\.yaml$/, ""),
    type: typeOf(content),
    content: withoutFingerprints(content),
  }));
}
