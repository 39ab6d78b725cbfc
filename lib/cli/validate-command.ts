import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { EXIT, UsageError } from "../errors.js";
import { loadStack, StackError, stackFilePath } from "../model/index.js";
import { parseFlags } from "./main.js";

/** `guardia validate [--stack <s>]`: every stack file in stacks/ when no --stack is given. */
export async function validateCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, { stack: { type: "string" } });
  const refs = flags.stack ? [flags.stack] : allStackFiles();
  let invalid = 0;
  for (const ref of refs) {
    try {
      const stack = loadStack(ref);
      process.stdout.write(`ok  ${stack.name}\n`);
    } catch (err) {
      if (!(err instanceof StackError)) throw err;
      invalid++;
      process.stderr.write(`${err.message}\n`);
    }
  }
  return invalid > 0 ? EXIT.usage : EXIT.ok;
}

/** Every stack file in the stacks directory, sorted by name. */
export function allStackFiles(): string[] {
  const dir = path.dirname(stackFilePath("any"));
  if (!existsSync(dir)) throw new UsageError(`no stacks/ directory at ${dir}`);
  return readdirSync(dir)
    .filter((f) => /^Pulumi\..+\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}
