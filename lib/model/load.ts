import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
} from "yaml";
import { printable } from "../user-text.js";
import type { Platform } from "./platform.js";
import { stackFilePath } from "./project.js";
import type { ModelIssue } from "./resolve.js";
import type { PlatformInput } from "./schema.js";
import { StackError, type StackProblem } from "./stack-error.js";
import { displayPath, validatePlatform } from "./validate.js";

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

/** Aliases a stack file may expand; more is an alias bomb, not configuration. */
const MAX_ALIAS_COUNT = 100;
/** Problems located in the file; past this many, the rest keep their path but no line. */
const MAX_LOCATED = 1000;

export interface LoadedStack {
  /** Stack name: from `Pulumi.<name>.yaml`, else `<platform>-<environment>`. */
  readonly name: string;
  /** Absolute path of the stack file (as given to `parseStackText` for a text). */
  readonly file: string;
  readonly platform: Platform;
  /** The `guardia:platform` object as written, for shipping into the cluster. */
  readonly input: PlatformInput;
}

/**
 * Reads, validates and resolves the stack `--stack <ref>` names (see `stackFilePath`); throws
 * StackError listing every problem, with the file as the operator would type it.
 */
export function loadStack(ref: string, cwd = process.cwd()): LoadedStack {
  const file = stackFilePath(ref, cwd);
  const shown = path.relative(cwd, file).startsWith("..") ? file : path.relative(cwd, file);
  if (!existsSync(file)) {
    throw new StackError(shown, [
      { path: "(file)", line: undefined, message: `no stack file "${file}"` },
    ]);
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new StackError(shown, [
      { path: "(file)", line: undefined, message: `cannot read it: ${(err as Error).message}` },
    ]);
  }
  const stack = parseStackText(text, shown, stackNameOf(file));
  return { ...stack, file };
}

function stackNameOf(file: string): string | undefined {
  return /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file))?.[1];
}

/**
 * Parses and validates a stack file's text. Whatever is wrong with it, YAML that does not parse
 * included, comes back as one StackError naming `file`, never as another exception.
 */
export function parseStackText(text: string, file: string, name?: string): LoadedStack {
  try {
    return parseChecked(text, file, name);
  } catch (err) {
    if (err instanceof StackError) throw err;
    const message = `guardia could not read this stack file: ${(err as Error).message}`;
    throw new StackError(file, [
      { path: "(file)", line: undefined, message: printable(message, 300) },
    ]);
  }
}

function parseChecked(text: string, file: string, name: string | undefined): LoadedStack {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    // Pulumi reads stack files with merge keys (`<<: *defaults`); so does guardia.
    merge: true,
  });
  const lineOf = (offset: number) => lineCounter.linePos(offset).line;
  const yamlProblems = [
    ...doc.errors.map((e) => yamlProblem(e, lineOf)),
    ...aliasProblems(doc, lineOf),
  ];
  // The parser can report one overflow several times over.
  const distinct = [...new Map(yamlProblems.map((p) => [`${p.line}:${p.message}`, p])).values()];
  if (distinct.length > 0) throw new StackError(file, distinct);
  const [raw, bomb] = toJS(doc, lineOf);
  if (bomb) throw new StackError(file, [bomb]);
  const issues = [...stackShapeIssues(raw)];
  const config = (raw as { config?: unknown } | null)?.config;
  // Without a `config:` map the shape issue already says so; "platform required" would repeat it.
  const checked: ReturnType<typeof validatePlatform> = isRecord(config)
    ? validatePlatform(config[PLATFORM_KEY])
    : { issues: [] };
  const { platform, input } = checked;
  issues.push(...checked.issues.map((i) => ({ ...i, path: ["config", PLATFORM_KEY, ...i.path] })));
  if (issues.length > 0 || !platform || !input) {
    throw new StackError(file, locate(issues, doc, lineOf));
  }
  return { name: name ?? `${platform.name}-${platform.environment}`, file, platform, input };
}

/** The parser's messages that speak of its own API or internals, in a stack file's terms. */
const YAML_MESSAGES: Readonly<Record<string, string>> = {
  RESOURCE_EXHAUSTION: "nested too deeply to be a stack file",
  MULTIPLE_DOCS: "a stack file holds one YAML document; remove this `---` and what follows it",
};

function yamlProblem(
  error: { code: string; message: string; pos: [number, number] },
  lineOf: (offset: number) => number,
): StackProblem {
  // linePos is only filled in with prettyErrors, which also rewrites the message.
  const message = YAML_MESSAGES[error.code] ?? printable(error.message.split("\n")[0]!, 200);
  return { path: "(yaml)", line: lineOf(error.pos[0]), message };
}

/** Aliases whose anchor is not defined before them: YAML cannot give them a value. */
function aliasProblems(doc: Document, lineOf: (offset: number) => number): StackProblem[] {
  const problems: StackProblem[] = [];
  visit(doc, {
    Alias(_key, alias) {
      if (alias.resolve(doc) === undefined) {
        problems.push({
          path: "(yaml)",
          line: alias.range ? lineOf(alias.range[0]) : undefined,
          message: `alias *${printable(alias.source, 40)} names no anchor defined before it (&${printable(alias.source, 40)})`,
        });
      }
    },
  });
  return problems;
}

/**
 * The document's value. An alias bomb (aliases of aliases, expanding to millions of nodes) is
 * refused at its first alias rather than expanded.
 */
function toJS(doc: Document, lineOf: (offset: number) => number): [unknown, StackProblem?] {
  try {
    return [doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })];
  } catch (err) {
    if (!/alias/i.test((err as Error).message)) throw err;
    let first: number | undefined;
    visit(doc, {
      Alias(_key, alias) {
        first = alias.range?.[0];
        return visit.BREAK;
      },
    });
    const message = `its aliases expand to more than ${MAX_ALIAS_COUNT} nodes (an alias bomb); write the values out`;
    return [
      undefined,
      { path: "(yaml)", line: first === undefined ? undefined : lineOf(first), message },
    ];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stackShapeIssues(raw: unknown): ModelIssue[] {
  if (!isRecord(raw)) {
    return [{ path: [], message: "expected a Pulumi stack file: a map with a `config:` key" }];
  }
  const issues: ModelIssue[] = Object.keys(raw)
    .filter((key) => !PULUMI_STACK_KEYS.includes(key))
    .map((key) => ({
      path: [key],
      message: `unknown top-level key \`${printable(key, 40)}\` (Pulumi stack files have: ${PULUMI_STACK_KEYS.join(", ")})`,
    }));
  const config = raw.config;
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
        message: `unknown key \`${printable(key, 40)}\`; guardia reads only \`${PLATFORM_KEY}\``,
      });
    }
  }
  return issues;
}

/** Each issue with its display path and line, sorted by line. */
function locate(
  issues: readonly ModelIssue[],
  doc: Document,
  lineOf: (offset: number) => number,
): StackProblem[] {
  const problems = issues.map((issue, i) => ({
    path: stackDisplayPath(issue.path),
    line: i < MAX_LOCATED ? lineAt(doc, issue.path, lineOf) : undefined,
    message: issue.message,
  }));
  return problems.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}

/** `guardia:platform.backups` for paths under `config:`; top-level keys keep their own name. */
function stackDisplayPath(segments: readonly (string | number)[]): string {
  const shown = segments[0] === "config" && segments.length > 1 ? segments.slice(1) : segments;
  return shown.length > 0 ? displayPath(shown) : "(file)";
}

/** The line of the deepest node along `path` (the key itself when it exists). */
function lineAt(
  doc: Document,
  segments: readonly (string | number)[],
  lineOf: (offset: number) => number,
): number | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = (node as { range?: number[] } | null)?.range?.[0];
  for (const segment of segments) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === segment);
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
  return offset === undefined ? undefined : lineOf(offset);
}
