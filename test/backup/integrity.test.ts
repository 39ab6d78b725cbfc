import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { openSync, readSync, writeSync, closeSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupDatabase } from "../../lib/backup/dump.js";
import { DUMP_OBJECT, MANIFEST_OBJECT, objectKey } from "../../lib/backup/layout.js";
import { manifestText, readManifest } from "../../lib/backup/manifest.js";
import { BackupVerificationError } from "../../lib/backup/integrity.js";
import { verifyBackup } from "../../lib/backup/verify.js";
import type { Destination } from "../../lib/model/index.js";
import { startPostgres } from "../harness/postgres.js";
import type { PgServer } from "../harness/postgres.js";
import { startS3 } from "../harness/s3.js";
import type { S3Server } from "../harness/s3.js";
import {
  addRows,
  countTables,
  createMiraDatabase,
  drillDatabases,
  fileDestination,
  LOCATION,
  removeTempDirs,
  storeFor,
  targetFor,
  useDestination,
} from "./helpers.js";

let server: PgServer;
let s3: S3Server;
const DB = "mira_production";
// A login that may connect but not create databases: a drill that tried to create its scratch
// database before checking checksums would fail with "permission denied to create database".
const READER = { user: "drill_reader", password: "reader-password-1234" };

beforeAll(async () => {
  [server, s3] = await Promise.all([startPostgres(), startS3()]);
  await createMiraDatabase(server, DB, 2000);
  await server.createRole(READER.user, READER.password);
});
afterAll(async () => {
  await Promise.all([server?.stop(), s3?.stop()]);
  removeTempDirs();
});

/** Flips one bit of the stored object in the middle, behind guardia's back. */
async function flipByte(destination: Destination, key: string): Promise<void> {
  if (destination.kind === "file") {
    const fd = openSync(join(destination.path, key), "r+");
    const byte = Buffer.alloc(1);
    const offset = 1000;
    readSync(fd, byte, 0, 1, offset);
    byte[0] = byte[0]! ^ 0x01;
    writeSync(fd, byte, 0, 1, offset);
    closeSync(fd);
    return;
  }
  const client = s3.client();
  const location = { Bucket: destination.bucket, Key: `${destination.prefix}/${key}` };
  const out = await client.send(new GetObjectCommand(location));
  const bytes = Buffer.from(await out.Body!.transformToByteArray());
  bytes[1000] = bytes[1000]! ^ 0x01;
  await client.send(new PutObjectCommand({ ...location, Body: bytes }));
}

describe.each(["file", "s3"] as const)("on %s://", (kind) => {
  const dest = useDestination(kind, () => s3, `int-${kind}`);

  it("one flipped byte fails verify before any database is created, naming the object", async () => {
    const backup = await backupDatabase({
      ...{
        store: dest.store,
        location: LOCATION,
        target: targetFor(server, DB),
        schedule: "daily",
      },
      operator: "test",
    });
    await flipByte(dest.destination, objectKey(LOCATION, backup.id, DUMP_OBJECT));

    const target = targetFor(server, DB, READER);
    const drill = verifyBackup({
      store: dest.store,
      location: LOCATION,
      target,
      backup: backup.id,
    });
    await expect(drill).rejects.toThrow(BackupVerificationError);
    const err = (await drill.catch((e: unknown) => e)) as BackupVerificationError;
    expect(err.message).toContain(`backup ${backup.id}`);
    expect(err.message).toContain(`object ${DUMP_OBJECT}: sha256 expected ${backup.sha256}, got `);
    expect(err.mismatches).toEqual([
      {
        kind: "object",
        name: DUMP_OBJECT,
        field: "sha256",
        expected: backup.sha256,
        got: expect.not.stringMatching(backup.sha256),
      },
    ]);
    expect(await drillDatabases(server)).toEqual([]);
  });

  it("restored counts that differ from the manifest fail loudly; the scratch database is dropped", async () => {
    const backup = await backupDatabase({
      ...{
        store: dest.store,
        location: LOCATION,
        target: targetFor(server, DB),
        schedule: "weekly",
      },
      operator: "test",
    });
    // A manifest that promises one more case than the dump holds.
    const manifest = await readManifest(dest.store, LOCATION, backup.id);
    const claimed = {
      ...manifest.criticalTables,
      onco_casos: manifest.criticalTables.onco_casos! + 1,
    };
    await dest.store.putSmall(
      objectKey(LOCATION, backup.id, MANIFEST_OBJECT),
      manifestText({ ...manifest, criticalTables: claimed }),
    );

    const drill = verifyBackup({
      ...{ store: dest.store, location: LOCATION, target: targetFor(server, DB) },
      backup: backup.id,
    });
    const err = (await drill.catch((e: unknown) => e)) as BackupVerificationError;
    expect(err).toBeInstanceOf(BackupVerificationError);
    expect(err.mismatches).toEqual([
      { kind: "table", name: "onco_casos", field: "rows", expected: 2001, got: 2000 },
    ]);
    expect(err.message).toContain("table onco_casos: rows expected 2001, got 2000");
    expect(await drillDatabases(server)).toEqual([]);
  });
});

describe("row counts", () => {
  it("come from the dump's own snapshot while rows are written concurrently", async () => {
    const destination = fileDestination();
    const store = await storeFor(destination);
    await createMiraDatabase(server, "mira_busy", 20_000);
    const before = await countTables(server, "mira_busy");

    // A writer that commits new cases for as long as the dump runs, starting right after the
    // snapshot is exported: the live tables grow, the dump and the manifest must not.
    const writer = new pg.Client({ ...connection(server), database: "mira_busy" });
    await writer.connect();
    let stop = false;
    let writes: Promise<void> | undefined;
    const writeUntilStopped = async () => {
      while (!stop) await writer.query(insertCaseSql);
    };
    const backup = await backupDatabase({
      ...{ store, location: LOCATION, target: targetFor(server, "mira_busy") },
      ...{ schedule: "daily", operator: "test" },
      afterSnapshot: async () => {
        await addRows(server, "mira_busy", 100);
        writes = writeUntilStopped();
      },
    });
    stop = true;
    await writes;
    await writer.end();

    const after = await countTables(server, "mira_busy");
    expect(after.onco_casos).toBeGreaterThan(before.onco_casos + 100);
    expect(backup.criticalTables).toEqual(before);

    const report = await verifyBackup({
      ...{ store, location: LOCATION, target: targetFor(server, "mira_busy") },
      backup: backup.id,
    });
    expect(report.tables).toEqual([
      { table: "onco_casos", expected: before.onco_casos, restored: before.onco_casos },
      { table: "onco_episodios", expected: before.onco_episodios, restored: before.onco_episodios },
    ]);
  });

  it("a missing critical table fails the backup and stores nothing", async () => {
    const store = await storeFor(fileDestination());
    const target = targetFor(server, DB);
    const wrong = {
      ...target,
      database: { ...target.database, criticalTables: ["onco_casos", "onco_pacientes"] },
    };
    const failing = backupDatabase({
      ...{ store, location: LOCATION, target: wrong, schedule: "daily", operator: "test" },
    });
    await expect(failing).rejects.toThrow(
      /counting rows of critical table onco_pacientes in mira_production \(snapshot\) failed: relation "onco_pacientes" does not exist/,
    );
    expect(await store.list("")).toEqual([]);
  });
});

const insertCaseSql = `INSERT INTO onco_casos (paciente_rut, estado, fecha_ingreso)
  VALUES ('99999999-9', 'sospecha', now())`;

function connection(s: PgServer) {
  return { host: s.host, port: s.port, user: s.user, password: s.password };
}
