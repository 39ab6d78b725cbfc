import { writeFileSync } from "node:fs";
import path from "node:path";
import { hasNewViolations, diffAgainst, type DiffResult } from "../diff/diff.js";
import { markdownComment, textReport } from "../diff/report.js";
import { EXIT, UsageError } from "../errors.js";
import { t } from "../i18n/index.js";
import { loadStack, projectStackFiles } from "../model/index.js";
import { DIFF_FLAGS, parseFlags } from "./flags.js";
import { quoted } from "../user-text.js";

const FORMATS = ["text", "md", "json"] as const;

/**
 * `guardia diff --base <git-ref> [--stack <s>] [--format md|text|json] [--out <file>]`: exit 0
 * when nothing new violates policy, 1 when the working tree violates a rule the base did not.
 */
export async function diffCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, DIFF_FLAGS) as {
    base?: string;
    stack?: string;
    format?: string;
    out?: string;
  };
  if (!flags.base) throw new UsageError(t`diff needs --base <git ref> (e.g. origin/main, HEAD~1)`);
  const format = flags.format ?? "text";
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(t`--format: expected one of ${FORMATS.join(", ")}, got ${quoted(format)}`);
  }
  const result = await diffAgainst({
    base: flags.base,
    stacks: flags.stack ? [flags.stack] : projectStackFiles(),
    ...(flags.stack && { only: loadStack(flags.stack).name }),
    cwd: process.cwd(),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  write(render(result, format, flags.out), flags.out);
  return hasNewViolations(result) ? EXIT.failed : EXIT.ok;
}

function render(result: DiffResult, format: string, out: string | undefined): string {
  if (format === "json") return `${JSON.stringify(result, null, 2)}\n`;
  if (format === "text") return textReport(result);
  // The whole report goes beside the comment when the comment has to be cut.
  const fullFile = out ? out.replace(/(\.md)?$/, ".full.md") : "guardia-diff.full.md";
  const { comment, full } = markdownComment(result, path.basename(fullFile));
  if (full !== undefined) writeFileSync(fullFile, full);
  return comment;
}

function write(text: string, out: string | undefined): void {
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
}
