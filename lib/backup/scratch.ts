import { setTimeout as sleep } from "node:timers/promises";
import { compactUtc, parseCompactUtc } from "./stamp.js";
import { randomBytes } from "node:crypto";
import type { ClientBase } from "pg";
import { describeTarget, withPgClient } from "../adapters/postgres.js";
import type { PgTarget } from "../adapters/postgres.js";
import type { Backups, Database } from "../model/index.js";
import { acquireAdvisoryLock } from "../runbook/lock-postgres.js";
import { LockHeldError, scratchLockName, type LockHolder } from "../runbook/locks.js";
import { t } from "../i18n/index.js";

/**
 * The restore drill's scratch databases: where they live (the stack's drill server, or the
 * database's own server), their names, how they are dropped by the database owner that made them
 * (no superuser needed), and the ones drills left behind when they were killed: each is a full
 * copy of production data. A drill holds its scratch database's advisory lock from before CREATE
 * DATABASE until after the drop, so a scratch database whose lock is free belongs to a drill that
 * is gone, whatever its age.
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

/** A scratch database this drill created and holds; `drop` drops it and lets its lock go. */
export interface Scratch {
  readonly name: string;
  /** Drops it (see `dropAsOwner`); the lock goes even when the drop fails, so the next drill can. */
  drop(): Promise<void>;
}

/** Takes the scratch database's lock, then creates it (from template0: empty, whatever template1 holds). */
export async function createScratch(
  target: PgTarget,
  scratch: string,
  holder: LockHolder,
): Promise<Scratch> {
  const lock = await acquireAdvisoryLock(scratchLockName(scratch), target, holder, "exclusive");
  try {
    await withPgClient(target, (c) =>
      c.query(`CREATE DATABASE ${c.escapeIdentifier(scratch)} TEMPLATE template0`),
    );
  } catch (err) {
    await lock.release();
    throw new Error(
      t`creating scratch database ${scratch} on ${describeTarget(target)} failed: ${(err as Error).message} (the restore drill needs a user with CREATEDB)`,
      { cause: err },
    );
  }
  return {
    name: scratch,
    drop: async () => {
      try {
        await dropAsOwner(target, scratch);
      } finally {
        await lock.release();
      }
    },
  };
}

/** Drop attempts while only autovacuum workers or our own sessions are in the way. */
const DROP_ATTEMPTS = 5;
const DROP_RETRY_MS = 1000;

/**
 * Drops a scratch database as its owner, who need not be a superuser. New sessions are refused
 * first (pg_restore reconnecting); the owner's own sessions (a failed pg_restore, a count) are
 * terminated; then DROP DATABASE without FORCE, because PostgreSQL itself stops the autovacuum
 * workers that start on a freshly restored copy and waits for them, whereas FORCE would need the
 * right to terminate them (superuser or pg_signal_backend), which a database owner lacks. While
 * only such sessions are in the way it tries again; a session of another role is explained.
 */
export async function dropAsOwner(target: PgTarget, scratch: string): Promise<void> {
  await withPgClient(target, async (c) => {
    const id = c.escapeIdentifier(scratch);
    await c.query(`ALTER DATABASE ${id} ALLOW_CONNECTIONS false`).catch(() => undefined);
    for (let attempt = 1; ; attempt++) {
      await terminateOwnSessions(c, scratch);
      try {
        await c.query(`DROP DATABASE IF EXISTS ${id}`);
        return;
      } catch (err) {
        const others =
          (err as { code?: string }).code === "55006" ? await sessionsOn(c, scratch) : [];
        const retry = others.every((s) => s.autovacuum || s.ownRole) && attempt < DROP_ATTEMPTS;
        if (!retry) throw dropError(target, scratch, err as Error, others);
        await sleep(DROP_RETRY_MS);
      }
    }
  });
}

interface Session {
  readonly pid: number;
  readonly role: string | null;
  readonly what: string;
  readonly autovacuum: boolean;
  readonly ownRole: boolean;
}

async function terminateOwnSessions(c: ClientBase, scratch: string): Promise<void> {
  await c.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = $1 AND pid <> pg_backend_pid() AND usename = current_user`,
    [scratch],
  );
}

/** Who else is connected to `scratch`: autovacuum workers, our own role's sessions, others. */
async function sessionsOn(c: ClientBase, scratch: string): Promise<Session[]> {
  // A role without pg_read_all_stats sees other roles' sessions with most columns null; a
  // session without a role (usename null) is a background worker: autovacuum on a fresh copy.
  const { rows } = await c.query<{
    pid: number;
    usename: string | null;
    backend_type: string | null;
    application_name: string | null;
    own: boolean;
  }>(
    `SELECT pid, usename, backend_type, application_name, usename = current_user AS own
       FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
    [scratch],
  );
  return rows.map((r) => ({
    pid: r.pid,
    role: r.usename,
    what: r.application_name || r.backend_type || t`a session`,
    autovacuum: r.usename === null,
    ownRole: r.own === true,
  }));
}

function dropError(target: PgTarget, scratch: string, err: Error, others: Session[]): Error {
  const where = t`scratch database ${scratch} on ${describeTarget(target)}`;
  const foreign = others.filter((s) => !s.autovacuum && !s.ownRole);
  const role = target.database.user;
  const why =
    foreign.length > 0
      ? t`it is in use by ${foreign.map((s) => t`${s.what} (pid ${s.pid}, role ${s.role ?? "?"})`).join(", ")}; ${role} may terminate only its own sessions: that needs membership in their role or in pg_signal_backend (GRANT pg_signal_backend TO ${role}), or end them and drop it by hand`
      : err.message;
  return new Error(t`dropping ${where} failed: ${why} (DROP DATABASE ${scratch})`, { cause: err });
}

export interface ScratchDatabase {
  readonly name: string;
  readonly createdAt: string;
  /** Sessions on it that are not autovacuum workers. */
  readonly connections: number;
  /** Why it is dropped or kept. */
  readonly reason: string;
}

export interface ScratchSurvey {
  /** Their drill is gone (its lock is free) and no one else uses them: dropped next. */
  readonly stale: readonly ScratchDatabase[];
  /** Used by a running drill, or by someone else's session. */
  readonly kept: readonly ScratchDatabase[];
}

/**
 * Scratch databases on the target's server, each judged by its drill lock: free means its drill
 * is gone, so it is stale unless sessions of other roles use it (the drill's own leftover
 * sessions are ended by the drop).
 */
export async function surveyScratch(target: PgTarget, holder: LockHolder): Promise<ScratchSurvey> {
  const names = await withPgClient(target, async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY datname",
      [`${PREFIX.replace(/_/g, "\\_")}%`],
    );
    return rows.map((r) => r.datname).filter((name) => scratchCreatedAt(name));
  });
  const survey = { stale: [] as ScratchDatabase[], kept: [] as ScratchDatabase[] };
  for (const name of names) {
    const judged = await judgeScratch(target, name, holder);
    (judged.stale ? survey.stale : survey.kept).push(judged.scratch);
  }
  return survey;
}

async function judgeScratch(target: PgTarget, name: string, holder: LockHolder) {
  const sessions = await withPgClient(target, (c) => sessionsOn(c, name));
  const clients = sessions.filter((s) => !s.autovacuum);
  const foreign = clients.filter((s) => !s.ownRole);
  const base = {
    name,
    createdAt: scratchCreatedAt(name)!.toISOString(),
    connections: clients.length,
  };
  if (!(await lockIsFree(target, name, holder))) {
    return {
      stale: false,
      scratch: { ...base, reason: t`its drill is running (it holds the drill's lock)` },
    };
  }
  if (foreign.length > 0) {
    const who = foreign.map((s) => `${s.role ?? "?"} (${s.what})`).join(", ");
    return {
      stale: false,
      scratch: { ...base, reason: t`its drill is gone, but in use by ${who}` },
    };
  }
  const left =
    clients.length > 0 ? t`; its ${clients.length} leftover session(s) are ended first` : "";
  return {
    stale: true,
    scratch: { ...base, reason: t`its drill is gone (the drill's lock is free)${left}` },
  };
}

async function lockIsFree(target: PgTarget, name: string, holder: LockHolder): Promise<boolean> {
  try {
    const lock = await acquireAdvisoryLock(scratchLockName(name), target, holder, "exclusive");
    await lock.release();
    return true;
  } catch (err) {
    if (err instanceof LockHeldError) return false;
    throw err;
  }
}

export interface StaleDrop {
  readonly dropped: readonly string[];
  /** Name and why, for those left: a drill took it meanwhile, or the drop was refused. */
  readonly failed: readonly { readonly name: string; readonly error: string }[];
}

/**
 * Drops scratch databases a survey found stale, each under its drill lock (so a drill cannot be
 * using it meanwhile), as their owner (`dropAsOwner`).
 */
export async function dropStaleScratch(
  target: PgTarget,
  names: readonly string[],
  holder: LockHolder,
): Promise<StaleDrop> {
  const result = { dropped: [] as string[], failed: [] as { name: string; error: string }[] };
  for (const name of names) {
    if (!scratchCreatedAt(name))
      throw new Error(t`${name} is not a restore drill's scratch database`);
    try {
      const lock = await acquireAdvisoryLock(scratchLockName(name), target, holder, "exclusive");
      try {
        await dropAsOwner(target, name);
      } finally {
        await lock.release();
      }
      result.dropped.push(name);
    } catch (err) {
      result.failed.push({ name, error: (err as Error).message });
    }
  }
  return result;
}
