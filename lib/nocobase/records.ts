import { pipeline } from "node:stream/promises";
import type { ClientBase } from "pg";
import { pgCommand, pgSecrets, type PgTarget } from "../adapters/postgres.js";
import { onAbort } from "../backup/abort.js";
import { DUMP_OBJECT, objectKey, type BackupLocation } from "../backup/layout.js";
import { listBackups, type BackupEntry } from "../backup/list.js";
import { locateExecutable, startPipeline } from "../backup/process.js";
import { objectUrl, type ObjectStore } from "../backup/store.js";
import type { CommandLog, Pipeline } from "../command.js";
import type { Database } from "../model/index.js";
import type { Reference } from "./recreate-plan.js";
import { t } from "../i18n/index.js";

/**
 * Rows of recreated collections brought back from a database backup, and the id sequences set
 * so a new record never takes an id that other tables still point at. The backup is restored
 * side by side into a scratch database (lib/backup/verify.ts); the rows go from there into the
 * new table with `psql -c 'COPY … TO STDOUT' | psql -c 'COPY … FROM STDIN'` (a Pipeline, so the
 * plan prints what runs), ids included, in one statement, so either every row arrives or none does.
 */

const TOC_TABLE = /^\d+; \d+ \d+ TABLE (\S+) (\S+) /;

/** `zstd -d | pg_restore --list`: a dump's table of contents, read from its head only. */
export function tocPipeline(url: string): Pipeline {
  return {
    pipeline: [
      { argv: [locateExecutable("zstd"), "-q", "-d", "-c"] },
      { argv: [locateExecutable("pg_restore"), "--list"] },
    ],
    input: `${url} (streamed until pg_restore has read the table of contents)`,
  };
}

/** The tables a dump holds, from its table of contents (`pg_restore --list` reads only its head). */
export async function dumpTables(
  store: ObjectStore,
  location: BackupLocation,
  id: string,
  opts: { signal?: AbortSignal; record?: CommandLog } = {},
): Promise<Set<string>> {
  const key = objectKey(location, id, DUMP_OBJECT);
  const body = await store.get(key);
  const running = startPipeline(tocPipeline(objectUrl(store, key)), {
    stdin: "pipe",
    record: opts.record,
  });
  let toc = "";
  running.stdout.setEncoding("utf8");
  running.stdout.on("data", (chunk: string) => (toc += chunk));
  const feeding = pipeline(body, running.stdin!).catch(() => undefined);
  const unsubscribe = onAbort(opts.signal, () => running.kill());
  const [, list] = running.stages;
  try {
    // pg_restore stops after the table of contents; zstd and the download then die of EPIPE.
    await list!.done;
  } finally {
    unsubscribe();
    running.kill();
    body.destroy();
    await Promise.all([feeding, running.finished]);
  }
  const tables = toc.split("\n").flatMap((line) => {
    const m = TOC_TABLE.exec(line);
    return m ? [m[2]!] : [];
  });
  return new Set(tables);
}

/** The newest complete backup whose dump holds every one of `tables`. */
export async function newestBackupWith(
  store: ObjectStore,
  location: BackupLocation,
  tables: readonly string[],
  opts: { signal?: AbortSignal; record?: CommandLog } = {},
): Promise<{ backup: BackupEntry | undefined; looked: string[] }> {
  const looked: string[] = [];
  for (const backup of await listBackups(store, location)) {
    looked.push(backup.id);
    const held = await dumpTables(store, location, backup.id, opts);
    if (tables.every((t) => held.has(t))) return { backup, looked };
  }
  return { backup: undefined, looked };
}

const PSQL = ["--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1"];

export interface CopyPipeline {
  readonly table: string;
  /** The backup's columns, in its order. */
  readonly columns: readonly string[];
  /** psql on the scratch database (`COPY "t" (cols) TO STDOUT`) | psql on the live one (`FROM STDIN`). */
  readonly pipeline: Pipeline;
}

/** Where the rows come from (the scratch database on its server) and where they go. */
export interface CopyEnds {
  readonly scratchServer: Database;
  readonly scratch: string;
  readonly live: Database;
}

export function copyPipeline(
  table: string,
  columns: readonly string[],
  ends: CopyEnds,
): CopyPipeline {
  const quoted = `"${table.replace(/"/g, '""')}"`;
  const list = columns.map((c) => `"${c.replace(/"/g, '""')}"`).join(", ");
  const psql = (sql: string, server: Database, database: string) =>
    pgCommand([locateExecutable("psql"), ...PSQL, "-c", sql], server, database);
  return {
    table,
    columns,
    pipeline: {
      pipeline: [
        psql(`COPY ${quoted} (${list}) TO STDOUT`, ends.scratchServer, ends.scratch),
        psql(`COPY ${quoted} (${list}) FROM STDIN`, ends.live, ends.live.database),
      ],
    },
  };
}

/** Runs the pipeline: psql reads from the scratch database, psql writes into the live one. */
export async function copyRows(
  copy: CopyPipeline,
  passwords: { scratch: PgTarget; live: PgTarget },
  opts: { signal?: AbortSignal; record?: CommandLog } = {},
): Promise<void> {
  const running = startPipeline(copy.pipeline, {
    // Two servers, two passwords, one variable name: each psql gets its own server's.
    stageSecrets: [pgSecrets(passwords.scratch), pgSecrets(passwords.live)],
    record: opts.record,
  });
  const unsubscribe = onAbort(opts.signal, () => running.kill());
  const results = await running.finished.finally(unsubscribe);
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw new Error(t`copying rows failed: ${(failed.reason as Error).message}`);
}

const ident = (client: ClientBase, name: string) => client.escapeIdentifier(name);

/** A table's columns in order, or [] when it does not exist. */
export async function tableColumns(client: ClientBase, table: string): Promise<string[]> {
  const { rows } = await client.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return rows.map((r) => r.column_name);
}

/** The highest id still held by each column that exists; missing tables and columns hold none. */
export async function highestReferenced(
  client: ClientBase,
  references: readonly Reference[],
): Promise<{ highest: number; by: Record<string, number> }> {
  const by: Record<string, number> = {};
  for (const ref of references) {
    if (!(await tableColumns(client, ref.table)).includes(ref.column)) continue;
    const { rows } = await client.query<{ n: string | null }>(
      `SELECT max(${ident(client, ref.column)})::text AS n FROM ${ident(client, ref.table)}`,
    );
    by[`${ref.table}.${ref.column}`] = Number(rows[0]?.n ?? 0);
  }
  return { highest: Math.max(0, ...Object.values(by)), by };
}

/**
 * Sets a table's id sequence so the next id is past `floor` and past every id in the table.
 * Returns the sequence and its new value, or undefined when the key has no sequence.
 */
export async function raiseSequence(
  client: ClientBase,
  table: string,
  key: string,
  floor: number,
): Promise<{ sequence: string; value: number } | undefined> {
  const { rows } = await client.query<{ seq: string | null }>(
    "SELECT pg_get_serial_sequence($1, $2) AS seq",
    [ident(client, table), key],
  );
  const sequence = rows[0]?.seq;
  if (!sequence) return undefined;
  // setval(seq, n, true): the next id is n + 1; an empty table with nothing referenced starts at 1.
  const { rows: set } = await client.query<{ value: string }>(
    `WITH n AS (SELECT GREATEST($2::bigint, (SELECT coalesce(max(${ident(client, key)}), 0) FROM ${ident(client, table)})) AS v)
     SELECT setval($1, GREATEST(v, 1), v > 0)::text AS value FROM n`,
    [sequence, floor],
  );
  return { sequence, value: Number(set[0]!.value) };
}
