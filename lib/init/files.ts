import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";
import { stackFileText, stackName, type InitAnswers } from "./stack-file.js";

/**
 * What `guardia init` writes into a team's repository. A file that exists is never overwritten:
 * it is kept as it is, except package.json (the missing scripts are added, none is changed) and
 * README.md (guardia's section is appended once).
 */

export interface InitFile {
  /** Relative to the repository. */
  readonly path: string;
  readonly content: string;
}

/** What happened to one file: written, kept as it was, or which keys were added to it. */
export interface InitOutcome {
  readonly path: string;
  readonly outcome: "written" | "kept" | "updated";
  readonly detail?: string;
}

/** The team's program and example runbook, shipped with the package (examples/team/). */
const EXAMPLES = new URL("../../examples/team/", import.meta.url);
const example = (file: string) => readFileSync(new URL(file, EXAMPLES), "utf8");

export const SCRIPTS: Readonly<Record<string, string>> = {
  validate: "guardia validate",
  render: "guardia render --all",
  policy: "guardia policy",
};

/** `stacks` is where the stack files go: the existing Pulumi.yaml's stackConfigDir, else stacks/. */
export function newFiles(answers: InitAnswers, program: string, stacks: string): InitFile[] {
  return [
    { path: "Pulumi.yaml", content: pulumiYaml(answers, program) },
    ...answers.environments.map((env) => ({
      path: path.join(stacks, `Pulumi.${stackName(answers, env)}.yaml`),
      content: stackFileText(answers, env),
    })),
    { path: program, content: example("index.ts") },
    { path: "runbooks/analyze-db.ts", content: example("runbooks/analyze-db.ts") },
    { path: "tsconfig.json", content: TSCONFIG },
    { path: ".gitignore", content: "node_modules/\nout/\n" },
  ];
}

function pulumiYaml(answers: InitAnswers, program: string): string {
  return `name: ${answers.platform}
description: ${answers.platform}'s operations with guardia (backups, restore drills, monitoring, alerting)
runtime:
  name: nodejs
  options:
    # The program is ESM TypeScript; tsx (a dependency of guardia) loads it.
    typescript: false
    nodeargs: --import tsx
main: ${program}
# guardia and Pulumi both find the stack files here.
stackConfigDir: stacks
`;
}

const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      skipLibCheck: true,
      noEmit: true,
    },
    include: ["*.ts", "*.mts", "runbooks"],
  },
  null,
  2,
)}\n`;

/** Writes each file that does not exist yet; `wx` refuses to replace one created meanwhile. */
export function writeNew(root: string, files: readonly InitFile[]): InitOutcome[] {
  return files.map((file) => {
    const target = path.join(root, file.path);
    if (existsSync(target)) return { path: file.path, outcome: "kept" };
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.content, { flag: "wx" });
    return { path: file.path, outcome: "written" };
  });
}

/**
 * package.json: guardia's scripts where the team has none of that name, and ESM (`"type":
 * "module"`) when it says nothing; a package.json that says "commonjs" keeps it and gets the
 * program as index.mts instead.
 */
export function updatePackageJson(root: string, platform: string): InitOutcome {
  const file = path.join(root, "package.json");
  if (!existsSync(file)) {
    const pkg = { name: platform, private: true, type: "module", scripts: SCRIPTS };
    writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`, { flag: "wx" });
    return { path: "package.json", outcome: "written" };
  }
  const pkg = readPackageJson(file)!;
  const scripts = (pkg.scripts ?? {}) as Record<string, string>;
  const added = Object.keys(SCRIPTS).filter((name) => !(name in scripts));
  const addType = pkg.type === undefined;
  if (added.length === 0 && !addType) return { path: "package.json", outcome: "kept" };
  const updated = {
    ...pkg,
    ...(addType && { type: "module" }),
    scripts: { ...scripts, ...Object.fromEntries(added.map((n) => [n, SCRIPTS[n]!])) },
  };
  writeFileSync(file, `${JSON.stringify(updated, null, 2)}\n`);
  const what = [...added.map((n) => `scripts.${n}`), ...(addType ? ['type: "module"'] : [])];
  return {
    path: "package.json",
    outcome: "updated",
    detail: `added ${what.join(", ")}`,
  };
}

/** The Pulumi program's file: index.ts in an ESM package (or one init makes ESM), else index.mts. */
export function programFile(root: string): string {
  const type = readPackageJson(path.join(root, "package.json"))?.type;
  return type === undefined || type === "module" ? "index.ts" : "index.mts";
}

function readPackageJson(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

export const README_MARKER = "<!-- guardia -->";

/** guardia's section of the README: appended once (the marker says it is there), else kept. */
export function updateReadme(root: string, answers: InitAnswers, program: string): InitOutcome {
  const file = path.join(root, "README.md");
  const section = readmeSection(answers, program);
  if (!existsSync(file)) {
    writeFileSync(file, `# ${answers.platform}\n\n${section}`, { flag: "wx" });
    return { path: "README.md", outcome: "written" };
  }
  const text = readFileSync(file, "utf8");
  if (text.includes(README_MARKER)) return { path: "README.md", outcome: "kept" };
  writeFileSync(file, `${text.replace(/\n*$/, "\n\n")}${section}`);
  return { path: "README.md", outcome: "updated", detail: "appended the Operations section" };
}

function readmeSection(answers: InitAnswers, program: string): string {
  const first = stackName(answers, answers.environments.at(-1)!);
  return `${README_MARKER}
## Operations (guardia)

The stack files in \`stacks/\` (one per environment) describe this platform for
[guardia](https://github.com/guardia-ops/guardia): services, databases, backups, alerting. The
commented lines in them are the defaults each environment gets.

\`\`\`sh
npx guardia validate                     # every stack file: each problem with its YAML path and line
npx guardia render --stack ${first}   # offline picture of what Pulumi would create, in out/${first}/
npx guardia list                         # the runbooks, guardia's and ours (runbooks/)
npx guardia analyze-db --stack ${first} --dry-run
\`\`\`

- \`${program}\` is the Pulumi program (\`pulumi up --stack ${first}\`): guardia's resources and
  our own next to them.
- \`runbooks/\` holds our own runbooks: \`<name>.ts\` with \`defineRunbook\` from
  \`guardia/runbook\` is \`guardia <name>\`, with the same dry run, confirmation, lock, audit log
  and report as guardia's own. A scheduled one needs an image with this folder (\`jobs.image\`).
`;
}
