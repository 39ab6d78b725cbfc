import { randomInt } from "node:crypto";
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { backupDatabase } from "../../lib/backup/dump.js";
import { backupId, DUMP_OBJECT, MANIFEST_OBJECT, objectKey } from "../../lib/backup/layout.js";
import { chooseBackup, listBackups, scanBackups } from "../../lib/backup/list.js";
import { manifestText, readManifest } from "../../lib/backup/manifest.js";
import type { ObjectStore } from "../../lib/backup/store.js";
import { FileStore } from "../../lib/backup/file-store.js";
import { loadStack } from "../../lib/model/index.js";
import { executeRunbook } from "../../lib/runbook/executor.js";
import { createProgress } from "../../lib/runbook/progress.js";
import backupDb from "../../runbooks/backup-db.js";
import { runCli } from "../harness/cli.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { startS3, type S3Server } from "../harness/s3.js";
import { writeStackFile } from "../harness/stacks.js";
import {
  CRITICAL_TABLES,
  createMiraDatabase,
  LOCATION,
  removeTempDirs,
  targetFor,
  useDestination,
} from "./helpers.js";

/**
 * "Listed means restorable": a backup whose bytes or manifest changed after it was written is
 * never what `--backup latest` picks, and `list-backups --verify` flags every one. Bit rot is a
 * byte flipped at a random place of a stored dump or manifest; sizes stay the same.
 */

let pg: PgServer;
let s3: S3Server;
const DB = "mira_production";
const DUMP_FLIPS = 30;
const MANIFEST_FLIPS = 10;

beforeAll(async () => {
  [pg, s3] = await Promise.all([startPostgres(), startS3()]);
  await createMiraDatabase(pg, DB, 200);
});
afterAll(async () => {
  await Promise.all([pg?.stop(), s3?.stop()]);
  removeTempDirs();
});

async function bytesOf(store: ObjectStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A copy of backup `from` under `id`, its manifest sealed for the new id: a backup like any other. */
async function copyBackup(store: ObjectStore, from: string, id: string): Promise<void> {
  const dump = await bytesOf(store, objectKey(LOCATION, from, DUMP_OBJECT));
  await store.putStream(objectKey(LOCATION, id, DUMP_OBJECT), Readable.from([dump]));
  const manifest = await readManifest(store, LOCATION, from);
  await store.putSmall(
    objectKey(LOCATION, id, MANIFEST_OBJECT),
    manifestText({
      ...manifest,
      id,
      startedAt: new Date(Date.parse(manifest.startedAt)).toISOString(),
    }),
  );
}

/** Replaces one byte at a random offset with a different random value; returns the offset. */
async function flipRandomByte(store: ObjectStore, key: string): Promise<string> {
  const bytes = await bytesOf(store, key);
  const offset = randomInt(bytes.length);
  const before = bytes[offset]!;
  bytes[offset] = before ^ randomInt(1, 256);
  await store.putStream(key, Readable.from([bytes]));
  return `${key} @${offset}: ${before} → ${bytes[offset]}`;
}

describe.each(["file", "s3"] as const)("on %s://", (kind) => {
  const dest = useDestination(kind, () => s3, `listed-${kind}`);
  const good = { id: "" };
  const flipped: { id: string; what: "dump" | "manifest"; flip: string }[] = [];

  beforeAll(async () => {
    const target = targetFor(pg, DB);
    const backup = (at: string) =>
      backupDatabase({
        ...{ store: dest.store, location: LOCATION, target, schedule: "daily", operator: "t" },
        now: () => new Date(at),
      });
    good.id = (await backup("2026-03-01T02:00:00Z")).id;
    const source = (await backup("2026-03-02T02:00:00Z")).id;
    for (let i = 0; i < DUMP_FLIPS + MANIFEST_FLIPS; i++) {
      const id = backupId(new Date(Date.parse("2026-03-03T02:00:00Z") + i * 60_000), "daily");
      await copyBackup(dest.store, source, id);
      const what = i < DUMP_FLIPS ? "dump" : "manifest";
      const object = what === "dump" ? DUMP_OBJECT : MANIFEST_OBJECT;
      flipped.push({
        id,
        what,
        flip: await flipRandomByte(dest.store, objectKey(LOCATION, id, object)),
      });
    }
    // The untouched source backup would be "latest": set it aside as damaged too, by hand.
    await dest.store.delete(objectKey(LOCATION, source, DUMP_OBJECT));
  }, 120_000);

  it("a manifest with a flipped byte is damaged already in the listing, by its own checksum", async () => {
    const scanned = await scanBackups(dest.store, LOCATION);
    const manifests = flipped.filter((f) => f.what === "manifest");
    const statuses = manifests.map((f) => [f.flip, scanned.find((b) => b.id === f.id)?.status]);
    expect(statuses).toEqual(manifests.map((f) => [f.flip, "damaged"]));
    const listed = (await listBackups(dest.store, LOCATION)).map((b) => b.id);
    expect(listed.filter((id) => manifests.some((f) => f.id === id))).toEqual([]);
  });

  it("a dump with a flipped byte keeps its size; the sha256 scan flags every one", async () => {
    const checked = await scanBackups(dest.store, LOCATION, { sha256: true });
    const dumps = flipped.filter((f) => f.what === "dump");
    const found = dumps.map((f) => {
      const b = checked.find((c) => c.id === f.id);
      return [f.flip, b?.status, b?.problem?.startsWith(`object ${DUMP_OBJECT}: sha256 expected`)];
    });
    expect(found).toEqual(dumps.map((f) => [f.flip, "damaged", true]));
    expect(checked.find((b) => b.id === good.id)).toMatchObject({
      status: "complete",
      sha256Checked: true,
    });
  });

  it("latest is the newest backup that passes its checks; every newer one is skipped with why", async () => {
    const choice = await chooseBackup(dest.store, LOCATION, "latest", { sha256: true });
    expect(choice.chosen.id).toBe(good.id);
    expect(choice.skipped).toHaveLength(DUMP_FLIPS + MANIFEST_FLIPS + 1);
    for (const f of flipped) {
      const skipped = choice.skipped.find((s) => s.id === f.id);
      expect(skipped?.reason, f.flip).toMatch(
        f.what === "dump" ? /^damaged: object dump.pgcustom.zst: sha256 expected/ : /^damaged: /,
      );
    }
    expect(choice.skipped.at(-1)?.reason).toMatch(/^damaged: dump.pgcustom.zst is missing$/);
  });
});

describe("the runbooks, on file://", () => {
  const dest = useDestination("file", () => s3, "unused");
  let stack: string;
  let ids: { good: string; dumpFlipped: string; manifestFlipped: string };

  beforeAll(async () => {
    const target = targetFor(pg, DB);
    const backup = async (at: string) =>
      (
        await backupDatabase({
          ...{ store: dest.store, location: LOCATION, target, schedule: "daily", operator: "t" },
          now: () => new Date(at),
        })
      ).id;
    ids = {
      good: await backup("2026-04-01T02:00:00Z"),
      manifestFlipped: await backup("2026-04-02T02:00:00Z"),
      dumpFlipped: await backup("2026-04-03T02:00:00Z"),
    };
    await flipRandomByte(dest.store, objectKey(LOCATION, ids.dumpFlipped, DUMP_OBJECT));
    await flipRandomByte(dest.store, objectKey(LOCATION, ids.manifestFlipped, MANIFEST_OBJECT));
    stack = stackFor(dest.destination.url);
  }, 60_000);

  const guardia = (...args: string[]) =>
    runCli([...args, "--stack", stack], {
      env: { MIRA_DB_PASSWORD: pg.password, GUARDIA_AUDIT_FILE: "/dev/null" },
      timeoutMs: 120_000,
    });

  it("list-backups --verify flags both, says which one latest is, and exits 1", async () => {
    const run = await guardia("list-backups", "--verify");
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^mira\\s+${ids.good}\\s+daily\\s.*\\sverified$`, "m"));
    expect(run.stdout).toMatch(
      new RegExp(
        `^mira\\s+${ids.dumpFlipped}\\s.*\\sdamaged: object dump.pgcustom.zst: sha256 expected`,
        "m",
      ),
    );
    expect(run.stdout).toMatch(
      new RegExp(
        `^mira\\s+${ids.manifestFlipped}\\s.*\\sdamaged: manifest \\S+ cannot be trusted: `,
        "m",
      ),
    );
    expect(run.stdout).toContain(`mira: --backup latest is ${ids.good}`);
    expect(run.stderr).toMatch(/2 backup\(s\) do not match their manifests/);
  });

  it("list-backups without --verify lists the one whose dump changed (sizes match) but never the other", async () => {
    const run = await guardia("list-backups");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(ids.dumpFlipped);
    expect(run.stdout).not.toContain(ids.manifestFlipped);
  });

  it("verify-backup's plan restores the newest that passes its checks and names what it skipped, and why", async () => {
    const run = await guardia("verify-backup", "--database", "mira", "--dry-run");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Find backup latest of mira — ran: ${ids.good}: `);
    expect(run.stdout).toMatch(
      new RegExp(
        `sha256 checked; skipped 2 newer: ${ids.dumpFlipped} \\(damaged: object dump.pgcustom.zst: sha256 expected [^)]*\\), ${ids.manifestFlipped} \\(damaged: manifest \\S+`,
      ),
    );
  });
});

describe("a backup whose read-back fails (backup-db, file://)", () => {
  const dest = useDestination("file", () => s3, "unused");
  afterEach(() => vi.restoreAllMocks());

  it("is marked failed: never listed, skipped by latest with why, shown once as failed by --all", async () => {
    const root = (dest.destination as { path: string }).path;
    const good = await backupDatabase({
      ...{ store: dest.store, location: LOCATION, target: targetFor(pg, DB) },
      ...{ schedule: "daily", operator: "t", now: () => new Date("2026-05-01T02:00:00Z") },
    });
    // The disk changes a byte of the dump after it was written and before the read-back.
    const putSmall = FileStore.prototype.putSmall;
    vi.spyOn(FileStore.prototype, "putSmall").mockImplementation(function (
      this: FileStore,
      key,
      text,
    ) {
      if (key.endsWith(`/${MANIFEST_OBJECT}`))
        flipOnDisk(join(root, key.replace(MANIFEST_OBJECT, DUMP_OBJECT)));
      return putSmall.call(this, key, text);
    });
    const stack = stackFor(dest.destination.url);
    const record = await executeRunbook(backupDb, {
      stack: loadStack(stack),
      params: { database: "mira", schedule: "daily" },
      dryRun: false,
      yes: true,
      operator: "cronjob/mira-backup",
      progress: createProgress({
        stream: { write: () => true } as unknown as NodeJS.WritableStream,
      }),
      confirmIO: { interactive: false, ask: async () => "" },
      env: { MIRA_DB_PASSWORD: pg.password },
    });
    vi.restoreAllMocks();
    expect(record.exitCode).toBe(1);
    const bad = (record.steps.find((s) => s.title.startsWith("Back up"))?.data as { id: string })
      .id;
    expect(record.error).toMatch(
      new RegExp(
        `does not match its manifest:[\\s\\S]*sha256[\\s\\S]*; it is marked failed and never listed as restorable`,
      ),
    );
    expect((await listBackups(dest.store, LOCATION)).map((b) => b.id)).toEqual([good.id]);
    const choice = await chooseBackup(dest.store, LOCATION, "latest");
    expect(choice.chosen.id).toBe(good.id);
    expect(choice.skipped).toEqual([
      {
        id: bad,
        status: "failed",
        reason: expect.stringMatching(
          /^failed: its read-back failed \(\S+Z\): backup \S+ \(\S+\) does not match its manifest/,
        ),
      },
    ]);
    const run = await runCli(["list-backups", "--all", "--stack", stack], {
      env: { GUARDIA_AUDIT_FILE: "/dev/null" },
    });
    expect(run.code).toBe(0);
    const line = run.stdout.split("\n").find((l) => l.includes(bad))!;
    expect(line).toMatch(/\sfailed: its read-back failed/);
    expect(line.match(/failed/g)).toHaveLength(2); // "failed: its read-back failed", the status once
    expect(run.stdout).toContain(`mira: --backup latest is ${good.id} (skipped ${bad})`);
  });
});

function flipOnDisk(path: string): void {
  const fd = openSync(path, "r+");
  const byte = Buffer.alloc(1);
  readSync(fd, byte, 0, 1, 100);
  byte[0] = byte[0]! ^ 0xff;
  writeSync(fd, byte, 0, 1, 100);
  closeSync(fd);
}

function stackFor(url: string): string {
  return writeStackFile(
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
      backups: { destination: { url } },
    },
    "mira-dev",
  );
}
