import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { UsageError } from "../errors.js";
import { crossCheck } from "./checks.js";
import type { Platform } from "./platform.js";
import { resolvePlatform, type ModelIssue } from "./resolve.js";
import { platformInput, type PlatformInput } from "./schema.js";

/** The key of the model inside a Pulumi stack file's `config:` map. */
export const PLATFORM_KEY = "guardia:platform";

/** Top-level keys Pulumi itself writes into stack files. */
const PULUMI_STACK_KEYS = [
  "config",
  "secretsprovider",
  "encryptedkey",
  "encryptionsalt",
  "environment",
];

export interface StackProblem {
  /** Display path such as `guardia:platform.backups.schedules[0].keepDays`. */
  readonly path: string;
  readonly line: number | undefined;
  readonly message: string;
}

/** Every problem of one stack file; the CLI prints it and exits 2. */
export class StackError extends UsageError {
  constructor(
    readonly file: string,
    readonly problems: readonly StackProblem[],
  ) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    const lines = problems.map(
      (p) => `  ${p.line ? `line ${p.line}: ` : ""}${p.path}: ${p.message}`,
    );
    super(`${file}: ${count}\n${lines.join("\n")}`);
    this.name = "StackError";
  }
}

export interface LoadedStack {
  /** Stack name: from `Pulumi.<name>.yaml`, else `<platform>-<environment>`. */
  readonly name: string;
  readonly file: string;
  readonly platform: Platform;
  /** The `guardia:platform` object as written, for shipping into the cluster. */
  readonly input: PlatformInput;
}

const PACKAGE_ROOT = findPackageRoot();

function findPackageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) {
    dir = path.dirname(dir);
  }
  return dir;
}

/**
 * `--stack` takes a name (`stacks/Pulumi.<name>.yaml` under the working directory, then under
 * guardia's own stacks/) or a path (contains "/" or ends in .yaml).
 */
export function stackFilePath(ref: string, cwd = process.cwd()): string {
  if (ref.includes("/") || ref.endsWith(".yaml") || ref.endsWith(".yml"))
    return path.resolve(cwd, ref);
  const candidates = [cwd, PACKAGE_ROOT].map((dir) =>
    path.join(dir, "stacks", `Pulumi.${ref}.yaml`),
  );
  return candidates.find((file) => existsSync(file)) ?? candidates[0]!;
}

/** Reads, validates and resolves a stack file; throws StackError listing every problem. */
export function loadStack(ref: string, cwd = process.cwd()): LoadedStack {
  const file = stackFilePath(ref, cwd);
  const shown = path.relative(cwd, file).startsWith("..") ? file : path.relative(cwd, file);
  if (!existsSync(file)) {
    throw new StackError(shown, [
      { path: "(file)", line: undefined, message: `no stack file "${file}"` },
    ]);
  }
  return parseStackText(readFileSync(file, "utf8"), shown, stackNameOf(file));
}

function stackNameOf(file: string): string | undefined {
  return /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file))?.[1];
}

export function parseStackText(text: string, file: string, name?: string): LoadedStack {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new StackError(
      file,
      doc.errors.map((e) => ({
        path: "(yaml)",
        // linePos is only filled in with prettyErrors, which also rewrites the message.
        line: lineCounter.linePos(e.pos[0]).line,
        message: e.message.split("\n")[0]!,
      })),
    );
  }
  const raw: unknown = doc.toJS();
  const issues = [...stackShapeIssues(raw)];
  const config = (raw as { config?: unknown } | null)?.config;
  // Without a `config:` map the shape issue already says so; "platform required" would repeat it.
  const checked: ReturnType<typeof validatePlatform> = isRecord(config)
    ? validatePlatform(config[PLATFORM_KEY])
    : { issues: [] };
  const { platform, input } = checked;
  issues.push(...checked.issues.map((i) => ({ ...i, path: ["config", PLATFORM_KEY, ...i.path] })));
  if (issues.length > 0 || !platform || !input) {
    const locate = locator(doc, lineCounter);
    const problems = issues.map((i) => ({
      path: stackDisplayPath(i.path),
      line: locate(i.path),
      message: i.message,
    }));
    throw new StackError(
      file,
      problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)),
    );
  }
  return { name: name ?? `${platform.name}-${platform.environment}`, file, platform, input };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `guardia:platform.backups` for paths under `config:`; top-level keys keep their own name. */
function stackDisplayPath(segments: readonly (string | number)[]): string {
  const shown = segments[0] === "config" && segments.length > 1 ? segments.slice(1) : segments;
  return shown.length > 0 ? displayPath(shown) : "(file)";
}

function stackShapeIssues(raw: unknown): ModelIssue[] {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return [{ path: [], message: "expected a Pulumi stack file: a map with a `config:` key" }];
  }
  const issues: ModelIssue[] = Object.keys(raw)
    .filter((key) => !PULUMI_STACK_KEYS.includes(key))
    .map((key) => ({
      path: [key],
      message: `unknown top-level key \`${key}\` (Pulumi stack files have: ${PULUMI_STACK_KEYS.join(", ")})`,
    }));
  const config = (raw as { config?: unknown }).config;
  if (!isRecord(config)) {
    return [
      ...issues,
      { path: ["config"], message: `required: a map holding \`${PLATFORM_KEY}\`` },
    ];
  }
  for (const key of Object.keys(config)) {
    if (key.startsWith("guardia:") && key !== PLATFORM_KEY) {
      issues.push({
        path: ["config", key],
        message: `unknown key \`${key}\`; guardia reads only \`${PLATFORM_KEY}\``,
      });
    }
  }
  return issues;
}

/**
 * Validates the `guardia:platform` object wherever it comes from: a stack file (runbooks, render)
 * or Pulumi's config (infra/index.ts). Returns every issue, schema and cross-field alike.
 */
export function validatePlatform(raw: unknown): {
  platform?: Platform;
  input?: PlatformInput;
  issues: ModelIssue[];
} {
  if (raw === undefined) {
    return {
      issues: [
        { path: [], message: "required: the platform model (name, environment, namespace, ...)" },
      ],
    };
  }
  const parsed = platformInput.safeParse(raw, { error: describeIssue, reportInput: true });
  if (!parsed.success) return { issues: parsed.error.issues.flatMap(toModelIssues) };
  const issues = crossCheck(parsed.data);
  if (issues.length > 0) return { issues };
  return { platform: resolvePlatform(parsed.data), input: parsed.data, issues: [] };
}

function toModelIssues(issue: z.core.$ZodIssue): ModelIssue[] {
  const base = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  if (issue.code === "unrecognized_keys") {
    const messages = issue.message.split("\n");
    return issue.keys.map((key, i) => ({
      path: [...base, key],
      message: messages[i] ?? `unknown key \`${key}\``,
    }));
  }
  return [{ path: base, message: issue.message }];
}

/** Messages for zod's built-in checks, in the form "expected …, got …". */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  const got = issue.input === undefined ? undefined : JSON.stringify(issue.input);
  switch (issue.code) {
    case "invalid_type":
      return got === undefined
        ? `required (${issue.expected})`
        : `expected ${issue.expected}, got ${got}`;
    case "invalid_value":
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}, got ${got}`;
    case "too_small":
      return issue.origin === "array"
        ? `expected at least ${String(issue.minimum)} item(s)`
        : `expected at least ${String(issue.minimum)}, got ${got}`;
    case "too_big":
      return `expected at most ${String(issue.maximum)}, got ${got}`;
    default:
      return undefined;
  }
}

export function displayPath(segments: readonly (string | number)[]): string {
  return segments
    .map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`))
    .join("");
}

/** Finds the line of the deepest node along `path` (the key itself when it exists). */
function locator(doc: Document, lineCounter: LineCounter) {
  return (segments: readonly (string | number)[]): number | undefined => {
    let node: unknown = doc.contents;
    let offset: number | undefined = (node as { range?: number[] } | null)?.range?.[0];
    for (const segment of segments) {
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && p.key.value === segment,
        );
        if (!pair) break;
        offset = (pair.key as { range?: number[] }).range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number" && node.items[segment]) {
        node = node.items[segment];
        offset = (node as { range?: number[] }).range?.[0] ?? offset;
      } else {
        break;
      }
    }
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };
}

export type { Platform };
