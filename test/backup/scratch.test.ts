import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createScratch,
  dropStaleScratch,
  scratchCreatedAt,
  scratchName,
  surveyScratch,
} from "../../lib/backup/scratch.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { drillDatabases, targetFor } from "./helpers.js";

/**
 * Scratch databases left by restore drills that were killed before dropping their own: those
 * whose drill is gone (its lock is free) are dropped at once, whatever their age, by the database
 * owner that made them (no superuser), with the dead drill's leftover sessions ended; never one a
 * running drill holds, one another role's session uses, nor any other name.
 */

let server: PgServer;
/** The drill's role: may create databases, is no superuser. */
const OWNER = { user: "drill_owner", password: "drill-owner-password-1" };
const HOLDER = { operator: "test", runbook: "verify-backup", stack: "mira-dev" };
const GONE = "guardia_drill_20260531t050000_0a1b2c3d";
const GONE_WITH_SESSION = "guardia_drill_20260530t050000_deadbeef";
const GONE_JUST_NOW = scratchName(new Date()).replace(/_[0-9a-f]{8}$/, "_00000001");
const IN_USE_BY_OTHERS = "guardia_drill_20260529t050000_00000002";
const LOOKALIKES = [
  "guardia_drill_20260101t050000_0a1b2c3d_copy",
  "guardia_drill_20260101t050000_0A1B2C3D",
  "guardia_drill_old",
  "guardia_drill_20261301t050000_0a1b2c3d",
  "xguardia_drill_20260101t050000_0a1b2c3d",
  "mira_production",
];
const owner = () => targetFor(server, "postgres", OWNER);

beforeAll(async () => {
  server = await startPostgres();
  await server.createRole(OWNER.user, OWNER.password);
  await server.query(`ALTER ROLE ${OWNER.user} CREATEDB`);
  for (const name of [GONE, GONE_WITH_SESSION, GONE_JUST_NOW, IN_USE_BY_OTHERS]) {
    await server.createDatabase(name, OWNER.user);
  }
  for (const name of LOOKALIKES) await server.createDatabase(name);
});
afterAll(async () => {
  await server?.stop();
});

/** A session on `database`: as a dead drill's pg_restore left it (the owner), or someone else's. */
async function connect(database: string, login: { user: string; password: string }) {
  const client = new pg.Client({ host: server.host, port: server.port, database, ...login });
  client.on("error", () => undefined); // terminated by the drop
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

describe("scratch databases of drills that are gone", () => {
  it("are found by their free lock, whatever their age; a running drill's and one in use by another role are kept", async () => {
    const leftover = await connect(GONE_WITH_SESSION, OWNER);
    const someoneElse = await connect(IN_USE_BY_OTHERS, server);
    const running = await createScratch(owner(), scratchName(new Date()), HOLDER);
    try {
      const survey = await surveyScratch(owner(), HOLDER);
      expect(survey.stale.map((d) => [d.name, d.reason])).toEqual(
        [
          [GONE, "its drill is gone (the drill's lock is free)"],
          [
            GONE_WITH_SESSION,
            "its drill is gone (the drill's lock is free); its 1 leftover session(s) are ended first",
          ],
          [GONE_JUST_NOW, "its drill is gone (the drill's lock is free)"],
        ].sort(),
      );
      expect(survey.kept.map((d) => [d.name, d.reason]).sort()).toEqual(
        [
          [IN_USE_BY_OTHERS, "its drill is gone, but in use by guardia_admin (a session)"],
          [running.name, "its drill is running (it holds the drill's lock)"],
        ].sort(),
      );

      const dropped = await dropStaleScratch(
        owner(),
        survey.stale.map((d) => d.name),
        HOLDER,
      );
      expect(dropped).toEqual({ dropped: survey.stale.map((d) => d.name), failed: [] });
      expect((await drillDatabases(server)).sort()).toEqual(
        [
          IN_USE_BY_OTHERS,
          running.name,
          ...LOOKALIKES.filter((n) => n.startsWith("guardia_drill_")),
        ].sort(),
      );
    } finally {
      await running.drop();
      await Promise.all([leftover.end().catch(() => undefined), someoneElse.end()]);
    }
    expect(await drillDatabases(server)).not.toContain(running.name);
  });

  it("one another role's session uses is left, and the error says which privilege would end it", async () => {
    const someoneElse = await connect(IN_USE_BY_OTHERS, server);
    try {
      const result = await dropStaleScratch(owner(), [IN_USE_BY_OTHERS], HOLDER);
      expect(result.dropped).toEqual([]);
      expect(result.failed).toEqual([
        {
          name: IN_USE_BY_OTHERS,
          error: expect.stringMatching(
            /it is in use by a session \(pid \d+, role guardia_admin\); drill_owner may terminate only its own sessions: .*GRANT pg_signal_backend TO drill_owner/,
          ),
        },
      ]);
      expect(await drillDatabases(server)).toContain(IN_USE_BY_OTHERS);
    } finally {
      await someoneElse.end();
    }
  });

  it("refuses a name that is not a scratch database's", async () => {
    await expect(dropStaleScratch(owner(), ["mira_production"], HOLDER)).rejects.toThrow(
      "mira_production is not a restore drill's scratch database",
    );
    expect(
      await server.query("SELECT 1 FROM pg_database WHERE datname = 'mira_production'"),
    ).toEqual([{ "?column?": 1 }]);
  });
});
