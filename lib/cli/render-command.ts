import path from "node:path";
import { EXIT, UsageError } from "../errors.js";
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
