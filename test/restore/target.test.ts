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
 * restore-db --target (side by side, no swap: the INATrace operations manual, 4.3 Pruebas de
 * Restauración, "restore in an isolated environment") and --from-stack (another stack's backups,
 * a prod backup into staging), on real PostgreSQL: a dev stack and a staging stack share the
 * server, each with its own file:// destination; only the dev stack has a backup.
 */

let world: World;
let atBackup: Record<string, string>;
let changed: Record<string, string>;
let backupId: string;
let clusterBackupId: string;

beforeAll(async () => {
  world = await startWorld();
  backupId = (await world.backup()).id;
  const cluster = await world.backup(world.stacks.cluster);
  clusterBackupId = cluster.id;
  atBackup = cluster.checksums;
  changed = await world.change("DELETE FROM onco_episodios WHERE id % 4 = 0");
}, 180_000);

afterAll(async () => world?.stop());

const restore = (stack: string, ...extra: string[]) => world.restore(stack, ...extra);

describe("--target", () => {
  it("restores side by side into a new database; live, its settings and the workloads untouched", async () => {
    const { pg, stacks, kubectl } = world;
    const settings = await databaseSettings(pg, LIVE);
    kubectl.plantWorkload("deployment/web", 2);
    const run = await restore(stacks.cluster, "--target", "mira_isolated");
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.json.result).toMatchObject({ live: "mira_isolated", backup: clusterBackupId });
    expect(await tableChecksums(pg, "mira_isolated")).toEqual(atBackup);
    expect(await tableChecksums(pg, LIVE)).toEqual(changed);
    expect(await databaseSettings(pg, LIVE)).toEqual(settings);
    // No swap: nothing kept, no workload stopped.
    expect((await databaseNames(pg)).filter((n) => n.includes("__"))).toEqual([]);
    expect(kubectl.workload("deployment/web").replicas).toBe(2);
    expect(kubectl.calls().filter((c) => c.argv.includes("scale"))).toEqual([]);
  }, 400_000);

  it("refuses a target that exists (exit 2) and changes nothing", async () => {
    const { pg, stacks } = world;
    const isolated = await tableChecksums(pg, "mira_isolated");
    const names = await databaseNames(pg);
    const run = await restore(stacks.local, "--target", "mira_isolated");
    expect(run.code, run.stderr).toBe(2);
    expect(run.json.error).toContain("--target mira_isolated already exists on the server");
    expect(await databaseNames(pg)).toEqual(names);
    expect(await tableChecksums(pg, "mira_isolated")).toEqual(isolated);
    // And the same target cannot be the live database either.
    const live = await restore(stacks.local, "--target", LIVE);
    expect(live.code, live.stderr).toBe(2);
    expect(await tableChecksums(pg, LIVE)).toEqual(changed);
  }, 400_000);
});

describe("--from-stack", () => {
  it("restores the dev stack's newest backup on the staging stack", async () => {
    const { pg, stacks } = world;
    // Staging's own destination is empty: without --from-stack there is nothing to restore.
    const own = await restore(stacks.staging, "--target", "mira_from_dev");
    expect(own.code).not.toBe(0);
    expect(await databaseNames(pg)).not.toContain("mira_from_dev");

    const run = await restore(
      stacks.staging,
      "--from-stack",
      stacks.local,
      "--target",
      "mira_from_dev",
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.json.result).toMatchObject({
      live: "mira_from_dev",
      backup: backupId,
      fromStack: "mira-dev",
    });
    expect(await tableChecksums(pg, "mira_from_dev")).toEqual(atBackup);
    expect(await tableChecksums(pg, LIVE)).toEqual(changed);
  }, 400_000);

  it("refuses a stack without the database, and --from-stack with kept copies (exit 2)", async () => {
    const { stacks } = world;
    const other = await world.guardia([
      ...["restore-db", "--stack", stacks.staging, "--database", "mira"],
      ...["--from-stack", "stacks/Pulumi.logistica-dev.yaml", "--target", "mira_x", "--yes"],
    ]);
    expect(other.code, other.stderr).toBe(2);
    expect(other.stderr).toContain("it has no database named mira");
    const rollback = await restore(stacks.staging, "--from-stack", stacks.local, "--rollback");
    expect(rollback.code, rollback.stderr).toBe(2);
    expect(rollback.json.error).toContain("--from-stack chooses a backup");
    expect(await databaseNames(world.pg)).not.toContain("mira_x");
  }, 400_000);
});
