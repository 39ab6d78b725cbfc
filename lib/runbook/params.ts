import type { z } from "zod";
import { UsageError } from "../errors.js";

/**
 * A runbook's zod params become its CLI flags: `backupId` → `--backup-id`, booleans are switches,
 * `.describe()` is the help text and `.default()` the shown default. Validation errors name the
 * flag, not the schema path.
 */

export interface ParamSpec {
  readonly key: string;
  readonly flag: string;
  readonly type: "string" | "number" | "boolean";
  readonly choices: readonly string[] | undefined;
  readonly required: boolean;
  readonly defaultValue: unknown;
  readonly description: string;
}

interface ZodDef {
  type: string;
  innerType?: { def: ZodDef };
  defaultValue?: unknown;
  entries?: Record<string, string>;
}

export function describeParams(schema: z.ZodObject): ParamSpec[] {
  return Object.entries(schema.shape).map(([key, field]) => {
    let def = (field as unknown as { def: ZodDef }).def;
    let required = true;
    let defaultValue: unknown;
    while (def.type === "default" || def.type === "optional") {
      required = false;
      if (def.type === "default") defaultValue = def.defaultValue;
      def = def.innerType!.def;
    }
    const type = def.type === "boolean" ? "boolean" : def.type === "number" ? "number" : "string";
    return {
      key,
      flag: `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      type,
      choices: def.entries ? Object.values(def.entries) : undefined,
      required,
      defaultValue,
      description: (field as { description?: string }).description ?? "",
    };
  });
}

/** parseArgs options for the params (numbers arrive as strings and are converted below). */
export function flagOptions(
  specs: readonly ParamSpec[],
): Record<string, { type: "string" | "boolean" }> {
  return Object.fromEntries(
    specs.map((spec) => [
      spec.flag.slice(2),
      { type: spec.type === "boolean" ? "boolean" : "string" },
    ]),
  );
}

/** Validates flag values against the schema; throws UsageError listing every bad flag. */
export function parseParams<S extends z.ZodObject>(
  schema: S,
  specs: readonly ParamSpec[],
  values: Record<string, string | boolean | undefined>,
): z.infer<S> {
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};
  for (const spec of specs) {
    const value = values[spec.flag.slice(2)];
    if (value === undefined) continue;
    if (spec.type === "number") {
      const number = Number(value);
      if (value === "" || Number.isNaN(number))
        problems.push(`${spec.flag}: expected a number, got "${String(value)}"`);
      raw[spec.key] = number;
    } else {
      raw[spec.key] = value;
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const spec = specs.find((s) => s.key === issue.path[0]);
      if (spec && problems.some((p) => p.startsWith(`${spec.flag}:`))) continue;
      problems.push(`${spec?.flag ?? String(issue.path[0])}: ${describe(issue, spec)}`);
    }
  }
  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  return parsed.data as z.infer<S>;
}

function describe(issue: z.core.$ZodIssue, spec: ParamSpec | undefined): string {
  if (issue.code === "invalid_type" && issue.input === undefined) return "required";
  if (issue.code === "invalid_value" && spec?.choices)
    return `expected one of ${spec.choices.join(", ")}`;
  return issue.message;
}

/** The params section of `guardia <runbook> --help`. */
export function paramsHelp(specs: readonly ParamSpec[]): string {
  if (specs.length === 0) return "  (none)";
  const rows = specs.map((spec) => {
    const value =
      spec.type === "boolean"
        ? ""
        : spec.choices
          ? ` <${spec.choices.join("|")}>`
          : ` <${spec.type}>`;
    const notes = [
      spec.required ? "required" : undefined,
      spec.defaultValue !== undefined && spec.type !== "boolean"
        ? `default: ${String(spec.defaultValue)}`
        : undefined,
    ].filter(Boolean);
    return [
      `${spec.flag}${value}`,
      `${spec.description}${notes.length ? ` (${notes.join("; ")})` : ""}`,
    ];
  });
  const width = Math.max(...rows.map(([flag]) => flag!.length));
  return rows.map(([flag, text]) => `  ${flag!.padEnd(width)}  ${text}`).join("\n");
}
