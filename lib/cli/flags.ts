import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../errors.js";
import { t } from "../i18n/index.js";
import { textTable } from "../table.js";
import { MAX_QUOTED, printable } from "../user-text.js";

/**
 * Flags as data: each command's flags are a list that parseArgs, `--help` and the generated
 * docs/cli.md all read. `--help`/`-h` and `--json` work on every command.
 */

export interface FlagSpec {
  readonly name: string;
  readonly type: "string" | "boolean";
  /** The value's placeholder in help texts, e.g. "<s>". */
  readonly value?: string;
  readonly short?: string;
  readonly help: string;
}

/** Flags every command takes. */
export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  {
    name: "help",
    short: "h",
    type: "boolean",
    help: "what the command does, its flags and exit codes",
  },
  {
    name: "json",
    type: "boolean",
    help: "print one JSON object on stdout, also for a failure ({outcome, exitCode, error, ...}); progress stays on stderr",
  },
  {
    name: "lang",
    type: "string",
    value: "en|es",
    help: "the language of plans, prompts and reports (default: $GUARDIA_LANG, then the stack's language); JSON keys and exit codes never change",
  },
];

export const STACK_FLAG: FlagSpec = {
  name: "stack",
  type: "string",
  value: "<s>",
  help: "a stack name (Pulumi.<s>.yaml in the stack folder of the Pulumi project around the current folder) or a path to a stack file",
};

export const RENDER_FLAGS: readonly FlagSpec[] = [
  STACK_FLAG,
  {
    name: "all",
    type: "boolean",
    help: "every stack file of the project, in one process, each into <dir>/<s>/",
  },
  {
    name: "out",
    type: "string",
    value: "<dir>",
    help: "where to write the files (default out/<s>/)",
  },
];

const FORMAT_FLAG: FlagSpec = {
  name: "format",
  type: "string",
  value: "text|md|json",
  help: "how to print the result (default text; md is ready to post as a pull-request comment)",
};

export const POLICY_FLAGS: readonly FlagSpec[] = [
  { ...STACK_FLAG, help: `${STACK_FLAG.help}; every stack file of the project when absent` },
  FORMAT_FLAG,
];

export const DIFF_FLAGS: readonly FlagSpec[] = [
  {
    name: "base",
    type: "string",
    value: "<git-ref>",
    help: "the commit to compare with, rendered with its own code (e.g. origin/main, HEAD~1)",
  },
  { ...STACK_FLAG, help: `${STACK_FLAG.help}; every stack file of the project when absent` },
  FORMAT_FLAG,
  {
    name: "out",
    type: "string",
    value: "<file>",
    help: "write the report there instead of stdout (md: the full report beside it when cut)",
  },
];

export const VALIDATE_FLAGS: readonly FlagSpec[] = [
  { ...STACK_FLAG, help: `${STACK_FLAG.help}; every stack file of the project when absent` },
];

/** Flags every runbook takes, besides its own parameters. */
export const RUNBOOK_FLAGS: readonly FlagSpec[] = [
  { ...STACK_FLAG, help: `${STACK_FLAG.help} (required)` },
  {
    name: "dry-run",
    type: "boolean",
    help: "run the read-only steps and print every change (exact command and target) without doing it",
  },
  { name: "yes", type: "boolean", help: "confirm the changes without asking (CronJobs, scripts)" },
  {
    name: "operator",
    type: "string",
    value: "<who>",
    help: "who runs this (default: $GUARDIA_OPERATOR, git user.email, OS user)",
  },
  {
    name: "plan",
    type: "string",
    value: "<file.md>",
    help: "write the plan as Markdown (for a ticket or PR)",
  },
  {
    name: "report",
    type: "string",
    value: "<file.md>",
    help: "write an evidence report (what ran, outputs, checks) for the incident ticket",
  },
  { name: "force", type: "boolean", help: "let --plan and --report overwrite an existing file" },
];

type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseArgsOptions(flags: readonly FlagSpec[]): Options {
  return Object.fromEntries(
    flags.map((f) => [f.name, { type: f.type, ...(f.short && { short: f.short }) }]),
  );
}

export type FlagValues = Record<string, string | boolean | undefined>;

/**
 * node:util parseArgs with the global flags added, its errors as UsageError (exit 2), and a flag
 * given twice refused: parseArgs would silently keep the last, and `--stack a --stack b` must
 * not run against b by accident.
 */
export function parseFlags(args: readonly string[], flags: readonly FlagSpec[]): FlagValues {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: parseArgsOptions([...GLOBAL_FLAGS, ...flags]),
      strict: true,
      allowPositionals: false,
      tokens: true,
    });
  } catch (err) {
    // parseArgs quotes the unknown flag as typed, escape sequences included.
    throw new UsageError(printable((err as Error).message, 300));
  }
  const seen = new Map<string, string[]>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== "option") continue;
    const value = printable(token.value ?? token.rawName, MAX_QUOTED);
    seen.set(token.name, [...(seen.get(token.name) ?? []), value]);
  }
  const repeated = [...seen].filter(([, values]) => values.length > 1);
  if (repeated.length > 0) {
    throw new UsageError(
      repeated
        .map(
          ([name, values]) =>
            t`--${name} is given ${values.length} times (${values.join(", ")}); give it once`,
        )
        .join("\n"),
    );
  }
  return parsed.values as FlagValues;
}

/**
 * `--help`, `-h` and `--json` among the arguments, before any `--`: known before the command's own
 * flags are parsed, so a usage error can already be printed as JSON and help never fails.
 */
export function globalFlags(args: readonly string[]): {
  help: boolean;
  json: boolean;
  lang: string | undefined;
} {
  const end = args.indexOf("--");
  const own = end === -1 ? args : args.slice(0, end);
  const at = own.indexOf("--lang");
  const joined = own.find((a) => a.startsWith("--lang="));
  return {
    help: own.includes("--help") || own.includes("-h"),
    json: own.includes("--json"),
    lang: joined?.slice("--lang=".length) ?? (at === -1 ? undefined : (own[at + 1] ?? "")),
  };
}

/** The flags section of a help text: `  --flag <value>  help`, aligned. */
export function flagsHelp(flags: readonly FlagSpec[]): string {
  return textTable(
    flags.map((f) => [
      `${f.short ? `-${f.short}, ` : ""}--${f.name}${f.value ? ` ${f.value}` : ""}`,
      f.help,
    ]),
    "  ",
  );
}

/** `guardia init`: each flag answers one question; a terminal asks the ones not given. */
export const INIT_FLAGS: readonly FlagSpec[] = [
  { name: "platform", type: "string", value: "<name>", help: "the platform's name (a DNS label)" },
  {
    name: "environments",
    type: "string",
    value: "<e,e>",
    help: "its environments, comma-separated, of dev, testing, staging, prod (default dev,prod)",
  },
  {
    name: "runtime",
    type: "string",
    value: "kubernetes|local",
    help: "where its services run (default kubernetes)",
  },
  {
    name: "database",
    type: "string",
    value: "<name>|none",
    help: "its PostgreSQL database (default: the platform's name)",
  },
  {
    name: "database-host",
    type: "string",
    value: "<host>",
    help: "the database server (default <platform>-pg.<namespace>.svc; 127.0.0.1 when local)",
  },
  { name: "database-port", type: "string", value: "<port>", help: "its port (default 5432)" },
  {
    name: "services",
    type: "string",
    value: "<s,s>|none",
    help: "its services, comma-separated (default web)",
  },
  {
    name: "alert-email",
    type: "string",
    value: "<address>",
    help: "where alerts go by email (default ops@example.com)",
  },
  { name: "dir", type: "string", value: "<dir>", help: "the repository (default: this folder)" },
  {
    name: "yes",
    type: "boolean",
    help: "take the default of every question no flag answers, without asking",
  },
];

export const MIGRATE_FLAGS: readonly FlagSpec[] = [
  { ...STACK_FLAG, help: `${STACK_FLAG.help}; every stack file of the project when absent` },
  { name: "dry-run", type: "boolean", help: "say what would change, write nothing" },
];
