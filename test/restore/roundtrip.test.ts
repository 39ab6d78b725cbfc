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
 * restore-db on real PostgreSQL: backup, change the data, restore → the data equals the backup
 * (every table's checksum), database-level settings survive the swap; --rollback → the data
 * equals the state before the restore; --list-kept and --drop-kept.
 */

let world: World;

beforeAll(async () => {
  world = await startWorld();
}, 120_000);

afterAll(async () => world?.stop());

describe("restore-db round trip on a local stack", () => {
  it("restores the backup over changed data, keeps settings, and rolls back", async () => {
    const { pg, guardia, stacks } = world;
    const backup = await world.backup();
    const atBackup = backup.checksums;
    const settings = await databaseSettings(pg, LIVE);

    const changed = await world.change(
      "UPDATE onco_casos SET estado = 'alta' WHERE id % 3 = 0",
      "DELETE FROM onco_episodios WHERE id % 5 = 0",
    );
    expect(changed).not.toEqual(atBackup);

    const restored = await world.restore(stacks.local);
    expect(restored.code, restored.stdout + restored.stderr).toBe(0);
    expect(await tableChecksums(pg, LIVE)).toEqual(atBackup);
    expect(await databaseSettings(pg, LIVE)).toEqual(settings);
    const result = restored.json.result;
    expect(result.backup).toBe(backup.id);
    expect(result.verified.structure).toMatch(/^structure matches the manifest \(2 tables\)$/);
    expect(result.verified.smoke).toEqual([{ name: "a case in treatment", rows: 1 }]);
    for (const phase of ["download", "restore", "verify", "swap"])
      expect(result.phasesMs[phase], phase).toBeGreaterThan(0);
    // The sha256 is computed as the dump downloads: the checksum phase is the comparison alone.
    expect(result.phasesMs.checksum).toBeGreaterThanOrEqual(0);
    expect(result.downtimeMs).toBeGreaterThan(0);
    expect(result.downtimeMs).toBeLessThan(result.totalMs);
    expect(result).toMatchObject({ rto: "1h", withinRto: true });
    const kept = (await databaseNames(pg)).filter((n) => n.includes("__pre_restore_"));
    expect(kept).toHaveLength(1);
    // The kept copy refuses connections (nothing may write to it); the rollback below shows its content.
    expect(await databaseSettings(pg, kept[0]!)).toMatchObject({ allow: false });

    const rollback = await world.restore(stacks.local, "--rollback");
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.json.result.rolledBackTo).toBe(kept[0]);
    expect(await tableChecksums(pg, LIVE)).toEqual(changed);
    expect(await databaseSettings(pg, LIVE)).toEqual(settings);

    const listed = await guardia([
      "restore-db",
      "--stack",
      stacks.local,
      "--database",
      "mira",
      "--list-kept",
    ]);
    expect(listed.code, listed.stderr).toBe(0);
    const names = (await databaseNames(pg)).filter((n) => n.startsWith(`${LIVE}__`));
    expect(names.map((n) => n.replace(/\d{8}t\d{6}$/, "<time>"))).toEqual([
      `${LIVE}__pre_rollback_<time>`,
    ]);
    for (const name of names) expect(listed.stdout).toContain(name);

    const refused = await guardia([
      "restore-db",
      "--stack",
      stacks.local,
      "--database",
      "mira",
      "--drop-kept",
      LIVE,
    ]);
    expect(refused.code).toBe(2);
    const dropped = await guardia([
      "restore-db",
      "--stack",
      stacks.local,
      "--database",
      "mira",
      "--drop-kept",
      names[0]!,
      "--yes",
    ]);
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(await databaseNames(pg)).toEqual([LIVE]);
  });
});
