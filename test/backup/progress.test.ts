import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupDatabase } from "../../lib/backup/dump.js";
import { progressLine, startMeter } from "../../lib/backup/meter.js";
import { formatBytes } from "../../lib/backup/store.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { waitUntil } from "../harness/process.js";
import {
  createMiraDatabase,
  LOCATION,
  removeTempDirs,
  storeFor,
  targetFor,
  fileDestination,
} from "./helpers.js";

/**
 * Progress on a long dump, against real PostgreSQL: a table locked by another session freezes
 * pg_dump (as a frozen database did for 45 s), and the meter says no byte has moved; once the
 * lock goes, it says how much was stored and how fast. The intervals are shortened here (the
 * runbook prints every 15 s and warns after a minute); the lines are the same.
 */

let server: PgServer;
const DB = "mira_production";

beforeAll(async () => {
  server = await startPostgres();
  await createMiraDatabase(server, DB, 20_000);
}, 120_000);
afterAll(async () => {
  await server?.stop();
  removeTempDirs();
});

describe("a dump's progress", () => {
  it("warns while no byte moves (a locked table), then reports bytes and rate", async () => {
    const locker = new pg.Client({ ...connection(), database: DB });
    await locker.connect();
    await locker.query("BEGIN; LOCK TABLE onco_episodios IN ACCESS EXCLUSIVE MODE");
    const lines: string[] = [];
    const meter = startMeter({ log: (l) => lines.push(l), everyMs: 100, stallMs: 1000 });
    const store = await storeFor(fileDestination());
    const backup = backupDatabase({
      ...{ store, location: LOCATION, target: targetFor(server, DB) },
      ...{ schedule: "manual", operator: "test", onProgress: meter.update },
    });
    await waitUntil(
      async () => lines.some((l) => l.startsWith("WARNING: no byte has moved for")),
      60_000,
      () => `no stall warning; lines: ${lines.join(" | ")}`,
    );
    await locker.query("COMMIT");
    await locker.end();
    const result = await backup;
    meter.tick();
    meter.stop();
    store.close();
    expect(lines.find((l) => l.startsWith("WARNING"))).toMatch(
      /^WARNING: no byte has moved for \d+ s \(0 B so far\): pg_dump may wait for a lock, or the database or the destination has stalled$/,
    );
    expect(lines.at(-1)).toMatch(/^\d+(\.\d)? (B|KiB|MiB) stored, \d+(\.\d)? (B|KiB|MiB)\/s$/);
    expect(lines.at(-1)).toContain(`${formatBytes(result.size)} stored`);
  }, 120_000);

  it("estimates how far along it is from the last backup's size", () => {
    expect(
      progressLine(48 * 1024 ** 2, 15_000, { bytes: 120 * 1024 ** 2, from: "the last backup" }),
    ).toBe("48.0 MiB stored, 3.2 MiB/s; about 40% of the last backup (120.0 MiB), about 23 s left");
    expect(progressLine(2048, 1000)).toBe("2.0 KiB stored, 2.0 KiB/s");
  });
});

function connection() {
  return { host: server.host, port: server.port, user: server.user, password: server.password };
}
