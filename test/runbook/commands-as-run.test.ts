import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUNBOOKS } from "../../runbooks/index.js";
import { installFakeKubectl, type FakeKubectl } from "../fakes/fake-kubectl.js";
import { createMiraDatabase } from "../backup/helpers.js";
import { addFormsApp } from "../harness/django-apps.js";
import { startAlertmanager, type AlertmanagerServer } from "../harness/alertmanager.js";
import {
  expectRanAsPrinted,
  observedRuns,
  programs,
  runbooksChecked,
  type ObservedRuns,
} from "../harness/commands-as-run.js";
import {
  createDjangoProject,
  startCeleryWorker,
  startRedis,
  type DjangoProject,
} from "../harness/django.js";
import { startHttpServer, type HttpServer } from "../harness/http.js";
import { QUARANTINE_DIR } from "../../lib/media/scan.js";
import { installPathShims, type PathShims } from "../harness/path-shims.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import type { LongRunning } from "../harness/process.js";
import { startS3, type S3Server } from "../harness/s3.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * The runbooks of the registry that need no server of their own, run for real, print exactly the
 * commands that started (test/harness/commands-as-run.ts says how that is checked); the
 * NocoBase runbooks are checked in test/nocobase/collections.test.ts, beside their server.
 */

const ROUTING = "route:\n  receiver: none\nreceivers:\n  - name: none\n";
/** The tools the runbooks start, from the system's PATH (python3: Debian's, with Django and Celery). */
const SHIMMED = {
  ...{ pg_dump: undefined, pg_restore: undefined, vacuumdb: undefined, psql: undefined },
  ...{ zstd: undefined, logrotate: undefined, touch: undefined, df: undefined },
  "redis-cli": undefined,
  python3: undefined,
};

let pg: PgServer;
let s3: S3Server;
let am: AlertmanagerServer;
let web: HttpServer;
let redis: LongRunning & { url: string };
let django: DjangoProject;
let worker: LongRunning;
let shims: PathShims;
let kubectl: FakeKubectl;
let work: string;
let runs: ObservedRuns;
const stacks: Record<
  "local" | "s3" | "cluster" | "hygiene" | "rotation" | "media" | "routine",
  string
> = {
  ...{ local: "", s3: "", cluster: "" },
  ...{ hygiene: "", rotation: "", media: "", routine: "" },
};
/** rotate-db-password's role and its password before the rotation (the lock reads it from here). */
const SHOP_PASSWORD = "shop-Password-0123456789";

beforeAll(async () => {
  [pg, s3, am, web, redis] = await Promise.all([
    startPostgres(),
    startS3(),
    startAlertmanager(ROUTING),
    startHttpServer("ok"),
    startRedis(),
  ]);
  await Promise.all([createMiraDatabase(pg, "mira_production", 200), s3.createBucket("backups")]);
  django = await createDjangoProject(pg, redis.url);
  await addFormsApp(django);
  worker = await startCeleryWorker(django, "w1@local");
  work = mkdtempSync(path.join(tmpdir(), "guardia-commands-as-run-"));
  mkdirSync(path.join(work, "logs"));
  writeFileSync(path.join(work, "logs", "app.log"), "x".repeat(4096));
  await hygieneData();
  mediaFiles();
  shims = installPathShims(SHIMMED);
  kubectl = installFakeKubectl();
  writeStacks();
  writeChoreStacks();
  runs = observedRuns({
    shims,
    kubectl,
    work,
    env: {
      ...django.env,
      MIRA_DB_PASSWORD: pg.password,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      AWS_REGION: s3.region,
      SHOP_DB_PASSWORD: SHOP_PASSWORD,
      // pip reads a local directory, never the network.
      PIP_NO_INDEX: "1",
      PIP_FIND_LINKS: path.join(work, "pip-index"),
    },
    secrets: [pg.password, SHOP_PASSWORD],
  });
}, 180_000);

afterAll(async () => {
  shims?.cleanup();
  kubectl?.cleanup();
  await worker?.stop();
  django?.remove();
  await Promise.all([pg?.stop(), s3?.stop(), am?.stop(), web?.stop(), redis?.stop()]);
});

/**
 * For the hygiene chores: two users with tokens, one of them past the policy's age;
 * rotate-db-password's own role and database.
 */
async function hygieneData(): Promise<void> {
  // Rows as Django's migrations made the tables (rotate-tokens.test.ts has Django make them).
  await pg.query(
    `INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
                            is_staff, is_active, date_joined)
     SELECT '!', false, name, '', '', '', false, true, now() FROM unnest(ARRAY['old', 'fresh']) name;
     INSERT INTO authtoken_token (key, created, user_id)
     SELECT md5(username) || left(md5(username || 'k'), 8),
            now() - CASE username WHEN 'old' THEN interval '120 days' ELSE interval '0' END, id
       FROM auth_user WHERE username IN ('old', 'fresh')`,
    "logistica",
  );
  await pg.query(`INSERT INTO forms_answer (file) VALUES ('answers/kept.pdf')`, "logistica");
  await pg.createDatabase("shop");
  await pg.createRole("shop_app", SHOP_PASSWORD);
}

/** cleanup-media's root: a file forms_answer references, and an orphan past the grace age. */
function mediaFiles(): void {
  const old = new Date(Date.now() - 40 * 86_400_000);
  for (const file of ["answers/kept.pdf", "answers/orphan.pdf"]) {
    const at = path.join(work, "media", file);
    mkdirSync(path.dirname(at), { recursive: true });
    writeFileSync(at, file);
    utimesSync(at, old, old);
  }
  mkdirSync(path.join(work, "pip-index"));
}

/** cleanup-media's stack, and routine's: the logistics API's database, logs, broker and tools. */
function writeChoreStacks(): void {
  const base = {
    name: "logistica",
    environment: "staging",
    namespace: "logistica",
    runtime: "local",
    monitoring: { alertmanagerUrl: am.url },
  };
  const database = {
    ...{ name: "logistica", engine: "postgres", host: "127.0.0.1", port: pg.port },
    ...{ database: "logistica", user: pg.user, usedBy: ["api"] },
    passwordSecret: { name: "logistica-db", key: "password", env: "LOGI_DB_PASSWORD" },
  };
  const api = {
    name: "api",
    diagnostics: { django: { python: "python3" } },
    local: { cwd: django.dir },
  };
  stacks.media = writeStackFile({
    ...base,
    services: [api],
    databases: [database],
    media: {
      root: path.join(work, "media"),
      references: [{ table: "forms_answer", column: "file" }],
      djangoService: "api",
    },
  });
  stacks.routine = writeStackFile({
    ...base,
    services: [api],
    databases: [database],
    backups: {
      destination: { url: `file://${path.join(work, "routine-backups")}` },
      schedules: [{ name: "daily", cron: "0 2 * * *", keepDays: 30 }],
    },
    logs: [{ name: "app", paths: [`${work}/logs/*.log`], deleteAfterDays: 30 }],
    celery: { service: "api", brokerUrl: redis.url, maxTaskAge: "30m" },
    routine: { dependencies: [{ service: "api", tool: "pip", python: "python3" }] },
  });
}

function writeStacks(): void {
  const database = {
    name: "mira",
    engine: "postgres",
    host: "127.0.0.1",
    port: pg.port,
    database: "mira_production",
    user: pg.user,
    passwordSecret: { name: "mira-db", key: "password", env: "MIRA_DB_PASSWORD" },
    criticalTables: ["onco_casos", "onco_episodios"],
  };
  const schedules = [{ name: "daily", cron: "0 2 * * *", keepDays: 30 }];
  const base = {
    name: "mira",
    environment: "staging",
    namespace: "mira",
    monitoring: { alertmanagerUrl: am.url },
  };
  stacks.local = writeStackFile({
    ...base,
    runtime: "local",
    databases: [database],
    backups: { destination: { url: `file://${path.join(work, "backups")}` }, schedules },
    logs: [{ name: "app", paths: [`${work}/logs/*.log`], maxSize: "1k" }],
    services: [
      {
        name: "api",
        diagnostics: { django: { python: "python3" } },
        local: { cwd: django.dir, restart: `touch ${path.join(work, "restarted")}` },
      },
      {
        name: "worker",
        diagnostics: {
          celery: {
            app: "logi.celery",
            python: "python3",
            timeoutSeconds: 2,
            workers: ["w1@local"],
          },
        },
        local: { cwd: django.dir },
      },
    ],
  });
  stacks.s3 = writeStackFile({
    ...base,
    runtime: "local",
    databases: [database],
    backups: {
      destination: {
        url: "s3://backups/mira",
        endpoint: s3.endpoint,
        forcePathStyle: true,
        region: "us-east-1",
      },
      schedules,
    },
  });
  stacks.hygiene = writeStackFile({
    ...base,
    runtime: "local",
    databases: [
      {
        ...{ name: "logistica", engine: "postgres", host: "127.0.0.1", port: pg.port },
        ...{ database: "logistica", user: pg.user, usedBy: ["api"] },
        passwordSecret: { name: "logistica-db", key: "password", env: "LOGI_DB_PASSWORD" },
      },
    ],
    services: [
      { name: "api", diagnostics: { django: { python: "python3" } }, local: { cwd: django.dir } },
    ],
    tokens: { service: "api", maxAgeDays: 90 },
  });
  stacks.rotation = writeStackFile({
    ...base,
    services: [{ name: "web", workload: "deployment/web", health: [{ url: `${web.url}/health` }] }],
    databases: [
      {
        ...{ name: "shop", engine: "postgres", host: "127.0.0.1", port: pg.port },
        ...{ database: "shop", user: "shop_app", usedBy: ["web"] },
        passwordSecret: { name: "shop-db", key: "password", env: "SHOP_DB_PASSWORD" },
      },
    ],
  });
  stacks.cluster = writeStackFile({
    ...base,
    services: [{ name: "web", workload: "deployment/web", health: [{ url: `${web.url}/health` }] }],
    smokeFlows: {
      flows: [
        {
          name: "home",
          service: "web",
          steps: [{ name: "home", request: { url: `${web.url}/` } }],
        },
      ],
    },
  });
}

const guardia = (args: readonly string[], mode: "dry-run" | "run") => runs.guardia(args, mode);
const dryThenRun = (args: readonly string[]) => runs.dryThenRun(args);

describe("every runbook prints, records and reports the commands that ran", () => {
  it("covers every runbook of the registry, here or beside the server it needs", () => {
    const checked = runbooksChecked();
    // The scan finds this file's own checks.
    expect(checked.get("backup-db")).toContain("test/runbook/commands-as-run.test.ts");
    const unchecked = Object.keys(RUNBOOKS).filter((name) => !checked.has(name));
    expect(unchecked, 'runbooks no test runs through dryThenRun(["<name>", …])').toEqual([]);
  });

  it("backup-db: pg_dump --version, then pg_dump | zstd into a file:// destination", async () => {
    const [dry, real] = await dryThenRun([
      "backup-db",
      "--stack",
      stacks.local,
      "--database",
      "mira",
    ]);
    expect(programs(dry)).toEqual({ 2: ["pg_dump"] });
    // Step 4 removes partial objects of killed runs (no program); step 5 backs up.
    expect(programs(real)).toEqual({ 2: ["pg_dump"], 5: ["pg_dump", "zstd"] });
    const [dump] = real.started.filter((c) => c.argv.includes("--format=custom"));
    expect(dump!.env.PGPASSWORD).toBe(pg.password);
    const pipeline = real.steps[4]!.commands[0]!;
    expect(pipeline.command).toMatch(/pg_dump .* \| \S+\/zstd -q -c -1 --long=24 --single-thread$/);
    const into = /into (file:\S+)/.exec(pipeline.notes!.at(-1)!)![1]!;
    expect(existsSync(fileURLToPath(into))).toBe(true);
  });

  it("verify-backup: zstd -d | pg_restore into the scratch database", async () => {
    const [dry, real] = await dryThenRun([
      "verify-backup",
      "--stack",
      stacks.local,
      "--database",
      "mira",
    ]);
    expect(programs(dry)).toEqual({});
    expect(programs(real)).toEqual({ 4: ["zstd", "pg_restore"] });
    const restore = real.started.find((c) => c.argv[0]!.endsWith("/pg_restore"))!;
    expect(restore.argv.at(-1)).toMatch(/^guardia_drill_\d{8}t\d{6}_[0-9a-f]{8}$/);
    expect(restore.env).toMatchObject({ PGDATABASE: restore.argv.at(-1), PGPASSWORD: pg.password });
  });

  it("backup-db into s3:// shows the upload as guardia's own, after the pipe", async () => {
    const [, real] = await dryThenRun(["backup-db", "--stack", stacks.s3, "--database", "mira"]);
    // No retention steps: an S3 bucket expires backups with its lifecycle rules.
    expect(programs(real)).toEqual({ 2: ["pg_dump"], 4: ["pg_dump", "zstd"] });
    expect(real.steps[3]!.commands[0]!.notes!.at(-1)).toMatch(
      /^in guardia, out of the pipe: sha256 of the stream, into s3:\/\/backups\/mira\/mira\/staging\/mira\/\d{8}T\d{6}Z-manual_[0-9a-f]{6}\/dump\.pgcustom\.zst \(S3 multipart upload\)$/,
    );
  });

  it("list-backups runs no command", async () => {
    const [dry, real] = await dryThenRun(["list-backups", "--stack", stacks.local]);
    expect([dry.started, real.started]).toEqual([[], []]);
  });

  it("rotate-logs: logrotate --debug, then logrotate --verbose", async () => {
    const [dry, real] = await dryThenRun(["rotate-logs", "--stack", stacks.local]);
    expect(programs(dry)).toEqual({ 1: ["logrotate"] });
    expect(programs(real)).toEqual({ 1: ["logrotate"], 2: ["logrotate"] });
  });

  it("restart-service on a cluster: kubectl get, rollout restart, rollout status", async () => {
    kubectl.respond([
      { match: ["get", "deployment/web"], stdout: JSON.stringify({ spec: { replicas: 1 } }) },
      { match: ["rollout", "restart"], stdout: "deployment.apps/web restarted\n" },
      { match: ["rollout", "status"], stdout: 'deployment "web" successfully rolled out\n' },
    ]);
    const [dry, real] = await dryThenRun([
      "restart-service",
      "--stack",
      stacks.cluster,
      "--service",
      "web",
    ]);
    expect(programs(dry)).toEqual({ 1: ["kubectl"] });
    expect(programs(real)).toEqual({ 1: ["kubectl"], 2: ["kubectl"], 3: ["kubectl"] });
  });

  it("restart-service on a local stack: the service's restart command, in its directory", async () => {
    const [dry, real] = await dryThenRun([
      "restart-service",
      "--stack",
      stacks.local,
      "--service",
      "api",
    ]);
    expect(programs(dry)).toEqual({});
    expect(programs(real)).toEqual({ 1: ["touch"] });
    expect(real.started[0]!.cwd).toBe(django.dir);
    expect(existsSync(path.join(work, "restarted"))).toBe(true);
  });

  it("health-check --deep: manage.py check and a Celery ping, in the service's directory", async () => {
    const [dry, real] = await dryThenRun(["health-check", "--stack", stacks.local, "--deep"]);
    for (const o of [dry, real]) expect(programs(o)).toEqual({ 2: ["python3"], 3: ["python3"] });
    expect(real.started.map((c) => c.cwd)).toEqual([django.dir, django.dir]);
  });

  it("maintenance-window runs no command (its calls go to Alertmanager's API)", async () => {
    const [, opened] = await dryThenRun([
      "maintenance-window",
      "--stack",
      stacks.cluster,
      "--objective",
      "upgrade",
      "--services",
      "web",
    ]);
    const closed = await guardia(
      ["maintenance-window", "--stack", stacks.cluster, "--close"],
      "run",
    );
    expectRanAsPrinted(closed);
    expect([opened.started, closed.started]).toEqual([[], []]);
  });

  it("smoke runs no command (its flows are HTTP requests guardia makes)", async () => {
    const [dry, real] = await dryThenRun(["smoke", "--stack", stacks.cluster]);
    expect([dry.started, real.started]).toEqual([[], []]);
    expect(real.stdout).toMatch(/home/);
  });

  it("incident and support-report run no command (records live at the destination)", async () => {
    const [, opened] = await dryThenRun([
      "incident",
      "open",
      "--stack",
      stacks.local,
      "--priority",
      "P3",
      "--title",
      "slow exports",
    ]);
    const [, report] = await dryThenRun(["support-report", "--stack", stacks.local]);
    expect([opened.started, report.started]).toEqual([[], []]);
    expect(readdirSync(path.join(work, "backups", "incidents", "mira", "staging"))).toHaveLength(1);
  });

  it("rotate-tokens: the policy's deletion is SQL in guardia, no command", async () => {
    const [dry, real] = await dryThenRun(["rotate-tokens", "--stack", stacks.hygiene]);
    expect([dry.started, real.started]).toEqual([[], []]);
    const holders = await pg.query<{ username: string }>(
      "SELECT u.username FROM authtoken_token t JOIN auth_user u ON u.id = t.user_id",
      "logistica",
    );
    expect(holders.map((h) => h.username)).toEqual(["fresh"]);
  });

  it("rotate-db-password: kubectl get and patch of the Secret, rollout restart and status", async () => {
    kubectl.respond([
      { match: ["rollout", "restart"], stdout: "deployment.apps/web restarted\n" },
      { match: ["rollout", "status"], stdout: 'deployment "web" successfully rolled out\n' },
    ]);
    kubectl.plantSecret("shop-db", { password: SHOP_PASSWORD });
    const [dry, real] = await dryThenRun([
      "rotate-db-password",
      "--stack",
      stacks.rotation,
      "--database",
      "shop",
    ]);
    expect(programs(dry)).toEqual({ 1: ["kubectl"] });
    expect(programs(real)).toEqual({
      ...{ 1: ["kubectl"], 2: ["kubectl"], 3: ["kubectl"] },
      ...{ 5: ["kubectl"], 6: ["kubectl"], 9: ["kubectl"] },
    });
    expect(kubectl.secretData("shop-db")!.password).not.toBe(SHOP_PASSWORD);
  });

  it("restore-db: zstd -d, pg_restore -j and vacuumdb into the scratch copy, then the swap", async () => {
    // backup-db above made the backup it restores.
    const [dry, real] = await dryThenRun([
      "restore-db",
      "--stack",
      stacks.local,
      "--database",
      "mira",
    ]);
    expect(programs(dry)).toEqual({});
    expect(programs(real)).toEqual({ 6: ["zstd"], 8: ["pg_restore"], 9: ["vacuumdb"] });
    const restore = real.started.find((c) => c.argv[0]!.endsWith("/pg_restore"))!;
    expect(restore.argv.at(-2)).toMatch(/^mira_production__restore_\d{8}t\d{6}$/);
  });

  it("cleanup-media: Django's FileFields through manage.py, then the orphan quarantined", async () => {
    const [dry, real] = await dryThenRun(["cleanup-media", "--stack", stacks.media]);
    expect(programs(dry)).toEqual({ 1: ["python3"] });
    expect(programs(real)).toEqual({ 1: ["python3"] });
    expect(real.started[0]!.cwd).toBe(django.dir);
    const [batch] = readdirSync(path.join(work, "media", QUARANTINE_DIR));
    expect(
      existsSync(path.join(work, "media", QUARANTINE_DIR, batch!, "files/answers/orphan.pdf")),
    ).toBe(true);
    expect(existsSync(path.join(work, "media", "answers/kept.pdf"))).toBe(true);
  });

  /**
   * Every check reads, so a dry run runs them too. Daily: the broker's queues (redis-cli EVAL);
   * weekly: df of the log and backup directories, the database's size, whether
   * pg_stat_statements is there (it is not: no statements query), pip list --outdated in the
   * service's directory; monthly: the login roles, then Django's users.
   */
  const ROUTINE: Record<string, Record<number, string[]>> = {
    daily: { 3: ["redis-cli"] },
    weekly: { 4: ["df"], 5: ["df"], 6: ["psql"], 7: ["psql"], 10: ["python3"] },
    monthly: { 3: ["psql"], 4: ["psql"] },
  };
  for (const [period, started] of Object.entries(ROUTINE))
    it(`routine --period ${period}: the checks' commands, in dry run and run`, async () => {
      const [dry, real] = await dryThenRun([
        "routine",
        "--stack",
        stacks.routine,
        "--period",
        period,
      ]);
      for (const o of [dry, real]) expect(programs(o)).toEqual(started);
      const pip = real.started.find((c) => c.argv.includes("pip"));
      expect(pip?.cwd).toBe(period === "weekly" ? django.dir : undefined);
    });
});
