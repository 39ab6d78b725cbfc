import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import type { PolicyFile } from "../policy/input.js";
import type { Render } from "../render/render.js";

/**
 * One stack's render as `guardia diff` compares it: every file's content exactly as `guardia
 * render` writes it (parsed back from YAML), by path. The working tree's comes from an in-process
 * render, the base's from the render directory its own code wrote.
 */
export interface StackRender {
  readonly name: string;
  /** `kubernetes/CronJob/x.yaml` → content, in path order. */
  readonly files: ReadonlyMap<string, Record<string, unknown>>;
}

/** The same serialization as writeRender, read back: what a reviewer would read in the files. */
export function fromRender(render: Render): StackRender {
  const files = render.files.map(
    (f) =>
      [f.path, parse(stringify(f.content, { lineWidth: 0 })) as Record<string, unknown>] as const,
  );
  return { name: render.stack.name, files: new Map(files) };
}

/** Every `<dir>/<stack>/` a `guardia render --all` wrote. */
export function readRenderTree(dir: string): StackRender[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ name, files: readRenderDir(path.join(dir, name)) }));
}

function readRenderDir(dir: string): Map<string, Record<string, unknown>> {
  const paths = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((p) => p.split(path.sep).join("/"))
    .filter((p) => /^(kubernetes|aws)\/.+\.yaml$/.test(p) && statSync(path.join(dir, p)).isFile())
    .sort();
  return new Map(
    paths.map((p) => [
      p,
      parse(readFileSync(path.join(dir, p), "utf8")) as Record<string, unknown>,
    ]),
  );
}

/** The Pulumi type token of a rendered file: AWS files carry it, manifests have apiVersion/kind. */
export function typeOf(content: Record<string, unknown>): string {
  if (typeof content.type === "string" && "inputs" in content) return content.type;
  const apiVersion = String(content.apiVersion);
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
  return `kubernetes:${group}/${version}:${String(content.kind)}`;
}

export function policyFilesOf(stack: StackRender): PolicyFile[] {
  return [...stack.files].map(([file, content]) => ({
    resource: file.replace(/\.yaml$/, ""),
    type: typeOf(content),
    content,
  }));
}
