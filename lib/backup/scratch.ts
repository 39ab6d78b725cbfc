import { compactUtc, parseCompactUtc } from "./stamp.js";
import { randomBytes } from "node:crypto";
import { describeTarget, withPgClient } from "../adapters/postgres.js";
import type { PgTarget } from "../adapters/postgres.js";
import type { Backups, Database } from "../model/index.js";

/**
 * The restore drill's scratch databases: where they live (the stack's drill server, or the
 * database's own server), their names, and the ones a drill left behind when it was killed
 * (SIGKILL, a node lost) before it could drop its own: each is a full copy of production data.
 */

/** The database guardia connects to on a separate drill server to create and drop scratch ones. */
export const DRILL_SERVER_DATABASE = "postgres";

/**
 * The server a drill of `database` restores onto, as a database target: the stack's
 * `backups.restoreDrill.server` when it has one, else the database's own server (as its user,
 * connected to the database itself, which then needs CREATEDB).
 */
export function drillDatabase(backups: Backups | undefined, database: Database): Database {
  const server = backups?.restoreDrill?.server;
  if (!server) return database;
  return {
    ...database,
    host: server.host,
    port: server.port,
    user: server.user,
    passwordSecret: server.passwordSecret,
    database: DRILL_SERVER_DATABASE,
    usedBy: [],
    exporterJob: undefined,
  };
}

const PREFIX = "guardia_drill_";
/** Exactly what `scratchName` makes; nothing else on a server is ever dropped as stale. */
const SCRATCH = /^guardia_drill_(\d{8}t\d{6})_[0-9a-f]{8}$/;

/** "20261123t050000": the UTC time in a scratch database's name (lowercase: no quoting needed). */
function stampOf(time: Date): string {
  return compactUtc(time).slice(0, -1).toLowerCase();
}

/** guardia_drill_20261123t050000_1a2b3c4d: unique, recognisable, under PostgreSQL's 63 bytes. */
export function scratchName(now: Date): string {
  return `${PREFIX}${stampOf(now)}_${randomBytes(4).toString("hex")}`;
}

/** When a scratch database was created (UTC, from its name), or undefined for any other name. */
export function scratchCreatedAt(name: string): Date | undefined {
  const m = SCRATCH.exec(name);
  return m ? parseCompactUtc(`${m[1]}z`) : undefined;
}

export async function createScratch(target: PgTarget, scratch: string): Promise<void> {
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

/** Drops this run's own scratch database, even while a failed pg_restore is still connected. */
export async function dropScratch(target: PgTarget, scratch: string): Promise<void> {
  try {
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

export interface ScratchDatabase {
  readonly name: string;
  readonly createdAt: string;
  readonly connections: number;
  /** Why it is dropped or kept. */
  readonly reason: string;
}

export interface ScratchSurvey {
  /** Older than the drill's step timeout and nobody connected: left by a drill that died. */
  readonly stale: readonly ScratchDatabase[];
  /** Scratch databases of drills that may still be running. */
  readonly kept: readonly ScratchDatabase[];
}

/**
 * Scratch databases on the target's server. A drill is stopped at its step timeout, so one whose
 * name is older than `maxAgeMs` belongs to a run that died, unless someone is connected to it.
 */
export async function surveyScratch(
  target: PgTarget,
  maxAgeMs: number,
  now: Date = new Date(),
): Promise<ScratchSurvey> {
  const rows = await withPgClient(target, async (c) => {
    const result = await c.query<{ datname: string; connections: string }>(
      `SELECT d.datname,
              (SELECT count(*) FROM pg_stat_activity a WHERE a.datname = d.datname) AS connections
         FROM pg_database d WHERE d.datname LIKE $1 ORDER BY d.datname`,
      [`${PREFIX.replace(/_/g, "\\_")}%`],
    );
    return result.rows;
  });
  const survey = { stale: [] as ScratchDatabase[], kept: [] as ScratchDatabase[] };
  const hours = (ms: number) => `${(ms / 3_600_000).toFixed(1)} h`;
  for (const row of rows) {
    const created = scratchCreatedAt(row.datname);
    if (!created) continue;
    const connections = Number(row.connections);
    const age = now.getTime() - created.getTime();
    const base = { name: row.datname, createdAt: created.toISOString(), connections };
    if (age <= maxAgeMs) {
      survey.kept.push({ ...base, reason: `${hours(age)} old: a drill may still use it` });
    } else if (connections > 0) {
      survey.kept.push({ ...base, reason: `${hours(age)} old, but ${connections} connection(s)` });
    } else {
      survey.stale.push({ ...base, reason: `${hours(age)} old (over ${hours(maxAgeMs)}), unused` });
    }
  }
  return survey;
}

export interface StaleDrop {
  readonly dropped: readonly string[];
  /** Name and PostgreSQL's answer, for those it refused (someone connected since, not the owner). */
  readonly failed: readonly { readonly name: string; readonly error: string }[];
}

/**
 * Drops scratch databases a survey found stale. Without FORCE: PostgreSQL refuses to drop a
 * database someone connected to since the survey, so a drill that is alive after all keeps it.
 */
export async function dropStaleScratch(
  target: PgTarget,
  names: readonly string[],
): Promise<StaleDrop> {
  const result = { dropped: [] as string[], failed: [] as { name: string; error: string }[] };
  for (const name of names) {
    if (!scratchCreatedAt(name))
      throw new Error(`${name} is not a restore drill's scratch database`);
    try {
      await withPgClient(target, (c) =>
        c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)}`),
      );
      result.dropped.push(name);
    } catch (err) {
      result.failed.push({ name, error: (err as Error).message });
    }
  }
  return result;
}
