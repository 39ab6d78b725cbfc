import type { z } from "zod";
import { printable, quoted } from "../user-text.js";
import { crossCheck } from "./checks.js";
import { unknownKeyMessage } from "./fields.js";
import type { Platform } from "./platform.js";
import { resolvePlatform, type ModelIssue } from "./resolve.js";
import { versionIssues } from "./version.js";
import { platformInput, type PlatformInput } from "./schema.js";
import { StackError } from "./stack-error.js";

type Path = readonly (string | number)[];

export interface Validated {
  readonly platform?: Platform;
  readonly input?: PlatformInput;
  readonly issues: ModelIssue[];
}

/**
 * Validates the `guardia:platform` object wherever it comes from: a stack file (runbooks, render)
 * or Pulumi's config (infra/index.ts). Returns every issue at once: Pulumi-encrypted values, the
 * schema's, and the cross-field rules of every section that parsed.
 */
export function validatePlatform(raw: unknown): Validated {
  if (raw === undefined) {
    return {
      issues: [
        { path: [], message: "required: the platform model (name, environment, namespace, ...)" },
      ],
    };
  }
  // A file for another model version would only show confusing schema errors: say that alone.
  const versioned = versionIssues(raw);
  if (versioned.length > 0) return { issues: versioned };
  const encrypted = encryptedValues(raw);
  const parsed = platformInput.safeParse(raw, { error: describeIssue, reportInput: true });
  if (!parsed.success) {
    const schemaIssues = parsed.error.issues
      .flatMap(toModelIssues)
      .filter((issue) => !encrypted.some((e) => startsWith(issue.path, e.path)));
    const { input, sections } = parsedSections(raw);
    return { issues: [...encrypted, ...schemaIssues, ...crossCheck(input, sections)] };
  }
  const issues = crossCheck(parsed.data);
  if (issues.length > 0) return { issues };
  return { platform: resolvePlatform(parsed.data), input: parsed.data, issues: [] };
}

/**
 * The valid model from `raw`, or a StackError naming `source` and every problem by its path under
 * `guardia:platform` (Pulumi's config has no lines to give).
 */
export function requireValidPlatform(
  raw: unknown,
  source: string,
): { platform: Platform; input: PlatformInput } {
  const { platform, input, issues } = validatePlatform(raw);
  if (platform && input) return { platform, input };
  throw new StackError(
    source,
    issues.map((issue) => ({
      path: displayPath(["guardia:platform", ...issue.path]),
      line: undefined,
      message: issue.message,
    })),
  );
}

function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);
}

/**
 * The top-level sections that pass the schema on their own (absent optional ones included),
 * and their values: what the cross-field rules may still judge in a stack with schema errors.
 */
function parsedSections(raw: unknown): { input: PlatformInput; sections: Set<string> } {
  const given = isRecord(raw) ? raw : {};
  const values: Record<string, unknown> = {};
  const sections = new Set<string>();
  for (const [key, schema] of Object.entries(platformInput.shape)) {
    const result = (schema as z.ZodType).safeParse(given[key]);
    if (result.success) {
      values[key] = result.data;
      sections.add(key);
    }
  }
  // Only the rules whose sections are in `sections` read it, and those are typed right.
  return { input: values as PlatformInput, sections };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Values Pulumi encrypted (`pulumi config set --secret` writes `{ secure: v1:... }`). guardia
 * reads stack files without Pulumi's secrets provider, and keeps secrets in Kubernetes Secrets;
 * the message says what to write instead.
 */
export function encryptedValues(raw: unknown): ModelIssue[] {
  const issues: ModelIssue[] = [];
  const seen = new Set<object>();
  const pending: { value: unknown; path: Path }[] = [{ value: raw, path: [] }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value !== "object" || value === null || seen.has(value)) continue;
    seen.add(value);
    if (isEncrypted(value)) {
      issues.push({ path, message: encryptedMessage(path) });
      continue;
    }
    const entries = Array.isArray(value) ? value.entries() : Object.entries(value);
    for (const [key, child] of entries) pending.push({ value: child, path: [...path, key] });
  }
  return issues.reverse();
}

function isEncrypted(value: object): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === "secure" && !Array.isArray(value);
}

function encryptedMessage(path: Path): string {
  const key = path.at(-1);
  const what = "an encrypted Pulumi value (`secure:`), which guardia cannot read";
  if (key === undefined) {
    return `${what}: write the model in the clear (it holds no secrets: they stay in Kubernetes Secrets, named by \`…Secret: { name, key }\` fields)`;
  }
  if (typeof key === "string" && key.endsWith("Secret")) {
    return `${what}: this field names a Kubernetes Secret in the stack's namespace; write a Secret reference instead, e.g. \`${printable(key, 40)}: { name: mira-db, key: password }\` (and \`env: PGPASSWORD\` for runs outside the cluster)`;
  }
  if (typeof key === "string" && /secret|password|passwd|token|apikey|api_key|webhook/i.test(key)) {
    return `${what}: ${unknownKeyMessage(key, [])}`;
  }
  return `${what}: write the plain value here (this setting is not a secret), or keep the secret in a Kubernetes Secret and reference it from a \`…Secret: { name, key }\` field`;
}

function toModelIssues(issue: z.core.$ZodIssue): ModelIssue[] {
  const base = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  if (issue.code === "unrecognized_keys") {
    const messages = issue.message.split("\n");
    return issue.keys.map((key, i) => ({
      path: [...base, key],
      message: messages[i] ?? `unknown key \`${printable(key, 40)}\``,
    }));
  }
  if (issue.code === "invalid_key") {
    // A record's key failed its own schema: its message says why ("Invalid key" does not).
    return [{ path: base, message: issue.issues[0]?.message ?? issue.message }];
  }
  return [{ path: base, message: issue.message }];
}

/** Messages for zod's built-in checks, in the form "expected …, got …". */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  const got = issue.input === undefined ? undefined : quoted(issue.input);
  switch (issue.code) {
    case "invalid_type":
      return got === undefined
        ? `required (${issue.expected})`
        : `expected ${issue.expected}, got ${got}`;
    case "invalid_value":
      return `expected ${issue.values.map((v) => quoted(v)).join(" or ")}, got ${got}`;
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

/** `backups.schedules[0].keepDays`; a key that is not a plain name is quoted and cut short. */
export function displayPath(segments: Path): string {
  return segments
    .map((s, i) => {
      if (typeof s === "number") return `[${s}]`;
      const shown = /^[\w:$-]{1,64}$/.test(s) ? s : quoted(s, 40);
      return i === 0 ? shown : `.${shown}`;
    })
    .join("");
}
