import { readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { EXIT, UsageError } from "../errors.js";
import { t } from "../i18n/index.js";
import { projectStackFiles, stackFilePath } from "../model/index.js";
import { migrateStackText, MODEL_VERSION } from "../model/version.js";
import { printable } from "../user-text.js";
import { MIGRATE_FLAGS, parseFlags } from "./flags.js";
import { printJson } from "./output.js";

/**
 * `guardia migrate-stack [--stack <s>] [--dry-run]`: rewrites stack files written for an older
 * model for this one, comments kept; every stack file of the project without --stack. A change
 * no code can make is listed for a person, and the file is left as it was.
 */
export async function migrateStackCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, MIGRATE_FLAGS);
  const files =
    typeof flags.stack === "string" ? [stackFilePath(flags.stack)] : projectStackFiles();
  const results = files.map((file) => migrateOne(file, flags["dry-run"] === true));
  const manual = results.flatMap((r) => r.manual.map((m) => `${r.file}: ${m}`));
  if (flags.json) {
    const exitCode = manual.length > 0 ? EXIT.usage : EXIT.ok;
    printJson({
      outcome: exitCode ? "bad-input" : "done",
      exitCode,
      version: MODEL_VERSION,
      results,
    });
    return exitCode;
  }
  for (const r of results) {
    const shown = path.relative(process.cwd(), r.file) || r.file;
    const what = r.applied.length > 0 ? r.applied.join("; ") : t`already current`;
    const status = flags["dry-run"] && r.applied.length ? t`would migrate` : "ok";
    process.stdout.write(`${status}  ${shown}: ${what}\n`);
  }
  if (manual.length > 0)
    throw new UsageError(
      t`changes to make by hand (those files were not written):\n${manual.join("\n")}`,
    );
  return EXIT.ok;
}

function migrateOne(file: string, dryRun: boolean) {
  let migrated;
  try {
    migrated = migrateStackText(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`${printable(file)}: ${(err as Error).message}`);
  }
  const manual = migrated.manual.map((c) => `${c.path}: ${c.change}`);
  if (!dryRun && manual.length === 0 && migrated.applied.length > 0) {
    const staging = `${file}.tmp-${process.pid}`;
    writeFileSync(staging, migrated.text);
    renameSync(staging, file);
  }
  return { file, applied: migrated.applied, manual };
}
