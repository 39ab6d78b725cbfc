import { spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupDatabase } from "../../lib/backup/dump.js";
import { verifyBackup } from "../../lib/backup/verify.js";
import { loadStack } from "../../lib/model/index.js";
import { executeRunbook } from "../../lib/runbook/executor.js";
import { createProgress } from "../../lib/runbook/progress.js";
import verifyBackupRunbook from "../../runbooks/verify-backup.js";
import { GUARDIA_BIN, runCli } from "../harness/cli.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { waitUntil } from "../harness/process.js";
import { writeStackFile } from "../harness/stacks.js";
import {
  CRITICAL_TABLES,
  createMiraDatabase,
  drillDatabases,
  LOCATION,
  removeTempDirs,
  storeFor,
  targetFor,
  useDestination,
} from "./helpers.js";

/**
 * Restore drills that always clean up, run as the stack's database owner, who is no superuser:
 * autovacuum starts on every freshly restored copy (eagerly here, as on a busy server), and the
 * drop must still succeed; a drill killed at any moment leaves a copy the next drill drops.
 */

let server: PgServer;
const DB = "mira_production";
const OWNER = { user: "mira_owner", password: "mira-owner-password-1" };
const DRILLS = 50;
const AT_ONCE = 2;
const KILLED = 10;

beforeAll(async () => {
  server = await startPostgres({
    // Autovacuum visits every database each second and analyzes any table with a changed row:
    // a scratch database gets a worker within a second of its restore.
    settings: {
      autovacuum_naptime: "1",
      autovacuum_vacuum_threshold: "0",
      autovacuum_analyze_threshold: "0",
      autovacuum_vacuum_scale_factor: "0",
      autovacuum_analyze_scale_factor: "0",
      autovacuum_vacuum_insert_threshold: "0",
      autovacuum_vacuum_insert_scale_factor: "0",
      autovacuum_vacuum_cost_delay: "20",
    },
  });
  await server.createRole(OWNER.user, OWNER.password);
  await server.query(`ALTER ROLE ${OWNER.user} CREATEDB`);
  await createMiraDatabase(server, DB, 2000);
  // Tables big enough that analyzing them takes a while.
  await server.query(
    `CREATE TABLE adjuntos AS SELECT g AS id, md5(g::text) AS contenido FROM generate_series(1, 100000) g`,
    DB,
  );
  for (const table of ["onco_casos", "onco_episodios", "adjuntos"]) {
    await server.query(`ALTER TABLE ${table} OWNER TO ${OWNER.user}`, DB);
  }
  await server.query(`ALTER DATABASE ${DB} OWNER TO ${OWNER.user}`);
}, 120_000);
afterAll(async () => {
  await server?.stop();
  removeTempDirs();
});

describe("restore drills as the database owner (no superuser), autovacuum eager", () => {
  const dest = useDestination("file", () => undefined as never, "unused");
  let stack: string;

  beforeAll(async () => {
    await backupDatabase({
      ...{ store: dest.store, location: LOCATION, target: targetFor(server, DB, OWNER) },
      ...{ schedule: "daily", operator: "test" },
    });
    stack = writeStackFile(
      {
        name: "mira",
        environment: "dev",
        namespace: "mira",
        runtime: "local",
        databases: [
          {
            ...{
              name: "mira",
              engine: "postgres",
              host: server.host,
              port: server.port,
              database: DB,
            },
            user: OWNER.user,
            passwordSecret: { name: "mira-db", key: "password", env: "MIRA_DB_PASSWORD" },
            criticalTables: CRITICAL_TABLES,
          },
        ],
        backups: { destination: { url: dest.destination.url } },
      },
      "mira-dev",
    );
  }, 60_000);

  const drill = () =>
    executeRunbook(verifyBackupRunbook, {
      stack: loadStack(stack),
      params: { database: "mira", backup: "latest" },
      dryRun: false,
      yes: true,
      operator: "test",
      progress: createProgress({
        stream: { write: () => true } as unknown as NodeJS.WritableStream,
      }),
      confirmIO: { interactive: false, ask: async () => "" },
      env: { MIRA_DB_PASSWORD: OWNER.password },
    });

  it(`${DRILLS} drills in a row all pass, and each drops its scratch database`, async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < DRILLS; i += AT_ONCE) {
      const runs = await Promise.all(Array.from({ length: AT_ONCE }, drill));
      for (const run of runs) {
        const step = run.steps.find((s) => s.title.startsWith("Restore drill"));
        outcomes.push(`${run.exitCode} ${step?.summary ?? run.error}`);
      }
    }
    const passed = outcomes.filter((o) =>
      /^0 .*; scratch database guardia_drill_\w+ dropped$/.test(o),
    );
    expect(outcomes.filter((o) => !passed.includes(o))).toEqual([]);
    expect(passed).toHaveLength(DRILLS);
    expect(await drillDatabases(server)).toEqual([]);
  }, 900_000);

  it(`${KILLED} drills SIGKILLed at random moments, then one more: no scratch database left`, async () => {
    // Each killed drill first drops what the one before it left, so at most one copy waits.
    const leftByKills: number[] = [];
    for (let i = 0; i < KILLED; i++) {
      await killDrillAtRandom(stack);
      leftByKills.push((await drillDatabases(server)).length);
    }
    const left = await drillDatabases(server);
    const next = await runCli(
      ["verify-backup", "--stack", stack, "--database", "mira", "--yes", "--json"],
      {
        env: { MIRA_DB_PASSWORD: OWNER.password, GUARDIA_AUDIT_FILE: "/dev/null" },
        timeoutMs: 180_000,
      },
    );
    expect(next.code, next.stderr).toBe(0);
    const { steps } = JSON.parse(next.stdout) as { steps: { title: string; summary?: string }[] };
    const found = steps.find((s) => s.title.startsWith("Find scratch databases"))!.summary;
    // It says what it found: the copy the last killed drill left.
    expect(found).toBe(
      left.length === 0
        ? "found none"
        : `found ${left.length}: ${left.length} of drills that are gone (dropped next: ${[...left].sort().join(", ")})`,
    );
    expect(await drillDatabases(server)).toEqual([]);
    // Kills are aimed mid-restore; on a loaded machine some land before the copy exists, but
    // the test means nothing unless some did leave one.
    expect(leftByKills.filter((n) => n === 1).length).toBeGreaterThan(0);
    expect(Math.max(...leftByKills)).toBe(1);
  }, 900_000);

  it("a drill whose scratch database another role uses at the end passes, and says it left the copy and why", async () => {
    const store = await storeFor(dest.destination);
    let watcher: pg.Client | undefined;
    const report = await verifyBackup({
      store,
      location: LOCATION,
      target: targetFor(server, DB, OWNER),
      backup: "latest",
      log: (line) => {
        const scratch = /into \S+\/(guardia_drill_\w+)$/.exec(line)?.[1];
        if (scratch) void connectAsAdmin(scratch).then((c) => (watcher = c));
      },
    });
    store.close();
    expect(watcher).toBeDefined();
    expect(report.tables.map((t) => t.restored)).toEqual([2000, 8000]);
    expect(report.scratchLeft).toMatch(
      new RegExp(
        `^dropping scratch database ${report.scratchDatabase} on \\S+ failed: it is in use by a session \\(pid \\d+, role guardia_admin\\); mira_owner may terminate only its own sessions: .*GRANT pg_signal_backend TO mira_owner`,
      ),
    );
    await watcher!.end();
    // Its lock is free now: the next drill drops it at once.
    const next = await drill();
    expect(next.exitCode).toBe(0);
    expect(await drillDatabases(server)).toEqual([]);
  }, 300_000);
});

/** A superuser's session on `database`, opened as soon as it exists: one the owner may not end. */
async function connectAsAdmin(database: string): Promise<pg.Client> {
  await waitUntil(
    async () => (await drillDatabases(server)).includes(database),
    30_000,
    () => `${database} never appeared`,
  );
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    database,
  });
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

/**
 * Starts a drill as the CronJob does and SIGKILLs it at a random moment once its scratch database
 * exists (0–1.5 s later: creating, restoring, counting or dropping), as an OOM kill or a lost node.
 */
async function killDrillAtRandom(stack: string): Promise<void> {
  const before = new Set(await drillDatabases(server));
  const child = spawn(
    process.execPath,
    [GUARDIA_BIN, "verify-backup", "--stack", stack, "--database", "mira", "--yes"],
    {
      env: { ...process.env, MIRA_DB_PASSWORD: OWNER.password, GUARDIA_AUDIT_FILE: "/dev/null" },
      stdio: "ignore",
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let done = false;
  void exited.then(() => (done = true));
  await waitUntil(
    async () => done || (await drillDatabases(server)).some((d) => !before.has(d)),
    60_000,
    () => "the drill never created its scratch database",
  );
  await sleep(randomInt(1500));
  child.kill("SIGKILL");
  await exited;
}
