import { RUNBOOK_NAMES } from "../../runbooks/index.js";
import { EXIT, EXIT_MEANINGS, type ExitCode } from "../errors.js";
import { textTable } from "../table.js";
import { GUARDIA_VERSION } from "../version.js";
import {
  flagsHelp,
  GLOBAL_FLAGS,
  DIFF_FLAGS,
  INIT_FLAGS,
  MIGRATE_FLAGS,
  POLICY_FLAGS,
  RENDER_FLAGS,
  RUNBOOK_FLAGS,
  VALIDATE_FLAGS,
  type FlagSpec,
} from "./flags.js";

/**
 * The commands as data: the usage, `<command> --help` and docs/cli.md read this list. Each
 * command's module loads only when it runs.
 */

export interface CommandSpec {
  readonly name: string;
  /** What follows `guardia ` in the usage line. */
  readonly usage: string;
  readonly summary: string;
  /** What `guardia <command> --help` explains after the usage line. */
  readonly description: string;
  readonly flags: readonly FlagSpec[];
  /** The exit codes it can end with. */
  readonly exits: readonly ExitCode[];
  readonly run?: (args: string[]) => Promise<number>;
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "render",
    usage: "render --stack <s> | --all [--out <dir>]",
    summary: "offline picture of a stack: one YAML file per resource and SUMMARY.md",
    description:
      "Runs the Pulumi program under a mock engine (no cloud, no Pulumi CLI), validates every Kubernetes object against its schema and writes one file per resource plus SUMMARY.md, secrets redacted. Reviewers read this in a pull request.",
    flags: RENDER_FLAGS,
    exits: [EXIT.ok, EXIT.failed, EXIT.usage],
    run: async (args) => (await import("./render-command.js")).renderCommand(args),
  },
  {
    name: "validate",
    usage: "validate [--stack <s>]",
    summary: "check stack files: every problem with its YAML path and line",
    description:
      "Reads stack files with the model's schema and cross-field rules and reports every problem of each file at once, with its YAML path and line. Exit 2 when any file has a problem.",
    flags: VALIDATE_FLAGS,
    exits: [EXIT.ok, EXIT.failed, EXIT.usage],
    run: async (args) => (await import("./validate-command.js")).validateCommand(args),
  },
  {
    name: "policy",
    usage: "policy [--stack <s>] [--format text|md|json]",
    summary:
      "the policy verdict of every stack (or one): violations, waivers; exit 1 on a violation",
    description:
      "Renders the stacks in one process and runs the policy pack's rules over every resource: restricted pods with limits and pinned images, a locked-down backup bucket and least-privilege role, no plaintext secret, the manuals' backup and restore-drill policy in prod, probes and SLOs, the alert contract. Waivers live in the stack file (policy.waivers) with an owner and an expiry date; an expired waiver is a violation. The same rules run in render (SUMMARY.md), in diff and at `pulumi up --policy-pack policy-pack`.",
    flags: POLICY_FLAGS,
    exits: [EXIT.ok, EXIT.failed, EXIT.usage],
    run: async (args) => (await import("./policy-command.js")).policyCommand(args),
  },
  {
    name: "diff",
    usage: "diff --base <git-ref> [--stack <s>] [--format md|text|json] [--out <file>]",
    summary: "what a change does to every stack: resources, meaning, runbook plans, policy",
    description:
      "Renders every stack (or one) at <git-ref> with that commit's own code, in a git worktree, and in the working tree with the current code, and reports per stack the resources added, removed and changed with the fields that changed (secrets only as changed/unchanged), what the change means (schedules in words, retention in days, alert timings, receivers, IAM), the runbook plans that change, and the policy verdict of both sides. Exit 1 when the working tree violates a rule the base did not.",
    flags: DIFF_FLAGS,
    exits: [EXIT.ok, EXIT.failed, EXIT.usage],
    run: async (args) => (await import("./diff-command.js")).diffCommand(args),
  },
  {
    name: "init",
    usage:
      "init [--platform <name>] [--environments <e,e>] [--runtime kubernetes|local] [--database <name>|none] [--services <s,s>] [--alert-email <address>] [--yes]",
    summary: "make this repository a guardia project: Pulumi.yaml, stack files, program, a runbook",
    description:
      "Asks for (or takes as flags) the platform's name, environments, runtime, database and services, and writes Pulumi.yaml, one stack file per environment in stacks/ with each environment's defaults as comments, the Pulumi program (index.ts, importing guardia/infra), an example runbook of the team's own (runbooks/analyze-db.ts), tsconfig.json, .gitignore, package.json scripts and a README section. A file that exists is never overwritten: package.json only gets the scripts it lacks, README.md the section once. Without a terminal, or with --yes, every question no flag answers takes its default; --platform has none.",
    flags: INIT_FLAGS,
    exits: [EXIT.ok, EXIT.usage],
    run: async (args) => (await import("./init-command.js")).initCommand(args),
  },
  {
    name: "migrate-stack",
    usage: "migrate-stack [--stack <s>] [--dry-run]",
    summary: "rewrite stack files written for an older model version, comments kept",
    description:
      "A stack file says which model version it was written for (`version` under guardia:platform; none means 1). validate refuses a file for an older version, naming each field that changed; migrate-stack rewrites it for this guardia's version, keeping comments and layout, and stamps the version. A change only a person can make is listed and the file is left as it was (exit 2). Every stack file of the project when no --stack is given.",
    flags: MIGRATE_FLAGS,
    exits: [EXIT.ok, EXIT.usage],
    run: async (args) => (await import("./migrate-command.js")).migrateStackCommand(args),
  },
  {
    name: "list",
    usage: "list",
    summary: "the runbooks, each with one line on what it does",
    description: "Lists every registered runbook with its summary.",
    flags: [],
    exits: [EXIT.ok, EXIT.failed, EXIT.usage],
    run: async (args) => (await import("./runbook-command.js")).listCommand(args),
  },
  {
    name: "<runbook>",
    usage: "<runbook> --stack <s> [parameters] [--dry-run] [--yes] [--json] [--operator <who>]",
    summary: "run a procedure; `guardia <runbook> --help` shows its parameters and steps",
    description:
      "Runs the read-only steps, asks before the first change (in prod: type the target's name), takes a lock per target, runs the changes, and rolls back what it can when a later step fails. Every run appends a record to the audit log.",
    flags: RUNBOOK_FLAGS,
    exits: [EXIT.ok, EXIT.failed, EXIT.usage, EXIT.refused],
  },
];

export function exitCodesHelp(exits: readonly ExitCode[] = EXIT_MEANINGS.map(([c]) => c)): string {
  const rows = EXIT_MEANINGS.filter(([code]) => exits.includes(code));
  return `Exit codes:\n${textTable(
    rows.map(([code, meaning]) => [String(code), meaning]),
    "  ",
  )}`;
}

export function usage(): string {
  const lines = COMMANDS.flatMap((c) => [`  guardia ${c.usage}`, `      ${c.summary}`]);
  return [
    `guardia ${GUARDIA_VERSION}: operations as code for one platform environment`,
    "",
    "Usage:",
    ...lines,
    "  guardia <command> --help",
    "      what a command does, its flags and exit codes",
    "  guardia --version",
    "",
    "--stack <s>: a stack name, as Pulumi finds it (Pulumi.<s>.yaml in the stackConfigDir of the",
    "Pulumi.yaml in this folder or the nearest one above), or a path to a stack file.",
    "",
    `Runbooks (guardia list says what each does):\n  ${RUNBOOK_NAMES.join(", ")}`,
    "",
    exitCodesHelp(),
  ].join("\n");
}

/** `guardia <command> --help` for the commands that are not runbooks. */
export function commandHelp(command: CommandSpec): string {
  return [
    `Usage: guardia ${command.usage}`,
    "",
    command.summary,
    "",
    command.description,
    "",
    "Flags:",
    flagsHelp([...command.flags, ...GLOBAL_FLAGS]),
    "",
    exitCodesHelp(command.exits),
  ].join("\n");
}
