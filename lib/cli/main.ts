import { parseArgs, type ParseArgsConfig } from "node:util";
import { EXIT, RefusedError, UsageError } from "../errors.js";
import { printable } from "../printable.js";
import { maskSecrets } from "../secret.js";
import { GUARDIA_VERSION } from "../version.js";

/**
 * guardia's command line. Heavy modules (the Pulumi SDK, the AWS SDK, pg) load only inside the
 * command that needs them: during an incident `guardia --help` and a dry-run must start fast.
 */

const USAGE = `guardia ${GUARDIA_VERSION}: operations as code for one platform environment

Usage:
  guardia render   --stack <s> [--out <dir>]   offline picture of a stack (default out/<s>/)
  guardia validate [--stack <s>]               validate stack files (all in stacks/ when no --stack)
  guardia list                                 runbooks with one-line summaries
  guardia <runbook> --stack <s> [params] [--dry-run] [--yes] [--json] [--operator <who>]
  guardia <runbook> --help                     params, defaults and what each step does
  guardia --version

--stack takes a stack name (stacks/Pulumi.<s>.yaml) or a path to a stack file.
Exit codes: 0 done, 1 failed, 2 bad input, 3 refused (lock held or not confirmed).`;

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  render: async (args) => (await import("./render-command.js")).renderCommand(args),
  validate: async (args) => (await import("./validate-command.js")).validateCommand(args),
  list: async () => (await import("./runbook-command.js")).listCommand(),
};

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === "--help" || command === "-h" || command === "help") {
      process.stdout.write(`${USAGE}\n\nRunbooks:\n`);
      return await (await import("./runbook-command.js")).listCommand();
    }
    if (command === "--version") {
      process.stdout.write(`${GUARDIA_VERSION}\n`);
      return EXIT.ok;
    }
    const run = COMMANDS[command];
    if (run) return await run(rest);
    const runbooks = await import("./runbook-command.js");
    if (runbooks.isRunbook(command)) return await runbooks.runbookCommand(command, rest);
    throw new UsageError(`unknown command "${command}"; see guardia --help`);
  } catch (err) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  const error = err instanceof Error ? err : new Error(String(err));
  // A message may quote a flag's value or a stack's text: masked, and never terminal control.
  process.stderr.write(`guardia: ${printable(maskSecrets(error.message))}\n`);
  if (process.env.GUARDIA_DEBUG && error.stack) process.stderr.write(`${error.stack}\n`);
  if (error instanceof UsageError || error.name === "StackError") return EXIT.usage;
  if (error instanceof RefusedError) return EXIT.refused;
  return EXIT.failed;
}

/** node:util parseArgs, with its errors turned into UsageError (exit 2). */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
