import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupDatabase, dumpPipeline, type DumpPipelineOptions } from "../../lib/backup/dump.js";
import { commandNotes, shellLine } from "../../lib/command.js";
import type { Database } from "../../lib/model/index.js";
import {
  checkPgDumpAgainstServer,
  checkPgDumpVersion,
  majorVersion,
  parseToolVersion,
  PgDumpTooOldError,
} from "../../lib/backup/pg-version.js";
import { startPostgres } from "../harness/postgres.js";
import type { PgServer } from "../harness/postgres.js";
import {
  createMiraDatabase,
  fileDestination,
  LOCATION,
  removeTempDirs,
  storeFor,
  targetFor,
  tempDir,
} from "./helpers.js";

describe("pg_dump version check", () => {
  it("reads versions as the tools and the server print them", () => {
    expect(parseToolVersion("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n")).toBe("15.18");
    expect(parseToolVersion("pg_dump (PostgreSQL) 17beta2")).toBe("17beta2");
    expect(() => parseToolVersion("bash: pg_dump: command not found")).toThrow(
      'cannot read a PostgreSQL version from "bash: pg_dump: command not found"',
    );
    expect(majorVersion("15.18 (Debian 15.18-0+deb12u1)")).toBe(15);
    expect(majorVersion("17beta2")).toBe(17);
    expect(majorVersion("9.6.24")).toBe(9.6);
  });

  it("refuses a pg_dump older than the server, saying what to install", () => {
    const check = () =>
      checkPgDumpVersion(
        { path: "/usr/bin/pg_dump", version: "14.10" },
        { version: "15.4 (Debian 15.4-1.pgdg120+1)", where: "postgres://mira_user@db:5432/mira" },
      );
    expect(check).toThrow(PgDumpTooOldError);
    expect(check).toThrow(
      "pg_dump 14.10 at /usr/bin/pg_dump is older than the server it would dump " +
        "(PostgreSQL 15.4 at postgres://mira_user@db:5432/mira): pg_dump cannot dump a newer " +
        "major version. Install the PostgreSQL 15 client (Debian/Ubuntu: apt-get install " +
        "postgresql-client-15) and put /usr/lib/postgresql/15/bin first on PATH.",
    );
  });

  it("accepts the same or a newer major version, whatever the minor", () => {
    const server = { version: "15.4", where: "postgres://x@y:5432/z" };
    expect(() => checkPgDumpVersion({ path: "p", version: "15.1" }, server)).not.toThrow();
    expect(() => checkPgDumpVersion({ path: "p", version: "16.2" }, server)).not.toThrow();
    expect(() =>
      checkPgDumpVersion({ path: "p", version: "10.23" }, { ...server, version: "9.6.24" }),
    ).not.toThrow();
    expect(() =>
      checkPgDumpVersion({ path: "p", version: "9.5.25" }, { ...server, version: "9.6.24" }),
    ).toThrow("Install the PostgreSQL 9.6 client");
  });
});

describe("a backup with an old pg_dump", () => {
  let server: PgServer;
  beforeAll(async () => {
    server = await startPostgres();
    await createMiraDatabase(server, "mira_production", 10);
  });
  afterAll(async () => {
    await server?.stop();
    removeTempDirs();
  });

  /** A pg_dump 14 that can only print its version: the check must come before any dump. */
  function oldPgDump(): { bin: string; path: string } {
    const bin = tempDir("guardia-old-pg-");
    const path = join(bin, "pg_dump");
    writeFileSync(
      path,
      '#!/bin/sh\n[ "$1" = --version ] && { echo "pg_dump (PostgreSQL) 14.10"; exit 0; }\necho "must not dump" >&2; exit 3\n',
    );
    chmodSync(path, 0o755);
    return { bin, path };
  }

  async function serverVersion(): Promise<string> {
    const rows = await server.query<{ server_version: string }>("SHOW server_version");
    return rows[0]!.server_version.split(" ")[0]!;
  }

  it("stops before dumping and stores nothing", async () => {
    const fake = oldPgDump();
    const version = await serverVersion();
    const store = await storeFor(fileDestination());

    const backup = backupDatabase({
      ...{ store, location: LOCATION, target: targetFor(server, "mira_production") },
      ...{ schedule: "daily", operator: "test", pgBinDir: fake.bin },
    });
    await expect(backup).rejects.toThrow(PgDumpTooOldError);
    await expect(backup).rejects.toThrow(
      `pg_dump 14.10 at ${fake.path} is older than the server it would dump (PostgreSQL ` +
        `${version} at postgres://${server.user}@127.0.0.1:${server.port}/mira_production)`,
    );
    await expect(backup).rejects.toThrow(
      `apt-get install postgresql-client-${version.split(".")[0]}`,
    );
    expect(await store.list("")).toEqual([]);
  });

  it("is also a step of its own that says what it found", async () => {
    const target = targetFor(server, "mira_production");
    const version = await serverVersion();
    const where = `postgres://${server.user}@127.0.0.1:${server.port}/mira_production`;
    const checked = await checkPgDumpAgainstServer(target);
    expect(checked.summary).toMatch(
      new RegExp(
        `^pg_dump \\d+\\.\\d+ \\(/\\S+/pg_dump\\) can dump PostgreSQL ${version} at ${where}$`,
      ),
    );
    expect(checked.summary).toContain(`pg_dump ${checked.pgDump.version} (${checked.pgDump.path})`);
    await expect(checkPgDumpAgainstServer(target, { pgBinDir: oldPgDump().bin })).rejects.toThrow(
      PgDumpTooOldError,
    );
  });
});

describe("the pipeline shown in plans", () => {
  const database: Database = {
    name: "mira",
    engine: "postgres",
    host: "db.mira.svc",
    port: 5432,
    database: "mira_production",
    user: "mira_backup",
    passwordSecret: { name: "mira-db", key: "password", env: undefined },
    usedBy: [],
    criticalTables: [],
    exporterJob: undefined,
    rto: undefined,
    smokeQueries: [],
  };
  const pipeline = (o: Partial<DumpPipelineOptions> = {}) =>
    dumpPipeline({ pgDump: "pg_dump", zstd: "zstd", database, destination: "file:///b/x", ...o });

  it("is pg_dump without compression piped into zstd, as run, and prints as one shell line", () => {
    expect(shellLine(pipeline())).toBe(
      "PGHOST=db.mira.svc PGPORT=5432 PGUSER=mira_backup PGDATABASE=mira_production " +
        "PGAPPNAME=guardia PGCONNECT_TIMEOUT=10 " +
        "pg_dump --format=custom --compress=0 --no-password '--snapshot=<exported snapshot>' | " +
        "zstd -q -c -1 --long=24 --single-thread",
    );
    expect(commandNotes(pipeline())).toEqual([
      "pg_dump also gets PGPASSWORD in its environment (a secret, not shown)",
      "in guardia, out of the pipe: sha256 of the stream, into file:///b/x",
    ]);
    expect(pipeline({ zstdLevel: 3, zstdThreads: 0 }).pipeline[1]!.argv.slice(-3)).toEqual([
      "-3",
      "--long=24",
      "-T0",
    ]);
    expect(() => pipeline({ zstdLevel: 22 })).toThrow(
      "zstd level 22 is out of range: use 1 (fastest) to 19",
    );
  });
});
