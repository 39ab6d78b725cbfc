import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CancelledError } from "../../lib/backup/abort.js";
import { backupDatabase } from "../../lib/backup/dump.js";
import { backupPrefix, DUMP_OBJECT } from "../../lib/backup/layout.js";
import { listBackups, NoRestorableBackupError, scanBackups } from "../../lib/backup/list.js";
import type { S3Store } from "../../lib/backup/s3-store.js";
import type { ObjectStore } from "../../lib/backup/store.js";
import { verifyBackup } from "../../lib/backup/verify.js";
import type { Destination } from "../../lib/model/index.js";
import { startPostgres } from "../harness/postgres.js";
import type { PgServer } from "../harness/postgres.js";
import { waitUntil } from "../harness/process.js";
import { startS3 } from "../harness/s3.js";
import type { S3Server } from "../harness/s3.js";
import {
  createMiraDatabase,
  drillDatabases,
  fileDestination,
  killBackupMidStream,
  LOCATION,
  removeTempDirs,
  s3Destination,
  storeFor,
  targetFor,
  useDestination,
} from "./helpers.js";

/**
 * Every way a backup can die mid-stream must leave nothing restorable behind: no manifest, no
 * half-written object under its final name, no multipart upload completed.
 */

let pg: PgServer;
let s3: S3Server;
const DB = "mira_big";
const SMALL_DB = "mira_small";
const MiB = 1 << 20;

beforeAll(async () => {
  [pg, s3] = await Promise.all([startPostgres(), startS3()]);
  await createMiraDatabase(pg, DB, 500);
  await createMiraDatabase(pg, SMALL_DB, 50);
  // ~80 MiB compressed (md5 hex does not compress much): pg_dump needs a couple of seconds.
  await pg.query(
    `CREATE TABLE adjuntos AS
       SELECT g AS id, (SELECT string_agg(md5((g * 16 + k)::text), '') FROM generate_series(1, 16) k) AS contenido
       FROM generate_series(1, 300000) g`,
    DB,
  );
});
afterAll(async () => {
  await Promise.all([pg?.stop(), s3?.stop()]);
  removeTempDirs();
});

/** Backends pg_dump opened ("guardia" is the application name pgEnv sets) that are copying. */
async function dumpBackends(): Promise<number> {
  const rows = await pg.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'guardia' AND query LIKE 'COPY %'`,
  );
  return Number(rows[0]!.n);
}

async function noDumpRunning(): Promise<void> {
  await waitUntil(
    async () => (await dumpBackends()) === 0,
    10_000,
    () => "pg_dump still runs",
  );
}

/** Records the S3 commands a store sends; `fail` may throw to inject an error below the SDK's retries. */
let recorders = 0;
function recordCommands(store: ObjectStore, fail?: (command: string, input: object) => void) {
  const sent: string[] = [];
  (store as S3Store).client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? "?";
      sent.push(command);
      fail?.(command, args.input as object);
      return next(args);
    },
    // One name per recorder: several tests record on one store.
    { step: "build", name: `testRecorder${++recorders}` },
  );
  return sent;
}

describe.each(["file", "s3", "s3-locked"] as const)("on %s", (kind) => {
  const dest = useDestination(kind, () => s3, `fail-${kind}`);

  it("a pg_dump that dies mid-stream leaves no object and no manifest", async () => {
    const sent = kind !== "file" ? recordCommands(dest.store) : [];
    let terminated: Promise<unknown> | undefined;
    const at = new Date("2026-02-01T02:00:00Z");
    const failing = backupDatabase({
      ...{ store: dest.store, location: LOCATION, target: targetFor(pg, DB), schedule: "daily" },
      operator: "test",
      now: () => at,
      run: "0000d1",
      onProgress: (bytes) => {
        // Past the first 8 MiB part, so on S3 a multipart upload is under way.
        if (bytes > 9 * MiB && !terminated) {
          terminated = pg.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE application_name = 'guardia' AND query LIKE 'COPY %'`,
          );
        }
      },
    });
    await expect(failing).rejects.toThrow(
      /pg_dump exited 1:[\s\S]*(terminating connection|server closed the connection)/,
    );
    await terminated;
    const id = "20260201T020000Z-daily_0000d1";
    expect(await dest.store.list(backupPrefix(LOCATION, id))).toEqual([]);
    if (dest.destination.kind === "file") {
      // Not even the .partial-<pid> file, nor the backup's directory, is left.
      expect(existsSync(join(dest.destination.path, backupPrefix(LOCATION, id)))).toBe(false);
    } else {
      expect(sent).toContain("UploadPartCommand");
      expect(sent).toContain("AbortMultipartUploadCommand");
      expect(sent).not.toContain("CompleteMultipartUploadCommand");
      // Not even a version Object Lock would keep, nor an upload left open.
      const { bucket } = dest.destination;
      expect(await s3.versions(bucket, `backups/${backupPrefix(LOCATION, id)}`)).toEqual([]);
      expect(await s3.uploads(bucket)).toEqual([]);
    }
    await noDumpRunning();
  });

  it("an abort mid-stream (step timeout, SIGTERM) kills pg_dump, stores nothing and says cancelled", async () => {
    const sent = kind !== "file" ? recordCommands(dest.store) : [];
    const controller = new AbortController();
    let abortedAt = 0;
    const at = new Date("2026-02-02T02:00:00Z");
    const cancelled = backupDatabase({
      ...{ store: dest.store, location: LOCATION, target: targetFor(pg, DB), schedule: "daily" },
      operator: "test",
      now: () => at,
      run: "0000d2",
      signal: controller.signal,
      onProgress: (bytes) => {
        if (bytes > 9 * MiB && !abortedAt) {
          abortedAt = Date.now();
          controller.abort(new Error("timed out after 5.5 h"));
        }
      },
    });
    const error = (await cancelled.then(
      () => new Error("the backup completed"),
      (err: unknown) => err,
    )) as Error;
    expect(Date.now() - abortedAt).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(CancelledError);
    expect(error.message).toMatch(
      /^backup 20260202T020000Z-daily_0000d2 of postgres:\/\/\S+ to \S+ was cancelled \(timed out after 5\.5 h\)$/,
    );
    expect(await dest.store.list(backupPrefix(LOCATION, "20260202T020000Z-daily_0000d2"))).toEqual(
      [],
    );
    if (kind !== "file") {
      expect(sent).toContain("AbortMultipartUploadCommand");
      expect(sent).not.toContain("CompleteMultipartUploadCommand");
    }
    await noDumpRunning();
  });

  it("an abort while the store is still getting ready says cancelled, and nothing crashes", async () => {
    const controller = new AbortController();
    const putStream = dest.store.putStream.bind(dest.store);
    // The step is stopped before the store reads the dump (it creates the directory, or starts
    // the upload, first): the dump stream fails with no reader yet, which must not be an
    // uncaught error event that takes the process down.
    const getsReady = vi.spyOn(dest.store, "putStream").mockImplementationOnce(async (...args) => {
      controller.abort(new Error("timed out after 5.5 h"));
      await new Promise((resolve) => setTimeout(resolve, 50));
      return putStream(...args);
    });
    const at = new Date("2026-02-03T02:00:00Z");
    const cancelled = backupDatabase({
      ...{ store: dest.store, location: LOCATION, target: targetFor(pg, SMALL_DB) },
      ...{ schedule: "daily", operator: "test", now: () => at, signal: controller.signal },
    });
    await expect(cancelled).rejects.toThrow(/was cancelled \(timed out after 5\.5 h\)$/);
    getsReady.mockRestore();
    expect(await dest.store.list(backupPrefix(LOCATION, "20260203T020000Z-daily"))).toEqual([]);
    await noDumpRunning();
  });

  it("a backup process killed with SIGKILL mid-stream is never listed nor restored", async () => {
    // An earlier complete backup, from a small database so that restoring it is quick.
    const target = targetFor(pg, SMALL_DB);
    const good = await backupDatabase({
      ...{ store: dest.store, location: LOCATION, target, schedule: "weekly", operator: "test" },
      now: () => new Date("2026-03-01T03:00:00Z"),
    });

    const child = await killMidStream(dest.destination, kind !== "file");
    expect(child.lines.some((l) => l.startsWith("done"))).toBe(false);
    expect(child.signal).toBe("SIGKILL");
    await noDumpRunning();

    expect(child.id).toMatch(/^\d{8}T\d{6}Z-daily_[0-9a-f]{6}$/);
    const killed = (await scanBackups(dest.store, LOCATION)).filter((b) => b.id === child.id);
    // The killed run's partial dump (a file, or an upload never completed) is there, no manifest.
    expect(killed).toHaveLength(1);
    expect(killed[0]).toMatchObject({ status: "partial", manifest: undefined, keys: [] });
    const dumpKey = `${backupPrefix(LOCATION, child.id)}${DUMP_OBJECT}`;
    expect(killed[0]!.partials).toEqual([
      expect.objectContaining(
        kind === "file"
          ? {
              name: `${dumpKey}.partial-${hostname()}-${child.pid}`,
              stale: true,
              reason: expect.stringMatching(
                `its writer \\(pid ${child.pid} on this host\\) is gone$`,
              ),
            }
          : { key: dumpKey, upload: expect.any(String), bytes: expect.any(Number) },
      ),
    ]);
    expect((await listBackups(dest.store, LOCATION)).map((b) => b.id)).not.toContain(child.id);
    const report = await verifyBackup({
      store: dest.store,
      location: LOCATION,
      target,
      backup: "latest",
    });
    expect(report.id).toBe(good.id);
    const restoringKilled = verifyBackup({
      store: dest.store,
      location: LOCATION,
      target,
      backup: child.id,
    });
    await expect(restoringKilled).rejects.toThrow(NoRestorableBackupError);
    const where = `database mira in ${dest.store.describe("mira/dev/mira/")}`;
    await expect(restoringKilled).rejects.toThrow(
      `backup ${child.id} of ${where} is not restorable: partial: ${DUMP_OBJECT}`,
    );
  });
});

describe("the restore drill, aborted mid-restore", () => {
  it("kills pg_restore, drops the scratch database and says cancelled, within seconds", async () => {
    const store = await storeFor(fileDestination());
    const target = targetFor(pg, DB);
    const backup = await backupDatabase({
      ...{ store, location: LOCATION, target, schedule: "daily", operator: "test" },
    });
    const controller = new AbortController();
    let abortedAt = 0;
    // Abort once pg_restore is copying rows into the scratch database.
    const restoring = async () => {
      await waitUntil(
        async () => (await restoreBackends()) > 0,
        30_000,
        () => "pg_restore never started copying",
      );
      abortedAt = Date.now();
      controller.abort(new Error("interrupted (SIGTERM)"));
    };
    let watching: Promise<void> | undefined;
    const drill = verifyBackup({
      ...{ store, location: LOCATION, target, backup: backup.id },
      signal: controller.signal,
      log: (line) => {
        if (line.startsWith("restoring")) watching = restoring();
      },
    });
    const error = (await drill.then(
      () => new Error("the drill completed"),
      (err: unknown) => err,
    )) as Error;
    await watching;
    expect(Date.now() - abortedAt).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(CancelledError);
    expect(error.message).toMatch(
      new RegExp(
        `^restore drill of backup ${backup.id} into (guardia_drill_\\w+) was cancelled \\(interrupted \\(SIGTERM\\)\\); \\1 was dropped$`,
      ),
    );
    expect(await drillDatabases(pg)).toEqual([]);
    expect(await restoreBackends()).toBe(0);
    store.close();
  });
});

/** Backends connected to a scratch database (pg_restore's). */
async function restoreBackends(): Promise<number> {
  const rows = await pg.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_stat_activity WHERE datname LIKE 'guardia\\_drill\\_%'`,
  );
  return Number(rows[0]!.n);
}

describe("on s3://, an upload failure", () => {
  it("stops pg_dump at once, aborts the multipart upload and writes no manifest", async () => {
    const destination = await s3Destination(s3, "fail-upload");
    const store = await storeFor(destination, s3);
    const sent = recordCommands(store, (command, input) => {
      if (command === "UploadPartCommand" && (input as { PartNumber?: number }).PartNumber === 2) {
        throw new Error("injected: connection reset by peer");
      }
    });
    let stored = 0;
    const failing = backupDatabase({
      ...{ store, location: LOCATION, target: targetFor(pg, DB), schedule: "daily" },
      operator: "test",
      onProgress: (bytes) => (stored = bytes),
    });
    await expect(failing).rejects.toThrow(/failed: injected: connection reset by peer/);
    // The dump is ~80 MiB compressed; it stopped soon after part 2 (16 MiB) failed, instead of
    // running to the end while Upload's other uploaders kept sending parts.
    expect(stored).toBeLessThan(40 * MiB);
    expect(sent).toContain("AbortMultipartUploadCommand");
    expect(sent).not.toContain("CompleteMultipartUploadCommand");
    expect(await store.list("")).toEqual([]);
    await noDumpRunning();
    store.close();
  });
});

/** A backup of the big database killed with SIGKILL once 9 MiB are stored (on S3: an upload is open). */
function killMidStream(destination: Destination, withS3: boolean) {
  return killBackupMidStream({
    destination,
    ...(withS3 && { s3 }),
    database: targetFor(pg, DB).database,
    password: pg.password,
    afterBytes: 9 * MiB,
    ready:
      destination.kind === "s3"
        ? async (id) => (await s3.uploads(destination.bucket)).some((u) => u.key.includes(id))
        : undefined,
  });
}
