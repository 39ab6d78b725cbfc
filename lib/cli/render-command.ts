import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { EXIT, UsageError } from "../errors.js";
import { loadStack, StackError, stackFilePath } from "../model/index.js";
import { renderStack, writeRender } from "../render/render.js";
import { parseFlags } from "./main.js";

/** `guardia render --stack <s> [--out <dir>]` */
export async function renderCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, { stack: { type: "string" }, out: { type: "string" } });
  if (!flags.stack) throw new UsageError("render needs --stack <name or path>");
  const render = await renderStack(flags.stack);
  const outDir = path.resolve(flags.out ?? path.join("out", render.stack.name));
  writeRender(render, outDir);
  const shown = path.relative(process.cwd(), outDir) || ".";
  process.stdout.write(
    `rendered ${render.stack.name}: ${render.files.length} resources in ${shown}/ (see ${shown}/SUMMARY.md)\n`,
  );
  return EXIT.ok;
}

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

function allStackFiles(): string[] {
  const dir = path.dirname(stackFilePath("any"));
  if (!existsSync(dir)) throw new UsageError(`no stacks/ directory at ${dir}`);
  return readdirSync(dir)
    .filter((f) => /^Pulumi\..+\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}
