import { accessSync, constants } from "node:fs";
import { lstat, readdir, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { fsyncPath } from "../fsync.js";
import { globSource } from "./patterns.js";
import type { ListedFile } from "./selection.js";
import { t } from "../i18n/index.js";

/**
 * The file system side of rotate-logs: list an entry's directories, delete files, find logrotate.
 * Everything that decides is in selection.ts and patterns.ts.
 */

export interface Listing {
  /** Regular files (never symlinks) in the directories the entry's globs point into. */
  readonly files: readonly ListedFile[];
  /** Directories that were listed. */
  readonly directories: readonly string[];
  /** Glob-free directories named by the paths that do not exist here. */
  readonly missing: readonly string[];
}

export async function listLogDirectories(paths: readonly string[]): Promise<Listing> {
  const directories = new Set<string>();
  const missing = new Set<string>();
  for (const p of paths) {
    for (const dir of await expandDirectories(path.dirname(p), missing)) directories.add(dir);
  }
  const files: ListedFile[] = [];
  for (const dir of [...directories].sort()) files.push(...(await regularFiles(dir)));
  return { files, directories: [...directories].sort(), missing: [...missing].sort() };
}

/** The directories a directory glob names, segment by segment, as glob(3) would find them. */
async function expandDirectories(dirGlob: string, missing: Set<string>): Promise<string[]> {
  let current = ["/"];
  for (const segment of dirGlob.split("/").filter(Boolean)) {
    if (!/[*?[]/.test(segment)) {
      const next = current.map((dir) => path.join(dir, segment.replace(/\\(.)/g, "$1")));
      current = [];
      for (const dir of next) {
        if (await isDirectory(dir)) current.push(dir);
        else missing.add(dir);
      }
      continue;
    }
    const matches = new RegExp(`^${globSource(segment)}$`);
    const found: string[] = [];
    for (const dir of current) {
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        const candidate = path.join(dir, name);
        if (matches.test(name) && (await isDirectory(candidate))) found.push(candidate);
      }
    }
    current = found;
  }
  return current;
}

async function isDirectory(dir: string): Promise<boolean> {
  return (await stat(dir).catch(() => undefined))?.isDirectory() ?? false;
}

async function regularFiles(dir: string): Promise<ListedFile[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: Error) => {
    throw new Error(t`listing ${dir}: ${err.message}`, { cause: err });
  });
  const files: ListedFile[] = [];
  for (const entry of entries.filter((e) => e.isFile())) {
    const file = path.join(dir, entry.name);
    // A file removed between readdir and lstat (the application's own cleanup) is simply gone.
    const info = await lstat(file).catch(() => undefined);
    if (info?.isFile()) files.push({ path: file, size: info.size, mtimeMs: info.mtimeMs });
  }
  return files;
}

/** Deletes files (already gone is fine), then syncs their directories so the deletion holds. */
export async function deleteFiles(files: readonly string[]): Promise<string[]> {
  const deleted: string[] = [];
  for (const file of files) {
    try {
      await unlink(file);
      deleted.push(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw new Error(t`deleting ${file}: ${(err as Error).message}`, { cause: err });
    }
  }
  for (const dir of new Set(deleted.map((f) => path.dirname(f)))) await fsyncPath(dir);
  return deleted;
}

/**
 * logrotate lives in /usr/sbin, which an ordinary user's PATH often lacks; PATH first, so a
 * newer build can be put in front.
 */
export function logrotateBinary(env: NodeJS.ProcessEnv = process.env): string {
  const dirs = [...(env.PATH ?? "").split(path.delimiter).filter(Boolean), "/usr/sbin", "/sbin"];
  for (const dir of dirs) {
    const candidate = path.join(dir, "logrotate");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  throw new Error(
    t`logrotate not found on PATH nor in /usr/sbin: install it (apt-get install logrotate)`,
  );
}
