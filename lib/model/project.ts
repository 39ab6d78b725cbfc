import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { printable } from "../user-text.js";
import { StackError } from "./stack-error.js";

/**
 * Where a stack file is: `--stack <name>` finds `Pulumi.<name>.yaml` the way Pulumi does, in the
 * `stackConfigDir` of the project whose `Pulumi.yaml` is in the working folder or above it. There
 * is no other place: a name never resolves to guardia's own example stacks, so an operator
 * outside their project is told so instead of planning against an example.
 */

export interface PulumiProject {
  /** The folder holding `Pulumi.yaml`. */
  readonly root: string;
  /** Absolute folder of the stack files: `stackConfigDir` of `Pulumi.yaml`, else `root`. */
  readonly stackConfigDir: string;
}

const PROJECT_FILES = ["Pulumi.yaml", "Pulumi.yml"];

/** The Pulumi project `cwd` belongs to: the nearest `Pulumi.yaml` in `cwd` or a folder above. */
export function findProject(cwd = process.cwd()): PulumiProject | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const file = PROJECT_FILES.map((f) => path.join(dir, f)).find((f) => existsSync(f));
    if (file) return { root: dir, stackConfigDir: stackConfigDirOf(file) };
    if (path.dirname(dir) === dir) return undefined;
  }
}

function stackConfigDirOf(projectFile: string): string {
  const root = path.dirname(projectFile);
  let project: unknown;
  try {
    project = parse(readFileSync(projectFile, "utf8"));
  } catch (err) {
    throw projectError(
      projectFile,
      `not a readable Pulumi project file: ${(err as Error).message}`,
    );
  }
  const dir = (project as { stackConfigDir?: unknown } | null)?.stackConfigDir;
  if (dir === undefined || dir === null) return root;
  if (typeof dir !== "string") throw projectError(projectFile, "`stackConfigDir` must be a path");
  return path.resolve(root, dir);
}

function projectError(file: string, message: string): StackError {
  return new StackError(file, [
    { path: "(file)", line: undefined, message: printable(message, 200) },
  ]);
}

/** Whether `--stack` got a path rather than a stack name. */
export function isStackPath(ref: string): boolean {
  return ref.includes("/") || /\.ya?ml$/.test(ref);
}

/**
 * The absolute path of the stack file `--stack <ref>` means: a path as given (relative to
 * `cwd`), a name as `Pulumi.<name>.yaml` in the project's stackConfigDir. Throws StackError
 * outside a Pulumi project, saying what was looked for and what to do instead.
 */
export function stackFilePath(ref: string, cwd = process.cwd()): string {
  if (isStackPath(ref)) return path.resolve(cwd, ref);
  const project = findProject(cwd);
  const fileName = `Pulumi.${ref}.yaml`;
  if (!project) {
    throw new StackError(fileName, [
      {
        path: "(file)",
        line: undefined,
        message: `no Pulumi project here to find stack ${JSON.stringify(printable(ref, 80))} in: looked for Pulumi.yaml in ${path.resolve(cwd)} and every folder above it. Run guardia inside the project that holds the stack, or pass the stack file's path (--stack path/to/${printable(fileName, 80)})`,
      },
    ]);
  }
  const yaml = path.join(project.stackConfigDir, fileName);
  const yml = yaml.replace(/\.yaml$/, ".yml");
  return !existsSync(yaml) && existsSync(yml) ? yml : yaml;
}

/** Every stack file of the project `cwd` belongs to, sorted; throws StackError outside one. */
export function projectStackFiles(cwd = process.cwd()): string[] {
  const project = findProject(cwd);
  if (!project) {
    throw new StackError("Pulumi.yaml", [
      {
        path: "(file)",
        line: undefined,
        message: `no Pulumi project here: looked for Pulumi.yaml in ${path.resolve(cwd)} and every folder above it. Run guardia validate inside the project, or name a stack file (--stack path/to/Pulumi.<stack>.yaml)`,
      },
    ]);
  }
  const dir = project.stackConfigDir;
  const names = existsSync(dir) ? readdirSync(dir) : [];
  return names
    .filter((f) => /^Pulumi\..+\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}
