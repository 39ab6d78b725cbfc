import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Plugin } from "esbuild";
import { isRunbook } from "../../runbooks/index.js";
import { UsageError } from "../errors.js";
import { t } from "../i18n/index.js";
import { findProject } from "../model/project.js";
import { printable } from "../user-text.js";
import type { RunbookDefinition } from "./types.js";

/**
 * A team's own runbooks: `runbooks/<name>.ts` (or .mts, .js, .mjs) next to the Pulumi.yaml of
 * the project guardia runs in, each a `defineRunbook` from `guardia/runbook` as its default
 * export. Finding them reads one folder; a file is bundled (esbuild, TypeScript included) and
 * loaded only when it is run or listed, so the team builds nothing and `guardia --help` stays fast.
 */

export interface TeamRunbook {
  readonly name: string;
  readonly file: string;
}

export const TEAM_RUNBOOKS_DIR = "runbooks";
const EXTENSIONS = [".ts", ".mts", ".js", ".mjs"];
/** The file's name is the runbook's CLI name, so it is known without loading the file. */
const NAME = /^[a-z][a-z-]*[a-z]$/;

/** guardia's own checkout: its runbooks/ folder is the built-in registry, not a team's. */
const OWN_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The team's runbooks of the project `cwd` belongs to, by name; throws on a clash with a built-in. */
export function teamRunbooks(cwd = process.cwd()): TeamRunbook[] {
  const project = findProject(cwd);
  if (!project || path.resolve(project.root) === path.resolve(OWN_ROOT)) return [];
  const dir = path.join(project.root, TEAM_RUNBOOKS_DIR);
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => EXTENSIONS.includes(path.extname(f)) && !f.endsWith(".d.ts"))
    .sort();
  const found = files.map((f) => ({
    name: path.basename(f, path.extname(f)),
    file: path.join(dir, f),
  }));
  const problems = found.flatMap(({ name, file }) => problemsOf(name, file, found));
  if (problems.length > 0)
    throw new UsageError(t`the team's runbooks in ${dir}:\n${problems.join("\n")}`);
  return found;
}

function problemsOf(name: string, file: string, all: readonly TeamRunbook[]): string[] {
  const shown = printable(path.basename(file), 100);
  if (!NAME.test(name))
    return [t`  ${shown}: a runbook's file name is its command: lowercase words joined by "-"`];
  if (isRunbook(name))
    return [
      t`  ${shown}: "${name}" is a built-in guardia runbook; give the team's runbook another name`,
    ];
  if (all.find((r) => r.name === name)?.file !== file)
    return [t`  ${shown}: another file in the folder is already runbook "${name}"`];
  return [];
}

/** Bundles a team runbook (imports of `guardia/*` become this guardia's own modules) and loads it. */
export async function loadTeamRunbook(
  runbook: TeamRunbook,
  cwd = process.cwd(),
): Promise<RunbookDefinition> {
  const code = await bundle(runbook.file);
  const module = (await import(pathToFileURL(cacheFile(runbook, code, cwd)).href)) as {
    default?: unknown;
  };
  return checked(runbook, module.default);
}

async function bundle(file: string): Promise<string> {
  const { build } = await import("esbuild");
  try {
    const result = await build({
      entryPoints: [file],
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      target: "node20",
      plugins: [guardiaApi()],
      logLevel: "silent",
    });
    return result.outputFiles[0]!.text;
  } catch (err) {
    const messages = (err as { errors?: { text: string; location?: { line: number } }[] }).errors;
    const lines = messages?.map((m) =>
      m.location ? t`  line ${m.location.line}: ${m.text}` : `  ${m.text}`,
    );
    const why = lines?.join("\n") ?? (err as Error).message;
    throw new UsageError(t`${file} does not build:\n${why}`);
  }
}

/** The public entry points, as files of the running guardia; every other package stays external. */
function guardiaApi(): Plugin {
  const own = import.meta.url.endsWith(".ts") ? "../api/%s.ts" : "./%s.js";
  return {
    name: "guardia-api",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, ({ path: specifier }) => {
        const match = /^guardia(?:\/(.*))?$/.exec(specifier);
        if (!match) return { path: specifier, external: true };
        const entry = match[1];
        if (entry !== "model" && entry !== "infra" && entry !== "runbook")
          return {
            errors: [
              {
                text: t`"${specifier}" is not part of guardia's public API: import guardia/model, guardia/infra or guardia/runbook`,
              },
            ],
          };
        return { path: new URL(own.replace("%s", entry), import.meta.url).href, external: true };
      });
    },
  };
}

/**
 * The bundle, written where the team's own packages resolve from (node_modules/.cache of the
 * project), under a name that is its content's hash: same code, same file, never rewritten.
 */
function cacheFile(runbook: TeamRunbook, code: string, cwd: string): string {
  const root = findProject(cwd)?.root ?? path.dirname(path.dirname(runbook.file));
  const dir = path.join(root, "node_modules", ".cache", "guardia", "runbooks");
  const hash = createHash("sha256").update(code).digest("hex").slice(0, 16);
  const file = path.join(dir, `${runbook.name}-${hash}.mjs`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const staging = `${file}.tmp-${process.pid}`;
  writeFileSync(staging, code);
  renameSync(staging, file);
  return file;
}

function checked(runbook: TeamRunbook, definition: unknown): RunbookDefinition {
  const d = definition as Partial<RunbookDefinition> | undefined;
  const where = printable(runbook.file, 200);
  if (!d || typeof d.plan !== "function" || typeof d.name !== "string")
    throw new UsageError(
      t`${where}: its default export must be a runbook: export default defineRunbook({ name: "${runbook.name}", ... }) with defineRunbook from "guardia/runbook"`,
    );
  if (d.name !== runbook.name)
    throw new UsageError(
      t`${where} defines runbook "${printable(d.name, 80)}": the file's name and the runbook's must be the same`,
    );
  return d as RunbookDefinition;
}
