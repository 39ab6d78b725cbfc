import type { ClientBase } from "pg";
import { availableParallelism } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { pgCommand, pgSecrets, withPgClient, type PgTarget } from "../adapters/postgres.js";
import { onAbort } from "../backup/abort.js";
import { compareFingerprints } from "../backup/fingerprint.js";
import { fingerprintSchema } from "../backup/fingerprint.js";
import type { Manifest } from "../backup/manifest.js";
import { startPipeline } from "../backup/process.js";
import { HashingStream, type ObjectStore, type StoredObject } from "../backup/store.js";
import { countRows } from "../backup/tables.js";
import type { Command, CommandLog, Pipeline } from "../command.js";
import type { Database, SmokeQuery } from "../model/index.js";
import { MAINTENANCE_DATABASE } from "./server.js";
import { t } from "../i18n/index.js";

/**
 * Making the restored copy: the dump is downloaded and decompressed into a local file (sha256 of
 * the download compared with the manifest before any database exists), restored into a scratch
 * database by parallel `pg_restore -j` (which needs a file it can seek in, not a pipe), analyzed
 * by parallel `vacuumdb --analyze-only`, and verified: exact counts, the schema fingerprint and
 * the stack's smoke queries. The live database is not touched by any of it.
 */

/** The decompressed dump in the run's work directory. */
export const DUMP_FILE = "dump.pgcustom";

/**
 * Session settings of every pg_restore and vacuumdb connection: no wait for WAL flushes per
 * commit (the copy is thrown away if the run fails), more memory for index builds and ANALYZE,
 * and no server-wide timeout cutting a long index build.
 */
export const RESTORE_SESSION =
  "-c synchronous_commit=off -c maintenance_work_mem=512MB -c statement_timeout=0 -c lock_timeout=0";

/** guardia streams the object (hashing it) into `zstd -d -o <file>`. */
export function downloadPipeline(zstd: string, source: string, workDir: string): Pipeline {
  return {
    input: `${source}, its sha256 computed on the way`,
    pipeline: [{ argv: [zstd, "-d", "-q", "-f", "-o", path.join(workDir, DUMP_FILE)] }],
  };
}

export async function download(o: {
  readonly store: ObjectStore;
  readonly key: string;
  readonly command: Pipeline;
  readonly signal: AbortSignal;
  readonly record: CommandLog;
}): Promise<StoredObject> {
  const body = await o.store.get(o.key);
  const running = startPipeline(o.command, { stdin: "pipe", record: o.record });
  const hasher = new HashingStream();
  const feeding = pipeline(body, hasher, running.stdin!);
  const unsubscribe = onAbort(o.signal, () => {
    running.kill();
    body.destroy(new Error("cancelled"));
  });
  const [[fed], [unzipped]] = await Promise.all([
    Promise.allSettled([feeding]),
    running.finished,
  ]).finally(unsubscribe);
  const failure = [unzipped, fed].find((r) => r?.status === "rejected");
  if (failure) throw (failure as PromiseRejectedResult).reason as Error;
  return hasher.result();
}

/** `pg_restore -j <jobs>` of the dump file into `into`, owners and privileges as in the dump. */
export function restoreCommand(o: {
  readonly pgRestore: string;
  readonly server: Database;
  readonly into: string;
  readonly jobs: number | string;
  readonly workDir: string;
}): Command {
  const argv = [o.pgRestore, `--jobs=${o.jobs}`, "--exit-on-error", "--no-password"];
  const command = pgCommand(
    [...argv, "-d", o.into, path.join(o.workDir, DUMP_FILE)],
    o.server,
    o.into,
  );
  return { ...command, env: { ...command.env, PGOPTIONS: RESTORE_SESSION } };
}

/** Statistics for the planner before the swap, so the first queries after it are not slow. */
export function analyzeCommand(o: {
  readonly vacuumdb: string;
  readonly server: Database;
  readonly into: string;
  readonly jobs: number | string;
}): Command {
  const argv = [o.vacuumdb, "--analyze-only", `--jobs=${o.jobs}`, "--no-password", "-d", o.into];
  const command = pgCommand(argv, o.server, o.into);
  return { ...command, env: { ...command.env, PGOPTIONS: RESTORE_SESSION } };
}

/**
 * As many jobs as the server has cores: its /proc/cpuinfo where the role may read server files,
 * else `max_parallel_workers` (a tuned server sets it to its cores), at most 16.
 */
export async function serverCores(target: PgTarget): Promise<{ jobs: number; from: string }> {
  return withPgClient(
    target,
    async (client) => {
      const cpu = await client
        .query<{ n: string }>(
          "SELECT count(*) AS n FROM regexp_matches(pg_read_file('/proc/cpuinfo'), '^processor', 'gn')",
        )
        .then((r) => Number(r.rows[0]!.n))
        .catch(() => 0);
      if (cpu > 0) return { jobs: Math.min(cpu, 16), from: t`the server's /proc/cpuinfo` };
      const { rows } = await client.query<{ n: string }>("SHOW max_parallel_workers");
      const workers = Number(rows[0]!.n) || availableParallelism();
      return {
        jobs: Math.max(1, Math.min(workers, 16)),
        from: t`the server's max_parallel_workers`,
      };
    },
    MAINTENANCE_DATABASE,
  );
}

export interface Verified {
  readonly tables: readonly { table: string; expected: number; restored: number }[];
  /** "compared", or why not (a manifest from before fingerprints). */
  readonly structure: string;
  readonly smoke: readonly { name: string; rows: number }[];
}

/** Counts, structure and smoke queries of the restored copy; throws listing every difference. */
export async function verifyCopy(
  target: PgTarget,
  into: string,
  manifest: Manifest,
  smokeQueries: readonly SmokeQuery[],
): Promise<Verified> {
  return withPgClient(
    target,
    async (client) => {
      const expected = manifest.criticalTables;
      const counts = await countRows(client, Object.keys(expected), into);
      const tables = Object.entries(expected).map(([table, rows]) => ({
        table,
        expected: rows,
        restored: counts[table]!,
      }));
      const problems = tables
        .filter((r) => r.restored !== r.expected)
        .map(
          (r) => t`table ${r.table}: ${r.restored} rows restored, ${r.expected} in the manifest`,
        );
      let structure = t`no schema fingerprint in the manifest (an older backup): structure not compared`;
      if (manifest.schema) {
        problems.push(...compareFingerprints(manifest.schema, await fingerprintSchema(client)));
        structure = t`structure matches the manifest (${Object.keys(manifest.schema.tables).length} tables)`;
      }
      const smoke = [];
      for (const q of smokeQueries) {
        const rows = await smokeRows(client, q).catch((err: Error) => err);
        if (typeof rows === "number" && rows > 0) smoke.push({ name: q.name, rows });
        else
          problems.push(
            typeof rows === "number"
              ? t`smoke query "${q.name}": no rows`
              : t`smoke query "${q.name}": ${rows.message}`,
          );
      }
      if (problems.length > 0)
        throw new Error(
          t`the restored copy ${into} differs from backup ${manifest.id}:\n  ${problems.join("\n  ")}`,
        );
      return { tables, structure, smoke };
    },
    into,
  );
}

async function smokeRows(client: ClientBase, query: SmokeQuery): Promise<number> {
  await client.query("BEGIN READ ONLY");
  try {
    await client.query("SET LOCAL statement_timeout = '60s'");
    return (await client.query(query.sql)).rowCount ?? 0;
  } finally {
    await client.query("ROLLBACK").catch(() => undefined);
  }
}

/** The exec options for a libpq command of this target. */
export function pgExec(target: PgTarget, signal: AbortSignal) {
  return { secrets: pgSecrets(target), signal };
}
