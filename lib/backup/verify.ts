import { performance } from "node:perf_hooks";
import { pipeline } from "node:stream/promises";
import { describeTarget, pgCommand, pgSecrets, withPgClient } from "../adapters/postgres.js";
import type { PgTarget } from "../adapters/postgres.js";
import { abortable, cancelledError, onAbort, throwIfCancelled } from "./abort.js";
import { dumpKey } from "./dump.js";
import { BackupVerificationError, objectMismatches } from "./integrity.js";
import type { Mismatch } from "./integrity.js";
import { backupPrefix, DUMP_OBJECT, objectKey } from "./layout.js";
import type { BackupLocation } from "./layout.js";
import { chooseBackup } from "./list.js";
import type { SkippedBackup } from "./list.js";
import type { Manifest } from "./manifest.js";
import type { CommandLog, Pipeline } from "../command.js";
import type { Database } from "../model/index.js";
import { findExecutable, locateExecutable, startPipeline } from "./process.js";
import { createScratch, scratchName, type Scratch } from "./scratch.js";
import type { LockHolder } from "../runbook/locks.js";
import { HashingStream, objectUrl } from "./store.js";
import type { ObjectStore } from "./store.js";
import { countRows } from "./tables.js";
import { t } from "../i18n/index.js";

/**
 * The restore drill: prove a backup restores. Every object's sha256 is checked against the manifest
 * before anything touches PostgreSQL; then the dump is restored into a scratch database (on the
 * stack's drill server, or the database's own), the critical tables are counted and compared with
 * the manifest, and the scratch database is dropped whatever happened.
 */

export interface VerifyOptions {
  readonly store: ObjectStore;
  readonly location: BackupLocation;
  /**
   * The server to restore on (`drillDatabase`), connected to a database that is not the scratch
   * one; its user needs CREATEDB. The database connected to is not touched.
   */
  readonly target: PgTarget;
  /** "latest" (the newest backup that passes its checks, `chooseBackup`) or a backup id. */
  readonly backup: string;
  /**
   * The caller chose this backup with `chooseBackup({ sha256: true })` in this run, so its
   * objects were just read and compared; they are not read a second time before the restore
   * (which hashes the dump again on its way into pg_restore). @default false
   */
  readonly sha256Checked?: boolean;
  /** Directory of pg_restore. @default the first pg_restore on PATH */
  readonly pgBinDir?: string;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** Progress lines ("restoring into guardia_drill_…"). */
  readonly log?: (line: string) => void;
  /**
   * Stops the drill (the runbook step's timeout, SIGTERM): zstd and pg_restore are killed, the
   * scratch database dropped; it rejects with `CancelledError`.
   */
  readonly signal?: AbortSignal;
  /** Where the commands it starts are recorded (the runbook step's commands). */
  readonly record?: CommandLog;
  /**
   * Keep the scratch database after a successful restore (a side-by-side restore whose rows the
   * caller reads); the result's `kept` drops it and lets its lock go. A failed restore drops it
   * anyway. @default false
   */
  readonly keep?: boolean;
  /** Who holds the scratch database's lock, as its session shows (the run's operator). */
  readonly holder?: LockHolder;
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
  /** The server restored on: "postgres://guardia_drill@mira-drill-pg.mira.svc:5432". */
  readonly server: string;
  readonly scratchDatabase: string;
  /**
   * Why the scratch database could not be dropped after a drill that passed (it is left for the
   * next drill, which drops it once no session uses it); undefined when it was dropped.
   */
  readonly scratchLeft: string | undefined;
  /** With `keep`: the scratch database, still held by its lock, for the caller to drop. */
  readonly kept?: Scratch;
  readonly tables: readonly TableCheck[];
  readonly durationMs: number;
  readonly manifest: Manifest;
  /** Newer backups "latest" passed over, and why. */
  readonly skipped: readonly SkippedBackup[];
}

export async function verifyBackup(opts: VerifyOptions): Promise<VerifyReport> {
  const { store, location, target, signal } = opts;
  const log = opts.log ?? (() => undefined);
  const clock = performance.now();
  // Before anything is read: a missing tool is found before a long download.
  const tools = {
    zstd: findExecutable("zstd"),
    pgRestore: findExecutable("pg_restore", opts.pgBinDir),
  };
  if (!opts.sha256Checked) log(t`checking sha256 of backup ${opts.backup}`);
  // Before any database exists: a corrupt backup must not even start a restore.
  const choice = await chooseBackup(store, location, opts.backup, {
    sha256: !opts.sha256Checked,
    signal,
  }).catch((err) => {
    throw signal?.aborted ? cancelledError(t`checking backup ${opts.backup}`, signal, err) : err;
  });
  const { manifest } = choice.chosen;
  const url = store.describe(backupPrefix(location, manifest.id));
  throwIfCancelled(signal, t`restore drill of backup ${manifest.id}`);
  const name = scratchName((opts.now ?? (() => new Date()))());
  log(t`restoring ${manifest.id} into ${describeTarget(target, name)}`);
  const holder = opts.holder ?? { operator: "guardia", runbook: "verify-backup", stack: "" };
  const scratch = await createScratch(target, name, holder);
  const drilled = await drillInto(scratch, { ...opts, manifest, tools, url }, opts.keep);
  return {
    id: manifest.id,
    url,
    objects: manifest.objects,
    server: describeTarget(target).replace(/\/[^/]*$/, ""),
    scratchDatabase: name,
    scratchLeft: drilled.scratchLeft,
    kept: opts.keep ? scratch : undefined,
    tables: drilled.tables,
    durationMs: Math.round(performance.now() - clock),
    manifest,
    skipped: choice.skipped,
  };
}

/**
 * Restores and counts, then drops the scratch database whatever happened. A failed drop after a
 * drill that passed does not fail it: the report says the copy was left, why, and that the next
 * drill drops it (its lock is free now); after a failed drill it is added to the failure. With
 * `keep`, a drill that passed leaves it to the caller.
 */
async function drillInto(
  scratch: Scratch,
  r: Omit<Restore, "scratch">,
  keep = false,
): Promise<{ tables: TableCheck[]; scratchLeft: string | undefined }> {
  const { signal, manifest } = r;
  let tables: TableCheck[] = [];
  let failure: Error | undefined;
  try {
    await restore({ ...r, scratch: scratch.name });
    // Counting a big restored table can take minutes; the drop below ends it.
    tables = await abortable(compareCounts(manifest, r.target, scratch.name, r.url), signal);
  } catch (err) {
    failure = signal?.aborted
      ? cancelledError(t`restore drill of backup ${manifest.id} into ${scratch.name}`, signal, err)
      : (err as Error);
  }
  if (!failure && keep) return { tables, scratchLeft: undefined };
  const dropped = await scratch.drop().then(
    () => undefined,
    (err: unknown) => (err as Error).message,
  );
  if (!failure) return { tables, scratchLeft: dropped };
  if (dropped) failure.message += t`\n(also: ${dropped})`;
  else if (signal?.aborted) failure.message += t`; ${scratch.name} was dropped`;
  throw failure;
}

interface Restore {
  readonly store: ObjectStore;
  readonly location: BackupLocation;
  readonly manifest: Manifest;
  readonly target: PgTarget;
  readonly scratch: string;
  readonly tools: { readonly zstd: string; readonly pgRestore: string };
  readonly url: string;
  readonly signal?: AbortSignal;
  readonly record?: CommandLog;
}

export interface RestorePipelineOptions {
  /** Paths of zstd and pg_restore (a plan passes those a run would use: `locateExecutable`). */
  readonly zstd: string;
  readonly pgRestore: string;
  /** The server restored on. */
  readonly database: Database;
  /** The scratch database; a plan leaves it out, as its name is made when the drill starts. */
  readonly scratch?: string;
  /** The dump object's URL (`objectUrl`). */
  readonly source: string;
}

/** guardia streams the dump (hashing it) into `zstd -d | pg_restore`: what a drill runs and its plan prints. */
export function restorePipeline(o: RestorePipelineOptions): Pipeline {
  const scratch = o.scratch ?? "guardia_drill_<time>_<random>";
  const pgRestore = [o.pgRestore, ...PG_RESTORE_ARGS, "-d", scratch];
  return {
    input: `${o.source}, its sha256 compared with the manifest's on the way`,
    pipeline: [{ argv: [o.zstd, "-q", "-d", "-c"] }, pgCommand(pgRestore, o.database, scratch)],
  };
}

/**
 * The restore of backup `id` onto `database`'s server as a plan prints it, with the tools a run
 * would use; without `id`, of the backup the run picks.
 */
export function plannedRestore(
  destination: Pick<ObjectStore, "url">,
  location: BackupLocation,
  database: Database,
  id?: string,
): Pipeline {
  return restorePipeline({
    zstd: locateExecutable("zstd"),
    pgRestore: locateExecutable("pg_restore"),
    database,
    source: objectUrl(destination, dumpKey(location, id)),
  });
}

const PG_RESTORE_ARGS = ["--no-owner", "--no-privileges", "--exit-on-error", "--no-password"];

/** store → zstd -d → pg_restore, hashing again on the way in case the object changed since. */
async function restore(r: Restore): Promise<void> {
  const { store, location, manifest, target, scratch, url } = r;
  const dump = manifest.objects.find((o) => o.name === DUMP_OBJECT);
  if (!dump)
    throw new Error(t`backup ${manifest.id} (${url}) has no ${DUMP_OBJECT} in its manifest`);
  const key = objectKey(location, manifest.id, DUMP_OBJECT);
  const body = await store.get(key);
  const commands = restorePipeline({
    ...r.tools,
    database: target.database,
    scratch,
    source: objectUrl(store, key),
  });
  const running = startPipeline(commands, {
    stdin: "pipe",
    secrets: pgSecrets(target),
    record: r.record,
  });
  const hasher = new HashingStream();
  const feeding = pipeline(body, hasher, running.stdin!);
  // Fails the pipeline like any other failure, even while the store sends nothing (a stalled
  // download); the caller then drops the scratch database.
  const unsubscribe = onAbort(r.signal, () => {
    running.kill();
    body.destroy(new Error("cancelled"));
  });
  const [[fed], [unzipped, restored]] = await Promise.all([
    Promise.allSettled([feeding]),
    running.finished,
  ]).finally(unsubscribe);
  // The most downstream failure is the cause; upstream ones (EPIPE) are its consequences.
  const failure = [restored, unzipped, fed].find((r) => r?.status === "rejected");
  if (failure) {
    const reason = (failure as PromiseRejectedResult).reason as Error;
    throw new Error(t`restoring ${url} into ${scratch} failed: ${reason.message}`, {
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
