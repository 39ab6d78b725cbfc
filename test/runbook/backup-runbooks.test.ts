import { GetObjectTaggingCommand } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireAdvisoryLock } from "../../lib/runbook/lock-postgres.js";
import { createMiraDatabase, CRITICAL_TABLES, targetFor } from "../backup/helpers.js";
import { runCli } from "../harness/cli.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { startS3, type S3Server } from "../harness/s3.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * backup-db, verify-backup and list-backups as the CronJobs and engineers run them, against a
 * real PostgreSQL, a real directory and s3rver driven by the real AWS SDK.
 */

let pg: PgServer;
let s3: S3Server;
let backupDir: string;
let fileStack: string;
let s3Stack: string;
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
  [pg, s3] = await Promise.all([startPostgres(), startS3()]);
  await createMiraDatabase(pg, "mira_production", 300);
  await s3.createBucket("mira-backups");
  work = mkdtempSync(path.join(tmpdir(), "guardia-backup-runbooks-"));
  backupDir = path.join(work, "backups");
  const platform = (destination: object) => ({
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
        database: "mira_production",
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
    },
    alerting: {
      receivers: [{ name: "ops", type: "webhook", urlSecret: { name: "alerting", key: "url" } }],
    },
  });
  fileStack = writeStackFile(platform({ url: `file://${backupDir}` }), "mira-file");
  s3Stack = writeStackFile(
    platform({
      url: "s3://mira-backups/prod",
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: "us-east-1",
    }),
    "mira-s3",
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([pg.stop(), s3.stop()]);
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
    expect(backup.id).toMatch(/^\d{8}T\d{6}Z-daily$/);
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
    expect(run.stdout).toContain("$ pg_dump --format=custom --compress=0");
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

describe("locks", () => {
  const lockName = "db-mira-prod-mira";
  const holder = (runbook: string) => ({
    operator: "alice@hospital.cl",
    runbook,
    stack: "mira-prod",
  });

  it("a backup refuses (exit 3) while a restore holds the database, naming the holder", async () => {
    const restore = await acquireAdvisoryLock(
      lockName,
      targetFor(pg, "mira_production"),
      holder("restore-db"),
      "exclusive",
    );
    try {
      const run = await backupDb(fileStack, "--yes");
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(
        /lock "db-mira-prod-mira" is held by alice@hospital\.cl \(restore-db\) since \S+Z/,
      );
    } finally {
      await restore.release();
    }
  });

  it("a backup runs while another backup of the same database holds the shared lock", async () => {
    const weekly = await acquireAdvisoryLock(
      lockName,
      targetFor(pg, "mira_production"),
      holder("backup-db"),
      "shared",
    );
    try {
      const run = await backupDb(fileStack, "--yes");
      expect(run.code).toBe(0);
    } finally {
      await weekly.release();
    }
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
    JSON.stringify({
      ...manifest,
      id: oldId,
      startedAt: "2025-01-01T02:00:00.000Z",
      finishedAt: "2025-01-01T02:00:05.000Z",
    }),
  );
}
