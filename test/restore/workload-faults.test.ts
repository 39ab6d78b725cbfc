import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPLICAS_ANNOTATION } from "../../lib/restore/workloads.js";
import {
  databaseSettings,
  keepLive,
  killedAt,
  LIVE,
  resetLive,
  startWorld,
  tableChecksums,
  type World,
} from "./helpers.js";

/**
 * restore-db on a cluster stack whose `usedBy` service is a Deployment of 3 replicas (the
 * recording kubectl fake keeps its replicas and annotations; no Kubernetes API runs here), on real
 * PostgreSQL, SIGKILLed as it stops the workload before the swap and as it starts it again after:
 * the next restore-db (or --rollback) leaves a consistent live database, the Deployment back at 3
 * replicas without guardia's note on it, and says what it found stopped.
 */

const WEB = "deployment/web";
const REPLICAS = 3;
/** A kill and a whole restore after it, on a machine others share. */
const TIMEOUT = 400_000;
let world: World;
let atBackup: Record<string, string>;
let changed: Record<string, string>;

const restoreArgs = (...extra: string[]) => [
  "restore-db",
  "--stack",
  world.stacks.cluster,
  "--database",
  "mira",
  "--yes",
  ...extra,
];

beforeAll(async () => {
  world = await startWorld();
  world.kubectl.plantWorkload(WEB, REPLICAS);
  atBackup = (await world.backup(world.stacks.cluster)).checksums;
  changed = await world.change("UPDATE onco_casos SET estado = 'alta' WHERE id % 3 = 0");
  await keepLive(world);
}, 180_000);

afterAll(async () => world?.stop());

/** The changed live database alone, and the Deployment at its replicas, for the next kill. */
async function reset() {
  await resetLive(world);
  world.kubectl.plantWorkload(WEB, REPLICAS);
}

/**
 * Where it is killed, what runs next, and what the kill surely left on the Deployment (a kill as
 * a step starts may or may not let its command run; the step after a kubectl call finds it done).
 */
const CASES = [
  // Stopping, before the swap: live is still the changed database, nothing to roll back to.
  [`Scale ${WEB} to 0`, "restore-db", undefined],
  [`Fence ${LIVE}`, "restore-db", { replicas: 0, note: "3" }],
  // Starting, after the swap: the restored copy is live, the replaced one kept.
  [`Scale ${WEB} back`, "--rollback", { replicas: 0, note: "3" }],
  [`Remove ${WEB}'s remembered replica count`, "restore-db", { replicas: 3, note: "3" }],
] as const;

describe("SIGKILL while the usedBy workloads stop or start", () => {
  it.each(CASES)(
    "at %s, then %s: live consistent, the Deployment back at its replicas, and it says so",
    async (title, then, surely) => {
      await reset();
      const killed = await killedAt(world, restoreArgs(), title);
      expect(killed.killed, `never reached "${title}":\n${killed.stderr}`).toBe(true);
      const left = world.kubectl.workload(WEB);
      if (surely)
        expect(left).toEqual({
          replicas: surely.replicas,
          annotations: { [REPLICAS_ANNOTATION]: surely.note },
        });

      const again = await world.guardia(
        then === "restore-db" ? restoreArgs("--json") : restoreArgs("--rollback", "--json"),
      );
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(await tableChecksums(world.pg, LIVE)).toEqual(
        then === "restore-db" ? atBackup : changed,
      );
      expect(await databaseSettings(world.pg, LIVE)).toMatchObject({ allow: true });
      expect(world.kubectl.workload(WEB)).toEqual({ replicas: REPLICAS, annotations: {} });
      // The run read what the killed one left on the Deployment and named what it repaired.
      const note = left.annotations[REPLICAS_ANNOTATION];
      if (note !== undefined)
        expect(again.stderr).toContain(`an interrupted run left ${note} remembered`);
      if (left.replicas !== REPLICAS)
        expect(again.json.result.repaired).toContain(
          `${WEB} was left at ${left.replicas} replica(s): scaled back to ${REPLICAS}`,
        );
      else expect(again.json.result.repaired.join("\n")).not.toContain(WEB);
    },
    TIMEOUT,
  );
});
