import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PgTarget } from "../../lib/adapters/postgres.js";
import { z } from "zod";
import { loadStack } from "../../lib/model/index.js";
import { defineRunbook } from "../../lib/runbook/define.js";
import { executeRunbook } from "../../lib/runbook/executor.js";
import { acquireFileLock } from "../../lib/runbook/lock-file.js";
import { createProgress } from "../../lib/runbook/progress.js";
import { acquireAdvisoryLock } from "../../lib/runbook/lock-postgres.js";
import { LockHeldError } from "../../lib/runbook/locks.js";
import { Secret } from "../../lib/secret.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";

/** Locks per target, against a real PostgreSQL: what two laptops see when both want one database. */

let pg: PgServer;

beforeAll(async () => {
  pg = await startPostgres();
  await pg.createDatabase("shop");
  await pg.createRole("ops_alice", "alice-pass-1");
  await pg.createRole("ops_bob", "bob-pass-22");
  await pg.query("GRANT CONNECT ON DATABASE shop TO ops_alice, ops_bob");
});

afterAll(async () => {
  await pg.stop();
});

function target(user: string, password: string): PgTarget {
  return {
    database: {
      name: "shop",
      engine: "postgres",
      host: "127.0.0.1",
      port: pg.port,
      database: "shop",
      user,
      passwordSecret: undefined,
      usedBy: [],
      criticalTables: [],
      exporterJob: undefined,
      rto: undefined,
      smokeQueries: [],
    },
    password: new Secret(password, `password of ${user}`),
  };
}

const alice = { operator: "alice@example.org", runbook: "restore-db", stack: "shop-prod" };
const bob = { operator: "bob@example.org", runbook: "backup-db", stack: "shop-prod" };

describe("PostgreSQL advisory lock", () => {
  it("refuses a second holder, naming the first and since when, as seen by another unprivileged user", async () => {
    const held = await acquireAdvisoryLock(
      "db-shop-prod-shop",
      target("ops_alice", "alice-pass-1"),
      alice,
    );
    const attempt = acquireAdvisoryLock("db-shop-prod-shop", target("ops_bob", "bob-pass-22"), bob);
    await expect(attempt).rejects.toBeInstanceOf(LockHeldError);
    await expect(attempt).rejects.toThrow(
      /^lock "db-shop-prod-shop" is held by alice@example\.org \(restore-db\) since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ; try again when it is done$/,
    );
    await held.release();
    const next = await acquireAdvisoryLock(
      "db-shop-prod-shop",
      target("ops_bob", "bob-pass-22"),
      bob,
    );
    await next.release();
  });

  it("is released by the server when the holder's session dies, and the holder learns it lost it", async () => {
    const crashed = await acquireAdvisoryLock(
      "db-crash",
      target("ops_alice", "alice-pass-1"),
      alice,
    );
    expect(crashed.lost()).toBeUndefined();
    await pg.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'ops_alice'",
    );
    await expect.poll(() => crashed.lost()).toMatch(/^the session holding db-crash ended: /);
    const next = await acquireAdvisoryLock("db-crash", target("ops_bob", "bob-pass-22"), bob);
    await next.release();
  });

  it("shared locks coexist (two backups); an exclusive one (a restore) excludes them, both ways", async () => {
    const daily = await acquireAdvisoryLock(
      "db-modes",
      target("ops_alice", "alice-pass-1"),
      alice,
      "shared",
    );
    const weekly = await acquireAdvisoryLock(
      "db-modes",
      target("ops_bob", "bob-pass-22"),
      bob,
      "shared",
    );
    await expect(
      acquireAdvisoryLock("db-modes", target("ops_bob", "bob-pass-22"), bob, "exclusive"),
    ).rejects.toThrow(
      /is held by (alice@example\.org \(restore-db\), bob@example\.org \(backup-db\)|bob@example\.org \(backup-db\), alice@example\.org \(restore-db\)) since /,
    );
    await Promise.all([daily.release(), weekly.release()]);
    const restore = await acquireAdvisoryLock(
      "db-modes",
      target("ops_alice", "alice-pass-1"),
      alice,
      "exclusive",
    );
    await expect(
      acquireAdvisoryLock("db-modes", target("ops_bob", "bob-pass-22"), bob, "shared"),
    ).rejects.toThrow(/is held by alice@example\.org \(restore-db\) since /);
    await restore.release();
  });

  it("locks per target: another database's lock does not block", async () => {
    const one = await acquireAdvisoryLock("db-one", target("ops_alice", "alice-pass-1"), alice);
    const two = await acquireAdvisoryLock("db-two", target("ops_bob", "bob-pass-22"), bob);
    await Promise.all([one.release(), two.release()]);
  });
});

describe("a run that loses its lock", () => {
  it("stops before its next change and rolls back what it did", async () => {
    const log: string[] = [];
    const { database } = target("ops_alice", "alice-pass-1");
    const definition = defineRunbook({
      name: "two-changes",
      summary: "",
      description: "",
      outline: [],
      params: z.object({}),
      plan: () => ({
        lock: { kind: "postgres", name: "db-lost", database },
        steps: [
          {
            title: "first change",
            kind: "change",
            run: async () => {
              log.push("first");
              // Another session kills ours, as a DBA or a failover would.
              await pg.query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'guardia|%'",
              );
              await expect
                .poll(() =>
                  pg.query(
                    "SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'guardia|%'",
                  ),
                )
                .toEqual([]);
            },
            rollback: { run: async () => void log.push("undo first") },
          },
          { title: "second change", kind: "change", run: async () => void log.push("second") },
        ],
      }),
    });
    const record = await executeRunbook(definition, {
      stack: loadStack("mira-dev"),
      params: {},
      dryRun: false,
      yes: true,
      operator: "alice@example.org",
      progress: createProgress({
        stream: { write: () => true } as unknown as NodeJS.WritableStream,
      }),
      confirmIO: { interactive: false, ask: async () => "" },
      // The database has no Secret reference: the password comes from PGPASSWORD, as on a laptop.
      env: { PGPASSWORD: "alice-pass-1" },
    });
    expect(log).toEqual(["first", "undo first"]);
    expect(record.exitCode).toBe(1);
    expect(record.error).toMatch(
      /^stopped before "second change": the session holding db-lost ended: /,
    );
  });
});

describe("file lock (local stacks)", () => {
  const state = mkdtempSync(path.join(tmpdir(), "guardia-locks-"));
  process.env.XDG_STATE_HOME = state;

  it("refuses a second holder on this machine", async () => {
    const held = await acquireFileLock("shop-web", alice);
    await expect(acquireFileLock("shop-web", bob)).rejects.toThrow(
      /^lock "shop-web" is held by alice@example\.org \(restore-db on shop-prod\) since /,
    );
    await held.release();
    await (await acquireFileLock("shop-web", bob)).release();
  });

  it("treats a lock file it cannot read as held, naming the file", async () => {
    const dir = path.join(state, "guardia", "locks");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "shop-half.lock"), '{"holder":"som');
    await expect(acquireFileLock("shop-half", bob)).rejects.toThrow(
      /is held by an unreadable lock file .*shop-half\.lock \(remove it if no guardia run is active\)/,
    );
  });

  it("of two processes taking over a dead holder's lock, exactly one wins", async () => {
    const dir = path.join(state, "guardia", "locks");
    mkdirSync(dir, { recursive: true });
    const dead = {
      holder: "ghost",
      since: "2026-01-01T00:00:00Z",
      pid: 2 ** 22 + 999,
      host: hostname(),
    };
    writeFileSync(path.join(dir, "shop-race.lock"), JSON.stringify(dead));
    const results = await Promise.allSettled([
      acquireFileLock("shop-race", alice),
      acquireFileLock("shop-race", bob),
    ]);
    // Both run in this one process, so the second sees the first as alive: one wins, one is refused.
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(1);
  });

  it("takes over a lock left by a process that no longer exists", async () => {
    const dir = path.join(state, "guardia", "locks");
    mkdirSync(dir, { recursive: true });
    const deadPid = 2 ** 22 + 12345;
    writeFileSync(
      path.join(dir, "shop-api.lock"),
      JSON.stringify({
        holder: "ghost",
        since: "2026-01-01T00:00:00Z",
        pid: deadPid,
        host: hostname(),
      }),
    );
    const held = await acquireFileLock("shop-api", bob);
    await held.release();
  });
});
