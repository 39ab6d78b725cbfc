import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { blobAt, blobOfWorkingFile, git } from "./git.js";
import { readRenderTree, type StackRender } from "./snapshot.js";

/**
 * The base side of `guardia diff`: every stack rendered by the base commit's own code, so a
 * change in infra/ or lib/ shows up, not only a change of stack files. The commit is checked out
 * as a git worktree, given the working tree's node_modules when package-lock.json did not change
 * (`npm ci` otherwise), and its own `guardia render --all` writes into a cache kept per commit:
 * a commit's render never changes, so the second diff against it reads the cache.
 */

export interface BaseRenderOptions {
  /** The repository's top directory. */
  readonly root: string;
  readonly commit: string;
  /** The project directory (where guardia runs, with stacks/ and node_modules/), inside the root. */
  readonly project: string;
  /** Progress for a person (stderr). */
  readonly log: (line: string) => void;
}

/** GUARDIA_CACHE_DIR, else `.guardia-cache/` in the repository (it ignores itself in git). */
export function cacheDir(root: string): string {
  const dir = process.env.GUARDIA_CACHE_DIR ?? path.join(root, ".guardia-cache");
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, ".gitignore"), "# guardia diff's cache of base renders\n*\n");
  }
  return dir;
}

export async function baseRender(options: BaseRenderOptions): Promise<StackRender[]> {
  const target = path.join(cacheDir(options.root), "renders", options.commit);
  if (!existsSync(target)) await renderIntoCache(options, target);
  return readRenderTree(target);
}

async function renderIntoCache(options: BaseRenderOptions, target: string): Promise<void> {
  const { root, commit, log } = options;
  const cache = cacheDir(root);
  const worktree = path.join(cache, "worktrees", `${commit.slice(0, 12)}-${process.pid}`);
  const staging = `${target}.tmp-${process.pid}`;
  log(
    `rendering the base ${commit.slice(0, 12)} with its own code in a git worktree (cached for the next diff)`,
  );
  git(["worktree", "add", "--detach", "--force", worktree, commit], root);
  try {
    const project = path.join(worktree, path.relative(root, options.project));
    await installDependencies(options, project);
    rmSync(staging, { recursive: true, force: true });
    await renderAll(project, staging);
    publish(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    try {
      git(["worktree", "remove", "--force", worktree], root);
    } catch {
      rmSync(worktree, { recursive: true, force: true });
      git(["worktree", "prune"], root);
    }
  }
}

/** The working tree's node_modules when the lock file is the same; a clean install otherwise. */
async function installDependencies(options: BaseRenderOptions, project: string): Promise<void> {
  const lock = path.relative(options.root, path.join(options.project, "package-lock.json"));
  const same = blobAt(options.root, options.commit, lock) === blobOfWorkingFile(options.root, lock);
  const modules = path.join(options.project, "node_modules");
  if (existsSync(path.join(project, "node_modules"))) return;
  if (same && existsSync(modules)) {
    symlinkSync(modules, path.join(project, "node_modules"), "dir");
    return;
  }
  options.log("package-lock.json differs at the base: npm ci in its worktree");
  await run("npm", ["ci", "--no-audit", "--no-fund"], project);
}

/** The base's own guardia: the repository's bin/ (guardia itself) or its installed package. */
function guardiaOf(project: string): string {
  const candidates = [
    path.join(project, "bin", "guardia.js"),
    path.join(project, "node_modules", "guardia", "bin", "guardia.js"),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new Error(`the base has no guardia to render with (looked for ${candidates.join(", ")})`);
  return found;
}

/**
 * `guardia render --all --out <dir>`; a base from before `--all` existed renders stack by stack
 * (`--stack`, one process each), into the same layout.
 */
async function renderAll(project: string, out: string): Promise<void> {
  const guardia = guardiaOf(project);
  const all = await run(
    process.execPath,
    [guardia, "render", "--all", "--out", out],
    project,
    true,
  );
  if (all.code === 0) return;
  if (!/--all/.test(all.stderr))
    throw new Error(`rendering the base failed:\n${all.stderr.trim()}`);
  const stacks = path.join(project, "stacks");
  const files = existsSync(stacks)
    ? readdirSync(stacks).filter((f) => /^Pulumi\..+\.ya?ml$/.test(f))
    : [];
  for (const file of files.sort()) {
    const name = file.replace(/^Pulumi\.|\.ya?ml$/g, "");
    const args = [
      guardia,
      "render",
      "--stack",
      path.join(stacks, file),
      "--out",
      path.join(out, name),
    ];
    const one = await run(process.execPath, args, project, true);
    if (one.code !== 0)
      throw new Error(`rendering ${name} at the base failed:\n${one.stderr.trim()}`);
  }
}

/** Renames the finished render into place; a concurrent diff that got there first wins. */
function publish(staging: string, target: string): void {
  mkdirSync(path.dirname(target), { recursive: true });
  if (!existsSync(staging)) mkdirSync(staging, { recursive: true });
  try {
    renameSync(staging, target);
  } catch (err) {
    if (!existsSync(target)) throw err;
  }
}

interface RunResult {
  readonly code: number;
  readonly stderr: string;
}

/** A child process with its output kept (stderr is reported when it fails); argv only. */
function run(
  command: string,
  args: readonly string[],
  cwd: string,
  allowFailure = false,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0 && !allowFailure)
        reject(new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${stderr.trim()}`));
      else resolve({ code: code ?? 1, stderr });
    });
  });
}
