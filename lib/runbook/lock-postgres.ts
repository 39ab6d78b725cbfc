import { createHash } from "node:crypto";
import { t } from "../i18n/index.js";
import type { Client } from "pg";
import { pgClientConfig, type PgTarget } from "../adapters/postgres.js";
import { LockHeldError, type HeldLock, type LockHolder } from "./locks.js";

/**
 * A session-level advisory lock on the database server, held by a dedicated connection for the
 * whole run (it goes away by itself if the run dies). The holder's identity travels in that
 * session's application_name, so a refused run can say who holds the lock and since when.
 */

/** First key of every guardia advisory lock ("gd"), so they never collide with the app's own. */
const GUARDIA_LOCK_CLASS = 0x6764;
const MAX_APPLICATION_NAME = 63;

export async function acquireAdvisoryLock(
  name: string,
  target: PgTarget,
  holder: LockHolder,
  mode: "shared" | "exclusive" = "exclusive",
): Promise<HeldLock> {
  const shared = mode === "shared";
  const { default: pg } = await import("pg");
  const since = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const client = new pg.Client({
    ...pgClientConfig(target, target.database.database),
    application_name: applicationName(holder, since),
  });
  let lost: string | undefined;
  // Without a listener a dropped session would crash the process; instead the run learns the
  // lock is gone and stops before its next change.
  client.on("error", (err) => (lost = t`the session holding ${name} ended: ${err.message}`));
  await client.connect();
  const key = lockKey(name);
  const { rows } = await client.query<{ locked: boolean }>(
    `SELECT ${shared ? "pg_try_advisory_lock_shared" : "pg_try_advisory_lock"}($1, $2) AS locked`,
    [GUARDIA_LOCK_CLASS, key],
  );
  if (!rows[0]?.locked) {
    const current = await currentHolder(client, key);
    await client.end();
    throw new LockHeldError(name, current?.holder ?? t`another session`, current?.since);
  }
  const where = `${target.database.host}:${target.database.port}`;
  return {
    description: shared
      ? t`shared advisory lock ${name} on ${where}`
      : t`advisory lock ${name} on ${where}`,
    lost: () => lost,
    release: async () => {
      await client
        .query(`SELECT ${shared ? "pg_advisory_unlock_shared" : "pg_advisory_unlock"}($1, $2)`, [
          GUARDIA_LOCK_CLASS,
          key,
        ])
        .catch(() => {});
      await client.end().catch(() => {});
    },
  };
}

/** `guardia|<since>|<runbook>|<operator>`, cut to PostgreSQL's 63-byte limit. */
function applicationName(holder: LockHolder, since: string): string {
  return Buffer.from(`guardia|${since}|${holder.runbook}|${holder.operator}`)
    .subarray(0, MAX_APPLICATION_NAME)
    .toString("utf8")
    .replace(/\uFFFD$/, "");
}

/** A stable positive int32 for the lock name (the second advisory-lock key). */
function lockKey(name: string): number {
  return createHash("sha256").update(name).digest().readInt32BE(0) & 0x7fffffff;
}

async function currentHolder(
  client: Client,
  key: number,
): Promise<{ holder: string; since: string | undefined } | undefined> {
  const { rows } = await client.query<{ application_name: string | null }>(
    `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::oid AND l.objid = $2::oid AND l.objsubid = 2`,
    [GUARDIA_LOCK_CLASS, key],
  );
  const holders = rows
    .map((row) => row.application_name?.split("|") ?? [])
    .filter((parts) => parts[3] !== undefined)
    .map(([, since, runbook, operator]) => ({ who: `${operator} (${runbook})`, since }));
  if (holders.length === 0) return undefined;
  // Several shared holders can block an exclusive request: name them all, since the earliest.
  const since = holders.map((h) => h.since ?? "").sort()[0] || undefined;
  return { holder: holders.map((h) => h.who).join(", "), since };
}
