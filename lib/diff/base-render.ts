import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { SECRET_DIGEST_KEY_ENV } from "../render/secret-digests.js";
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

/**
 * The key of the secret fingerprints (render/secret-digests.ts): made once per cache and kept
 * there, readable by its owner only, since the cached renders' fingerprints were made with it.
 */
export function secretDigestKey(root: string): string {
  const file = path.join(cacheDir(root), "secret-digest.key");
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
  }
  return readFileSync(file, "utf8").trim();
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
    await renderAll(project, staging, secretDigestKey(root));
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
  const install = await run("npm", ["ci", "--no-audit", "--no-fund"], project, process.env);
  if (install.code !== 0) throw new Error(`npm ci at the base failed:\n${install.stderr.trim()}`);
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
async function renderAll(project: string, out: string, digestKey: string): Promise<void> {
  const guardia = guardiaOf(project);
  const env = { ...process.env, [SECRET_DIGEST_KEY_ENV]: digestKey };
  const all = await run(process.execPath, [guardia, "render", "--all", "--out", out], project, env);
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
    const one = await run(process.execPath, args, project, env);
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

/** A child process with its stderr kept for the error message; argv only, secrets in `env`. */
function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stderr }));
  });
}
