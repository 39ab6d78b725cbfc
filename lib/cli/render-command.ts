import path from "node:path";
import { EXIT, UsageError } from "../errors.js";
import { renderStack, renderStacks, writeRender, type Render } from "../render/render.js";
import { parseFlags } from "./main.js";
import { allStackFiles } from "./validate-command.js";

/** `guardia render --stack <s> [--out <dir>]`, or `--all` into `<out>/<stack>/` each. */
export async function renderCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    stack: { type: "string" },
    all: { type: "boolean" },
    out: { type: "string" },
  });
  if (flags.all && flags.stack) throw new UsageError("render takes --stack <s> or --all, not both");
  if (flags.all) {
    // One process for every stack: the Pulumi SDK loads once. Each lands where --stack puts it.
    const renders = await renderStacks(allStackFiles());
    for (const render of renders) write(render, path.join(flags.out ?? "out", render.stack.name));
    return EXIT.ok;
  }
  if (!flags.stack) throw new UsageError("render needs --stack <name or path>");
  const render = await renderStack(flags.stack);
  write(render, flags.out ?? path.join("out", render.stack.name));
  return EXIT.ok;
}

function write(render: Render, out: string): void {
  const outDir = path.resolve(out);
  writeRender(render, outDir);
  const shown = path.relative(process.cwd(), outDir) || ".";
  process.stdout.write(
    `rendered ${render.stack.name}: ${render.files.length} resources in ${shown}/ (see ${shown}/SUMMARY.md)\n`,
  );
}
