import { execFileSync } from "node:child_process";
import { mkdtempSync, rmdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  databaseNames,
  databaseSettings,
  LIVE,
  startWorld,
  tableChecksums,
  type World,
} from "./helpers.js";

/**
 * The target server's disk fills up during the restore: PostgreSQL's data directory lives on a
 * small tmpfs (mounted as root, as CI runs; the WAL stays on the big disk so a full data disk fails
 * the restore's statements instead of stopping the server). The restore fails, live keeps every
 * table's content, and no scratch database is left. The same for a `--work-dir` too small for the
 * downloaded dump: nothing is created on the server at all.
 */

/** Cases of the MIRA tables: a live database of some 40 MB, so that half of it is a real margin. */
const CASOS = 60_000;
const MB = 1024 * 1024;
let world: World;
const mounts: string[] = [];

function mountTmpfs(sizeBytes: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), "guardia-small-disk-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeBytes},mode=0777`, "tmpfs", dir]);
  mounts.push(dir);
  return dir;
}

const usedBytes = (dir: string) =>
  Number(execFileSync("df", ["--output=used", "-B1", dir], { encoding: "utf8" }).split("\n")[1]);

let dataDisk: string;
let before: Record<string, string>;

beforeAll(async () => {
  dataDisk = mountTmpfs(1024 * MB);
  world = await startWorld(CASOS, { dataParent: dataDisk });
  await world.backup();
  before = await world.change(
    "UPDATE onco_casos SET estado = 'alta' WHERE id % 3 = 0",
    "VACUUM FULL onco_casos",
  );
}, 300_000);

afterAll(async () => {
  await world?.stop();
  for (const dir of mounts) {
    execFileSync("umount", [dir]);
    rmdirSync(dir);
  }
});

const restore = (...extra: string[]) => world.restore(world.stacks.local, ...extra);

describe("out of disk during the restore", () => {
  it("on the server's data disk: fails, live unchanged, no scratch database left", async () => {
    const [row] = await world.pg.query<{ size: string }>(
      `SELECT pg_database_size('${LIVE}') AS size`,
    );
    const size = Number(row!.size);
    // Room for half a copy of live: the restore runs out of space in the middle of its tables.
    const room = Math.ceil((usedBytes(dataDisk) + size / 2) / MB) * MB;
    execFileSync("mount", ["-o", `remount,size=${room}`, dataDisk]);

    let run;
    try {
      run = await restore();
      // The failed copy's files are gone too: the disk has its room back.
      expect(usedBytes(dataDisk)).toBeLessThan(room - size / 4);
    } finally {
      // Room again for the checks below (a sort spills to disk) and the next restore.
      execFileSync("mount", ["-o", `remount,size=${1024 * MB}`, dataDisk]);
    }
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/No space left on device/);
    expect(run.stdout).toMatch(/__restore_\w+ was dropped; the live database was not touched/);
    expect(await tableChecksums(world.pg, LIVE)).toEqual(before);
    expect(await databaseNames(world.pg)).toEqual([LIVE]);
    expect(await databaseSettings(world.pg, LIVE)).toMatchObject({ allow: true });

    // With the room it needs, the same restore then succeeds.
    const again = await restore();
    expect(again.code, again.stderr).toBe(0);
  }, 600_000);

  it("in a --work-dir too small for the dump: fails before any database is created", async () => {
    const workDir = mountTmpfs(1 * MB);
    const live = await tableChecksums(world.pg, LIVE);
    const names = await databaseNames(world.pg);
    const run = await restore("--work-dir", workDir);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/ENOSPC|no space left on device/i);
    expect(await databaseNames(world.pg)).toEqual(names);
    expect(await tableChecksums(world.pg, LIVE)).toEqual(live);
  }, 600_000);
});
