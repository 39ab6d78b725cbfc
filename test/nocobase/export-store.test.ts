import { GetObjectTaggingCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BackupVerificationError } from "../../lib/backup/integrity.js";
import { MANIFEST_OBJECT, objectKey } from "../../lib/backup/layout.js";
import { listBackups } from "../../lib/backup/list.js";
import { applyRetention, planRetention } from "../../lib/backup/retention.js";
import type { CollectionsDocument } from "../../lib/nocobase/definitions.js";
import {
  COLLECTIONS_OBJECT,
  EXPORT_SCHEDULE,
  listExports,
  readExport,
  readExportManifest,
  writeExport,
} from "../../lib/nocobase/export-store.js";
import { LOCATION as DATABASE, removeTempDirs, useDestination } from "../backup/helpers.js";
import { startS3, type S3Server } from "../harness/s3.js";

/**
 * Collection exports at a backup destination, file:// and s3:// (s3rver with the real AWS SDK):
 * the database backups' layout, manifest and retention rules, next to the database backups.
 */

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.stop();
  removeTempDirs();
});

const LOCATION = { platform: "mira", environment: "dev", database: "collections" };
const NOW = Date.parse("2026-06-01T12:00:00Z");
const DAY = 86_400_000;

const document: CollectionsDocument = {
  formatVersion: 1,
  nocobaseVersion: "2.2.15",
  source: "http://127.0.0.1:13000/api",
  exportedAt: "2026-06-01T02:00:00.000Z",
  collections: [
    {
      name: "pacientes",
      template: "general",
      fields: [
        { name: "id", type: "bigInt", primaryKey: true, autoIncrement: true },
        { name: "rut", type: "string", unique: true },
      ],
    },
  ],
};

describe.each(["file", "s3"] as const)("collection exports on %s://", (kind) => {
  const dest = useDestination(kind, () => s3, `exports-${kind}`);
  const write = (daysAgo: number, schedule = EXPORT_SCHEDULE, location = LOCATION) =>
    writeExport({
      store: dest.store,
      location,
      document,
      schedule,
      operator: "cronjob/mira-export-collections",
      startedAt: new Date(NOW - daysAgo * DAY),
    });

  it("is listed only once its manifest exists, and reads back only while its sha256 matches", async () => {
    const stored = await write(1);
    expect(stored.id).toMatch(/^20260531T120000Z-scheduled_[0-9a-f]{6}$/);
    expect(await readExport(dest.store, LOCATION, stored.manifest)).toEqual(document);
    expect((await listExports(dest.store, LOCATION)).map((e) => e.id)).toEqual([stored.id]);
    // Database backups of the same stack are a folder away: neither listing sees the other.
    expect(await listBackups(dest.store, DATABASE)).toEqual([]);

    await dest.store.delete(objectKey(LOCATION, stored.id, MANIFEST_OBJECT));
    expect(await listExports(dest.store, LOCATION)).toEqual([]);

    const again = await write(2);
    const key = objectKey(LOCATION, again.id, COLLECTIONS_OBJECT);
    const text = JSON.stringify(document, null, 2).replace('"unique": true', '"unique": false');
    await dest.store.putSmall(key, `${text}\n`);
    const failure = await readExport(dest.store, LOCATION, again.manifest).catch((e) => e);
    expect(failure).toBeInstanceOf(BackupVerificationError);
    expect(String(failure)).toMatch(/collections\.json: sha256 expected [0-9a-f]{64}, got/);
  });

  it("keeps scheduled exports keepDays, the newest always, manual ones for good", async () => {
    const location = { ...LOCATION, environment: "staging" };
    const old = await write(40, EXPORT_SCHEDULE, location);
    const manual = await write(35, "manual", location);
    const recent = await write(10, EXPORT_SCHEDULE, location);
    const plan = await planRetention({
      store: dest.store,
      location,
      schedules: [{ name: EXPORT_SCHEDULE, keepDays: 30 }],
      read: readExportManifest,
      now: new Date(NOW),
    });
    expect(plan.blocked).toBeUndefined();
    expect(plan.delete.map((d) => d.id)).toEqual([old.id]);
    expect(plan.keep.map((k) => k.id)).toContain(manual.id);
    await applyRetention(dest.store, plan);
    const left = (await listExports(dest.store, location)).map((e) => e.id);
    expect(left).toContain(recent.id);
    expect(left).toContain(manual.id);
    expect(left).not.toContain(old.id);
    if (kind === "s3") {
      const tags = await s3.client().send(
        new GetObjectTaggingCommand({
          Bucket: "exports-s3",
          Key: `backups/${objectKey(location, recent.id, COLLECTIONS_OBJECT)}`,
        }),
      );
      // Not a DNS label, so no database schedule's lifecycle rule ever matches it.
      expect(tags.TagSet).toEqual([{ Key: "guardia-schedule", Value: "collections:scheduled" }]);
    }
  });
});
