import type { LogFiles } from "../model/index.js";
import { liveMatcher, rotatedMatcher } from "./patterns.js";

/**
 * What happens to each file in a log directory, as pure functions of a listing and a moment, so a
 * dry run and the real run decide alike and tests need no clock. Ages come from mtimes, as in the
 * MIRA operations guide's `find -mtime` and logrotate's own `maxage`; names only say which files
 * are ours.
 */

/** A regular file found in one of an entry's directories (symlinks are never listed). */
export interface ListedFile {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface LogFilesPlan {
  /** Matches a glob of the entry: logrotate's to rotate, never compressed or deleted by guardia. */
  readonly live: readonly ListedFile[];
  /** Rotated, not compressed, older than `compressAfterDays`: gzip it. */
  readonly compress: readonly ListedFile[];
  /** Rotated (compressed or not), older than `deleteAfterDays`. */
  readonly delete: readonly ListedFile[];
  /** Rotated and still young enough to stay as it is. */
  readonly keep: readonly ListedFile[];
  /** Anything else in the directories: another program's files, left alone. */
  readonly other: readonly ListedFile[];
}

export type Retention = Pick<LogFiles, "paths" | "compressAfterDays" | "deleteAfterDays">;

export const DAY_MS = 24 * 3600 * 1000;

/**
 * "Older than N days" is "modified more than N × 24 h ago", as logrotate 3.21's `maxage`
 * compares, so a file logrotate keeps is not deleted by guardia a moment later, or the reverse.
 */
export function olderThanDays(file: ListedFile, days: number, now: Date): boolean {
  return now.getTime() - file.mtimeMs > days * DAY_MS;
}

/**
 * Sorts a listing into live, compress, delete, keep and other. Deletion wins over compression (no
 * point compressing what goes); with `compressAfterDays` 0 logrotate compresses (`compress` +
 * `delaycompress`), so nothing is planned for guardia to compress.
 */
export function planLogFiles(
  entry: Retention,
  listing: readonly ListedFile[],
  now: Date,
): LogFilesPlan {
  const isLive = liveMatcher(entry.paths);
  const isRotated = rotatedMatcher(entry.paths);
  const plan: { [K in keyof LogFilesPlan]: ListedFile[] } = {
    live: [],
    compress: [],
    delete: [],
    keep: [],
    other: [],
  };
  for (const file of [...listing].sort(byPath)) {
    if (isLive(file.path)) plan.live.push(file);
    else if (!isRotated(file.path)) plan.other.push(file);
    else if (olderThanDays(file, entry.deleteAfterDays, now)) plan.delete.push(file);
    else if (shouldCompress(entry, file, now)) plan.compress.push(file);
    else plan.keep.push(file);
  }
  return plan;
}

/** Code-point order: the same on every machine, whatever its locale. */
export function byPath(a: ListedFile, b: ListedFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function shouldCompress(entry: Retention, file: ListedFile, now: Date): boolean {
  return (
    entry.compressAfterDays > 0 &&
    !file.path.endsWith(".gz") &&
    olderThanDays(file, entry.compressAfterDays, now)
  );
}

/** Rotated files that appeared and disappeared between two listings (what logrotate did). */
export function rotatedChanges(
  paths: readonly string[],
  before: readonly ListedFile[],
  after: readonly ListedFile[],
): { created: ListedFile[]; removed: ListedFile[] } {
  const isRotated = rotatedMatcher(paths);
  const had = new Set(before.map((f) => f.path));
  const has = new Set(after.map((f) => f.path));
  return {
    created: after.filter((f) => isRotated(f.path) && !had.has(f.path)),
    removed: before.filter((f) => isRotated(f.path) && !has.has(f.path)),
  };
}

/** Age in whole days, for people ("41 d"). */
export function ageInDays(file: ListedFile, now: Date): number {
  return Math.floor((now.getTime() - file.mtimeMs) / DAY_MS);
}
