import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot } from "./tools.js";

/**
 * A copy of this repository in a temp dir with a git history of its own, for `guardia diff`:
 * commit the copy, edit stacks or code, commit again. node_modules is shared (a symlink, ignored
 * by git), the rest is a real checkout guardia builds and runs from.
 */
export interface ThrowawayRepo {
  readonly dir: string;
  git(...args: string[]): string;
  /** Replaces `from` with `to` in `file`; fails when `from` is not there (the code moved). */
  edit(file: string, from: string, to: string): void;
  commit(message: string): string;
  remove(): void;
}

export function throwawayRepo(): ThrowawayRepo {
  const dir = mkdtempSync(path.join(tmpdir(), "guardia-repo-"));
  for (const file of trackedFiles()) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    copyFileSync(path.join(repoRoot, file), path.join(dir, file));
  }
  const git = (...args: string[]) => {
    const result = spawnSync("git", args, { cwd: dir, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
    return result.stdout.trim();
  };
  git("init", "-q", "-b", "main");
  git("config", "user.email", "reviewer@example.org");
  git("config", "user.name", "Reviewer");
  writeFileSync(path.join(dir, ".git", "info", "exclude"), "node_modules\n");
  symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
  return {
    dir,
    git,
    edit(file, from, to) {
      const target = path.join(dir, file);
      const text = readFileSync(target, "utf8");
      if (!text.includes(from))
        throw new Error(`${file} no longer contains ${JSON.stringify(from)}`);
      writeFileSync(target, text.replace(from, to));
    },
    commit(message) {
      git("add", "-A");
      git("commit", "-q", "-m", message);
      return git("rev-parse", "HEAD");
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The files git would check out of this repository now, committed or not (not ignored ones). */
function trackedFiles(): string[] {
  const listed = spawnSync(
    "git",
    ["ls-files", "--cached", "--others", "--exclude-standard", "-z"],
    {
      cwd: repoRoot,
      encoding: "utf8",
    },
  );
  return listed.stdout
    .split("\0")
    .filter((f) => f !== "" && existsSync(path.join(repoRoot, f)))
    .filter((f) => lstatSync(path.join(repoRoot, f)).isFile());
}
