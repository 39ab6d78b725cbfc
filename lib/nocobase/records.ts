import { pipeline } from "node:stream/promises";
import type { ClientBase } from "pg";
import { pgEnv } from "../adapters/postgres.js";
import type { PgTarget } from "../adapters/postgres.js";
import { onAbort } from "../backup/abort.js";
import { DUMP_OBJECT, objectKey, type BackupLocation } from "../backup/layout.js";
import { listBackups, type BackupEntry } from "../backup/list.js";
import { findExecutable, settle, startStage } from "../backup/process.js";
import type { ObjectStore } from "../backup/store.js";
import { commandLine } from "../naming.js";
import type { Reference } from "./recreate-plan.js";

/**
 * Rows of recreated collections brought back from a database backup, and the id sequences set
 * so a new record never takes an id that other tables still point at. The backup is restored
 * side by side into a scratch database (lib/backup/verify.ts); the rows go from there into the
 * new table with `COPY ... TO STDOUT | COPY ... FROM STDIN`, ids included, in one statement, so
 * either every row arrives or none does.
 */

const TOC_TABLE = /^\d+; \d+ \d+ TABLE (\S+) (\S+) /;

/** The tables a dump holds, from its table of contents (`pg_restore --list` reads only its head). */
export async function dumpTables(
  store: ObjectStore,
  location: BackupLocation,
  id: string,
  signal?: AbortSignal,
): Promise<Set<string>> {
  const body = await store.get(objectKey(location, id, DUMP_OBJECT));
  const unzstd = startStage("zstd -d", findExecutable("zstd"), ["-q", "-d", "-c"], {
    stdin: "pipe",
  });
  const list = startStage("pg_restore --list", findExecutable("pg_restore"), ["--list"], {
    stdin: unzstd.stdout,
  });
  let toc = "";
  list.stdout.setEncoding("utf8");
  list.stdout.on("data", (chunk: string) => (toc += chunk));
  const feeding = pipeline(body, unzstd.stdin!).catch(() => undefined);
  const unsubscribe = onAbort(signal, () => [unzstd, list].forEach((s) => s.kill()));
  try {
    // pg_restore stops after the table of contents; zstd and the download then die of EPIPE.
    await list.done;
  } finally {
    unsubscribe();
    unzstd.kill();
    body.destroy();
    await Promise.all([feeding, settle([unzstd])]);
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
  signal?: AbortSignal,
): Promise<{ backup: BackupEntry | undefined; looked: string[] }> {
  const looked: string[] = [];
  for (const backup of await listBackups(store, location)) {
    looked.push(backup.id);
    const held = await dumpTables(store, location, backup.id, signal);
    if (tables.every((t) => held.has(t))) return { backup, looked };
  }
  return { backup: undefined, looked };
}

const PSQL = ["--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1"];

export interface CopyPipeline {
  readonly table: string;
  /** The backup's columns, in its order. */
  readonly columns: readonly string[];
  /** psql on the scratch database: `COPY "t" (cols) TO STDOUT`. */
  readonly from: readonly string[];
  /** psql on the live database: `COPY "t" (cols) FROM STDIN`. */
  readonly to: readonly string[];
}

export function copyPipeline(
  table: string,
  columns: readonly string[],
  scratch: string,
  live: string,
): CopyPipeline {
  const quoted = `"${table.replace(/"/g, '""')}"`;
  const list = columns.map((c) => `"${c.replace(/"/g, '""')}"`).join(", ");
  return {
    table,
    columns,
    from: ["psql", ...PSQL, "-d", scratch, "-c", `COPY ${quoted} (${list}) TO STDOUT`],
    to: ["psql", ...PSQL, "-d", live, "-c", `COPY ${quoted} (${list}) FROM STDIN`],
  };
}

/** The pipeline as a shell line: what the plan prints is what runs. */
export function pipelineLine(copy: CopyPipeline): string {
  return `${commandLine(copy.from)} | ${commandLine(copy.to)}`;
}

/** Runs the pipeline: psql reads from the scratch database, psql writes into the live one. */
export async function copyRows(
  copy: CopyPipeline,
  scratch: PgTarget,
  live: PgTarget,
  signal?: AbortSignal,
): Promise<void> {
  const [fromCmd, ...fromArgs] = copy.from;
  const [toCmd, ...toArgs] = copy.to;
  const reader = startStage("psql COPY TO", findExecutable(fromCmd!), fromArgs, {
    // The database is the argv's -d; the environment brings host, user and password.
    env: pgEnv(scratch),
  });
  const writer = startStage("psql COPY FROM", findExecutable(toCmd!), toArgs, {
    stdin: reader.stdout,
    env: pgEnv(live),
  });
  const unsubscribe = onAbort(signal, () => [reader, writer].forEach((s) => s.kill()));
  const results = await Promise.allSettled([writer.done, reader.done]).finally(unsubscribe);
  const failed = results.find((r) => r.status === "rejected");
  if (failed) {
    await settle([reader, writer]);
    throw new Error(`copying rows failed: ${(failed.reason as Error).message}`);
  }
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
