import { Transform, type Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FileStore } from "../../lib/backup/file-store.js";
import { DUMP_OBJECT } from "../../lib/backup/layout.js";
import { loadStack } from "../../lib/model/index.js";
import { executeRunbook } from "../../lib/runbook/executor.js";
import { createProgress } from "../../lib/runbook/progress.js";
import backupDb from "../../runbooks/backup-db.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { writeStackFile } from "../harness/stacks.js";
import {
  createMiraDatabase,
  CRITICAL_TABLES,
  fileDestination,
  removeTempDirs,
} from "../backup/helpers.js";

/**
 * Ctrl-C in the middle of a real backup (PostgreSQL, pg_dump, zstd, a file:// destination slowed
 * down so the dump is still streaming): the run ends with the state it left, not just
 * "interrupted", and leaves no partial backup behind.
 */

let pg: PgServer;
let destination: ReturnType<typeof fileDestination>;
let stackFile: string;

beforeAll(async () => {
  pg = await startPostgres();
  await createMiraDatabase(pg, "mira_production", 20_000);
  destination = fileDestination();
  stackFile = writeStackFile({
    name: "mira",
    environment: "staging",
    namespace: "mira",
    runtime: "local",
    databases: [
      {
        ...{ name: "mira", engine: "postgres", host: pg.host, port: pg.port },
        ...{ database: "mira_production", user: pg.user },
        passwordSecret: { name: "mira-db", key: "password", env: "MIRA_DB_PASSWORD" },
        criticalTables: CRITICAL_TABLES,
      },
    ],
    backups: { destination: { url: destination.url } },
  });
});

afterAll(async () => {
  vi.restoreAllMocks();
  await pg?.stop();
  removeTempDirs();
});

/** 64 KiB/s: the dump streams for many seconds, long enough to be interrupted mid-way. */
function throttled(body: Readable): Readable {
  const slow = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      setTimeout(() => callback(null, chunk), chunk.length / 64);
    },
  });
  body.on("error", (err) => slow.destroy(err));
  return body.pipe(slow);
}

describe("backup-db interrupted mid-dump", () => {
  it("says which change did not complete, rolls nothing back, and leaves no backup", async () => {
    const putStream = FileStore.prototype.putStream;
    const interrupt = new AbortController();
    vi.spyOn(FileStore.prototype, "putStream").mockImplementation(function (
      this: FileStore,
      key,
      body,
    ) {
      if (!key.endsWith(DUMP_OBJECT)) return putStream.call(this, key, body);
      // The operator presses Ctrl-C once the dump is streaming.
      setTimeout(() => interrupt.abort("SIGINT"), 300);
      return putStream.call(this, key, throttled(body));
    });
    const record = await executeRunbook(backupDb, {
      stack: loadStack(stackFile),
      params: { database: "mira", schedule: "daily" },
      dryRun: false,
      yes: true,
      operator: "test",
      progress: createProgress({
        stream: { write: () => true } as unknown as NodeJS.WritableStream,
      }),
      confirmIO: { interactive: false, ask: async () => "" },
      env: { MIRA_DB_PASSWORD: pg.password },
      interrupt: interrupt.signal,
    });
    expect(record).toMatchObject({ outcome: "failed", exitCode: 1 });
    expect(record.error).toMatch(
      /^step 5 "Back up mira \(mira_production on 127\.0\.0\.1\)" failed: interrupted \(SIGINT\)\n/,
    );
    expect(record.error).toMatch(
      /\nState after the failure:\n {2}did not complete: Back up mira \(mira_production on 127\.0\.0\.1\) \(to undo what it did: nothing to undo: a backup only adds objects to the destination\)\n {2}left as is: Remove partial objects left by runs that died \(to undo: nothing to undo: partial objects are never backups\)$/,
    );
    expect(await new FileStore(destination.path).list("")).toEqual([]);
  });
});
