import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { pipeline } from "node:stream/promises";
import { describeTarget, pgEnv, withPgClient } from "../adapters/postgres.js";
import type { PgTarget } from "../adapters/postgres.js";
import { BackupVerificationError, checkObjects, objectMismatches } from "./integrity.js";
import type { Mismatch } from "./integrity.js";
import { backupPrefix, databasePrefix, DUMP_OBJECT, objectKey } from "./layout.js";
import type { BackupLocation } from "./layout.js";
import { listBackups } from "./list.js";
import { readManifest } from "./manifest.js";
import type { Manifest } from "./manifest.js";
import { findExecutable, settle, startStage } from "./process.js";
import { HashingStream } from "./store.js";
import type { ObjectStore } from "./store.js";
import { countRows } from "./tables.js";

/**
 * The restore drill: prove a backup restores. Every object's sha256 is checked against the manifest
 * before anything touches PostgreSQL; then the dump is restored into a scratch database on the same
 * server, the critical tables are counted and compared with the manifest, and the scratch database
 * is dropped whatever happened.
 */

export interface VerifyOptions {
  readonly store: ObjectStore;
  readonly location: BackupLocation;
  /** The server to restore on; its user needs CREATEDB. The target database itself is not touched. */
  readonly target: PgTarget;
  /** "latest" (newest complete backup) or a backup id. */
  readonly backup: string;
  /** Directory of pg_restore. @default the first pg_restore on PATH */
  readonly pgBinDir?: string;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** Progress lines ("restoring into guardia_drill_…"). */
  readonly log?: (line: string) => void;
}

export interface TableCheck {
  readonly table: string;
  readonly expected: number;
  readonly restored: number;
}

export interface VerifyReport {
  readonly id: string;
  readonly url: string;
  readonly objects: Manifest["objects"];
  readonly scratchDatabase: string;
  readonly tables: readonly TableCheck[];
  readonly durationMs: number;
  readonly manifest: Manifest;
}

export async function verifyBackup(opts: VerifyOptions): Promise<VerifyReport> {
  const { store, location, target } = opts;
  const log = opts.log ?? (() => undefined);
  const clock = performance.now();
  const manifest = await resolveBackup(opts);
  const { id } = manifest;
  const url = store.describe(backupPrefix(location, id));
  const tools = {
    zstd: findExecutable("zstd"),
    pgRestore: findExecutable("pg_restore", opts.pgBinDir),
  };

  log(`checking sha256 of ${manifest.objects.length} object(s) in ${url}`);
  // Before any database exists: a corrupt backup must not even start a restore.
  const mismatches = await checkObjects(store, location, manifest);
  if (mismatches.length > 0) throw new BackupVerificationError(id, mismatches, url);

  const scratch = scratchName((opts.now ?? (() => new Date()))());
  log(`restoring ${id} into ${describeTarget(target, scratch)}`);
  await createScratch(target, scratch);
  let tables: TableCheck[];
  try {
    await restore(store, location, manifest, target, scratch, tools, url);
    tables = await compareCounts(manifest, target, scratch, url);
  } catch (err) {
    await dropScratch(target, scratch).catch((dropErr: Error) => {
      (err as Error).message += `\n(also: ${dropErr.message})`;
    });
    throw err;
  }
  await dropScratch(target, scratch);
  const durationMs = Math.round(performance.now() - clock);
  return {
    id,
    url,
    objects: manifest.objects,
    scratchDatabase: scratch,
    tables,
    durationMs,
    manifest,
  };
}

async function resolveBackup(opts: VerifyOptions): Promise<Manifest> {
  const { store, location } = opts;
  if (opts.backup !== "latest") return readManifest(store, location, opts.backup);
  const [latest] = await listBackups(store, location);
  if (!latest) {
    const where = store.describe(databasePrefix(location));
    throw new Error(`no complete backup of database ${location.database} in ${where}`);
  }
  return latest.manifest;
}

/** guardia_drill_20261123t050000_1a2b3c4d: unique, recognisable, under PostgreSQL's 63 bytes. */
function scratchName(now: Date): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, "").toLowerCase();
  return `guardia_drill_${stamp}_${randomBytes(4).toString("hex")}`;
}

/** store → zstd -d → pg_restore, hashing again on the way in case the object changed since. */
async function restore(
  store: ObjectStore,
  location: BackupLocation,
  manifest: Manifest,
  target: PgTarget,
  scratch: string,
  tools: { zstd: string; pgRestore: string },
  url: string,
): Promise<void> {
  const dump = manifest.objects.find((o) => o.name === DUMP_OBJECT);
  if (!dump)
    throw new Error(`backup ${manifest.id} (${url}) has no ${DUMP_OBJECT} in its manifest`);
  const body = await store.get(objectKey(location, manifest.id, DUMP_OBJECT));
  const unzstd = startStage("zstd -d", tools.zstd, ["-q", "-d", "-c"], { stdin: "pipe" });
  const pgRestore = startStage(
    "pg_restore",
    tools.pgRestore,
    ["--no-owner", "--no-privileges", "--exit-on-error", "--no-password", "-d", scratch],
    { stdin: unzstd.stdout, env: pgEnv(target, scratch) },
  );
  const hasher = new HashingStream();
  const feeding = pipeline(body, hasher, unzstd.stdin!);
  const [fed, unzipped, restored] = await Promise.allSettled([
    feeding,
    unzstd.done,
    pgRestore.done,
  ]);
  // The most downstream failure is the cause; upstream ones (EPIPE) are its consequences.
  const failure = [restored, unzipped, fed].find((r) => r.status === "rejected");
  if (failure) {
    [unzstd, pgRestore].forEach((s) => s.kill());
    await settle([unzstd, pgRestore]);
    const reason = (failure as PromiseRejectedResult).reason as Error;
    throw new Error(`restoring ${url} into ${scratch} failed: ${reason.message}`, {
      cause: reason,
    });
  }
  const mismatches = objectMismatches(dump, hasher.result());
  if (mismatches.length > 0) throw new BackupVerificationError(manifest.id, mismatches, url);
}

async function compareCounts(
  manifest: Manifest,
  target: PgTarget,
  scratch: string,
  url: string,
): Promise<TableCheck[]> {
  const expected = manifest.criticalTables;
  const restored = await withPgClient(
    target,
    (c) => countRows(c, Object.keys(expected), scratch),
    scratch,
  );
  const tables = Object.entries(expected).map(([table, rows]) => ({
    table,
    expected: rows,
    restored: restored[table]!,
  }));
  const mismatches: Mismatch[] = tables
    .filter((t) => t.restored !== t.expected)
    .map((t) => ({
      kind: "table",
      name: t.table,
      field: "rows",
      expected: t.expected,
      got: t.restored,
    }));
  if (mismatches.length > 0) throw new BackupVerificationError(manifest.id, mismatches, url);
  return tables;
}

async function createScratch(target: PgTarget, scratch: string): Promise<void> {
  try {
    // template0: a restore must start from an empty database, whatever template1 holds.
    await withPgClient(target, (c) =>
      c.query(`CREATE DATABASE ${c.escapeIdentifier(scratch)} TEMPLATE template0`),
    );
  } catch (err) {
    throw new Error(
      `creating scratch database ${scratch} on ${describeTarget(target)} failed: ` +
        `${(err as Error).message} (the restore drill needs a user with CREATEDB)`,
      { cause: err },
    );
  }
}

async function dropScratch(target: PgTarget, scratch: string): Promise<void> {
  try {
    // FORCE: a connection left over by a failed pg_restore must not keep the database alive.
    await withPgClient(target, (c) =>
      c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(scratch)} WITH (FORCE)`),
    );
  } catch (err) {
    throw new Error(
      `dropping scratch database ${scratch} on ${describeTarget(target)} failed: ` +
        `${(err as Error).message}; drop it by hand (DROP DATABASE ${scratch})`,
      { cause: err },
    );
  }
}
