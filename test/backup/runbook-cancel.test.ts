import { Transform } from "node:stream";
import type { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { backupDatabase } from "../../lib/backup/dump.js";
import { FileStore } from "../../lib/backup/file-store.js";
import { DUMP_OBJECT } from "../../lib/backup/layout.js";
import { loadStack } from "../../lib/model/index.js";
import type { RunbookDefinition } from "../../lib/runbook/define.js";
import { executeRunbook } from "../../lib/runbook/executor.js";
import { createProgress } from "../../lib/runbook/progress.js";
import backupDb from "../../runbooks/backup-db.js";
import verifyBackup from "../../runbooks/verify-backup.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { waitUntil } from "../harness/process.js";
import { writeStackFile } from "../harness/stacks.js";
import {
  createMiraDatabase,
  CRITICAL_TABLES,
  drillDatabases,
  fileDestination,
  removeTempDirs,
  storeFor,
  targetFor,
} from "./helpers.js";

/**
 * backup-db and verify-backup as the engine runs them, with step timeouts of 1.5 s instead of
 * hours: the timeout aborts the step's signal, which must stop pg_dump or pg_restore and clean
 * up, instead of leaving them running after the run has reported its failure.
 */

vi.mock("../../lib/backup/timeouts.js", async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  BACKUP_STEP_TIMEOUT_MS: 1500,
  DRILL_STEP_TIMEOUT_MS: 1500,
}));

let pg: PgServer;
let destination: ReturnType<typeof fileDestination>;
let stackFile: string;
const DB = "mira_production";

beforeAll(async () => {
  pg = await startPostgres();
  await createMiraDatabase(pg, DB, 2000);
  // ~10 MiB of dump: at the throttled pace below, 40 s of work.
  await pg.query(
    `CREATE TABLE adjuntos AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS contenido
       FROM generate_series(1, 300000) g`,
    DB,
  );
  destination = fileDestination();
  stackFile = writeStackFile({
    name: "mira",
    environment: "staging",
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
    backups: { destination: { url: destination.url } },
  });
});
afterAll(async () => {
  await pg?.stop();
  removeTempDirs();
});
afterEach(() => vi.restoreAllMocks());

/**
 * 250 KiB/s: a slow destination, so the ~10 MiB dump would stream for 40 s; the step times out
 * after 1.5 s and must then stop within seconds, not when the work is done.
 */
function throttled(body: Readable): Readable {
  const slow = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      setTimeout(() => callback(null, chunk), chunk.length / 256);
    },
  });
  body.on("error", (err) => slow.destroy(err));
  return body.pipe(slow);
}

async function run(definition: RunbookDefinition, params: Record<string, unknown>) {
  const started = Date.now();
  let progress = "";
  const record = await executeRunbook(definition, {
    stack: loadStack(stackFile),
    params,
    dryRun: false,
    yes: true,
    operator: "test",
    progress: createProgress({
      stream: {
        write: (text: string) => {
          progress += text;
          return true;
        },
      } as NodeJS.WritableStream,
    }),
    confirmIO: { interactive: false, ask: async () => "" },
    env: { MIRA_DB_PASSWORD: pg.password },
  });
  return { record, progress, started };
}

/** Nothing of `what` is left within 8 s of the run's start: the 1.5 s timeout and the cleanup. */
async function nothingLeft(started: number, what: () => Promise<unknown[]>, label: string) {
  await waitUntil(
    async () => (await what()).length === 0,
    started + 8_000 - Date.now(),
    () => `${label} still there ${((Date.now() - started) / 1000).toFixed(1)} s after the start`,
  );
}

const copying = (datname: string) =>
  pg.query(
    `SELECT pid FROM pg_stat_activity WHERE application_name = 'guardia' AND datname LIKE '${datname}' AND query LIKE 'COPY %'`,
  );

describe("a step timeout", () => {
  it("stops backup-db's pg_dump mid-stream: no manifest, no partial dump", async () => {
    const putStream = FileStore.prototype.putStream;
    let streaming = false;
    vi.spyOn(FileStore.prototype, "putStream").mockImplementation(function (
      this: FileStore,
      key,
      body,
    ) {
      if (!key.endsWith(DUMP_OBJECT)) return putStream.call(this, key, body);
      streaming = true;
      return putStream.call(this, key, throttled(body));
    });
    const { record, started } = await run(backupDb, { database: "mira", schedule: "daily" });
    expect(streaming).toBe(true);
    expect(record.exitCode).toBe(1);
    expect(record.error).toMatch(
      /"Back up mira \(mira_production on 127\.0\.0\.1\)" failed: timed out after 1\.5 s/,
    );
    await nothingLeft(started, () => copying(DB), "pg_dump");
    const store = new FileStore(destination.path);
    await nothingLeft(started, () => store.list(""), "objects");
  });

  it("stops verify-backup's pg_restore mid-restore and drops the scratch database", async () => {
    const store = await storeFor(destination);
    const backup = await backupDatabase({
      ...{ store, location: { platform: "mira", environment: "staging", database: "mira" } },
      ...{ target: targetFor(pg, DB), schedule: "daily", operator: "test" },
    });
    store.close();
    const get = FileStore.prototype.get;
    let dumpReads = 0;
    vi.spyOn(FileStore.prototype, "get").mockImplementation(async function (this: FileStore, key) {
      const body = await get.call(this, key);
      // The first read checks the sha256; the second feeds pg_restore.
      return key.endsWith(DUMP_OBJECT) && ++dumpReads === 2 ? throttled(body) : body;
    });
    const { record, progress, started } = await run(verifyBackup, {
      database: "mira",
      backup: backup.id,
    });
    expect(record.exitCode).toBe(1);
    expect(record.error).toMatch(/"Restore drill of mira on 127\.0\.0\.1" failed: timed out/);
    expect(progress).toMatch(/restoring \S+ into postgres:\/\/\S+\/guardia_drill_\w+/);
    await nothingLeft(started, () => copying("guardia\\_drill\\_%"), "pg_restore");
    await nothingLeft(started, () => drillDatabases(pg), "the scratch database");
  });
});
