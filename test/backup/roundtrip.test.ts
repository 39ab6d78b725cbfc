import { GetObjectCommand } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupDatabase } from "../../lib/backup/dump.js";
import { DUMP_OBJECT, MANIFEST_OBJECT, objectKey } from "../../lib/backup/layout.js";
import { listBackups } from "../../lib/backup/list.js";
import { manifestSchema } from "../../lib/backup/manifest.js";
import { verifyBackup } from "../../lib/backup/verify.js";
import type { Destination } from "../../lib/model/index.js";
import { GUARDIA_VERSION } from "../../lib/version.js";
import { startPostgres } from "../harness/postgres.js";
import type { PgServer } from "../harness/postgres.js";
import { startS3 } from "../harness/s3.js";
import type { S3Server } from "../harness/s3.js";
import {
  countTables,
  createMiraDatabase,
  drillDatabases,
  LOCATION,
  removeTempDirs,
  targetFor,
  useDestination,
} from "./helpers.js";

let pg: PgServer;
let s3: S3Server;
const DB = "mira_production";

beforeAll(async () => {
  [pg, s3] = await Promise.all([startPostgres(), startS3()]);
  await createMiraDatabase(pg, DB, 3000);
});
afterAll(async () => {
  await Promise.all([pg?.stop(), s3?.stop()]);
  removeTempDirs();
});

/** The stored dump's bytes, read without guardia's code. */
async function storedBytes(destination: Destination, key: string): Promise<Buffer> {
  if (destination.kind === "file") return readFileSync(join(destination.path, key));
  const out = await s3
    .client()
    .send(
      new GetObjectCommand({ Bucket: destination.bucket, Key: `${destination.prefix}/${key}` }),
    );
  return Buffer.from(await out.Body!.transformToByteArray());
}

describe.each(["file", "s3", "s3-locked"] as const)("backup → verify on %s", (kind) => {
  const dest = useDestination(kind, () => s3, `rt-${kind}`);

  it("stores a dump whose sha256, size and counts the manifest records, and restores it", async () => {
    const target = targetFor(pg, DB);
    const result = await backupDatabase({
      store: dest.store,
      location: LOCATION,
      target,
      schedule: "daily",
      operator: "ana@example.org",
    });

    expect(result.id).toMatch(/^\d{8}T\d{6}Z-daily_[0-9a-f]{6}$/);
    const bytes = await storedBytes(dest.destination, objectKey(LOCATION, result.id, DUMP_OBJECT));
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    expect(result.manifest.objects).toEqual([{ name: DUMP_OBJECT, bytes: bytes.length, sha256 }]);
    expect(result).toMatchObject({ size: bytes.length, sha256 });
    // zstd frame magic: the object is compressed, not a raw pg_dump archive ("PGDMP").
    expect(bytes.subarray(0, 4).toString("hex")).toBe("28b52ffd");
    expect(result.criticalTables).toEqual(await countTables(pg, DB));
    expect(result.criticalTables).toEqual({ onco_casos: 3000, onco_episodios: 12000 });

    const manifestText = await storedBytes(
      dest.destination,
      objectKey(LOCATION, result.id, MANIFEST_OBJECT),
    );
    const manifest = manifestSchema.parse(JSON.parse(manifestText.toString("utf8")));
    expect(manifest).toEqual(result.manifest);
    expect(manifest).toMatchObject({
      formatVersion: 3,
      readCommand:
        "zstd -d -c dump.pgcustom.zst > dump.pgcustom && pg_restore --list dump.pgcustom",
      platform: "mira",
      environment: "dev",
      database: "mira",
      source: `postgres://${pg.user}@127.0.0.1:${pg.port}/${DB}`,
      operator: "ana@example.org",
      schedule: "daily",
      compression: "zstd",
      pgDumpVersion: expect.stringMatching(/^\d+\.\d+/),
      serverVersion: expect.stringMatching(/^\d+\.\d+/),
      guardiaVersion: GUARDIA_VERSION,
    });
    expect(Date.parse(manifest.finishedAt)).toBeGreaterThanOrEqual(Date.parse(manifest.startedAt));
    expect(Object.keys(manifest.schema!.tables)).toEqual([
      "public.onco_casos",
      "public.onco_episodios",
    ]);

    const report = await verifyBackup({
      store: dest.store,
      location: LOCATION,
      target,
      backup: "latest",
    });
    expect(report.id).toBe(result.id);
    expect(report.tables).toEqual([
      { table: "onco_casos", expected: 3000, restored: 3000 },
      { table: "onco_episodios", expected: 12000, restored: 12000 },
    ]);
    expect(report.scratchDatabase).toMatch(/^guardia_drill_/);
    expect(await drillDatabases(pg)).toEqual([]);
  });

  it("lists complete backups newest first with size, age, schedule and operator", async () => {
    const target = targetFor(pg, DB);
    const at = (iso: string) => () => new Date(iso);
    const older = await backupDatabase({
      ...{ store: dest.store, location: LOCATION, target, schedule: "weekly", operator: "cron" },
      now: at("2026-01-04T03:00:00Z"),
    });
    const newer = await backupDatabase({
      ...{ store: dest.store, location: LOCATION, target, schedule: "daily", operator: "ana" },
      now: at("2026-01-05T02:00:00Z"),
    });
    expect(older.id).toMatch(/^20260104T030000Z-weekly_[0-9a-f]{6}$/);
    expect(newer.id).toMatch(/^20260105T020000Z-daily_[0-9a-f]{6}$/);

    const listed = await listBackups(dest.store, LOCATION, new Date("2026-01-06T02:00:00Z"));
    const mine = listed.filter((b) => b.id.startsWith("202601"));
    expect(mine.map((b) => [b.id, b.schedule, b.operator, b.size, b.age])).toEqual([
      [newer.id, "daily", "ana", newer.size, "24 h"],
      [older.id, "weekly", "cron", older.size, "47 h"],
    ]);
    // The first test's backup (taken now) sorts before both.
    expect(listed[0]!.id > newer.id).toBe(true);

    const report = await verifyBackup({
      store: dest.store,
      location: LOCATION,
      target,
      backup: older.id,
    });
    expect(report.id).toBe(older.id);
  });
});
