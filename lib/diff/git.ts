import { spawnSync } from "node:child_process";
import { UsageError } from "../errors.js";
import { quoted } from "../user-text.js";

/**
 * The few git operations `guardia diff` needs, each an argv (no shell): where the repository is,
 * which commit a ref names, what a file held at that commit, and a worktree of it.
 */

export function git(args: readonly string[], cwd: string): string {
  const result = spawnSync("git", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`could not run git: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`git ${args.join(" ")} failed in ${cwd}: ${result.stderr.trim()}`);
  }
  return result.stdout;
}

/** The top of the repository holding `cwd`. */
export function repositoryRoot(cwd: string): string {
  try {
    return git(["rev-parse", "--show-toplevel"], cwd).trim();
  } catch {
    throw new UsageError(
      `${cwd} is not inside a git repository: guardia diff compares against a git ref`,
    );
  }
}

/** The full commit id `ref` names; bad input when it names none. */
export function resolveCommit(ref: string, root: string): string {
  const result = spawnSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], {
    cwd: root,
    encoding: "utf8",
  });
  const commit = result.stdout.trim();
  if (result.status !== 0 || !/^[0-9a-f]{40,64}$/.test(commit)) {
    throw new UsageError(`--base: ${quoted(ref)} names no commit in ${root}`);
  }
  return commit;
}

/** The object id of `file` at `commit`, or undefined when the commit has no such file. */
export function blobAt(root: string, commit: string, file: string): string | undefined {
  const result = spawnSync("git", ["rev-parse", "--verify", "--quiet", `${commit}:${file}`], {
    cwd: root,
    encoding: "utf8",
  });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** The object id the working tree's `file` would get: equal ids, equal contents. */
export function blobOfWorkingFile(root: string, file: string): string | undefined {
  const result = spawnSync("git", ["hash-object", "--", file], { cwd: root, encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Paths (relative to the root) of the files directly under `dir` at `commit`; none without it. */
export function filesAt(root: string, commit: string, dir: string): string[] {
  const prefix = dir === "" ? "" : `${dir.replace(/\/$/, "")}/`;
  const result = spawnSync("git", ["ls-tree", "--name-only", `${commit}:${prefix}`], {
    cwd: root,
    encoding: "utf8",
  });
  if (result.status !== 0) return [];
  return result.stdout
    .split("\n")
    .filter((name) => name !== "")
    .map((name) => `${prefix}${name}`);
}

export function showFile(root: string, commit: string, file: string): string {
  return git(["show", `${commit}:${file}`], root);
}
