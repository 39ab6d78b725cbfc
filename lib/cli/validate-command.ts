import path from "node:path";
import { EXIT, UsageError } from "../errors.js";
import { t } from "../i18n/index.js";
import { findProject, loadStack, projectStackFiles, StackError } from "../model/index.js";
import { printable } from "../user-text.js";
import { parseFlags, VALIDATE_FLAGS } from "./flags.js";
import { printJson } from "./output.js";

interface Result {
  readonly stackFile: string;
  readonly ok: boolean;
  readonly stack?: string;
  readonly problems?: unknown;
  readonly error?: string;
}

/**
 * `guardia validate [--stack <s>]`: every stack file of the project (the nearest Pulumi.yaml's
 * stackConfigDir) when no --stack is given. One bad file never hides the others.
 */
export async function validateCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, VALIDATE_FLAGS);
  const refs = typeof flags.stack === "string" ? [flags.stack] : projectStackFiles();
  if (refs.length === 0) {
    const dir = findProject()?.stackConfigDir ?? process.cwd();
    throw new UsageError(
      t`no stack files (Pulumi.<stack>.yaml) in ${path.relative(".", dir) || "."}`,
    );
  }
  const results = refs.map((ref) => validateOne(ref, flags.json === true));
  const invalid = results.filter((r) => !r.ok && r.problems).length;
  const failed = results.filter((r) => !r.ok && !r.problems).length;
  const exitCode = failed > 0 ? EXIT.failed : invalid > 0 ? EXIT.usage : EXIT.ok;
  if (flags.json) {
    const error = t`${invalid + failed} of ${results.length} stack file(s) have problems`;
    const outcome = failed > 0 ? "failed" : invalid > 0 ? "bad-input" : "done";
    printJson({ outcome, exitCode, ...(exitCode !== EXIT.ok && { error }), stacks: results });
  }
  return exitCode;
}

function validateOne(ref: string, json: boolean): Result {
  try {
    const stack = loadStack(ref);
    if (!json) process.stdout.write(`ok  ${printable(stack.name)}\n`);
    return { stack: stack.name, stackFile: stack.file, ok: true };
  } catch (err) {
    // A StackError's message is already safe to print; anything else is guardia's own failure.
    if (err instanceof StackError) {
      if (!json) process.stderr.write(`${err.message}\n`);
      return { stackFile: err.file, ok: false, problems: err.problems };
    }
    const error = `${printable(ref)}: ${printable(String(err), 300)}`;
    if (!json) process.stderr.write(`${error}\n`);
    return { stackFile: ref, ok: false, error };
  }
}
