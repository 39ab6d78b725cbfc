import { lstat, mkdir, opendir, realpath } from "node:fs/promises";
import path from "node:path";
import { t } from "../i18n/index.js";

/**
 * The files under the media root, as they are on disk: a walk that never follows a symbolic link
 * (a link to /etc or to another volume is listed as skipped, never read or moved) and never
 * enters guardia's own quarantine folder.
 */

export interface MediaFile {
  /** Relative to the root, with "/" separators. */
  readonly path: string;
  readonly size: number;
  /**
   * Modification time: when Django wrote it. Not ctime, which a kubelet's recursive chown of the
   * volume (fsGroup) renews for every file.
   */
  readonly mtimeMs: number;
}

export interface MediaScan {
  readonly files: readonly MediaFile[];
  /** Symbolic links and special files, never followed or touched. */
  readonly skipped: readonly { readonly path: string; readonly why: string }[];
}

/** The quarantine folder's name, at the top of the media root (the same volume, so moves are renames). */
export const QUARANTINE_DIR = ".guardia-quarantine";

/** The root as the kernel resolves it: the walk and every move stay under this directory. */
export async function resolveRoot(root: string): Promise<string> {
  const resolved = await realpath(root).catch((err: Error) => {
    throw new Error(t`media root ${root} cannot be read: ${err.message}`, { cause: err });
  });
  if (!(await lstat(resolved)).isDirectory())
    throw new Error(t`media root ${root} is not a directory`);
  return resolved;
}

export async function scanMedia(root: string): Promise<MediaScan> {
  const files: MediaFile[] = [];
  const skipped: { path: string; why: string }[] = [];
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of await opendir(path.join(root, dir))) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (!dir && entry.name === QUARANTINE_DIR) continue;
      if (entry.isSymbolicLink()) skipped.push({ path: rel, why: t`symbolic link, not followed` });
      else if (entry.isDirectory()) await walk(rel);
      else if (!entry.isFile()) skipped.push({ path: rel, why: t`not a regular file` });
      else {
        const stat = await lstat(path.join(root, rel));
        files.push({ path: rel, size: stat.size, mtimeMs: stat.mtimeMs });
      }
    }
  };
  await walk("");
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { files, skipped };
}

/**
 * `rel` inside `root`, refusing anything that would lead out of it or through a link: an absolute
 * or `..` path, or a directory on the way that is a symbolic link (now, whatever the scan saw).
 * Directories on the way that do not exist (yet) are fine.
 */
export async function insideRoot(root: string, rel: string): Promise<string> {
  const normalized = path.posix.normalize(rel);
  if (path.posix.isAbsolute(normalized) || normalized === ".." || normalized.startsWith("../"))
    throw new Error(t`${JSON.stringify(rel)} is not a path inside the media root`);
  const full = path.join(root, normalized);
  let dir = path.dirname(full);
  while (dir !== root && !(await lstat(dir).catch(() => undefined))) dir = path.dirname(dir);
  if ((await realpath(dir)) !== dir)
    throw new Error(t`${JSON.stringify(rel)} goes through a symbolic link (${dir}); not followed`);
  return full;
}

/**
 * Makes the directory `rel` under `root` one component at a time, refusing a component that is a
 * symbolic link or a file: `mkdir -p` would follow a link out of the root.
 */
export async function ensureDirInside(root: string, rel: string): Promise<string> {
  let dir = root;
  for (const part of path.posix
    .normalize(rel)
    .split("/")
    .filter((p) => p && p !== ".")) {
    if (part === "..")
      throw new Error(t`${JSON.stringify(rel)} is not a path inside the media root`);
    dir = path.join(dir, part);
    const stat = await lstat(dir).catch(() => undefined);
    if (!stat) await mkdir(dir);
    else if (!stat.isDirectory())
      throw new Error(
        t`${path.relative(root, dir)} is not a directory (a link or a file); not followed`,
      );
  }
  return dir;
}
