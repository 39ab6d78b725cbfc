import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Destination } from "../../lib/model/index.js";
import { runCli } from "../harness/cli.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { startS3, type S3Server } from "../harness/s3.js";
import { writeStackFile } from "../harness/stacks.js";
import {
  CRITICAL_TABLES,
  createMiraDatabase,
  databaseModel,
  killBackupMidStream,
  removeTempDirs,
  useDestination,
} from "./helpers.js";

/**
 * Nothing left behind by a kill: backups SIGKILLed mid-stream (an OOM kill in a cluster) leave a
 * partial file or an open multipart upload; the next backup-db counts their space as free,
 * removes them, and list-backups --all shows them meanwhile.
 */

let pg: PgServer;
let s3: S3Server;
const DB = "mira_production";
const MiB = 1 << 20;
const FILE_KILLS = 20;
const S3_KILLS = 3;
/** Kills running at once: each is a node process, a pg_dump and a zstd on two shared cores. */
const AT_ONCE = 4;

beforeAll(async () => {
  [pg, s3] = await Promise.all([startPostgres(), startS3()]);
  await createMiraDatabase(pg, DB, 300);
  // ~20 MiB of dump (md5 hex compresses to about half): a few seconds of streaming.
  await pg.query(
    `CREATE TABLE adjuntos AS
       SELECT g AS id, (SELECT string_agg(md5((g * 8 + k)::text), '') FROM generate_series(1, 8) k) AS contenido
       FROM generate_series(1, 150000) g`,
    DB,
  );
}, 120_000);
afterAll(async () => {
  await Promise.all([pg?.stop(), s3?.stop()]);
  removeTempDirs();
});

function stackFor(destination: Destination): string {
  const s3Fields =
    destination.kind === "s3"
      ? { endpoint: s3.endpoint, forcePathStyle: true, region: "us-east-1" }
      : {};
  return writeStackFile(
    {
      name: "mira",
      environment: "dev",
      namespace: "mira",
      runtime: "local",
      databases: [
        {
          ...{ name: "mira", engine: "postgres", host: pg.host, port: pg.port, database: DB },
          user: pg.user,
          passwordSecret: { name: "mira-db", key: "password", env: "MIRA_DB_PASSWORD" },
          criticalTables: CRITICAL_TABLES,
        },
      ],
      backups: { destination: { url: destination.url, ...s3Fields } },
    },
    "mira-dev",
  );
}

/** `count` backups SIGKILLed once 4 MiB are stored, `AT_ONCE` at a time. */
async function kill(destination: Destination, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += AT_ONCE) {
    const batch = Array.from({ length: Math.min(AT_ONCE, count - i) }, () =>
      killBackupMidStream({
        destination,
        ...(destination.kind === "s3" && { s3 }),
        database: databaseModel(pg, DB),
        password: pg.password,
        afterBytes: 4 * MiB,
        ready:
          destination.kind === "s3"
            ? async (id) => (await s3.uploads(destination.bucket)).some((u) => u.key.includes(id))
            : undefined,
      }),
    );
    for (const killed of await Promise.all(batch)) {
      expect(killed.signal).toBe("SIGKILL");
      ids.push(killed.id);
    }
  }
  return ids;
}

/** Partial files under a directory, with their sizes. */
function partialFiles(root: string): { name: string; bytes: number }[] {
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((name) => /\.partial-/.test(name))
    .map((name) => ({ name, bytes: statSync(join(root, name)).size }));
}

const env = () => ({
  MIRA_DB_PASSWORD: pg.password,
  AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  GUARDIA_AUDIT_FILE: "/dev/null",
});

interface BackupJson {
  result: { id: string; partialsRemoved: string[] };
  steps: { title: string; summary?: string }[];
}

describe(`${FILE_KILLS} SIGKILLs mid-backup on file://`, () => {
  const dest = useDestination("file", () => s3, "unused");

  it("leave partial files that list-backups --all shows; the next backup-db counts and removes them all", async () => {
    const root = (dest.destination as { path: string }).path;
    const stack = stackFor(dest.destination);
    const ids = await kill(dest.destination, FILE_KILLS);
    const left = partialFiles(root);
    expect(left).toHaveLength(FILE_KILLS);
    // Every kill landed mid-write: each partial file holds part of a dump.
    expect(left.filter((f) => f.bytes === 0)).toEqual([]);
    const leftBytes = left.reduce((sum, f) => sum + f.bytes, 0);

    const list = await runCli(["list-backups", "--stack", stack, "--all"], { env: env() });
    expect(list.code, list.stderr).toBe(0);
    for (const id of ids) {
      expect(list.stdout).toMatch(
        new RegExp(
          `^mira\\s+${id}\\s+daily\\s+\\d[\\d.]* MiB\\s.*partial: dump\\.pgcustom\\.zst\\.partial-\\S+: [\\d.]+ MiB, its writer \\(pid \\d+ on this host\\) is gone$`,
          "m",
        ),
      );
    }

    const run = await runCli(
      ["backup-db", "--stack", stack, "--database", "mira", "--yes", "--json"],
      { env: env(), timeoutMs: 180_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as BackupJson;
    const check = json.steps.find((s) => s.title.startsWith("Check the destination"))!;
    expect(check.summary).toMatch(
      new RegExp(
        `free \\(\\S+ \\S+ once the partial objects are removed\\); .*; ${formatMiB(leftBytes)} in ${FILE_KILLS} partial object\\(s\\) of runs that died`,
      ),
    );
    expect(json.result.partialsRemoved).toHaveLength(FILE_KILLS);
    expect(partialFiles(root)).toEqual([]);
  }, 600_000);
});

describe(`${S3_KILLS} SIGKILLs mid-upload on s3://`, () => {
  const dest = useDestination("s3", () => s3, "killed-uploads");

  it("leave open multipart uploads; the next backup-db aborts them all", async () => {
    const bucket = (dest.destination as { bucket: string }).bucket;
    await kill(dest.destination, S3_KILLS);
    expect(await s3.uploads(bucket)).toHaveLength(S3_KILLS);
    const run = await runCli(
      ["backup-db", "--stack", stackFor(dest.destination), "--database", "mira", "--yes", "--json"],
      { env: env(), timeoutMs: 180_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as BackupJson;
    expect(json.result.partialsRemoved).toHaveLength(S3_KILLS);
    expect(await s3.uploads(bucket)).toEqual([]);
  }, 300_000);
});

/** "81.3 MiB", as formatBytes prints it, for a regexp. */
function formatMiB(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`.replace(".", "\\.");
}
