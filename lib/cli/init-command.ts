import { mkdirSync } from "node:fs";
import path from "node:path";
import { EXIT } from "../errors.js";
import { t } from "../i18n/index.js";
import { initAnswers } from "../init/answers.js";
import { newFiles, programFile, updatePackageJson, updateReadme, writeNew } from "../init/files.js";
import { stackName } from "../init/stack-file.js";
import { findProject } from "../model/project.js";
import { textTable } from "../table.js";
import { INIT_FLAGS, parseFlags } from "./flags.js";
import { printJson } from "./output.js";

/**
 * `guardia init`: makes the repository it runs in a guardia project — Pulumi.yaml, one stack
 * file per environment, the Pulumi program, an example runbook of the team's own, package.json
 * scripts and a README section — without overwriting a file that exists.
 */
export async function initCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, INIT_FLAGS);
  const answers = await initAnswers(flags, process.stdin.isTTY === true);
  const root = path.resolve(typeof flags.dir === "string" ? flags.dir : ".");
  mkdirSync(root, { recursive: true });
  // A Pulumi.yaml already there keeps its stackConfigDir: the stack files go where it looks.
  const existing = findProject(root);
  const stacks =
    existing && existing.root === root ? path.relative(root, existing.stackConfigDir) : "stacks";
  // Everything is read and made before the first file is written.
  const program = programFile(root);
  const files = newFiles(answers, program, stacks || ".");
  const outcomes = [
    updatePackageJson(root, answers.platform),
    ...writeNew(root, files),
    updateReadme(root, answers, program),
  ];
  if (flags.json) {
    printJson({ outcome: "done", exitCode: EXIT.ok, root, files: outcomes });
    return EXIT.ok;
  }
  const rows = outcomes.map((o) => [o.outcome, o.path, o.detail ?? ""]);
  const stack = stackName(answers, answers.environments.at(-1)!);
  process.stdout.write(
    [
      t`guardia init in ${root}:`,
      textTable(rows, "  "),
      "",
      t`Next:`,
      "  npx guardia validate",
      `  npx guardia render --stack ${stack}`,
      `  npx guardia analyze-db --stack ${stack} --dry-run`,
      "",
    ].join("\n"),
  );
  return EXIT.ok;
}
