import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupDatabase } from "../../lib/backup/dump.js";
import { checkObjects } from "../../lib/backup/integrity.js";
import { listBackups } from "../../lib/backup/list.js";
import { verifyBackup } from "../../lib/backup/verify.js";
import { runCli } from "../harness/cli.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { startS3, type S3Server } from "../harness/s3.js";
import { writeStackFile } from "../harness/stacks.js";
import {
  CRITICAL_TABLES,
  createMiraDatabase,
  drillDatabases,
  LOCATION,
  removeTempDirs,
  targetFor,
  useDestination,
} from "./helpers.js";

/**
 * Two backups never share a directory: runs that start in the same second (two CronJob pods, a
 * manual run beside the scheduled one, a re-run) each make a backup of their own, and each one
 * restores.
 */

let pg: PgServer;
let s3: S3Server;
const DB = "mira_production";
const PAIRS = 10;

beforeAll(async () => {
  [pg, s3] = await Promise.all([startPostgres(), startS3()]);
  await createMiraDatabase(pg, DB, 300);
});
afterAll(async () => {
  await Promise.all([pg?.stop(), s3?.stop()]);
  removeTempDirs();
});

describe.each(["file", "s3"] as const)("on %s://, in the same second", (kind) => {
  const dest = useDestination(kind, () => s3, `same-second-${kind}`);
  const at = new Date("2026-06-01T02:00:00Z");
  const backup = () =>
    backupDatabase({
      ...{ store: dest.store, location: LOCATION, target: targetFor(pg, DB) },
      ...{ schedule: "daily", operator: "test", now: () => at },
    });

  it("two concurrent runs make two backups, each matching its manifest", async () => {
    const [a, b] = await Promise.all([backup(), backup()]);
    expect(a.id).not.toBe(b.id);
    for (const made of [a, b]) {
      expect(await checkObjects(dest.store, LOCATION, made.manifest)).toEqual([]);
    }
    const listed = (await listBackups(dest.store, LOCATION)).map((l) => l.id);
    expect(listed).toEqual(expect.arrayContaining([a.id, b.id]));
  });

  it("a re-run in the same second does not fail: it makes its own backup", async () => {
    const first = await backup();
    const again = await backup();
    expect(again.id).not.toBe(first.id);
    expect(again.id.slice(0, 16)).toBe(first.id.slice(0, 16));
  });
});

describe("backup-db, started in pairs on one database (file://)", () => {
  const dest = useDestination("file", () => s3, "unused");
  let stack: string;

  beforeAll(() => {
    stack = writeStackFile(
      {
        name: "mira",
        environment: "dev",
        namespace: "mira",
        runtime: "local",
        databases: [
          {
            ...{ name: "mira", engine: "postgres", host: pg.host, port: pg.port, database: DB },
            user: pg.user,
            passwordSecret: { name: "mira-db", key: "password", env: "MIRA_DB_PASSWORD" },
            criticalTables: CRITICAL_TABLES,
          },
        ],
        backups: { destination: { url: dest.destination.url } },
      },
      "mira-dev",
    );
  });

  it(`${PAIRS} pairs make ${PAIRS * 2} backups, and each one restores`, async () => {
    const env = { MIRA_DB_PASSWORD: pg.password, GUARDIA_AUDIT_FILE: "/dev/null" };
    const ids: string[] = [];
    for (let pair = 0; pair < PAIRS; pair++) {
      const runs = await Promise.all(
        [0, 1].map(() =>
          runCli(["backup-db", "--stack", stack, "--database", "mira", "--yes", "--json"], {
            env,
            timeoutMs: 120_000,
          }),
        ),
      );
      for (const run of runs) {
        expect(run.code, run.stderr).toBe(0);
        ids.push((JSON.parse(run.stdout) as { result: { id: string } }).result.id);
      }
    }
    expect(new Set(ids).size).toBe(PAIRS * 2);
    expect((await listBackups(dest.store, LOCATION)).map((b) => b.id).sort()).toEqual(ids.sort());
    // Each one, restored into a scratch database with its counts compared: two drills at a time.
    const tables: number[][] = [];
    for (let i = 0; i < ids.length; i += 2) {
      const reports = await Promise.all(
        ids.slice(i, i + 2).map((id) =>
          verifyBackup({
            store: dest.store,
            location: LOCATION,
            target: targetFor(pg, DB),
            backup: id,
          }),
        ),
      );
      tables.push(...reports.map((r) => r.tables.map((t) => t.restored)));
    }
    expect(tables).toEqual(ids.map(() => [300, 1200]));
    expect(await drillDatabases(pg)).toEqual([]);
  }, 600_000);
});
