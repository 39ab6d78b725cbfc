import { GetObjectTaggingCommand } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { FileStore } from "../../lib/backup/file-store.js";
import { DUMP_OBJECT } from "../../lib/backup/layout.js";
import { manifestText, type Manifest } from "../../lib/backup/manifest.js";
import { loadStack } from "../../lib/model/index.js";
import { executeRunbook } from "../../lib/runbook/executor.js";
import { acquireAdvisoryLock } from "../../lib/runbook/lock-postgres.js";
import { createProgress } from "../../lib/runbook/progress.js";
import backupDbRunbook from "../../runbooks/backup-db.js";
import {
  createMiraDatabase,
  CRITICAL_TABLES,
  drillDatabases,
  targetFor,
} from "../backup/helpers.js";
import { GUARDIA_BIN, runCli } from "../harness/cli.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { waitUntil } from "../harness/process.js";
import { startS3, type S3Server } from "../harness/s3.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * backup-db, verify-backup and list-backups as the CronJobs and engineers run them, against a
 * real PostgreSQL, a real directory and moto's S3 server driven by the real AWS SDK.
 */

let pg: PgServer;
let drillPg: PgServer;
let s3: S3Server;
let backupDir: string;
let fileStack: string;
let drillStack: string;
let bigStack: string;
const DRILL_PASSWORD = "drill-pass-1";
let s3Stack: string;
let lockedStack: string;
let work: string;

interface BackupJson {
  exitCode: number;
  result: {
    id: string;
    url: string;
    size: number;
    sha256: string;
    criticalTables: Record<string, number>;
    deleted: string[];
  };
}

beforeAll(async () => {
  [pg, drillPg, s3] = await Promise.all([startPostgres(), startPostgres(), startS3()]);
  await createMiraDatabase(pg, "mira_production", 300);
  await s3.createBucket("mira-backups");
  await s3.createBucket("mira-locked", { objectLockDays: 1 });
  work = mkdtempSync(path.join(tmpdir(), "guardia-backup-runbooks-"));
  backupDir = path.join(work, "backups");
  const platform = (destination: object, restoreDrill?: object, database = "mira_production") => ({
    name: "mira",
    environment: "prod",
    namespace: "mira",
    runtime: "local",
    databases: [
      {
        name: "mira",
        engine: "postgres",
        host: "127.0.0.1",
        port: pg.port,
        database,
        user: pg.user,
        passwordSecret: { name: "mira-db", key: "password", env: "MIRA_DB_PASSWORD" },
        criticalTables: CRITICAL_TABLES,
      },
    ],
    backups: {
      destination,
      schedules: [
        { name: "daily", cron: "0 2 * * *", keepDays: 30 },
        { name: "weekly", cron: "0 3 * * 0", keepDays: 90 },
      ],
      ...(restoreDrill && { restoreDrill }),
    },
    alerting: {
      receivers: [{ name: "ops", type: "webhook", urlSecret: { name: "alerting", key: "url" } }],
    },
  });
  fileStack = writeStackFile(platform({ url: `file://${backupDir}` }), "mira-file");
  bigStack = writeStackFile(
    platform({ url: `file://${path.join(work, "big")}` }, undefined, "mira_big"),
    "mira-big",
  );
  // The drill's own server, as the INATrace operations manual, 4.3 Pruebas de Restauración, asks
  // ("restaurar en un entorno aislado"): its user can create databases there and has no account
  // on the production server at all.
  await drillPg.createRole("guardia_drill", DRILL_PASSWORD);
  await drillPg.query("ALTER ROLE guardia_drill CREATEDB");
  drillStack = writeStackFile(
    platform(
      { url: `file://${backupDir}` },
      {
        cron: "0 5 * * 1",
        server: {
          host: "127.0.0.1",
          port: drillPg.port,
          user: "guardia_drill",
          passwordSecret: { name: "mira-drill-db", key: "password", env: "MIRA_DRILL_PASSWORD" },
        },
      },
    ),
    "mira-drill",
  );
  s3Stack = writeStackFile(
    platform({
      url: "s3://mira-backups/prod",
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: "us-east-1",
    }),
    "mira-s3",
  );
  lockedStack = writeStackFile(
    platform({
      url: "s3://mira-locked/prod",
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: "us-east-1",
      objectLock: { days: 1 },
    }),
    "mira-locked",
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([pg?.stop(), drillPg?.stop(), s3?.stop()]);
});

const env = () => ({
  MIRA_DB_PASSWORD: pg.password,
  AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl"),
  GUARDIA_OPERATOR: "cronjob/mira-backup-mira-daily",
});
const guardia = (...args: string[]) => runCli(args, { env: env(), timeoutMs: 120_000 });
const backupDb = (stack: string, ...extra: string[]) =>
  guardia("backup-db", "--stack", stack, "--database", "mira", ...extra);
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const dbDir = () => path.join(backupDir, "mira", "prod", "mira");

describe("backup-db → verify-backup on file://", () => {
  let backup: BackupJson["result"];

  it("backs up: the manifest's sha256 and counts match the stored dump and the tables", async () => {
    const run = await backupDb(fileStack, "--schedule", "daily", "--yes", "--json");
    expect(run.code).toBe(0);
    backup = (JSON.parse(run.stdout) as BackupJson).result;
    expect(backup.id).toMatch(/^\d{8}T\d{6}Z-daily_[0-9a-f]{6}$/);
    const dir = path.join(dbDir(), backup.id);
    const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as {
      operator: string;
      objects: { name: string; sha256: string; bytes: number }[];
      criticalTables: Record<string, number>;
    };
    const dump = readFileSync(path.join(dir, "dump.pgcustom.zst"));
    expect(manifest.objects).toEqual([
      { name: "dump.pgcustom.zst", bytes: dump.length, sha256: sha256(dump) },
    ]);
    expect(manifest.operator).toBe("cronjob/mira-backup-mira-daily");
    const [counts] = await pg.query<{ casos: string; episodios: string }>(
      "SELECT (SELECT count(*) FROM onco_casos) AS casos, (SELECT count(*) FROM onco_episodios) AS episodios",
      "mira_production",
    );
    expect(manifest.criticalTables).toEqual({
      onco_casos: Number(counts!.casos),
      onco_episodios: Number(counts!.episodios),
    });
  });

  it("verify-backup restores it into a scratch database, compares counts and drops the scratch", async () => {
    const run = await guardia(
      "verify-backup",
      "--stack",
      fileStack,
      "--database",
      "mira",
      "--yes",
      "--json",
    );
    expect(run.code).toBe(0);
    const report = (
      JSON.parse(run.stdout) as {
        result: { id: string; tables: { table: string; expected: number; restored: number }[] };
      }
    ).result;
    expect(report.id).toBe(backup.id);
    expect(report.tables).toEqual([
      { table: "onco_casos", expected: 300, restored: 300 },
      { table: "onco_episodios", expected: 1200, restored: 1200 },
    ]);
    expect(
      await pg.query("SELECT datname FROM pg_database WHERE datname LIKE 'guardia_drill_%'"),
    ).toEqual([]);
  });

  it("list-backups shows it with size, age, schedule and operator", async () => {
    const run = await guardia("list-backups", "--stack", fileStack);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `^mira\\s+${backup.id}\\s+daily\\s+\\d[\\d.]* [KM]iB\\s+\\d+ min\\s+cronjob/mira-backup-mira-daily\\s+complete$`,
        "m",
      ),
    );
  });

  it("--dry-run lists the expired backups it would delete and backs up nothing", async () => {
    planOldBackup(backup.id, "20250101T020000Z-daily");
    const before = readdirSync(dbDir()).sort();
    const run = await backupDb(fileStack, "--schedule", "daily", "--dry-run");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /Plan retention — ran: 1 expired \(20250101T020000Z-daily\); 1 kept/,
    );
    expect(run.stdout).toMatch(
      / PGDATABASE=mira_production PGAPPNAME=guardia PGCONNECT_TIMEOUT=10 \S*pg_dump --format=custom --compress=0 --no-password '--snapshot=<exported snapshot>' \| \S*zstd -q -c -1 /,
    );
    expect(readdirSync(dbDir()).sort()).toEqual(before);
  });

  it("a real run deletes exactly the expired backup and keeps the rest", async () => {
    const run = await backupDb(fileStack, "--schedule", "daily", "--yes", "--json");
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as BackupJson).result.deleted).toEqual([
      "20250101T020000Z-daily",
    ]);
    expect(readdirSync(dbDir())).toHaveLength(2);
    expect(existsSync(path.join(dbDir(), backup.id, "manifest.json"))).toBe(true);
  });

  it("a flipped byte makes verify-backup fail naming the object, before any database exists", async () => {
    const dump = path.join(dbDir(), backup.id, "dump.pgcustom.zst");
    const bytes = readFileSync(dump);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(dump, bytes);
    const run = await guardia(
      "verify-backup",
      "--stack",
      fileStack,
      "--database",
      "mira",
      "--backup",
      backup.id,
      "--yes",
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("dump.pgcustom.zst");
    expect(run.stderr).toMatch(/sha256/);
    expect(
      await pg.query("SELECT datname FROM pg_database WHERE datname LIKE 'guardia_drill_%'"),
    ).toEqual([]);
  });
});

describe("backup-db → verify-backup on s3://", () => {
  it("round-trips through the S3 API and tags every object with its schedule for the lifecycle rules", async () => {
    const run = await backupDb(s3Stack, "--schedule", "weekly", "--yes", "--json");
    expect(run.code).toBe(0);
    const { id, url } = (JSON.parse(run.stdout) as BackupJson).result;
    expect(url).toBe(`s3://mira-backups/prod/mira/prod/mira/${id}/`);
    for (const object of ["dump.pgcustom.zst", "manifest.json"]) {
      const tags = await s3.client().send(
        new GetObjectTaggingCommand({
          Bucket: "mira-backups",
          Key: `prod/mira/prod/mira/${id}/${object}`,
        }),
      );
      expect(tags.TagSet).toEqual([{ Key: "guardia-schedule", Value: "weekly" }]);
    }
    const verify = await guardia(
      "verify-backup",
      "--stack",
      s3Stack,
      "--database",
      "mira",
      "--backup",
      id,
      "--yes",
      "--json",
    );
    expect(verify.code).toBe(0);
  });
});

describe("on s3:// with Object Lock (every write carries Content-MD5)", () => {
  it("backup-db, list-backups and verify-backup all pass", async () => {
    const run = await backupDb(lockedStack, "--schedule", "daily", "--yes", "--json");
    expect(run.code, run.stderr).toBe(0);
    const { id } = (JSON.parse(run.stdout) as BackupJson).result;
    const list = await guardia("list-backups", "--stack", lockedStack, "--verify");
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^mira\\s+${id}\\s+daily\\s.*\\sverified$`, "m"));
    const verify = await guardia(
      ...["verify-backup", "--stack", lockedStack, "--database", "mira", "--yes", "--json"],
    );
    expect(verify.code, verify.stderr).toBe(0);
    expect((JSON.parse(verify.stdout) as { result: { id: string } }).result.id).toBe(id);
    expect(await s3.versions("mira-locked")).toEqual(
      ["dump.pgcustom.zst", "manifest.json"].map((o) => `prod/mira/prod/mira/${id}/${o}`),
    );
  });
});

describe("locks", () => {
  const lockName = "db-mira-prod-mira";
  const holder = (runbook: string) => ({
    operator: "alice@hospital.cl",
    runbook,
    stack: "mira-prod",
  });

  /** Runs `work` while another operator holds the database's lock in `mode`. */
  async function whileHeld<T>(
    mode: "shared" | "exclusive",
    runbook: string,
    work: () => Promise<T>,
  ) {
    const lock = await acquireAdvisoryLock(
      lockName,
      targetFor(pg, "mira_production"),
      holder(runbook),
      mode,
    );
    try {
      return await work();
    } finally {
      await lock.release();
    }
  }

  it("a backup refuses (exit 3) while a restore holds the database, naming the holder", async () => {
    const run = await whileHeld("exclusive", "restore-db", () => backupDb(fileStack, "--yes"));
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /lock "db-mira-prod-mira" is held by alice@hospital\.cl \(restore-db\) since \S+Z/,
    );
  });

  it("a backup runs while another backup of the same database holds the shared lock", async () => {
    const run = await whileHeld("shared", "backup-db", () => backupDb(fileStack, "--yes"));
    expect(run.code).toBe(0);
  });
});

describe("backup-db reads a dump once per run (file://)", () => {
  afterEach(() => vi.restoreAllMocks());

  /** Runs backup-db in this process, recording which dumps are read through the store. */
  async function backupInProcess(dryRun: boolean) {
    const reads: string[] = [];
    const get = FileStore.prototype.get;
    vi.spyOn(FileStore.prototype, "get").mockImplementation(function (this: FileStore, key) {
      if (key.endsWith(`/${DUMP_OBJECT}`)) reads.push(key.split("/").at(-2)!);
      return get.call(this, key);
    });
    const record = await executeRunbook(backupDbRunbook, {
      stack: loadStack(fileStack),
      params: { database: "mira", schedule: "daily" },
      dryRun,
      yes: true,
      operator: "test",
      progress: createProgress({
        stream: { write: () => true } as unknown as NodeJS.WritableStream,
      }),
      confirmIO: { interactive: false, ask: async () => "" },
      env: { MIRA_DB_PASSWORD: pg.password },
    });
    return { record, reads };
  }

  it("a dry run reads the newest backup's dump once: its retention plan is the only check", async () => {
    const newest = readdirSync(dbDir()).sort().at(-1)!;
    planOldBackup(newest, "20250102T020000Z-daily");
    const { record, reads } = await backupInProcess(true);
    expect(record.exitCode).toBe(0);
    expect(reads).toEqual([newest]);
    expect(record.steps.find((s) => s.title === "Plan retention")?.summary).toBe(
      `1 expired (20250102T020000Z-daily); ${readdirSync(dbDir()).length - 1} kept`,
    );
  });

  it("a real run reads only the new dump, once, and still deletes exactly the expired backup", async () => {
    // Ids have whole seconds: made in the same second as the previous backup, the new one could
    // sort before it, and retention would rightly check that newer-looking one instead.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const { record, reads } = await backupInProcess(false);
    expect(record.exitCode).toBe(0);
    const { id, deleted } = record.result as { id: string; deleted: string[] };
    expect(reads).toEqual([id]);
    expect(deleted).toEqual(["20250102T020000Z-daily"]);
    const preview = record.steps.find((s) => s.title === "Plan retention");
    expect(preview?.summary).toMatch(/\(preview: checked after the new backup is made\)$/);
  });
});

describe("verify-backup on a drill server of its own (restoreDrill.server)", () => {
  const OLD_ON_DRILL = "guardia_drill_20250101t050000_0000000d";
  const OLD_ON_PRODUCTION = "guardia_drill_20250101t050000_0000000a";
  const drillEnv = { MIRA_DRILL_PASSWORD: DRILL_PASSWORD, MIRA_DB_PASSWORD: undefined };
  const verify = (stack: string, extra: Record<string, string | undefined>, ...flags: string[]) =>
    runCli(["verify-backup", "--stack", stack, "--database", "mira", ...flags], {
      env: { ...env(), ...extra },
      timeoutMs: 120_000,
    });

  beforeAll(async () => {
    // Left by drills that were SIGKILLed in January 2025, one on each server.
    await drillPg.createDatabase(OLD_ON_DRILL, "guardia_drill");
    await pg.createDatabase(OLD_ON_PRODUCTION);
  });

  it("a dry run lists the stale scratch database on the drill server and drops nothing", async () => {
    const run = await verify(drillStack, drillEnv, "--dry-run");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Find scratch databases left by earlier drills on 127.0.0.1:${drillPg.port} — ran: found 1: 1 of drills that are gone (dropped next: ${OLD_ON_DRILL})`,
    );
    expect(await drillDatabases(drillPg)).toEqual([OLD_ON_DRILL]);
  });

  it("restores there with the drill server's password only, and drops the stale scratch there", async () => {
    const run = await verify(drillStack, drillEnv, "--yes", "--json");
    expect(run.code).toBe(0);
    const { result, lock } = JSON.parse(run.stdout) as {
      lock?: string;
      result: { server: string; staleScratchDropped: string[]; tables: { restored: number }[] };
    };
    expect(result.server).toBe(`postgres://guardia_drill@127.0.0.1:${drillPg.port}`);
    expect(result.staleScratchDropped).toEqual([OLD_ON_DRILL]);
    expect(result.tables.map((t) => t.restored)).toEqual([300, 1200]);
    // Nothing on the production server: no lock taken there, its stale scratch is not ours.
    expect(lock).toBeUndefined();
    expect(await drillDatabases(drillPg)).toEqual([]);
    expect(await drillDatabases(pg)).toEqual([OLD_ON_PRODUCTION]);
  });

  it("without a drill server, drops the stale scratch on the database's own server", async () => {
    const run = await verify(fileStack, {}, "--yes", "--json");
    expect(run.code).toBe(0);
    const { result, lock } = JSON.parse(run.stdout) as {
      lock?: string;
      result: { staleScratchDropped: string[] };
    };
    expect(result.staleScratchDropped).toEqual([OLD_ON_PRODUCTION]);
    expect(lock).toMatch(/^shared advisory lock db-mira-prod-mira on /);
    expect(await drillDatabases(pg)).toEqual([]);
  });
});

describe("SIGTERM mid-run (Kubernetes at the Job's deadline, Ctrl-C)", () => {
  const bigDir = () => path.join(work, "big");

  beforeAll(async () => {
    // ~80 MiB of dump (md5 hex compresses little): seconds of pg_dump and of pg_restore.
    await createMiraDatabase(pg, "mira_big", 300);
    await pg.query(
      `CREATE TABLE adjuntos AS
         SELECT g AS id, (SELECT string_agg(md5((g * 16 + k)::text), '') FROM generate_series(1, 16) k) AS contenido
         FROM generate_series(1, 300000) g`,
      "mira_big",
    );
  }, 120_000);

  /** Backends of guardia's tools copying rows in `datname` (pg_dump or pg_restore at work). */
  const copying = async (datname: string) =>
    (
      await pg.query(
        `SELECT pid FROM pg_stat_activity WHERE application_name = 'guardia' AND datname LIKE '${datname}' AND query LIKE 'COPY %'`,
      )
    ).length;

  /** Runs guardia, sends it SIGTERM once `busy` holds, and returns how it ended. */
  async function terminateWhen(args: string[], busy: () => Promise<boolean>) {
    const child = spawn(process.execPath, [GUARDIA_BIN, ...args], {
      env: { ...process.env, NO_COLOR: "1", ...env() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
    await waitUntil(busy, 60_000, () => `never busy:\n${stderr}`);
    const signalled = Date.now();
    child.kill("SIGTERM");
    const code = await exited;
    return { code, stdout, stderr, stoppedMs: Date.now() - signalled };
  }

  it("backup-db stops pg_dump, keeps no object and records the interruption", async () => {
    const run = await terminateWhen(
      [
        "backup-db",
        "--stack",
        bigStack,
        "--database",
        "mira",
        "--schedule",
        "daily",
        "--yes",
        "--json",
      ],
      async () => (await copying("mira_big")) > 0,
    );
    expect(run.code).toBe(1);
    expect(run.stoppedMs).toBeLessThan(10_000);
    expect(run.stderr).toContain("SIGTERM received");
    expect((JSON.parse(run.stdout) as { error: string }).error).toMatch(/interrupted \(SIGTERM\)/);
    expect(await copying("mira_big")).toBe(0);
    expect(await new FileStore(bigDir()).list("")).toEqual([]);
  });

  it("verify-backup stops pg_restore and drops its scratch database", async () => {
    const backup = await backupDb(bigStack, "--schedule", "daily", "--yes", "--json");
    expect(backup.code).toBe(0);
    const run = await terminateWhen(
      ["verify-backup", "--stack", bigStack, "--database", "mira", "--yes", "--json"],
      async () => (await copying("guardia\\_drill\\_%")) > 0,
    );
    expect(run.code).toBe(1);
    expect(run.stoppedMs).toBeLessThan(10_000);
    expect((JSON.parse(run.stdout) as { error: string }).error).toMatch(
      /"Restore drill of mira on 127\.0\.0\.1" failed: interrupted \(SIGTERM\)/,
    );
    expect(await drillDatabases(pg)).toEqual([]);
    expect(await new FileStore(bigDir()).list("")).toHaveLength(2); // the backup is untouched
  });
});

/** A copy of a real backup under an old id, as if it had been made on 1 January 2025. */
function planOldBackup(fromId: string, oldId: string): void {
  const from = path.join(dbDir(), fromId);
  const to = path.join(dbDir(), oldId);
  cpSync(from, to, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(to, "manifest.json"), "utf8")) as Record<
    string,
    unknown
  >;
  writeFileSync(
    path.join(to, "manifest.json"),
    manifestText({
      ...(manifest as unknown as Manifest),
      id: oldId,
      startedAt: "2025-01-01T02:00:00.000Z",
      finishedAt: "2025-01-01T02:00:05.000Z",
    }),
  );
}
