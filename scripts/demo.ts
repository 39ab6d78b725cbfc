import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createMiraDatabase, CRITICAL_TABLES } from "../test/backup/helpers.js";
import { GUARDIA_BIN } from "../test/harness/cli.js";
import { startPostgres, type PgServer } from "../test/harness/postgres.js";
import { writeStackFile } from "../test/harness/stacks.js";

/**
 * `npm run demo`: guardia in two minutes, on this machine alone. A throwaway PostgreSQL (the one
 * the tests start: initdb in a temp directory, loopback only) with the MIRA operations guide's
 * case tables, a local stack whose backups go to a temp directory, and then, as an operator would
 * type them: health-check, backup-db, list-backups, verify-backup, a change to the data,
 * restore-db (its plan, then the run) and the data back. Everything is removed at the end, also
 * on Ctrl-C. Needs the PostgreSQL server and client packages and zstd.
 */

const DATABASE = "mira_production";

async function main(): Promise<number> {
  const work = mkdtempSync(path.join(tmpdir(), "guardia-demo-"));
  let pg: PgServer | undefined;
  let stack: string | undefined;
  const cleanup = async () => {
    await pg?.stop();
    for (const dir of [work, stack && path.dirname(stack)])
      if (dir) rmSync(dir, { recursive: true, force: true });
  };
  process.once("SIGINT", () => void cleanup().finally(() => process.exit(130)));
  try {
    say("Starting a throwaway PostgreSQL with sample data (300 cases, 1200 episodes)");
    pg = await startPostgres();
    await createMiraDatabase(pg, DATABASE, 300);
    stack = demoStack(pg, work);
    const stackFile = stack;
    const env = { ...process.env, MIRA_DB_PASSWORD: pg.password, XDG_STATE_HOME: work };
    const guardia = (...args: string[]) => {
      say(`guardia ${args.join(" ")}`);
      const { status } = spawnSync(process.execPath, [GUARDIA_BIN, ...args, "--stack", stackFile], {
        stdio: "inherit",
        env: { ...env, GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl") },
      });
      if (status !== 0) throw new Error(`guardia ${args[0]} exited ${status}`);
    };
    guardia("health-check");
    guardia("backup-db", "--database", "mira", "--yes");
    guardia("list-backups");
    guardia("verify-backup", "--database", "mira", "--yes");
    say("Someone deletes half of the episodes by mistake");
    await pg.query("DELETE FROM onco_episodios WHERE id % 2 = 0", DATABASE);
    await showCounts(pg);
    guardia("restore-db", "--database", "mira", "--dry-run");
    guardia("restore-db", "--database", "mira", "--yes");
    await showCounts(pg);
    guardia("restore-db", "--database", "mira", "--list-kept");
    say("Done: the throwaway PostgreSQL and the backups are removed now");
    return 0;
  } catch (err) {
    process.stderr.write(`demo failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await cleanup();
  }
}

function demoStack(pg: PgServer, work: string): string {
  return writeStackFile(
    {
      name: "mira",
      environment: "dev",
      namespace: "mira",
      runtime: "local",
      databases: [
        {
          name: "mira",
          engine: "postgres",
          host: pg.host,
          port: pg.port,
          database: DATABASE,
          user: pg.user,
          passwordSecret: { name: "mira-db", key: "password", env: "MIRA_DB_PASSWORD" },
          criticalTables: CRITICAL_TABLES,
          rto: "15m",
          smokeQueries: [
            {
              name: "a case in treatment",
              sql: "SELECT 1 FROM onco_casos WHERE estado = 'tratamiento' LIMIT 1",
            },
          ],
        },
      ],
      backups: {
        destination: { url: `file://${path.join(work, "backups")}` },
        schedules: [{ name: "daily", cron: "0 2 * * *", keepDays: 30 }],
      },
    },
    "mira-demo",
  );
}

async function showCounts(pg: PgServer) {
  const [row] = await pg.query<{ episodios: string }>(
    "SELECT count(*) AS episodios FROM onco_episodios",
    DATABASE,
  );
  say(`onco_episodios now holds ${row!.episodios} rows`);
}

function say(text: string) {
  process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
}

process.exitCode = await main();
