import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import type { ClientBase } from "pg";
import { describeTarget, pgCommand, pgSecrets, withPgClient } from "../adapters/postgres.js";
import type { PgTarget } from "../adapters/postgres.js";
import type { CommandLog, Pipeline } from "../command.js";
import type { Database } from "../model/index.js";
import { GUARDIA_VERSION } from "../version.js";
import { cancelledError, onAbort, throwIfCancelled } from "./abort.js";
import {
  backupId,
  backupPrefix,
  databasePrefix,
  DUMP_OBJECT,
  objectKey,
  SCHEDULE_TAG,
} from "./layout.js";
import type { BackupLocation } from "./layout.js";
import { MANIFEST_FORMAT_VERSION, writeManifest } from "./manifest.js";
import type { Manifest, ManifestBody } from "./manifest.js";
import { checkPgDumpVersion, findPgDump, PgDumpTooOldError, serverVersion } from "./pg-version.js";
import type { PgDumpFound } from "./pg-version.js";
import { findExecutable, startPipeline, type RunningPipeline } from "./process.js";
import { storedAs, type ObjectStore, type StoredObject } from "./store.js";
import { countRows } from "./tables.js";
import { fingerprintSchema, type SchemaFingerprint } from "./fingerprint.js";
import { t } from "../i18n/index.js";

/**
 * One backup: `pg_dump -Fc -Z0 --snapshot=<s> | zstd` streamed into the destination while sha256 is
 * computed on the way, the critical tables counted in the very snapshot pg_dump reads, and
 * manifest.json written last. Nothing is buffered: pg_dump writes straight into zstd's stdin (a
 * kernel pipe), and zstd's output flows through the hasher into the store with backpressure.
 */

export interface BackupOptions {
  readonly store: ObjectStore;
  readonly location: BackupLocation;
  readonly target: PgTarget;
  /** Schedule name from the stack ("daily"); it ends the backup id. */
  readonly schedule: string;
  /** Who ran it (the runbook engine's --operator, or the CronJob). */
  readonly operator: string;
  /** The start time; the id is built from it. @default () => new Date() */
  readonly now?: () => Date;
  /** The run tag that ends the id (`backupId`), for a caller that must know the id early. @default random */
  readonly run?: string;
  /** Directory of pg_dump. @default the first pg_dump on PATH */
  readonly pgBinDir?: string;
  /** The pg_dump to run, as a read step already found it (its `--version` is not run again). */
  readonly pgDump?: PgDumpFound;
  /** Where the commands it starts are recorded (the runbook step's commands). */
  readonly record?: CommandLog;
  /** zstd level, 1–19. @default 1 (see bench/RESULTS.md) */
  readonly zstdLevel?: number;
  /**
   * zstd threads: 1 = single-threaded, 0 = one worker per core (-T0). @default 1: pg_dump and the
   * server's COPY already keep a core busy, and single-threaded zstd compresses better with --long.
   */
  readonly zstdThreads?: number;
  /** Called as compressed bytes reach the store (often: throttle before printing). */
  readonly onProgress?: (bytesStored: number) => void;
  /** Called once the snapshot is exported, before pg_dump starts (tests write rows here). */
  readonly afterSnapshot?: (snapshot: string) => Promise<void>;
  /**
   * Stops the backup (the runbook step's timeout, SIGTERM): pg_dump and zstd are killed, the
   * counts cancelled, the partial object discarded, no manifest written; it rejects with
   * `CancelledError`.
   */
  readonly signal?: AbortSignal;
}

export interface BackupResult {
  readonly id: string;
  /** Where the backup's objects are: "s3://bucket/prefix/mira/prod/mira/<id>/" or a directory. */
  readonly url: string;
  /** Bytes of the stored dump. */
  readonly size: number;
  readonly sha256: string;
  readonly durationMs: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly criticalTables: Readonly<Record<string, number>>;
  readonly manifest: Manifest;
}

export const DEFAULT_ZSTD_LEVEL = 1;

/**
 * zstd's arguments. --long=24 (a 16 MiB window with long-distance matching, ~20 MiB of memory)
 * finds repeats far beyond the 0.5–2 MiB window of levels 1–3: on bench data it shrinks the dump
 * by 12 % for 30 % more CPU. Any zstd decompresses it without flags (the default limit is a
 * 128 MiB window).
 */
export function zstdArgs(level = DEFAULT_ZSTD_LEVEL, threads = 1): string[] {
  if (!Number.isInteger(level) || level < 1 || level > 19) {
    throw new Error(t`zstd level ${level} is out of range: use 1 (fastest) to 19`);
  }
  const threading = threads === 1 ? "--single-thread" : `-T${threads}`;
  return ["-q", "-c", `-${level}`, "--long=24", threading];
}

export async function backupDatabase(opts: BackupOptions): Promise<BackupResult> {
  const { store, location, target } = opts;
  const started = (opts.now ?? (() => new Date()))();
  const clock = performance.now();
  const id = backupId(started, opts.schedule, opts.run);
  const url = store.describe(backupPrefix(location, id));
  const context = t`backup ${id} of ${describeTarget(target)} to ${url}`;
  try {
    zstdArgs(opts.zstdLevel, opts.zstdThreads); // a bad level fails before anything starts
    throwIfCancelled(opts.signal, t`backup ${id}`);
    await refuseExisting(store, location, id);
    const tools = {
      pgDump: opts.pgDump ?? (await findPgDump(opts.pgBinDir, opts.record)),
      zstd: findExecutable("zstd"),
    };
    const dumped = await dumpInSnapshot(opts, tools, id);
    const durationMs = Math.round(performance.now() - clock);
    const body = manifestOf(opts, { id, started, durationMs, pgDump: tools.pgDump, dumped });
    // A run cancelled while the dump was being finished must not leave a backup it then reports
    // as failed; S3 may refuse the delete (the role has none), which leaves a dump without a
    // manifest: incomplete, never listed, expired by its schedule's lifecycle rule.
    if (opts.signal?.aborted) {
      await store.delete(dumpKey(location, id)).catch(() => undefined);
      throwIfCancelled(opts.signal, t`backup ${id}`);
    }
    // Last: from here on the backup is complete and restorable.
    const manifest = await writeManifest(store, location, body);
    const { bytes: size, sha256 } = dumped.stored;
    const { startedAt, finishedAt, criticalTables } = manifest;
    return { id, url, size, sha256, durationMs, startedAt, finishedAt, criticalTables, manifest };
  } catch (err) {
    if (err instanceof PgDumpTooOldError) throw err;
    if (opts.signal?.aborted) throw cancelledError(context, opts.signal, err);
    throw new Error(t`${context} failed: ${(err as Error).message}`, { cause: err });
  }
}

interface Tools {
  readonly pgDump: PgDumpFound;
  readonly zstd: string;
}

interface Dumped {
  readonly serverVersion: string;
  readonly stored: StoredObject;
  readonly counts: Record<string, number>;
  readonly schema: SchemaFingerprint;
}

/** Checks pg_dump against the server, then dumps and counts in one exported snapshot. */
async function dumpInSnapshot(opts: BackupOptions, tools: Tools, id: string): Promise<Dumped> {
  const { target } = opts;
  return withPgClient(target, async (client) => {
    const version = await serverVersion(client);
    checkPgDumpVersion(tools.pgDump, { version, where: describeTarget(target) });
    return inSnapshot(client, async (snapshot, pid) => {
      await opts.afterSnapshot?.(snapshot);
      throwIfCancelled(opts.signal, t`backup ${id}`);
      const dumped = await dumpAndCount(opts, client, { snapshot, pid }, tools, id);
      return { ...dumped, serverVersion: version };
    });
  });
}

function manifestOf(
  opts: BackupOptions,
  run: { id: string; started: Date; durationMs: number; pgDump: PgDumpFound; dumped: Dumped },
): ManifestBody {
  return {
    formatVersion: MANIFEST_FORMAT_VERSION,
    id: run.id,
    ...opts.location,
    source: describeTarget(opts.target),
    serverVersion: run.dumped.serverVersion,
    pgDumpVersion: run.pgDump.version,
    startedAt: run.started.toISOString(),
    finishedAt: new Date(run.started.getTime() + run.durationMs).toISOString(),
    operator: opts.operator,
    schedule: opts.schedule,
    format: "pg_dump custom",
    compression: "zstd",
    compressionLevel: opts.zstdLevel ?? DEFAULT_ZSTD_LEVEL,
    objects: [{ name: DUMP_OBJECT, ...run.dumped.stored }],
    criticalTables: run.dumped.counts,
    schema: run.dumped.schema,
    readCommand: READ_COMMAND,
    guardiaVersion: GUARDIA_VERSION,
  };
}

/** How the standard tools read a dump without guardia (docs/restore-by-hand.md has the rest). */
export const READ_COMMAND = `zstd -d -c ${DUMP_OBJECT} > dump.pgcustom && pg_restore --list dump.pgcustom`;

// --compress=0: zstd compresses; pg_dump's own zlib would be slower and compress twice.
const PG_DUMP_ARGS = ["--format=custom", "--compress=0", "--no-password"];

export interface DumpPipelineOptions {
  /** Paths of pg_dump and zstd (a plan passes those a run would use: `locateExecutable`). */
  readonly pgDump: string;
  readonly zstd: string;
  readonly database: Database;
  /** The exported snapshot; a plan leaves it out, as it exists only once the backup runs. */
  readonly snapshot?: string;
  readonly zstdLevel?: number;
  readonly zstdThreads?: number;
  /** Where zstd's output goes, in-process (`storedAs`). */
  readonly destination: string;
}

/** `pg_dump … | zstd …`, whose output guardia hashes and stores: what a backup runs and its plan prints. */
export function dumpPipeline(o: DumpPipelineOptions): Pipeline {
  const snapshot = o.snapshot ?? "<exported snapshot>";
  return {
    pipeline: [
      pgCommand([o.pgDump, ...PG_DUMP_ARGS, `--snapshot=${snapshot}`], o.database),
      { argv: [o.zstd, ...zstdArgs(o.zstdLevel, o.zstdThreads)] },
    ],
    output: `sha256 of the stream, into ${o.destination}`,
  };
}

/** The dump object's key; before the backup has an id (a plan), `<backup id>` stands in for it. */
export function dumpKey(location: BackupLocation, id?: string): string {
  if (id) return objectKey(location, id, DUMP_OBJECT);
  return `${databasePrefix(location)}<backup id>/${DUMP_OBJECT}`;
}

/** Ids are unique per run; one that exists anyway (a run tag given twice) is never overwritten. */
async function refuseExisting(store: ObjectStore, location: BackupLocation, id: string) {
  const existing = await store.list(backupPrefix(location, id));
  if (existing.length > 0) {
    throw new Error(t`${store.describe(backupPrefix(location, id))} already holds objects`);
  }
}

/**
 * Runs `work` in a REPEATABLE READ transaction whose snapshot is exported, so pg_dump
 * (--snapshot) and the row counts see exactly the same data. The transaction stays open until
 * `work` ends: an exported snapshot is importable only while its transaction lives.
 */
async function inSnapshot<T>(
  client: ClientBase,
  work: (snapshot: string, backendPid: number) => Promise<T>,
) {
  await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
  try {
    // Counting a big table and then idling while pg_dump runs must survive server-wide limits.
    await client.query("SET LOCAL statement_timeout = 0");
    await client.query("SET LOCAL idle_in_transaction_session_timeout = 0");
    const { rows } = await client.query<{ id: string; pid: number }>(
      "SELECT pg_export_snapshot() AS id, pg_backend_pid() AS pid",
    );
    return await work(rows[0]!.id, rows[0]!.pid);
  } finally {
    // Read-only: nothing to commit, and ROLLBACK also ends a transaction that failed.
    await client.query("ROLLBACK").catch(() => undefined);
  }
}

async function dumpAndCount(
  opts: BackupOptions,
  client: ClientBase,
  { snapshot, pid }: { snapshot: string; pid: number },
  tools: Tools,
  id: string,
) {
  const key = dumpKey(opts.location, id);
  const pipeline = dumpPipeline({
    pgDump: tools.pgDump.path,
    zstd: tools.zstd,
    database: opts.target.database,
    snapshot,
    zstdLevel: opts.zstdLevel,
    zstdThreads: opts.zstdThreads,
    destination: storedAs(opts.store, key),
  });
  const running = startPipeline(pipeline, {
    secrets: pgSecrets(opts.target),
    record: opts.record,
  });
  const body = Readable.from(gated(running, opts.onProgress), { objectMode: false });
  // The store reports a failure of the body through `storing`, but it may start reading only
  // after an await of its own (a directory to create): a cancel before that must not be an
  // 'error' event nobody listens to, which would take the whole process down.
  body.on("error", () => undefined);
  const storing = opts.store.putStream(key, body, { [SCHEDULE_TAG]: opts.schedule });
  const { database } = opts.target;
  // The structure too, in the same snapshot, on the same connection once the counts are done.
  const counting = countRows(
    client,
    database.criticalTables,
    `${database.database} (snapshot)`,
  ).then(async (counts) => ({ counts, schema: await fingerprintSchema(client) }));
  // A count that fails (a critical table is missing) stops the dump: no point finishing it.
  counting.catch(() => running.kill());
  // The stream fails at once, even if the store is not reading (a stalled upload), so the store
  // discards the object as after any failure. A count still running would hold the snapshot's
  // transaction, and this backup, open until it ends.
  const unsubscribe = onAbort(opts.signal, () => {
    running.kill();
    body.destroy(new Error("cancelled"));
    void cancelBackend(opts.target, pid);
  });
  const [stored, counts] = await Promise.allSettled([storing, counting]).finally(unsubscribe);
  if (stored.status === "rejected" || counts.status === "rejected") {
    running.kill();
    await running.finished;
    throw counts.status === "rejected" ? counts.reason : (stored as PromiseRejectedResult).reason;
  }
  return { stored: stored.value, ...counts.value };
}

/** Cancels the running query of backend `pid` (the one counting rows); errors do not matter. */
async function cancelBackend(target: PgTarget, pid: number): Promise<void> {
  await withPgClient(target, (c) => c.query("SELECT pg_cancel_backend($1)", [pid])).catch(
    () => undefined,
  );
}

/**
 * zstd's output, ending only once every stage has exited 0. If pg_dump fails, zstd still sees a
 * clean end of input and exits 0, so the stream must not end before pg_dump's exit status is known:
 * it errors instead, and the store discards the object (file removed, multipart upload aborted).
 */
async function* gated(
  running: RunningPipeline,
  onProgress: ((bytes: number) => void) | undefined,
): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of running.stdout as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    onProgress?.(bytes);
    yield chunk;
  }
  const results = await running.finished;
  const failures = results.flatMap((r) =>
    r.status === "rejected" ? [String((r.reason as Error | undefined)?.message)] : [],
  );
  if (failures.length > 0) throw new Error(failures.join("\n"));
}
