import { z } from "zod";
import { t } from "../i18n/index.js";
import { UsageError } from "../errors.js";
import { textTable } from "../table.js";
import { printable, quoted } from "../user-text.js";

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
  /** What a number flag accepts; undefined for other types. */
  readonly range: NumberRange | undefined;
}

/** The values a number param accepts, from its zod checks (`.int()`, `.positive()`, `.max()`). */
export interface NumberRange {
  readonly integer: boolean;
  readonly min?: { readonly value: number; readonly exclusive: boolean };
  readonly max?: { readonly value: number; readonly exclusive: boolean };
}

interface ZodDef {
  type: string;
  innerType?: { def: ZodDef };
  defaultValue?: unknown;
  entries?: Record<string, string>;
}

interface NumberJsonSchema {
  type?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  exclusiveMaximum?: number;
}

export function describeParams(schema: z.ZodObject): ParamSpec[] {
  return Object.entries(schema.shape).map(([key, field]) => {
    let inner = field as unknown as { def: ZodDef };
    let def = inner.def;
    let required = true;
    let defaultValue: unknown;
    while (def.type === "default" || def.type === "optional") {
      required = false;
      if (def.type === "default") defaultValue = def.defaultValue;
      inner = def.innerType!;
      def = inner.def;
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
      range: type === "number" ? numberRange(inner as unknown as z.ZodType) : undefined,
    };
  });
}

function numberRange(schema: z.ZodType): NumberRange {
  const json = z.toJSONSchema(schema) as NumberJsonSchema;
  const bound = (inclusive: number | undefined, exclusive: number | undefined) =>
    exclusive !== undefined
      ? { value: exclusive, exclusive: true }
      : inclusive !== undefined && Math.abs(inclusive) < Number.MAX_SAFE_INTEGER
        ? { value: inclusive, exclusive: false }
        : undefined;
  return {
    integer: json.type === "integer",
    min: bound(json.minimum, json.exclusiveMinimum),
    max: bound(json.maximum, json.exclusiveMaximum),
  };
}

/** "a whole number greater than 0", "a number from 0 to 1": what a number flag accepts. */
export function describeRange({ integer, min, max }: NumberRange): string {
  const what = integer ? t`a whole number` : t`a number`;
  if (min && max && !min.exclusive && !max.exclusive)
    return t`${what} from ${min.value} to ${max.value}`;
  const lower = min && (min.exclusive ? t`greater than ${min.value}` : t`of at least ${min.value}`);
  const upper = max && (max.exclusive ? t`less than ${max.value}` : t`of at most ${max.value}`);
  if (lower && upper) return t`${what} ${lower} and ${upper}`;
  return lower || upper ? `${what} ${lower || upper}` : what;
}

/** Decimal digits only: no `Infinity`, `NaN`, `0x10`, `1e3` or blanks that Number() would take. */
const INTEGER = /^[-+]?\d+$/;
const DECIMAL = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;

/** The number a flag's text means, or why it is not one the flag accepts. */
export function parseNumberFlag(
  spec: ParamSpec,
  text: string,
): { value: number } | { problem: string } {
  const range = spec.range ?? { integer: false };
  const value = Number(text);
  const { min, max } = range;
  const fits =
    (range.integer ? INTEGER : DECIMAL).test(text) &&
    Number.isFinite(value) &&
    (!range.integer || Number.isSafeInteger(value)) &&
    (!min || (min.exclusive ? value > min.value : value >= min.value)) &&
    (!max || (max.exclusive ? value < max.value : value <= max.value));
  if (fits) return { value };
  return { problem: t`${spec.flag}: expected ${describeRange(range)}, got ${quoted(text)}` };
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
      const number = parseNumberFlag(spec, String(value));
      if ("problem" in number) problems.push(number.problem);
      else raw[spec.key] = number.value;
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
  // Flag values come from whoever typed them: escaped and cut before they reach a terminal.
  if (problems.length > 0) throw new UsageError(problems.map((p) => printable(p, 300)).join("\n"));
  return parsed.data as z.infer<S>;
}

function describe(issue: z.core.$ZodIssue, spec: ParamSpec | undefined): string {
  if (issue.code === "invalid_type" && issue.input === undefined) return t`required`;
  if (issue.code === "invalid_value" && spec?.choices)
    return t`expected one of ${spec.choices.join(", ")}`;
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
  return textTable(rows, "  ");
}
