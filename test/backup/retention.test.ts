import {
  closeSync,
  mkdirSync,
  openSync,
  readSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { backupDatabase } from "../../lib/backup/dump.js";
import { backupId, DUMP_OBJECT, MANIFEST_OBJECT, objectKey } from "../../lib/backup/layout.js";
import type { BackupLocation } from "../../lib/backup/layout.js";
import { listBackups, scanBackups } from "../../lib/backup/list.js";
import type { Manifest } from "../../lib/backup/manifest.js";
import { applyRetention, planRetention } from "../../lib/backup/retention.js";
import type { ObjectStore } from "../../lib/backup/store.js";
import { startPostgres } from "../harness/postgres.js";
import type { PgServer } from "../harness/postgres.js";
import {
  createMiraDatabase,
  fileDestination,
  LOCATION,
  removeTempDirs,
  storeFor,
  targetFor,
} from "./helpers.js";

let server: PgServer;
let root: string;
let store: ObjectStore;
const DB = "mira_production";
const NOW = new Date("2026-06-01T12:00:00Z");
const DAY = 86_400_000;
const SCHEDULES = [
  { name: "daily", keepDays: 30 },
  { name: "weekly", keepDays: 90 },
];

beforeAll(async () => {
  server = await startPostgres();
  await createMiraDatabase(server, DB, 200);
  const destination = fileDestination();
  root = destination.path;
  store = await storeFor(destination);
});
afterAll(async () => {
  await server?.stop();
  removeTempDirs();
});

/** Each scenario gets its own database name under the destination. */
function location(database: string): BackupLocation {
  return { ...LOCATION, database };
}

async function take(where: BackupLocation, schedule: string, daysAgo: number): Promise<string> {
  const backup = await backupDatabase({
    ...{ store, location: where, target: targetFor(server, DB), schedule, operator: "cron" },
    now: () => new Date(NOW.getTime() - daysAgo * DAY),
  });
  return backup.id;
}

/** What a run killed mid-dump leaves: a partial dump, last written when it died, and no manifest. */
async function killedRun(where: BackupLocation, schedule: string, daysAgo: number) {
  const at = new Date(NOW.getTime() - daysAgo * DAY);
  const id = backupId(at, schedule);
  const path = join(root, objectKey(where, id, `${DUMP_OBJECT}.partial-4242`));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, "PGDMP half");
  utimesSync(path, at, at);
  return id;
}

const ids = (items: readonly { id: string }[]) => items.map((i) => i.id).sort();

describe("retention on file://", () => {
  it("deletes exactly the expired backups, incomplete ones too, and keeps what is in keepDays", async () => {
    const where = location("expired");
    const daily100 = await take(where, "daily", 100);
    const daily40 = await take(where, "daily", 40);
    const killed50 = await killedRun(where, "daily", 50);
    const daily10 = await take(where, "daily", 10);
    const daily1 = await take(where, "daily", 1);
    const weekly95 = await take(where, "weekly", 95);
    const weekly60 = await take(where, "weekly", 60);
    const manual200 = await take(where, "manual", 200);

    const plan = await planRetention({ store, location: where, schedules: SCHEDULES, now: NOW });
    expect(plan.blocked).toBeUndefined();
    expect(ids(plan.delete)).toEqual([daily100, daily40, killed50, weekly95].sort());
    expect(ids(plan.keep)).toEqual([daily10, daily1, weekly60, manual200].sort());
    const reasons = Object.fromEntries([...plan.delete, ...plan.keep].map((i) => [i.id, i.reason]));
    expect(reasons).toMatchObject({
      [daily40]: "older than keepDays 30 of schedule daily",
      [killed50]: "partial and older than keepDays 30 of schedule daily",
      [daily10]: "within keepDays 30 of schedule daily",
      [manual200]: 'schedule "manual" is not in the stack, so it has no keepDays',
    });
    // The manifest goes first, so a half-deleted backup reads as incomplete.
    const first = plan.delete.find((i) => i.id === daily40)!;
    expect(first.keys[0]).toBe(objectKey(where, daily40, MANIFEST_OBJECT));
    // Planning deleted nothing.
    expect(await scanBackups(store, where)).toHaveLength(8);

    // The killed run's partial dump: its writer is long gone.
    expect(plan.partials.map((p) => p.name)).toEqual([
      objectKey(where, killed50, `${DUMP_OBJECT}.partial-4242`),
    ]);
    const result = await applyRetention(store, plan);
    expect([...result.deleted].sort()).toEqual(ids(plan.delete));
    expect(result.partials.removed).toHaveLength(1);
    expect(ids(await scanBackups(store, where))).toEqual(ids(plan.keep));
    expect(ids(await listBackups(store, where))).toEqual(ids(plan.keep));
  });

  it("keeps the newest complete backup of each schedule even when all are expired", async () => {
    const where = location("all-old");
    const daily100 = await take(where, "daily", 100);
    const daily50 = await take(where, "daily", 50);
    const weekly300 = await take(where, "weekly", 300);
    const weekly200 = await take(where, "weekly", 200);

    const plan = await planRetention({ store, location: where, schedules: SCHEDULES, now: NOW });
    expect(ids(plan.delete)).toEqual([daily100, weekly300].sort());
    expect(plan.keep.map((i) => [i.id, i.reason])).toEqual([
      [daily50, "older than 30 days, but the newest complete daily backup"],
      [weekly200, "older than 90 days, but the newest complete weekly backup"],
    ]);
    await applyRetention(store, plan);
    expect(ids(await listBackups(store, where))).toEqual([daily50, weekly200].sort());
  });

  describe("deletes nothing while the newest backup cannot be trusted", () => {
    async function expiredPlusNewest(name: string) {
      const where = location(name);
      const old = [await take(where, "daily", 100), await take(where, "daily", 50)];
      return { where, old };
    }

    async function expectBlocked(where: BackupLocation, reason: RegExp) {
      const before = (await store.list("")).map((o) => o.key).sort();
      const plan = await planRetention({ store, location: where, schedules: SCHEDULES, now: NOW });
      expect(plan.blocked).toMatch(reason);
      expect(plan.delete).toEqual([]);
      expect(await applyRetention(store, plan)).toMatchObject({ deleted: [], keys: 0 });
      expect((await store.list("")).map((o) => o.key).sort()).toEqual(before);
    }

    it("when it is incomplete (the run was killed)", async () => {
      const { where } = await expiredPlusNewest("newest-killed");
      const killed = await killedRun(where, "daily", 1);
      await expectBlocked(
        where,
        new RegExp(
          `^newest backup ${killed} is partial \\(dump.pgcustom.zst.partial-4242: 10 B, last written`,
        ),
      );
    });

    it("when its dump fails its checksum", async () => {
      const { where } = await expiredPlusNewest("newest-corrupt");
      const newest = await take(where, "daily", 1);
      flipByte(join(root, objectKey(where, newest, DUMP_OBJECT)));
      await expectBlocked(
        where,
        new RegExp(
          `^newest backup ${newest} fails its checksum: object ${DUMP_OBJECT}: sha256 expected [0-9a-f]{64}, got [0-9a-f]{64}`,
        ),
      );
    });

    it("when its manifest does not parse", async () => {
      const { where } = await expiredPlusNewest("newest-garbled");
      const newest = await take(where, "daily", 1);
      await store.putSmall(objectKey(where, newest, MANIFEST_OBJECT), '{"formatVersion": 1,');
      await expectBlocked(
        where,
        new RegExp(
          `^newest backup ${newest} is damaged \\(manifest .* cannot be trusted: not JSON`,
        ),
      );
    });
  });
});

describe("reading the newest dump once, not three times (backup-db on file://)", () => {
  afterEach(() => vi.restoreAllMocks());

  /** Keys of dumps read through the store from now on. */
  function dumpReads(): string[] {
    const reads: string[] = [];
    const get = store.get.bind(store);
    vi.spyOn(store, "get").mockImplementation((key) => {
      if (key.endsWith(`/${DUMP_OBJECT}`)) reads.push(key);
      return get(key);
    });
    return reads;
  }

  async function scenario(name: string) {
    const where = location(name);
    const expired = await take(where, "daily", 100);
    const newest = await take(where, "daily", 1);
    const manifest = (await scanBackups(store, where))[0]!.manifest!;
    return { where, expired, newest, manifest };
  }

  const plan = (where: BackupLocation, extra: { verified?: Manifest; checksum?: boolean }) =>
    planRetention({ store, location: where, schedules: SCHEDULES, now: NOW, ...extra });

  it("by default hashes the newest dump: one read", async () => {
    const { where, expired, newest } = await scenario("reads-default");
    const reads = dumpReads();
    const result = await plan(where, {});
    expect(reads).toEqual([objectKey(where, newest, DUMP_OBJECT)]);
    expect(result).toMatchObject({ newestCheck: "hashed", blocked: undefined });
    expect(ids(result.delete)).toEqual([expired]);
  });

  it("trusts the backup the caller just verified: no read, same plan, and it applies", async () => {
    const { where, expired, manifest } = await scenario("reads-verified");
    const reads = dumpReads();
    const result = await plan(where, { verified: manifest });
    expect(reads).toEqual([]);
    expect(result.newestCheck).toBe("trusted");
    expect(ids(result.delete)).toEqual([expired]);
    expect((await applyRetention(store, result)).deleted).toEqual([expired]);
  });

  it("a preview reads nothing and says so, and applying it is refused", async () => {
    const { where, expired } = await scenario("reads-preview");
    const reads = dumpReads();
    const preview = await plan(where, { checksum: false });
    expect(reads).toEqual([]);
    expect(preview.newestCheck).toBe("skipped");
    expect(ids(preview.delete)).toEqual([expired]);
    await expect(applyRetention(store, preview)).rejects.toThrow(
      /is a preview that did not check the newest backup's dump; plan again with the checksum before deleting$/,
    );
    expect(ids(await scanBackups(store, where))).toContain(expired);
  });

  it("hashes anyway when the verified backup is not the newest, or its manifest changed since", async () => {
    const { where, newest, manifest } = await scenario("reads-other");
    flipByte(join(root, objectKey(where, newest, DUMP_OBJECT)));
    const reads = dumpReads();
    const older = (await scanBackups(store, where))[1]!.manifest!;
    const notNewest = await plan(where, { verified: older });
    const changed = { ...manifest, objects: [{ ...manifest.objects[0]!, sha256: "0".repeat(64) }] };
    const rewritten = await plan(where, { verified: changed });
    expect(reads).toHaveLength(2);
    for (const result of [notNewest, rewritten]) {
      expect(result.newestCheck).toBe("hashed");
      expect(result.blocked).toMatch(new RegExp(`^newest backup ${newest} fails its checksum`));
      expect(result.delete).toEqual([]);
    }
  });

  it("never trusts nor previews past an incomplete newest backup", async () => {
    const { where, manifest } = await scenario("reads-killed");
    const killed = await killedRun(where, "daily", 0.5);
    for (const extra of [{ verified: manifest }, { checksum: false }]) {
      const result = await plan(where, extra);
      expect(result.blocked).toMatch(new RegExp(`^newest backup ${killed} is partial`));
      expect(result.delete).toEqual([]);
    }
  });
});

function flipByte(path: string): void {
  const fd = openSync(path, "r+");
  const byte = Buffer.alloc(1);
  readSync(fd, byte, 0, 1, 500);
  byte[0] = byte[0]! ^ 0x80;
  writeSync(fd, byte, 0, 1, 500);
  closeSync(fd);
}
