import path from "node:path";
import { EXIT, UsageError } from "../errors.js";
import { findProject, loadStack, projectStackFiles, StackError } from "../model/index.js";
import { printable } from "../user-text.js";
import { parseFlags } from "./main.js";

/**
 * `guardia validate [--stack <s>]`: one stack, or every stack file of the Pulumi project the
 * working folder is in (its `stackConfigDir`). Each file is checked on its own: a broken one is
 * reported and the others are still validated. Exit 2 when any is invalid.
 */
export async function validateCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, { stack: { type: "string" } });
  const refs = flags.stack ? [flags.stack] : projectStackFiles();
  if (refs.length === 0) {
    const dir = findProject()?.stackConfigDir ?? process.cwd();
    throw new UsageError(
      `no stack files (Pulumi.<stack>.yaml) in ${path.relative(".", dir) || "."}`,
    );
  }
  let invalid = 0;
  let failed = 0;
  for (const ref of refs) {
    try {
      const stack = loadStack(ref);
      process.stdout.write(`ok  ${printable(stack.name)}\n`);
    } catch (err) {
      // A StackError's message is already safe to print; anything else is guardia's own failure.
      if (err instanceof StackError) invalid++;
      else failed++;
      const message =
        err instanceof StackError
          ? err.message
          : `${printable(ref)}: ${printable(String(err), 300)}`;
      process.stderr.write(`${message}\n`);
    }
  }
  return failed > 0 ? EXIT.failed : invalid > 0 ? EXIT.usage : EXIT.ok;
}
