import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  databaseNames,
  databaseSettings,
  keepLive,
  killedAt as killRestoreAt,
  LIVE,
  resetLive,
  startWorld,
  tableChecksums,
  type World,
} from "./helpers.js";

/**
 * restore-db under faults, on real PostgreSQL: the CLI is SIGKILLed as each step starts (the
 * statement of a short step may or may not have run: both must end well); before the swap the
 * live database is unchanged, table by table; after a kill in the swap, the next restore-db or
 * --rollback finds what was left, says so, and brings back a consistent live database. Two
 * restores at once: one runs, the other exits 3 naming the holder. A corrupted dump is refused
 * before any database is created.
 */

/** A kill and a whole restore after it, on a machine others share. */
const TIMEOUT = 400_000;
let world: World;
let atBackup: Record<string, string>;
let changed: Record<string, string>;

beforeAll(async () => {
  world = await startWorld();
  atBackup = (await world.backup()).checksums;
  changed = await world.change(
    "UPDATE onco_casos SET estado = 'alta' WHERE id % 3 = 0",
    "DELETE FROM onco_episodios WHERE id % 5 = 0",
  );
  await keepLive(world);
}, 180_000);

afterAll(async () => world?.stop());

const restore = (...extra: string[]) => world.restore(world.stacks.local, ...extra);

/** Runs restore-db on the local stack and SIGKILLs it as the step titled `title…` begins. */
async function killedAt(title: string) {
  const args = ["restore-db", "--stack", world.stacks.local, "--database", "mira", "--yes"];
  const run = await killRestoreAt(world, args, title);
  expect(run.killed, `never reached "${title}":\n${run.stderr}`).toBe(true);
  return run;
}

/** Back to the changed live database and nothing else, for the next kill. */
const reset = () => resetLive(world);

const BEFORE_SWAP = [
  "Download and decompress",
  "Compare the dump's sha256",
  "Restore into",
  "ANALYZE",
  "Verify",
  "Read mira_production's owner",
];
const IN_SWAP = [
  "Fence",
  "End the sessions",
  `Rename ${LIVE} →`,
  "Rename the incoming copy",
  "Apply",
  "Allow connections",
  "Health-check",
];

describe("SIGKILL before the swap", () => {
  it.each(BEFORE_SWAP)(
    "at %s: live is unchanged, and the next run cleans up and restores",
    async (title) => {
      await reset();
      await killedAt(title);
      expect(await tableChecksums(world.pg, LIVE)).toEqual(changed);
      expect(await databaseSettings(world.pg, LIVE)).toMatchObject({ allow: true });
      const again = await restore();
      expect(again.code, again.stderr).toBe(0);
      expect(await tableChecksums(world.pg, LIVE)).toEqual(atBackup);
      // The killed run's scratch copy (if it got that far) is dropped; only the replaced live one is kept.
      const left = (await databaseNames(world.pg)).filter((n) => n.startsWith(`${LIVE}__`));
      expect(left.map((n) => n.replace(/\d{8}t\d{6}$/, "<t>"))).toEqual([
        `${LIVE}__pre_restore_<t>`,
      ]);
    },
    TIMEOUT,
  );
});

describe("SIGKILL in the swap", () => {
  it.each(IN_SWAP.map((t, i) => [t, i % 2 === 0 ? "restore-db" : "--rollback"] as const))(
    "at %s, then %s: a consistent live database, and it says what it found",
    async (title, then) => {
      await reset();
      await killedAt(title);
      const names = await databaseNames(world.pg);
      const again = then === "restore-db" ? await restore() : await restore("--rollback");
      expect(again.code, again.stdout + again.stderr).toBe(0);
      const live = await tableChecksums(world.pg, LIVE);
      // restore-db ends with the backup live; --rollback with the database from before the killed run.
      expect(live).toEqual(then === "restore-db" ? atBackup : changed);
      expect(await databaseSettings(world.pg, LIVE)).toMatchObject({
        allow: true,
        comment: "MIRA production",
      });
      // What the killed run left is named in the result whenever it was not a clean state.
      const unclean = !names.includes(LIVE) || names.some((n) => n.includes("__restore_"));
      if (unclean)
        expect(again.json.result.repaired.length, JSON.stringify(names)).toBeGreaterThan(0);
    },
    TIMEOUT,
  );
});

describe("refusals", () => {
  it(
    "two restores at once: one runs, the other exits 3 naming the holder",
    async () => {
      await reset();
      const [a, b] = await Promise.all([restore(), restore()]);
      const codes = [a.code, b.code].sort();
      expect(codes, a.stderr + b.stderr).toEqual([0, 3]);
      const refused = a.code === 3 ? a : b;
      expect(refused.json.error).toMatch(/lock "db-mira-dev-mira" is held by \S+ \(restore-db\)/);
      expect(await tableChecksums(world.pg, LIVE)).toEqual(atBackup);
    },
    TIMEOUT,
  );

  it(
    "a corrupted dump is refused before any database is created",
    async () => {
      await reset();
      const dump = findFile(path.join(world.work, "backups"), "dump.pgcustom.zst");
      const original = readFileSync(dump);
      const bad = Buffer.from(original);
      bad[Math.floor(bad.length / 2)]! ^= 0xff;
      writeFileSync(dump, bad);
      try {
        const run = await restore();
        expect(run.code).not.toBe(0);
        expect(run.stderr).toMatch(/sha256|zstd/);
        expect(await databaseNames(world.pg)).toEqual([LIVE]);
        expect(await tableChecksums(world.pg, LIVE)).toEqual(changed);
      } finally {
        writeFileSync(dump, original);
      }
    },
    TIMEOUT,
  );
});

function findFile(dir: string, name: string): string {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile() && entry.name === name) return path.join(entry.parentPath, entry.name);
  throw new Error(`${name} not under ${dir}`);
}
