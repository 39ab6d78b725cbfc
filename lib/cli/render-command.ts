import path from "node:path";
import { EXIT, UsageError } from "../errors.js";
import { t } from "../i18n/index.js";
import { projectStackFiles } from "../model/index.js";
import type { Render } from "../render/render.js";
import { parseFlags, RENDER_FLAGS } from "./flags.js";
import { printJson } from "./output.js";

/** `guardia render --stack <s> [--out <dir>] [--json]`, or `--all` into `<out>/<stack>/` each. */
export async function renderCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, RENDER_FLAGS);
  const out = typeof flags.out === "string" ? flags.out : undefined;
  if (flags.all && typeof flags.stack === "string")
    throw new UsageError(t`render takes --stack <s> or --all, not both`);
  if (!flags.all && typeof flags.stack !== "string")
    throw new UsageError(t`render needs --stack <name or path>`);
  // The Pulumi SDK loads only once the flags are known to be right.
  const { renderStack, renderStacks } = await import("../render/render.js");
  // --all: one process for every stack, the Pulumi SDK loaded once; each lands where --stack puts it.
  const renders = flags.all
    ? await renderStacks(projectStackFiles())
    : [await renderStack(flags.stack as string)];
  const written = await Promise.all(
    renders.map((r) => write(r, out && !flags.all ? out : path.join(out ?? "out", r.stack.name))),
  );
  if (flags.json) {
    printJson({
      outcome: "done",
      exitCode: EXIT.ok,
      ...(flags.all ? { stacks: written } : written[0]),
    });
    return EXIT.ok;
  }
  for (const w of written) {
    const shown = path.relative(process.cwd(), w.out) || ".";
    process.stdout.write(
      `${t`rendered ${w.stack} from ${w.stackFile}: ${w.files.length} resources in ${shown}/ (see ${shown}/SUMMARY.md)`}\n`,
    );
  }
  return EXIT.ok;
}

async function write(render: Render, out: string) {
  const { writeRender } = await import("../render/render.js");
  const outDir = path.resolve(out);
  writeRender(render, outDir);
  return {
    stack: render.stack.name,
    stackFile: render.stack.file,
    out: outDir,
    files: render.files.map((f) => f.path),
  };
}
