import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "vitest";
import { createMiraDatabase, CRITICAL_TABLES } from "../backup/helpers.js";
import { installFakeKubectl, type FakeKubectl } from "../fakes/fake-kubectl.js";
import { runCli, type CliOptions, type CliResult } from "../harness/cli.js";
import { startHttpServer, type HttpServer } from "../harness/http.js";
import { startPostgres, type PgServer, type PostgresOptions } from "../harness/postgres.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * A world to restore in: a real PostgreSQL with the MIRA operations guide's tables and
 * database-level settings a restore must carry over, a file:// destination, a local stack and a
 * cluster stack whose `usedBy` service is a Deployment (the recording kubectl fake answers for
 * the cluster, which cannot run here) with a real health endpoint.
 */

export const LIVE = "mira_production";

/** Parsed --json output and audit records: tests read them by path. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON read by tests
export type Json = any;

/** A `services[]` entry of a stack file, as a test writes it. */
export type ServiceInput = { readonly name: string } & Record<string, unknown>;

export interface World {
  readonly pg: PgServer;
  readonly web: HttpServer;
  readonly kubectl: FakeKubectl;
  readonly work: string;
  readonly stacks: { local: string; cluster: string; staging: string };
  /** A local stack like `stacks.local` whose database `services` use, with these smoke flows. */
  localStackWith(services: readonly ServiceInput[], smokeFlows: object): string;
  guardia(args: readonly string[], options?: CliOptions): Promise<CliResult & { json: Json }>;
  /** backup-db of mira on `stack` (the local one by default): its id, and live's checksums then. */
  backup(stack?: string): Promise<{ id: string; checksums: Record<string, string> }>;
  /** Runs `statements` on live; its checksums after: the changed data a restore replaces. */
  change(...statements: string[]): Promise<Record<string, string>>;
  /** restore-db of mira on `stack`, confirmed, as JSON, with `extra` flags. */
  restore(stack: string, ...extra: string[]): Promise<CliResult & { json: Json }>;
  stop(): Promise<void>;
}

export async function startWorld(casos = 300, server: PostgresOptions = {}): Promise<World> {
  const [pg, web] = await Promise.all([startPostgres(server), startHttpServer("ok")]);
  await createMiraDatabase(pg, LIVE, casos);
  await pg.createRole("mira_app", "app-pass");
  await pg.query(`ALTER DATABASE ${LIVE} SET work_mem = '7MB'`);
  await pg.query(`ALTER DATABASE ${LIVE} SET search_path = "$user", public`);
  await pg.query(`ALTER ROLE mira_app IN DATABASE ${LIVE} SET statement_timeout = '15s'`);
  await pg.query(`REVOKE ALL ON DATABASE ${LIVE} FROM PUBLIC`);
  await pg.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${LIVE} TO mira_app`);
  await pg.query(`COMMENT ON DATABASE ${LIVE} IS 'MIRA production'`);
  await pg.query(`GRANT SELECT ON onco_casos TO mira_app`, LIVE);
  const kubectl = installFakeKubectl();
  const work = mkdtempSync(path.join(tmpdir(), "guardia-restore-"));
  const destination = { url: `file://${path.join(work, "backups")}` };
  const database = (extra: object = {}) => ({
    name: "mira",
    engine: "postgres",
    host: "127.0.0.1",
    port: pg.port,
    database: LIVE,
    user: pg.user,
    passwordSecret: { name: "mira-db", key: "password", env: "MIRA_DB_PASSWORD" },
    criticalTables: CRITICAL_TABLES,
    rto: "1h",
    smokeQueries: [
      {
        name: "a case in treatment",
        sql: "SELECT 1 FROM onco_casos WHERE estado = 'tratamiento' LIMIT 1",
      },
    ],
    ...extra,
  });
  const platform = (environment: string, extra: object) => ({
    name: "mira",
    environment,
    namespace: "mira",
    backups: { destination, schedules: [{ name: "daily", cron: "0 2 * * *", keepDays: 30 }] },
    ...extra,
  });
  const stacks = {
    local: writeStackFile(
      platform("dev", { runtime: "local", databases: [database()] }),
      "mira-dev",
    ),
    // testing, not prod: a prod stack must name alert receivers, which a restore has no use for.
    cluster: writeStackFile(
      platform("testing", {
        databases: [database({ usedBy: ["web"] })],
        services: [
          { name: "web", workload: "deployment/web", health: [{ url: `${web.url}/health` }] },
        ],
      }),
      "mira-testing",
    ),
    staging: writeStackFile(
      {
        ...platform("staging", { runtime: "local", databases: [database()] }),
        backups: {
          destination: { url: `file://${path.join(work, "staging-backups")}` },
          schedules: [{ name: "daily", cron: "0 2 * * *", keepDays: 30 }],
        },
      },
      "mira-staging",
    ),
  };
  const guardia = async (args: readonly string[], options: CliOptions = {}) => {
    const result = await runCli(args, {
      timeoutMs: 240_000,
      ...options,
      env: {
        ...kubectl.env(),
        MIRA_DB_PASSWORD: pg.password,
        GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl"),
        XDG_STATE_HOME: path.join(work, "state"),
        TMPDIR: work,
        ...options.env,
      },
    });
    let json: Json;
    try {
      json = JSON.parse(result.stdout);
    } catch {
      json = undefined;
    }
    return { ...result, json };
  };
  const localStackWith = (services: readonly ServiceInput[], smokeFlows: object) =>
    writeStackFile(
      platform("dev", {
        runtime: "local",
        databases: [database({ usedBy: services.map((s) => s.name) })],
        services,
        smokeFlows,
      }),
      "mira-dev",
    );
  const mira = (runbook: string, stack: string, ...extra: string[]) =>
    guardia([runbook, "--stack", stack, "--database", "mira", "--yes", "--json", ...extra]);
  return {
    pg,
    web,
    kubectl,
    work,
    stacks,
    localStackWith,
    guardia,
    backup: async (stack = stacks.local) => {
      const backup = await mira("backup-db", stack);
      expect(backup.code, backup.stderr).toBe(0);
      return { id: backup.json.result.id as string, checksums: await tableChecksums(pg, LIVE) };
    },
    change: async (...statements) => {
      for (const sql of statements) await pg.query(sql, LIVE);
      return tableChecksums(pg, LIVE);
    },
    restore: (stack, ...extra) => mira("restore-db", stack, ...extra),
    stop: async () => {
      kubectl.cleanup();
      await Promise.all([pg.stop(), web.stop()]);
    },
  };
}

/** sha256-like digest of every table's rows, by table: equal digests mean equal content. */
export async function tableChecksums(pg: PgServer, db: string): Promise<Record<string, string>> {
  const tables = await pg.query<{ name: string }>(
    "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    db,
  );
  const sums: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await pg.query<{ sum: string | null; n: string }>(
      `SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS sum, count(*) AS n FROM ${name} t`,
      db,
    );
    sums[name] = `${row!.n}:${row!.sum}`;
  }
  return sums;
}

export async function databaseNames(pg: PgServer): Promise<string[]> {
  const rows = await pg.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE 'mira%' ORDER BY 1",
  );
  return rows.map((r) => r.datname);
}

/** What restore-db must carry over: owner, grants, per-database and per-role settings, comment. */
export async function databaseSettings(pg: PgServer, db: string) {
  const [row] = await pg.query(
    `SELECT pg_get_userbyid(datdba) AS owner, datacl::text AS acl, datallowconn AS allow,
            shobj_description(oid, 'pg_database') AS comment,
            (SELECT array_agg(c ORDER BY c) FROM pg_db_role_setting s, unnest(s.setconfig) c
              WHERE s.setdatabase = d.oid) AS config
       FROM pg_database d WHERE datname = '${db}'`,
  );
  return row;
}

/**
 * Runs guardia with `args` and SIGKILLs it as the step whose title starts with `title` begins
 * (its progress line on stderr); whether that step's command ran is left to chance, as in life.
 */
export async function killedAt(world: World, args: readonly string[], title: string) {
  let killed = false;
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const run = await world.guardia(args, {
    onSpawn: (child) => {
      let seen = "";
      child.stderr!.on("data", (chunk: Buffer) => {
        seen += chunk.toString();
        if (!killed && new RegExp(`\\] ${escaped}`).test(seen)) {
          killed = true;
          child.kill("SIGKILL");
        }
      });
    },
  });
  return { ...run, killed };
}

/** A copy of live as it is now, to start each kill of a test from it again (resetLive). */
const TEMPLATE = "changed_template";

export async function keepLive(world: World): Promise<void> {
  await world.pg.query(`CREATE DATABASE ${TEMPLATE} TEMPLATE ${LIVE}`);
}

/** Live as keepLive kept it, and no other database of mira's (kept copies, scratch copies). */
export async function resetLive(world: World): Promise<void> {
  const { pg } = world;
  for (const name of await databaseNames(pg))
    await pg.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await pg.query(`CREATE DATABASE ${LIVE} TEMPLATE ${TEMPLATE}`);
  // A template carries the tables, not the database's own comment.
  await pg.query(`COMMENT ON DATABASE ${LIVE} IS 'MIRA production'`);
}

export function auditRecords(world: World): Json[] {
  return readFileSync(path.join(world.work, "audit.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}
