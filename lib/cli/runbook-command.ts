import { accessSync, constants, writeFileSync } from "node:fs";
import path from "node:path";
import { RUNBOOKS } from "../../runbooks/index.js";
import { EXIT, UsageError } from "../errors.js";
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
import type { RunbookDefinition } from "../runbook/types.js";
import { printable } from "../printable.js";
import { maskDeep, maskSecrets } from "../secret.js";
import { maskStackSecrets } from "../secrets.js";
import { parseFlags } from "./main.js";

/** `guardia <runbook> --stack <s> [params] [--dry-run] [--yes] [--json] [--operator <who>] ...` */

const COMMON_FLAGS = {
  stack: { type: "string" },
  "dry-run": { type: "boolean" },
  yes: { type: "boolean" },
  json: { type: "boolean" },
  operator: { type: "string" },
  plan: { type: "string" },
  report: { type: "string" },
  help: { type: "boolean" },
} as const;

const COMMON_HELP = `Common flags:
  --stack <s>         stack name (stacks/Pulumi.<s>.yaml) or path to a stack file (required)
  --dry-run           run the read-only steps, print every change (exact command and target) without doing it
  --yes               confirm the changes without asking (CronJobs, scripts)
  --json              print one JSON result on stdout (progress stays on stderr)
  --operator <who>    who runs this (default: $GUARDIA_OPERATOR, git user.email, OS user)
  --plan <file.md>    write the plan as Markdown (for a ticket or PR)
  --report <file.md>  write an evidence report (what ran, outputs, checks) for the incident ticket

Exit codes: 0 done, 1 failed (after rollback where the runbook has one), 2 bad input, 3 refused (lock held or not confirmed).`;

export function isRunbook(name: string): boolean {
  return Object.hasOwn(RUNBOOKS, name);
}

export async function loadRunbook(name: string): Promise<RunbookDefinition> {
  const load = RUNBOOKS[name];
  if (!load) throw new UsageError(`unknown runbook "${name}"; see guardia list`);
  return load();
}

export async function runbookCommand(name: string, args: string[]): Promise<number> {
  const definition = await loadRunbook(name);
  const specs = describeParams(definition.params);
  const flags = parseFlags(args, { ...COMMON_FLAGS, ...flagOptions(specs) }) as Record<
    string,
    string | boolean | undefined
  >;
  if (flags.help) {
    process.stdout.write(`${runbookHelp(definition, specs)}\n`);
    return EXIT.ok;
  }
  if (typeof flags.stack !== "string") throw new UsageError(`${name} needs --stack <name or path>`);
  const stack = loadStack(flags.stack);
  // From here on, a secret typed into any flag is masked wherever it would be printed or stored.
  maskStackSecrets(stack.platform);
  const params = parseParams(definition.params, specs, flags);
  assertWritable(flags.plan, "--plan");
  assertWritable(flags.report, "--report");
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
    publish(run, flags);
    return run.exitCode ?? EXIT.failed;
  } finally {
    stopHandlers();
  }
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
      `guardia: ${signal} received: stopping the current step and rolling back (again to exit at once)\n`,
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

/** A --plan or --report that cannot be written is bad input, found before anything runs. */
function assertWritable(file: unknown, flag: string): void {
  if (typeof file !== "string") return;
  const dir = path.dirname(path.resolve(file));
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(
      `${flag}: cannot write ${file}: directory ${dir} does not exist or is not writable`,
    );
  }
}

/** The run's outcome stands even if a side file cannot be written; the operator is told. */
function writeSide(file: string, what: string, content: () => string): void {
  try {
    writeFileSync(file, content());
  } catch (err) {
    process.stderr.write(
      `guardia: WARNING: the ${what} was not written to ${file}: ${(err as Error).message}\n`,
    );
  }
}

function publish(run: RunRecord, flags: Record<string, unknown>): void {
  try {
    writeAudit(run, process.env, { stdout: !flags.json });
  } catch (err) {
    process.stderr.write(
      `guardia: WARNING: the audit record was not written: ${(err as Error).message}\n`,
    );
  }
  if (typeof flags.plan === "string") writeSide(flags.plan, "plan", () => planMarkdown(run));
  if (typeof flags.report === "string")
    writeSide(flags.report, "report", () => reportMarkdown(run));
  if (flags.json) {
    // `output` is the same result formatted for people; JSON readers get `result`. In a cluster
    // job the audit record rides along, so stdout still carries exactly one JSON object.
    const audit = process.env.GUARDIA_AUDIT_STDOUT === "1" ? { audit: toAuditRecord(run) } : {};
    process.stdout.write(`${JSON.stringify(maskDeep({ ...run, output: undefined, ...audit }))}\n`);
  } else if (run.dryRun) {
    process.stdout.write(`${printable(planText(run))}\n`);
  } else if (run.output !== undefined) {
    process.stdout.write(`${printable(maskSecrets(run.output))}\n`);
  } else if (run.exitCode === EXIT.ok) {
    process.stdout.write(`done: ${run.runbook} on ${run.stack}\n`);
  }
  if (run.error) process.stderr.write(`guardia ${run.runbook}: ${printable(run.error)}\n`);
}

function runbookHelp(definition: RunbookDefinition, specs: readonly ParamSpec[]): string {
  return [
    `guardia ${definition.name}: ${definition.summary}`,
    "",
    definition.description.trim(),
    "",
    `Usage: guardia ${definition.name} --stack <s> [parameters] [--dry-run] [--yes] [--json]`,
    "",
    "Parameters:",
    paramsHelp(specs),
    "",
    "Steps:",
    ...definition.outline.map((line, i) => `  ${i + 1}. ${line}`),
    "",
    COMMON_HELP,
  ].join("\n");
}

/** `guardia list` */
export async function listCommand(): Promise<number> {
  const names = Object.keys(RUNBOOKS);
  const definitions = await Promise.all(names.map((name) => loadRunbook(name)));
  const width = Math.max(...names.map((n) => n.length));
  for (const def of definitions)
    process.stdout.write(`${def.name.padEnd(width)}  ${def.summary}\n`);
  return EXIT.ok;
}
