import { copyFileSync, existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isRunbook, loadRunbook, RUNBOOK_NAMES } from "../../runbooks/index.js";
import { EXIT, UsageError } from "../errors.js";
import { chooseLanguage, setLanguage, t } from "../i18n/index.js";
import { loadStack } from "../model/index.js";
import { terminalConfirmIO } from "../runbook/confirm.js";
import { toAuditRecord, writeAudit } from "../runbook/audit.js";
import { executeRunbook } from "../runbook/executor.js";
import { resolveOperator } from "../runbook/operator.js";
import {
  describeParams,
  flagOptions,
  paramsHelp,
  parseParams,
  type ParamSpec,
} from "../runbook/params.js";
import { createProgress } from "../runbook/progress.js";
import type { RunRecord } from "../runbook/record.js";
import { planMarkdown, planText, reportMarkdown } from "../runbook/report.js";
import { loadTeamRunbook, teamRunbooks } from "../runbook/team.js";
import type { RunbookDefinition } from "../runbook/types.js";
import { printableText } from "../user-text.js";
import { maskSecrets } from "../secret.js";
import { maskStackSecrets } from "../secrets.js";
import { textTable } from "../table.js";
import {
  flagsHelp,
  GLOBAL_FLAGS,
  globalFlags,
  parseFlags,
  RUNBOOK_FLAGS,
  type FlagSpec,
  type FlagValues,
} from "./flags.js";
import { exitCodesHelp } from "./commands.js";
import { printJson } from "./output.js";
import { printable } from "../user-text.js";

/** A built-in runbook, or one of the team's (`runbooks/` next to the project's Pulumi.yaml). */
export async function loadAnyRunbook(name: string): Promise<RunbookDefinition | undefined> {
  // Read first, so a team runbook named like a built-in is an error whichever one is run.
  const team = teamRunbooks().find((r) => r.name === name);
  if (isRunbook(name)) return loadRunbook(name);
  return team && loadTeamRunbook(team);
}

/** `guardia <runbook> --stack <s> [params] [--dry-run] [--yes] [--json] [--operator <who>] ...` */
export async function runbookCommand(
  definition: RunbookDefinition,
  words: string[],
): Promise<number> {
  const { name } = definition;
  const args = subcommandAsFlag(definition, words);
  const specs = describeParams(definition.params);
  // Help never fails, even next to a flag that is wrong.
  if (globalFlags(args).help) {
    process.stdout.write(`${runbookHelp(definition, specs)}\n`);
    return EXIT.ok;
  }
  const flags = parseFlags(args, [...RUNBOOK_FLAGS, ...paramFlags(specs)]);
  if (typeof flags.stack !== "string")
    throw new UsageError(t`${name} needs --stack <name or path>`);
  const stack = loadStack(flags.stack);
  setLanguage(
    chooseLanguage({
      flag: flags.lang as string | undefined,
      env: process.env.GUARDIA_LANG,
      stack: stack.platform.language,
    }),
  );
  // From here on, a secret typed into any flag is masked wherever it would be printed or stored.
  maskStackSecrets(stack.platform);
  const params = parseParams(definition.params, specs, flags);
  const sideFiles = checkSideFiles(flags);
  const interrupt = new AbortController();
  const stopHandlers = onInterrupt(interrupt);
  try {
    const run = await executeRunbook(definition, {
      stack,
      params,
      dryRun: flags["dry-run"] === true,
      yes: flags.yes === true,
      operator: maskSecrets(resolveOperator(flags.operator as string | undefined)),
      progress: createProgress(),
      confirmIO: terminalConfirmIO(),
      interrupt: interrupt.signal,
    });
    publish(run, flags, sideFiles);
    return run.exitCode ?? EXIT.failed;
  } finally {
    stopHandlers();
  }
}

/**
 * `guardia incident open --x` → `guardia incident --action open --x`, and `guardia routine ack
 * <item>` → `guardia routine --ack <item>`, for a runbook that says so (`subcommand`, `verbs`).
 */
function subcommandAsFlag(definition: RunbookDefinition, args: string[]): string[] {
  const [first, ...rest] = args;
  if (first === undefined || first.startsWith("-")) return args;
  const asFlag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (definition.verbs?.includes(first)) return [asFlag(first), ...rest];
  if (!definition.subcommand) return args;
  return [asFlag(definition.subcommand), first, ...rest];
}

/** A runbook's parameters as flags: what parseArgs reads and what --help lists. */
function paramFlags(specs: readonly ParamSpec[]): FlagSpec[] {
  const options = flagOptions(specs);
  return Object.entries(options).map(([flag, { type }]) => ({ name: flag, type, help: "" }));
}

/**
 * SIGINT (Ctrl-C) and SIGTERM (Kubernetes at a Job's deadline; Node as PID 1 would otherwise
 * ignore it) stop the current step and let the run roll back, release its lock and write its
 * audit record. A second signal exits at once.
 */
function onInterrupt(controller: AbortController): () => void {
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT.failed);
    process.stderr.write(
      `guardia: ${t`${signal} received: stopping the current step and rolling back (again to exit at once)`}\n`,
    );
    controller.abort(signal);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}

interface SideFile {
  readonly file: string;
  readonly what: "plan" | "report";
  readonly force: boolean;
}

/**
 * --plan and --report are checked before anything runs: a directory that does not exist, or a
 * file that exists and would be overwritten without --force, is bad input.
 */
function checkSideFiles(flags: FlagValues): SideFile[] {
  const force = flags.force === true;
  const files = (["plan", "report"] as const)
    .filter((what) => typeof flags[what] === "string")
    .map((what) => ({ file: path.resolve(flags[what] as string), what, force }));
  for (const { file, what } of files) {
    if (!existsSync(path.dirname(file)))
      throw new UsageError(
        t`--${what}: cannot write ${printable(file)}: directory ${printable(path.dirname(file))} does not exist`,
      );
    if (existsSync(file) && !force)
      throw new UsageError(
        t`--${what}: ${printable(file)} already exists; pass --force to overwrite it, or name another file`,
      );
  }
  if (files.length === 2 && files[0]!.file === files[1]!.file)
    throw new UsageError(t`--plan and --report name the same file ${printable(files[0]!.file)}`);
  return files;
}

/** The run's outcome stands even if a side file cannot be written; the operator is told. */
function writeSide({ file, what, force }: SideFile, run: RunRecord): void {
  try {
    const content =
      what === "plan"
        ? planMarkdown(run)
        : reportMarkdown(run, { attachmentLink: copyBeside(file) });
    writeFileSync(file, content, { flag: force ? "w" : "wx" });
  } catch (err) {
    const why = (err as Error).message;
    process.stderr.write(
      `guardia: ${what === "plan" ? t`WARNING: the plan was not written to ${file}: ${why}` : t`WARNING: the report was not written to ${file}: ${why}`}\n`,
    );
  }
}

/**
 * A step's evidence file (a screenshot) copied beside the report as `<report>-<name>`, so the
 * report and what it links travel together; the original path when the copy fails.
 */
function copyBeside(report: string): (file: string) => string {
  const stem = path.basename(report, path.extname(report));
  return (file) => {
    const name = `${stem}-${path.basename(file)}`;
    try {
      copyFileSync(file, path.join(path.dirname(report), name));
      return name;
    } catch (err) {
      process.stderr.write(
        `guardia: ${t`WARNING: ${file} was not copied beside the report: ${(err as Error).message}`}\n`,
      );
      return file;
    }
  };
}

function publish(run: RunRecord, flags: FlagValues, sideFiles: readonly SideFile[]): void {
  try {
    const report = sideFiles.find((side) => side.what === "report")?.file;
    writeAudit(run, process.env, { stdout: !flags.json, report });
  } catch (err) {
    process.stderr.write(
      `guardia: ${t`WARNING: the audit record was not written: ${(err as Error).message}`}\n`,
    );
  }
  for (const side of sideFiles) writeSide(side, run);
  if (flags.json) {
    // `output` is the same result formatted for people; JSON readers get `result`. In a cluster
    // job the audit record rides along, so stdout still carries exactly one JSON object.
    const audit = process.env.GUARDIA_AUDIT_STDOUT === "1" ? { audit: toAuditRecord(run) } : {};
    printJson({ ...run, output: undefined, ...audit });
    return;
  }
  if (run.dryRun) process.stdout.write(`${printableText(planText(run))}\n`);
  else if (run.output !== undefined)
    process.stdout.write(`${printableText(maskSecrets(run.output))}\n`);
  else if (run.exitCode === EXIT.ok)
    process.stdout.write(`${t`done: ${run.runbook} on ${run.stack} (${run.stackFile})`}\n`);
  if (run.error)
    process.stderr.write(`guardia ${run.runbook}: ${printableText(maskSecrets(run.error))}\n`);
}

export function runbookHelp(definition: RunbookDefinition, specs: readonly ParamSpec[]): string {
  return [
    `guardia ${definition.name}: ${definition.summary}`,
    "",
    definition.description.trim(),
    "",
    `Usage: guardia ${definition.name}${subcommandUsage(definition, specs)} --stack <s> [parameters] [--dry-run] [--yes] [--json]`,
    "",
    "Parameters:",
    paramsHelp(specs),
    "",
    "Steps:",
    ...definition.outline.map((line, i) => `  ${i + 1}. ${line}`),
    "",
    "Common flags:",
    flagsHelp([...RUNBOOK_FLAGS, ...GLOBAL_FLAGS]),
    "",
    exitCodesHelp(),
  ].join("\n");
}

function subcommandUsage(definition: RunbookDefinition, specs: readonly ParamSpec[]): string {
  const choices = specs.find((s) => s.key === definition.subcommand)?.choices;
  const verbs = (definition.verbs ?? []).map((verb) => ` [${verb} <value>]`).join("");
  return `${choices ? ` <${choices.join("|")}>` : ""}${verbs}`;
}

/**
 * `guardia list`: loads every runbook, which `guardia --help` avoids; the team's own follow
 * guardia's, each with the file it comes from.
 */
export async function listCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, []);
  const team = teamRunbooks();
  const builtIn = await Promise.all(RUNBOOK_NAMES.map((name) => loadRunbook(name)));
  const teams = await Promise.all(team.map((r) => loadTeamRunbook(r)));
  const rows: { name: string; summary: string; file?: string }[] = [
    ...builtIn.map(({ name, summary }) => ({ name, summary })),
    ...teams.map(({ name, summary }, i) => ({
      name,
      summary,
      file: path.relative(process.cwd(), team[i]!.file),
    })),
  ];
  if (flags.json) {
    printJson({ outcome: "done", exitCode: EXIT.ok, runbooks: rows });
  } else {
    const lines = rows.map((r) => [r.name, r.file ? `${r.summary} (${r.file})` : r.summary]);
    process.stdout.write(`${textTable(lines)}\n`);
  }
  return EXIT.ok;
}
