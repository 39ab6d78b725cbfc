import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, type RunOptions } from "../harness/process.js";
import { repoRoot } from "../harness/tools.js";
import { databaseNames, LIVE, startWorld, tableChecksums, type World } from "./helpers.js";

/**
 * docs/restore-by-hand.md, followed literally: every `sh` block of the page, in order and
 * unchanged, in one bash with `set -euo pipefail`, in a copy of a real backup's directory, against
 * real PostgreSQL. The live database, changed after the backup, must then hold the backup's data.
 */

const DOC = path.join(repoRoot, "docs", "restore-by-hand.md");
let world: World;

beforeAll(async () => {
  world = await startWorld();
}, 120_000);

afterAll(async () => world?.stop());

function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

describe("docs/restore-by-hand.md", () => {
  it("has the blocks a restore needs", () => {
    const script = shellBlocks(readFileSync(DOC, "utf8")).join("\n");
    for (const tool of [
      "sha256sum --check",
      "zstd -d",
      "pg_restore --jobs",
      "createdb",
      "RENAME TO",
    ])
      expect(script).toContain(tool);
  });

  it("restores a real backup when its shell blocks are run as written", async () => {
    const { pg, stacks, guardia, work } = world;
    const backup = await guardia([
      "backup-db",
      "--stack",
      stacks.local,
      "--database",
      "mira",
      "--yes",
      "--json",
    ]);
    expect(backup.code, backup.stderr).toBe(0);
    const id: string = backup.json.result.id;
    const atBackup = await tableChecksums(pg, LIVE);
    await pg.query("DELETE FROM onco_episodios WHERE id % 2 = 0", LIVE);
    expect(await tableChecksums(pg, LIVE)).not.toEqual(atBackup);

    const dir = path.join(work, "by-hand", id);
    cpSync(findDir(path.join(work, "backups"), id), dir, { recursive: true });
    const script = ["set -euo pipefail", ...shellBlocks(readFileSync(DOC, "utf8"))].join("\n");
    const result = await bash(script, {
      cwd: dir,
      env: {
        ...process.env,
        PGHOST: "127.0.0.1",
        PGPORT: String(pg.port),
        PGUSER: pg.user,
        PGPASSWORD: pg.password,
        RESTORE_DB: "mira_by_hand",
        LIVE_DB: LIVE,
      },
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain("dump.pgcustom.zst: OK");
    expect(result.stdout).toMatch(/format: pg_dump custom, compression: zstd/);
    expect(result.stdout).toMatch(/ok onco_episodios: 1200 rows/);
    expect(await tableChecksums(pg, LIVE)).toEqual(atBackup);
    expect(await databaseNames(pg)).toEqual([LIVE, `${LIVE}__pre_restore_by_hand`]);
  });

  it("stops at the checksum when the dump is damaged", async () => {
    const { work } = world;
    const dir = readdirSync(path.join(work, "by-hand"))[0]!;
    const copy = path.join(work, "by-hand-bad");
    cpSync(path.join(work, "by-hand", dir), copy, { recursive: true });
    const dump = path.join(copy, "dump.pgcustom.zst");
    const bytes = readFileSync(dump);
    bytes[bytes.length >> 1]! ^= 0x01;
    writeFileSync(dump, bytes);
    const [, check] = shellBlocks(readFileSync(DOC, "utf8"));
    const result = await bash(`set -euo pipefail\n${check}`, { cwd: copy });
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain("dump.pgcustom.zst: FAILED");
  });
});

/** bash -c `script`: its exit code and output, whether it fails or not. */
async function bash(script: string, options: RunOptions) {
  try {
    return { code: 0, ...(await run("bash", ["-c", script], { timeoutMs: 120_000, ...options })) };
  } catch (err) {
    const { stdout = "", stderr = "" } = err as { stdout?: string; stderr?: string };
    return { code: 1, stdout, stderr };
  }
}

function findDir(root: string, name: string): string {
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true }))
    if (entry.isDirectory() && entry.name === name) return path.join(entry.parentPath, entry.name);
  throw new Error(`${name} not under ${root}`);
}
