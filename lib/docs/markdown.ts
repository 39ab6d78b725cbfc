import { COMMANDS } from "../cli/commands.js";
import { GLOBAL_FLAGS, RUNBOOK_FLAGS, type FlagSpec } from "../cli/flags.js";
import { EXIT_MEANINGS, type ExitCode } from "../errors.js";
import type { AlertDefinition } from "../monitoring/catalogue.js";
import { PRIORITIES, RESPONSE_TIME, SEVERITY } from "../monitoring/contract.js";
import { REPEAT_INTERVAL } from "../model/defaults.js";
import { describeParams, type ParamSpec } from "../runbook/params.js";
import type { RunbookDefinition } from "../runbook/types.js";
import type { ObjectDoc } from "./field-reference.js";

/**
 * The Markdown that `npm run docs` writes: a page per runbook, and the tables other pages embed.
 * Everything here is read from the code it documents (the registry, each runbook's definition,
 * the CLI's commands and flags, the exit codes, the alert contract, the schemas' doc comments).
 */

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** One table cell: a single line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
}

const code = (text: string) => `\`${text}\``;

/**
 * Text written for the terminal, as Markdown: outside code spans `<time>` or `<s>` would be
 * read as HTML tags and vanish, so angle brackets are escaped there.
 */
export function prose(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[<>]/g, (c) => `\\${c}`)))
    .join("");
}

export function runbookPage(definition: RunbookDefinition): string {
  const specs = describeParams(definition.params);
  return [
    `# guardia ${definition.name}`,
    "",
    `${prose(definition.summary)}.`,
    "",
    `_Generated from \`runbooks/${definition.name}.ts\` by \`npm run docs\`: change the runbook, then regenerate._`,
    "",
    "## What it does",
    "",
    prose(definition.description.trim()),
    "",
    "## From the manuals",
    "",
    ...(definition.manual ?? ["(not recorded)"]).map((procedure) => `- ${prose(procedure)}`),
    "",
    "## Usage",
    "",
    "```sh",
    usageLine(definition.name, specs),
    "```",
    "",
    paramsTable(specs),
    "",
    "Every runbook also takes the [common flags](../cli.md#flags-of-every-runbook): `--dry-run`, `--yes`, `--json`, `--operator`, `--plan`, `--report`, `--force`.",
    "",
    "## Steps",
    "",
    ...definition.outline.map((step, i) => `${i + 1}. ${prose(step)}`),
    "",
    "Read-only steps also run in a dry run, which prints every change with its exact command and target instead of making it. Changes run after the confirmation, under the runbook's lock.",
    "",
    "## Exit codes",
    "",
    exitCodesTable(),
    "",
    "## When it fails",
    "",
    prose(definition.onFailure ?? "(not recorded)"),
    "",
    'Every failed, refused or interrupted run ends with "State after the failure": what was rolled back, what was left as is and how to undo it, or that nothing was changed. The audit log and `--report` keep the same record.',
    "",
  ].join("\n");
}

function usageLine(name: string, specs: readonly ParamSpec[]): string {
  const params = specs.map((spec) => {
    const flag = spec.type === "boolean" ? spec.flag : `${spec.flag} ${valueOf(spec)}`;
    return spec.required ? flag : `[${flag}]`;
  });
  return ["guardia", name, "--stack <s>", ...params, "[--dry-run] [--yes] [--json]"].join(" ");
}

function valueOf(spec: ParamSpec): string {
  if (spec.type === "boolean") return "";
  return spec.choices ? `<${spec.choices.join("|")}>` : `<${spec.type}>`;
}

function paramsTable(specs: readonly ParamSpec[]): string {
  if (specs.length === 0) return "It takes no parameters of its own.";
  return table(
    ["parameter", "value", "default", "what it is"],
    specs.map((spec) => [
      code(spec.flag),
      spec.type === "boolean" ? "switch" : code(valueOf(spec)),
      spec.required
        ? "required"
        : spec.defaultValue === undefined || spec.type === "boolean"
          ? ""
          : code(String(spec.defaultValue)),
      prose(spec.description),
    ]),
  );
}

export function exitCodesTable(exits?: readonly ExitCode[]): string {
  return table(
    ["exit code", "meaning"],
    EXIT_MEANINGS.filter(([c]) => !exits || exits.includes(c)).map(([c, meaning]) => [
      String(c),
      meaning,
    ]),
  );
}

export function runbooksTable(definitions: readonly RunbookDefinition[], linkBase: string): string {
  return table(
    ["runbook", "what it does"],
    definitions.map((d) => [`[${code(d.name)}](${linkBase}${d.name}.md)`, prose(d.summary)]),
  );
}

export function commandsTable(): string {
  return table(
    ["command", "what it does"],
    COMMANDS.map((c) => [code(`guardia ${c.usage}`), c.summary]),
  );
}

export function flagsTable(
  flags: readonly FlagSpec[] = [...RUNBOOK_FLAGS, ...GLOBAL_FLAGS],
): string {
  return table(
    ["flag", "what it does"],
    flags.map((f) => [
      code(`${f.short ? `-${f.short}, ` : ""}--${f.name}${f.value ? ` ${f.value}` : ""}`),
      prose(f.help),
    ]),
  );
}

export function prioritiesTable(): string {
  return table(
    ["priority", "severity", "respond within", "repeated every"],
    PRIORITIES.map((p) => [p, code(SEVERITY[p]), RESPONSE_TIME[p], REPEAT_INTERVAL[p]]),
  );
}

/** A section per object, its fields in a table. */
export function fieldTables(objects: readonly ObjectDoc[]): string {
  return objects
    .map((object) =>
      [
        `#### ${code(object.path)}`,
        "",
        table(
          ["field", "type", "required", "default", "what it is"],
          object.fields.map((f) => [
            code(f.name),
            f.type,
            f.required ? "yes" : "",
            prose(f.defaultValue ?? ""),
            prose(f.description),
          ]),
        ),
      ].join("\n"),
    )
    .join("\n\n");
}

/** One row per alert name (an alert per service shows once), in catalogue order. */
export function alertsTable(alerts: readonly AlertDefinition[], runbookPages: string): string {
  const first = new Map<string, AlertDefinition[]>();
  for (const alert of alerts) first.set(alert.alert, [...(first.get(alert.alert) ?? []), alert]);
  return table(
    ["alert", "priority", "first runbook", "summary (first of its kind)"],
    [...first.values()].map((same) => [
      code(same[0]!.alert),
      [...new Set(same.map((a) => a.priority))].sort().join(", "),
      `[${code(same[0]!.first.runbook)}](${runbookPages}${same[0]!.first.runbook}.md)`,
      // A label the alert fills in at run time, shown as `<label>`.
      prose(same[0]!.summary.replace(/\{\{ \$labels\.(\w+) \}\}/g, "`<$1>`")),
    ]),
  );
}
