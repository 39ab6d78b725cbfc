import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { EXIT, UsageError } from "../errors.js";
import { loadStack, StackError, stackFilePath } from "../model/index.js";
import { parseFlags, VALIDATE_FLAGS } from "./flags.js";
import { printJson } from "./output.js";

/** `guardia validate [--stack <s>]`: every stack file in stacks/ when no --stack is given. */
export async function validateCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, VALIDATE_FLAGS);
  const refs = typeof flags.stack === "string" ? [flags.stack] : allStackFiles();
  const results: { stackFile: string; ok: boolean; stack?: string; problems?: unknown }[] = [];
  for (const ref of refs) {
    try {
      const stack = loadStack(ref);
      results.push({ stack: stack.name, stackFile: stack.file, ok: true });
      if (!flags.json) process.stdout.write(`ok  ${stack.name}\n`);
    } catch (err) {
      if (!(err instanceof StackError)) throw err;
      results.push({ stackFile: err.file, ok: false, problems: err.problems });
      if (!flags.json) process.stderr.write(`${err.message}\n`);
    }
  }
  const invalid = results.filter((r) => !r.ok).length;
  if (flags.json) {
    const failed = {
      outcome: "bad-input",
      exitCode: EXIT.usage,
      error: `${invalid} of ${results.length} stack file(s) have problems`,
    };
    printJson({
      ...(invalid > 0 ? failed : { outcome: "done", exitCode: EXIT.ok }),
      stacks: results,
    });
  }
  return invalid > 0 ? EXIT.usage : EXIT.ok;
}

function allStackFiles(): string[] {
  const dir = path.dirname(stackFilePath("any"));
  if (!existsSync(dir)) throw new UsageError(`no stacks/ directory at ${dir}`);
  return readdirSync(dir)
    .filter((f) => /^Pulumi\..+\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}
