import type { ClientBase } from "pg";
import { describeTarget, withPgClient, type PgTarget } from "../adapters/postgres.js";
import type { Database } from "../model/index.js";
import { t } from "../i18n/index.js";

/**
 * The SQL a restore sends to the database server, as data: each statement is built once, with its
 * names quoted, and the plan, the audit record and the run all use that text. Statements run on
 * the server's maintenance database (`postgres`), never on the database being swapped: a
 * database cannot be renamed while anyone, guardia included, is connected to it.
 */

export const MAINTENANCE_DATABASE = "postgres";

export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The database's server, connected to its maintenance database (for plans and connections). */
export function serverOf(database: Database): Database {
  return { ...database, database: MAINTENANCE_DATABASE };
}

/** "SQL on postgres://u@host:5432/postgres: ALTER DATABASE …", one line per statement: a step's `call`. */
export function sqlCall(target: Pick<PgTarget, "database">, statements: readonly string[]): string {
  const where = describeTarget({ database: serverOf(target.database), password: undefined });
  return statements.map((s) => `SQL on ${where}: ${s}`).join("\n");
}

/** Runs the statements in order, each on its own (ALTER DATABASE cannot run in a transaction block). */
export async function runStatements(
  target: PgTarget,
  statements: readonly string[],
): Promise<void> {
  await withPgClient(
    target,
    async (client) => {
      for (const statement of statements) {
        try {
          await client.query(statement);
          if (statement.startsWith(TERMINATE)) await waitForNoSessions(client, statement);
        } catch (err) {
          throw new Error(t`${statement} failed: ${(err as Error).message}`, { cause: err });
        }
      }
    },
    MAINTENANCE_DATABASE,
  );
}

export const fence = (db: string) => `ALTER DATABASE ${ident(db)} ALLOW_CONNECTIONS false`;
export const unfence = (db: string) => `ALTER DATABASE ${ident(db)} ALLOW_CONNECTIONS true`;
export const rename = (from: string, to: string) =>
  `ALTER DATABASE ${ident(from)} RENAME TO ${ident(to)}`;
const TERMINATE = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ";
/** Ends every other session on `db`; `runStatements` then waits until they are gone. */
export const endSessions = (db: string) => `${TERMINATE}${literal(db)} AND pid <> pg_backend_pid()`;
export const dropDatabase = (db: string) => `DROP DATABASE IF EXISTS ${ident(db)} WITH (FORCE)`;
export const createDatabase = (db: string) => `CREATE DATABASE ${ident(db)} TEMPLATE template0`;
export const comment = (db: string, text: string | null) =>
  `COMMENT ON DATABASE ${ident(db)} IS ${text === null ? "NULL" : literal(text)}`;

/**
 * The fence stops new sessions, but a backend takes a moment to exit after it is told to: the
 * terminate statement is repeated until no session is left on the database, for 30 s at most.
 */
async function waitForNoSessions(client: ClientBase, terminate: string, waitMs = 30_000) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM (${terminate.replace(/^SELECT pg_terminate_backend\(pid\)/, "SELECT pid")}) s`,
    );
    if (Number(rows[0]!.n) === 0) return;
    if (Date.now() > deadline)
      throw new Error(t`${rows[0]!.n} session(s) did not end within ${waitMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await client.query(terminate);
  }
}

export interface ServerDatabase {
  readonly name: string;
  readonly bytes: number;
  readonly allowConnections: boolean;
  readonly comment: string | null;
}

/** Every database on the server whose name starts with `prefix` (or is exactly `exact`). */
export async function databasesLike(
  target: PgTarget,
  names: { readonly exact: string; readonly prefix: string },
): Promise<ServerDatabase[]> {
  return withPgClient(
    target,
    async (client) => {
      const { rows } = await client.query<{
        name: string;
        bytes: string;
        allow: boolean;
        comment: string | null;
      }>(
        `SELECT datname AS name, pg_database_size(oid) AS bytes, datallowconn AS allow,
                shobj_description(oid, 'pg_database') AS comment
           FROM pg_database WHERE datname = $1 OR starts_with(datname, $2) ORDER BY datname`,
        [names.exact, names.prefix],
      );
      return rows.map((r) => ({
        name: r.name,
        bytes: Number(r.bytes),
        allowConnections: r.allow,
        comment: r.comment,
      }));
    },
    MAINTENANCE_DATABASE,
  );
}
