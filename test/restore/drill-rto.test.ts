import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Duration } from "../../lib/model/index.js";
import { againstRto, rtoText } from "../../lib/restore/report.js";
import { startWorld, type World } from "./helpers.js";

/**
 * The scheduled restore drill (verify-backup) on real PostgreSQL reports its measured time —
 * checksums, restore and counts — against the database's `rto`, in its result, its output and
 * its report, by the rule restore-db uses.
 */

let world: World;

beforeAll(async () => {
  world = await startWorld();
}, 120_000);

afterAll(async () => world?.stop());

describe("the restore drill against the RTO", () => {
  it("reports checksum, restore and total time against the database's rto", async () => {
    const { guardia, stacks } = world;
    const common = ["--stack", stacks.local, "--database", "mira", "--yes"];
    const backup = await guardia(["backup-db", ...common, "--json"]);
    expect(backup.code, backup.stderr).toBe(0);

    const drill = await guardia(["verify-backup", ...common, "--json"]);
    expect(drill.code, drill.stdout + drill.stderr).toBe(0);
    const result = drill.json.result;
    expect(result.id).toBe(backup.json.result.id);
    expect(result).toMatchObject({ rto: "1h", withinRto: true });
    expect(result.restoreMs).toBeGreaterThan(0);
    expect(result.checksumMs).toBeGreaterThanOrEqual(0);
    expect(result.totalMs).toBe(result.checksumMs + result.restoreMs);
    expect(result.totalMs).toBeLessThan(3600_000);

    const text = await guardia(["verify-backup", ...common]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /verified: checksums [\d.]+ s, restored and counted in [\d.]+ s, total [\d.]+ s \(RTO 1h: within\); counts match/,
    );
  });

  it("says EXCEEDED once the measured time passes the rto, and nothing without one", () => {
    const rto = Duration.parse("2m");
    expect(againstRto(120_000, rto)).toEqual({ rto: "2m", withinRto: true });
    expect(againstRto(120_001, rto)).toEqual({ rto: "2m", withinRto: false });
    expect(rtoText(againstRto(120_001, rto))).toBe(" (RTO 2m: EXCEEDED)");
    expect(againstRto(5, undefined)).toEqual({ rto: undefined, withinRto: undefined });
    expect(rtoText(againstRto(5, undefined))).toBe("");
  });
});
