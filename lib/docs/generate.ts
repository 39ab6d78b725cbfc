import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { backupCronJobNames } from "../backup/job-names.js";
import { loadRunbook, RUNBOOK_NAMES } from "../../runbooks/index.js";
import { loadStack } from "../model/index.js";
import { alertCatalogue, monitoringContext } from "../monitoring/catalogue.js";
import { fieldReference } from "./field-reference.js";
import {
  alertsTable,
  commandsTable,
  exitCodesTable,
  fieldTables,
  flagsTable,
  prioritiesTable,
  runbookPage,
  runbooksTable,
} from "./markdown.js";

/**
 * `npm run docs`: every generated page and every generated section of a hand-written page, as
 * the repository must hold them. A test compares them with the committed files, so docs that
 * no longer match the code fail CI. Generated sections sit between two markers:
 * `<!-- generated: <name> (npm run docs) -->` and `<!-- end generated: <name> -->`.
 */

export const REPO_ROOT = path.resolve(fileURLToPath(import.meta.url), "../../..");
export const RUNBOOK_PAGES = "docs/runbooks";
const EXAMPLE_STACK = "stacks/Pulumi.mira-prod.yaml";

export interface GeneratedFile {
  /** Relative to the repository root. */
  readonly path: string;
  readonly content: string;
}

export async function generatedDocs(root = REPO_ROOT): Promise<GeneratedFile[]> {
  const definitions = await Promise.all(RUNBOOK_NAMES.map((name) => loadRunbook(name)));
  const read = (file: string) => readFileSync(path.join(root, file), "utf8");
  const model = ["lib/model/schema.ts", "lib/model/fields.ts"].map((f) => path.join(root, f));
  const manifest = [path.join(root, "lib/backup/manifest.ts")];
  const files: GeneratedFile[] = [
    ...definitions.map((d) => ({
      path: `${RUNBOOK_PAGES}/${d.name}.md`,
      content: runbookPage(d),
    })),
    { path: `${RUNBOOK_PAGES}/README.md`, content: runbooksIndex(runbooksTable(definitions, "")) },
    withSections("README.md", read("README.md"), {
      runbooks: runbooksTable(definitions, `${RUNBOOK_PAGES}/`),
    }),
    withSections("docs/cli.md", read("docs/cli.md"), {
      commands: commandsTable(),
      "runbook-flags": flagsTable(),
      "exit-codes": exitCodesTable(),
    }),
    withSections("docs/stack-model.md", read("docs/stack-model.md"), {
      fields: fieldTables(fieldReference(model, "platformInput", "guardia:platform")),
    }),
    withSections("docs/backups.md", read("docs/backups.md"), {
      manifest: fieldTables(fieldReference(manifest, "manifestSchema", "manifest.json")),
    }),
    withSections("docs/alerts.md", read("docs/alerts.md"), {
      priorities: prioritiesTable(),
      catalogue: alertsTable(exampleAlerts(root), "runbooks/"),
    }),
  ];
  const config = (await resolveConfig(path.join(root, "README.md"))) ?? {};
  return Promise.all(
    files.map(async (file) => ({
      path: file.path,
      content: await format(file.content, { ...config, filepath: path.join(root, file.path) }),
    })),
  );
}

/** Writes what `generatedDocs` returns and removes pages of runbooks no longer registered. */
export async function writeDocs(root = REPO_ROOT): Promise<string[]> {
  const files = await generatedDocs(root);
  const changed: string[] = [];
  for (const file of files) {
    const target = path.join(root, file.path);
    if (existsSync(target) && readFileSync(target, "utf8") === file.content) continue;
    writeFileSync(target, file.content);
    changed.push(file.path);
  }
  for (const stale of stalePages(files, root)) {
    rmSync(path.join(root, stale));
    changed.push(stale);
  }
  return changed;
}

/** Pages under docs/runbooks/ that no registered runbook generates. */
export function stalePages(files: readonly GeneratedFile[], root = REPO_ROOT): string[] {
  const wanted = new Set(files.map((f) => f.path));
  return readdirSync(path.join(root, RUNBOOK_PAGES))
    .map((name) => `${RUNBOOK_PAGES}/${name}`)
    .filter((file) => !wanted.has(file));
}

function withSections(
  file: string,
  text: string,
  sections: Readonly<Record<string, string>>,
): GeneratedFile {
  let content = text;
  for (const [name, body] of Object.entries(sections)) {
    const start = `<!-- generated: ${name} (npm run docs) -->`;
    const end = `<!-- end generated: ${name} -->`;
    const from = content.indexOf(start);
    const to = content.indexOf(end);
    if (from === -1 || to < from) throw new Error(`${file}: no "${start}" … "${end}" section`);
    content = `${content.slice(0, from + start.length)}\n\n${body}\n\n${content.slice(to)}`;
  }
  return { path: file, content };
}

/** The alert catalogue of the example stack the docs show, in English as the docs are. */
function exampleAlerts(root: string) {
  const stack = loadStack(path.join(root, EXAMPLE_STACK));
  const platform = { ...stack.platform, language: "en" as const };
  return alertCatalogue(monitoringContext(platform, stack.name, backupCronJobNames(platform)));
}

function runbooksIndex(table: string): string {
  return [
    "# Runbooks",
    "",
    "_Generated from the registry (`runbooks/index.ts`) by `npm run docs`._",
    "",
    "Each page says what the runbook does, which procedure of the operations manuals it codifies, its parameters and steps, its exit codes and what a failure leaves. Every alert's `runbook_url` points to one of them. `guardia <runbook> --help` prints the same in the terminal.",
    "",
    table,
    "",
  ].join("\n");
}
