import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dropStaleScratch,
  scratchCreatedAt,
  scratchName,
  surveyScratch,
} from "../../lib/backup/scratch.js";
import { DRILL_STEP_TIMEOUT_MS } from "../../lib/backup/timeouts.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { drillDatabases, targetFor } from "./helpers.js";

/**
 * Scratch databases left by restore drills that were killed before dropping their own: exactly
 * those are found and dropped, never a database in use, a recent one, or any other name.
 */

let server: PgServer;
const NOW = new Date("2026-06-01T12:00:00Z");
const HOUR = 3_600_000;
const OLD = "guardia_drill_20260531t050000_0a1b2c3d";
const OLD_IN_USE = "guardia_drill_20260530t050000_deadbeef";
const RECENT = "guardia_drill_20260601t100000_12345678";
const LOOKALIKES = [
  "guardia_drill_20260101t050000_0a1b2c3d_copy",
  "guardia_drill_20260101t050000_0A1B2C3D",
  "guardia_drill_old",
  "guardia_drill_20261301t050000_0a1b2c3d",
  "xguardia_drill_20260101t050000_0a1b2c3d",
  "mira_production",
];

beforeAll(async () => {
  server = await startPostgres();
  for (const name of [OLD, OLD_IN_USE, RECENT, ...LOOKALIKES]) await server.createDatabase(name);
});
afterAll(async () => {
  await server?.stop();
});

/** A session on `database`, as a running drill's pg_restore would hold. */
async function connect(database: string): Promise<pg.Client> {
  const { host, port, user, password } = server;
  const client = new pg.Client({ host, port, user, password, database });
  await client.connect();
  return client;
}

describe("scratch database names", () => {
  it("reads the creation time back from a name it made, and from nothing else", () => {
    const at = new Date("2026-11-23T05:00:07.123Z");
    const name = scratchName(at);
    expect(name).toMatch(/^guardia_drill_20261123t050007_[0-9a-f]{8}$/);
    expect(scratchCreatedAt(name)).toEqual(new Date("2026-11-23T05:00:07Z"));
    for (const other of LOOKALIKES) expect(scratchCreatedAt(other)).toBeUndefined();
  });
});

describe("stale scratch databases", () => {
  it("finds those older than the drill's timeout with no connection, and drops only them", async () => {
    const target = targetFor(server, "postgres");
    const holder = await connect(OLD_IN_USE);
    try {
      const survey = await surveyScratch(target, DRILL_STEP_TIMEOUT_MS, NOW);
      expect(survey.stale.map((d) => [d.name, d.reason])).toEqual([
        [OLD, "31.0 h old (over 3.5 h), unused"],
      ]);
      expect(survey.kept.map((d) => [d.name, d.connections, d.reason])).toEqual([
        [OLD_IN_USE, 1, "55.0 h old, but 1 connection(s)"],
        [RECENT, 0, "2.0 h old: a drill may still use it"],
      ]);

      const dropped = await dropStaleScratch(target, [OLD]);
      expect(dropped).toEqual({ dropped: [OLD], failed: [] });
      expect((await drillDatabases(server)).sort()).toEqual(
        [OLD_IN_USE, RECENT, ...LOOKALIKES.filter((n) => n.startsWith("guardia_drill_"))].sort(),
      );
    } finally {
      await holder.end();
    }
  });

  it("leaves one that someone connected to after the survey (no FORCE), and says why", async () => {
    const target = targetFor(server, "postgres");
    const survey = await surveyScratch(target, HOUR, new Date(NOW.getTime() + 10 * HOUR));
    expect(survey.stale.map((d) => d.name)).toEqual([OLD_IN_USE, RECENT]);
    const holder = await connect(RECENT);
    try {
      const result = await dropStaleScratch(target, [OLD_IN_USE, RECENT]);
      expect(result.dropped).toEqual([OLD_IN_USE]);
      expect(result.failed).toEqual([
        { name: RECENT, error: expect.stringMatching(/is being accessed by other users/) },
      ]);
      expect(await drillDatabases(server)).toContain(RECENT);
    } finally {
      await holder.end();
    }
  });

  it("refuses a name that is not a scratch database's", async () => {
    await expect(
      dropStaleScratch(targetFor(server, "postgres"), ["mira_production"]),
    ).rejects.toThrow("mira_production is not a restore drill's scratch database");
    expect(
      await server.query("SELECT 1 FROM pg_database WHERE datname = 'mira_production'"),
    ).toEqual([{ "?column?": 1 }]);
  });
});
