import path from "node:path";
import { EXIT, UsageError } from "../errors.js";
import { parseFlags, RENDER_FLAGS } from "./flags.js";
import { printJson } from "./output.js";

/** `guardia render --stack <s> [--out <dir>] [--json]` */
export async function renderCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, RENDER_FLAGS);
  if (typeof flags.stack !== "string") throw new UsageError("render needs --stack <name or path>");
  // The Pulumi SDK loads only once the flags are known to be right.
  const { renderStack, writeRender } = await import("../render/render.js");
  const render = await renderStack(flags.stack);
  const outDir = path.resolve(
    typeof flags.out === "string" ? flags.out : path.join("out", render.stack.name),
  );
  writeRender(render, outDir);
  if (flags.json) {
    printJson({
      outcome: "done",
      exitCode: EXIT.ok,
      stack: render.stack.name,
      stackFile: render.stack.file,
      out: outDir,
      files: render.files.map((f) => f.path),
    });
    return EXIT.ok;
  }
  const shown = path.relative(process.cwd(), outDir) || ".";
  process.stdout.write(
    `rendered ${render.stack.name} from ${render.stack.file}: ${render.files.length} resources in ${shown}/ (see ${shown}/SUMMARY.md)\n`,
  );
  return EXIT.ok;
}
