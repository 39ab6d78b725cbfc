import { existsSync } from "node:fs";
import { lstat, readdir, readFile, rename, rm, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { parseCompactUtc } from "../backup/stamp.js";
import { fsyncPath } from "../fsync.js";
import { ensureDirInside, insideRoot, QUARANTINE_DIR, type MediaFile } from "./scan.js";
import { t } from "../i18n/index.js";

/**
 * The quarantine on the media volume itself: `<root>/.guardia-quarantine/<batch>/` holds
 * `manifest.json` (what moved from where, written before the first move, so an interrupted run
 * still says where every file went) and `files/<original path>`. Moves are renames on one
 * volume: nothing is copied, and a file keeps its content and its modification time. A batch is
 * deleted only once its quarantine period has passed, and only the files still unreferenced.
 */

const MANIFEST = "manifest.json";
export const QUARANTINE_FORMAT_VERSION = 1;

const entrySchema = z.strictObject({
  /** The file's path relative to the media root, where it was and where it goes back. */
  path: z.string().min(1),
  size: z.number().int().nonnegative(),
  mtimeMs: z.number(),
});

const manifestSchema = z.strictObject({
  formatVersion: z.literal(QUARANTINE_FORMAT_VERSION),
  batch: z.string().refine((b) => parseCompactUtc(b) !== undefined, "not a batch stamp"),
  quarantinedAt: z.iso.datetime(),
  operator: z.string(),
  files: z.array(entrySchema),
});

export type QuarantineEntry = z.infer<typeof entrySchema>;
export type QuarantineManifest = z.infer<typeof manifestSchema>;

export interface Batch {
  readonly manifest: QuarantineManifest;
  /** Entries whose file is in the quarantine now (an interrupted move may have left some out). */
  readonly present: readonly QuarantineEntry[];
}

export function quarantineRoot(root: string): string {
  return path.join(root, QUARANTINE_DIR);
}

/** Where `rel` waits in a batch. */
export function quarantinedPath(root: string, batch: string, rel: string): string {
  return path.join(quarantineRoot(root), batch, "files", rel);
}

/** Moves `files` into a new batch; `manifest` is on disk before the first file moves. */
export async function quarantineFiles(
  root: string,
  batch: string,
  files: readonly MediaFile[],
  operator: string,
): Promise<QuarantineEntry[]> {
  const entries: QuarantineEntry[] = [];
  for (const file of files) {
    const stat = await lstat(await insideRoot(root, file.path));
    if (!stat.isFile()) throw new Error(t`${file.path} is no longer a regular file`);
    entries.push({ path: file.path, size: stat.size, mtimeMs: stat.mtimeMs });
  }
  const manifest = {
    formatVersion: QUARANTINE_FORMAT_VERSION,
    batch,
    quarantinedAt: (parseCompactUtc(batch) ?? new Date()).toISOString(),
    operator,
    files: entries,
  } satisfies QuarantineManifest;
  await writeManifest(root, manifest);
  for (const entry of entries) {
    const dir = path.posix.join(QUARANTINE_DIR, batch, "files", path.posix.dirname(entry.path));
    await ensureDirInside(root, dir);
    await rename(await insideRoot(root, entry.path), quarantinedPath(root, batch, entry.path));
  }
  return entries;
}

async function writeManifest(root: string, manifest: QuarantineManifest): Promise<void> {
  if (existsSync(path.join(quarantineRoot(root), manifest.batch)))
    throw new Error(t`quarantine batch ${manifest.batch} already exists`);
  const dir = await ensureDirInside(root, path.posix.join(QUARANTINE_DIR, manifest.batch));
  const file = path.join(dir, MANIFEST);
  await writeFile(`${file}.partial`, `${JSON.stringify(manifest, null, 2)}\n`, { flag: "wx" });
  await fsyncPath(`${file}.partial`);
  await rename(`${file}.partial`, file);
  await fsyncPath(dir);
}

/** Every batch with a manifest, oldest first; a folder without one is reported, never touched. */
export async function readQuarantine(
  root: string,
): Promise<{ batches: Batch[]; unreadable: string[] }> {
  const dir = quarantineRoot(root);
  const stat = await lstat(dir).catch(() => undefined);
  if (!stat) return { batches: [], unreadable: [] };
  if (!stat.isDirectory())
    return {
      batches: [],
      unreadable: [t`${QUARANTINE_DIR} is not a directory (a link?); not followed`],
    };
  const batches: Batch[] = [];
  const unreadable: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    try {
      const text = await readFile(path.join(dir, name, MANIFEST), "utf8");
      const manifest = manifestSchema.parse(JSON.parse(text));
      if (manifest.batch !== name) throw new Error(t`its manifest names batch ${manifest.batch}`);
      const present = [];
      for (const entry of manifest.files) {
        await insideRoot(root, entry.path);
        if (existsSync(quarantinedPath(root, name, entry.path))) present.push(entry);
      }
      batches.push({ manifest, present });
    } catch (err) {
      unreadable.push(`${name}: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  return { batches, unreadable };
}

export interface RestoreResult {
  readonly restored: readonly string[];
  /** Left in the quarantine: something else is at the original path now. */
  readonly conflicts: readonly string[];
}

/** Puts a batch's files back where they were, unless something else took their place. */
export async function restoreEntries(
  root: string,
  batch: string,
  entries: readonly QuarantineEntry[],
): Promise<RestoreResult> {
  const restored: string[] = [];
  const conflicts: string[] = [];
  for (const entry of entries) {
    const from = quarantinedPath(root, batch, entry.path);
    if (!existsSync(from)) continue;
    await ensureDirInside(root, path.posix.dirname(entry.path));
    const to = await insideRoot(root, entry.path);
    if (await lstat(to).catch(() => undefined)) {
      conflicts.push(entry.path);
      continue;
    }
    await rename(from, to);
    restored.push(entry.path);
  }
  await pruneBatch(root, batch);
  return { restored, conflicts };
}

/** Deletes a batch's quarantined files (the caller checked they are expired and unreferenced). */
export async function deleteEntries(
  root: string,
  batch: string,
  entries: readonly QuarantineEntry[],
): Promise<string[]> {
  const deleted: string[] = [];
  for (const entry of entries) {
    await insideRoot(root, entry.path);
    const file = quarantinedPath(root, batch, entry.path);
    if (!(await lstat(file).catch(() => undefined))?.isFile()) continue;
    await unlink(file);
    deleted.push(entry.path);
  }
  await pruneBatch(root, batch);
  return deleted;
}

/** Removes a batch once no file is left in it (its manifest and empty folders go with it). */
async function pruneBatch(root: string, batch: string): Promise<void> {
  const files = path.join(quarantineRoot(root), batch, "files");
  if (existsSync(files) && (await hasFiles(files))) return;
  await rm(path.join(quarantineRoot(root), batch), { recursive: true, force: true });
}

async function hasFiles(dir: string): Promise<boolean> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) return true;
    if (await hasFiles(path.join(dir, entry.name))) return true;
  }
  return false;
}
