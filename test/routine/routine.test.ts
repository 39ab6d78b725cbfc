import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupId, parseBackupId } from "../../lib/backup/layout.js";
import { manifestSchema, manifestText } from "../../lib/backup/manifest.js";
import { ageScript, checkSingleKeys } from "../../lib/monitoring/celery-queues.js";
import { runCli } from "../harness/cli.js";
import { createDjangoProject, PYTHON, startRedis, type DjangoProject } from "../harness/django.js";
import { startHttpServer, type HttpServer } from "../harness/http.js";
import { freePort } from "../harness/ports.js";
import { run, startProcess, waitUntil, type LongRunning } from "../harness/process.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { writeStackFile } from "../harness/stacks.js";
import { probeScrapeConfig, type ProbeManifest } from "../monitoring/helpers/operator.js";
import {
  startBlackbox,
  startPrometheus,
  type BlackboxServer,
  type PrometheusServer,
} from "../monitoring/helpers/servers.js";
import { manifestsOfKind, renderInline } from "../monitoring/helpers/stacks.js";
import { toolsBinDir } from "../harness/tools.js";

/**
 * `guardia routine` end to end on loopback, each checklist against the conditions planted in real
 * components: an ERROR burst in real log files, a slow statement in a real PostgreSQL with
 * pg_stat_statements, a backup made by backup-db and then aged, a Celery queue growing on a real
 * Redis broker (tasks sent by the real Celery app, no worker; redis_exporter's script records the
 * oldest message), a Django superuser unused for 200 days, an outdated package in Debian's Python
 * (pip's index is a local directory holding a newer Django), a rotated log past its retention, and
 * a health endpoint failing every other probe (a real blackbox exporter and Prometheus).
 * Reports go to a local webhook as Slack and Teams messages, and to the backup destination; the
 * dead man's switch is the same local server.
 */

const DAY_MS = 86_400_000;

interface Item {
  id: string;
  verdict: string;
  summary: string;
  evidence?: string;
  was?: string;
  data?: Record<string, unknown>;
}
interface RunJson {
  exitCode: number;
  result: { items: Item[]; counts: Record<string, number>; reportUrl?: string };
}

let pg: PgServer;
let redis: LongRunning & { url: string };
let project: DjangoProject;
let exporter: LongRunning & { port: number };
let hooks: HttpServer;
let flaky: HttpServer;
let blackbox: BlackboxServer;
let prometheus: PrometheusServer;
const posted: { path: string; body: Record<string, unknown> }[] = [];
let work: string;
let logs: string;
let backups: string;
let stack: string;
let platform: Record<string, unknown>;

async function sendTasks(count: number): Promise<void> {
  const code = `from logi.celery import app\nfor _ in range(${count}): app.send_task("logi.sync_alma")`;
  await run(PYTHON, ["-c", code], { cwd: project.dir, env: project.env });
}

async function plantDjangoConditions(): Promise<void> {
  // A superuser made 300 days ago who last logged in 200 days ago: the manual's unused account.
  await project.manage([
    "shell",
    "-c",
    [
      "import datetime",
      "from django.contrib.auth.models import User",
      "from django.utils import timezone",
      'u = User.objects.create_superuser("old_admin", "old@example.org", "x")',
      "u.date_joined = timezone.now() - datetime.timedelta(days=300)",
      "u.last_login = timezone.now() - datetime.timedelta(days=200)",
      "u.save()",
      'User.objects.create_user("daily_user", "d@example.org", "y", last_login=timezone.now())',
    ].join("\n"),
  ]);
  await pg.query("CREATE EXTENSION pg_stat_statements", "logistica");
  await pg.query("SELECT pg_stat_statements_reset()", "logistica");
  for (let i = 0; i < 2; i++) await pg.query("SELECT pg_sleep(1.2)", "logistica");
}

/** 40 ERROR lines an hour ago (two messages), 7 a day and a half ago, and info lines. */
function plantLogs(): void {
  const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
  const lines = [
    `${at(36 * 3600_000)} ERROR old failure that is not today's`,
    ...Array.from({ length: 6 }, (_, i) => `${at(30 * 3600_000)} ERROR yesterday ${i}`),
    ...Array.from(
      { length: 30 },
      (_, i) => `${at(3600_000 - i)} ERROR timeout after ${i + 3} s calling ALMA for case ${i}`,
    ),
    ...Array.from({ length: 10 }, (_, i) => `${at(1800_000 - i)} ERROR database connection lost`),
    `${at(60_000)} INFO all good`,
  ];
  writeFileSync(path.join(logs, "app.log"), lines.join("\n") + "\n");
  // A rotated file 120 days old, past deleteAfterDays 30: retention is not applied.
  writeFileSync(path.join(logs, "app.log-20260801"), "INFO old\n");
  const old = new Date(Date.now() - 120 * DAY_MS);
  utimesSync(path.join(logs, "app.log-20260801"), old, old);
}

async function startRedisExporter(): Promise<LongRunning & { port: number }> {
  const port = await freePort();
  const celery = { brokerUrl: redis.url, queues: ["celery"] };
  const script = path.join(work, "oldest-task-age.lua");
  writeFileSync(script, ageScript(celery as never));
  const proc = await startProcess({
    name: "redis_exporter",
    cmd: path.join(toolsBinDir, "prometheus-redis-exporter"),
    args: [
      `-redis.addr=${redis.url.replace(/\/\d+$/, "")}`,
      `-check-single-keys=${checkSingleKeys(celery as never)}`,
      `-script=${script}`,
      `-web.listen-address=127.0.0.1:${port}`,
    ],
    ready: async () =>
      (await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined))?.ok ?? false,
  });
  return Object.assign(proc, { port });
}

const RECEIVERS = [
  {
    name: "ops-slack",
    type: "slack",
    channel: "#ops",
    webhookSecret: { name: "slack", key: "url", env: "SLACK_URL" },
  },
  {
    name: "ops-teams",
    type: "teams",
    webhookSecret: { name: "teams", key: "url", env: "TEAMS_URL" },
  },
];

/**
 * The probes of the api's health URL, as a cluster render of the same platform describes them,
 * run by a real blackbox exporter and kept by a real Prometheus: the data of the SLO item. The
 * health endpoint fails every other request.
 */
async function startProbes(): Promise<void> {
  let calls = 0;
  flaky = await startHttpServer((_req, res) => void res.writeHead(calls++ % 2 ? 503 : 200).end());
  const blackboxPort = await freePort();
  const render = await renderInline(
    {
      name: "logistica",
      environment: "prod",
      namespace: "logistica",
      services: [
        { name: "api", workload: "deployment/api", health: [{ url: `${flaky.url}/health` }] },
      ],
      alerting: { receivers: RECEIVERS },
      monitoring: { probeInterval: "2s", blackboxExporterAddress: `127.0.0.1:${blackboxPort}` },
      routine: null,
    },
    "logistica-prod",
  );
  const [config] = manifestsOfKind<{ data: Record<string, string> }>(render, "ConfigMap").filter(
    (c) => "config.yml" in c.data,
  );
  blackbox = await startBlackbox(config!.data["config.yml"]!, blackboxPort);
  prometheus = await startPrometheus({
    scrapeConfigs: manifestsOfKind<ProbeManifest>(render, "Probe").map(probeScrapeConfig),
    rules: { groups: [] },
    alertmanager: "127.0.0.1:9",
    evaluationInterval: "5s",
  });
}

const scrape = async () => (await fetch(`http://127.0.0.1:${exporter.port}/metrics`)).text();

beforeAll(async () => {
  [pg, redis] = await Promise.all([
    startPostgres({ settings: { shared_preload_libraries: "'pg_stat_statements'" } }),
    startRedis(),
  ]);
  work = mkdtempSync(path.join(tmpdir(), "guardia-routine-"));
  logs = path.join(work, "logs");
  backups = path.join(work, "backups");
  mkdirSync(logs);
  const index = path.join(work, "pip-index");
  mkdirSync(index);
  // pip only reads the file name of a link to list it as the latest version.
  writeFileSync(path.join(index, "Django-4.2.16.tar.gz"), "");
  project = await createDjangoProject(pg, redis.url);
  await plantDjangoConditions();
  plantLogs();
  hooks = await startHttpServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      posted.push({ path: req.url ?? "/", body: JSON.parse(body || "{}") });
      res.writeHead(200).end("ok");
    });
  });
  exporter = await startRedisExporter();
  await startProbes();
  platform = {
    name: "logistica",
    environment: "prod",
    namespace: "logistica",
    runtime: "local",
    services: [
      { name: "api", local: { cwd: project.dir }, health: [{ url: `${flaky.url}/health` }] },
    ],
    databases: [
      {
        name: "logistica",
        engine: "postgres",
        host: "127.0.0.1",
        port: pg.port,
        database: "logistica",
        user: pg.user,
        passwordSecret: { name: "logi-db", key: "password", env: "LOGI_DB_PASSWORD" },
      },
    ],
    backups: {
      destination: { url: `file://${backups}` },
      schedules: [{ name: "daily", cron: "0 2 * * *", keepDays: 30 }],
    },
    logs: [{ name: "app", paths: [`${logs}/*.log`], deleteAfterDays: 30 }],
    alerting: { receivers: RECEIVERS },
    monitoring: { prometheusUrl: prometheus.url },
    celery: { service: "api", brokerUrl: redis.url, maxTaskAge: "30m" },
    routine: {
      deadMansSwitch: { urlSecret: { name: "hc", key: "url", env: "HC_URL" } },
      dependencies: [{ service: "api", tool: "pip", python: PYTHON }],
    },
  };
  stack = writeStackFile(platform, "logistica-prod");
  process.env.ROUTINE_TEST_PIP_INDEX = index;
}, 240_000);

afterAll(async () => {
  await prometheus?.stop();
  await blackbox?.stop();
  await flaky?.stop();
  await exporter?.stop();
  await hooks?.stop();
  await redis?.stop();
  project?.remove();
  await pg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const env = () => ({
  LOGI_DB_PASSWORD: pg.password,
  SLACK_URL: `${hooks.url}/slack`,
  TEAMS_URL: `${hooks.url}/teams`,
  HC_URL: `${hooks.url}/hc`,
  PIP_NO_INDEX: "1",
  PIP_FIND_LINKS: process.env.ROUTINE_TEST_PIP_INDEX!,
  GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl"),
  GUARDIA_OPERATOR: "cronjob/logistica-routine-daily",
});

async function routine(...args: string[]): Promise<RunJson & { stderr: string; code: number }> {
  return routineOn(stack, ...args);
}

async function routineOn(
  file: string,
  ...args: string[]
): Promise<RunJson & { stderr: string; code: number }> {
  const result = await runCli(["routine", "--stack", file, "--yes", "--json", ...args], {
    env: env(),
    timeoutMs: 180_000,
  });
  try {
    return { ...(JSON.parse(result.stdout) as RunJson), stderr: result.stderr, code: result.code };
  } catch {
    throw new Error(
      `routine ${args.join(" ")} printed no JSON:\n${result.stdout}\n${result.stderr}`,
    );
  }
}

const item = (r: RunJson, id: string) => {
  const found = r.result.items.find((i) => i.id === id);
  if (!found) throw new Error(`no item ${id} in ${r.result.items.map((i) => i.id).join(", ")}`);
  return found;
};

/**
 * Makes the newest backup look `days` old, as if backup-db had run then: its directory, its id
 * (same schedule and run tag) and its manifest's times move back, and the manifest is sealed again
 * with its own checksum (`manifestText`), so it reads as complete, not as tampered with.
 */
function ageNewestBackup(days: number): string {
  const dir = path.join(backups, "logistica", "prod", "logistica");
  const id = readdirSync(dir).sort().at(-1)!;
  const { startedAt, schedule, run } = parseBackupId(id);
  const older = backupId(new Date(startedAt.getTime() - days * DAY_MS), schedule, run);
  renameSync(path.join(dir, id), path.join(dir, older));
  const file = path.join(dir, older, "manifest.json");
  const manifest = manifestSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  const back = (iso: string) => new Date(Date.parse(iso) - days * DAY_MS).toISOString();
  writeFileSync(
    file,
    manifestText({
      ...manifest,
      id: older,
      startedAt: back(manifest.startedAt),
      finishedAt: back(manifest.finishedAt),
    }),
  );
  return older;
}

describe("guardia routine on a local logistica prod stack", () => {
  it("daily: the ERROR burst, a stale backup, a growing Celery queue; posted to Slack and Teams", async () => {
    const backup = await runCli(
      ["backup-db", "--stack", stack, "--database", "logistica", "--yes"],
      { env: env(), timeoutMs: 120_000 },
    );
    expect(backup.code, backup.stderr).toBe(0);
    const aged = ageNewestBackup(3);

    await sendTasks(3);
    expect(await scrape()).toMatch(/redis_key_size\{db="db0",key="celery"\} 3\b/);
    const first = await routine("--period", "daily");
    // Problems are the report's verdicts; the run itself succeeded (the CronJob is not failed).
    expect(first.code, first.stderr).toBe(0);
    expect(item(first, "job-queue/celery")).toMatchObject({ verdict: "ok", data: { depth: 3 } });

    await sendTasks(2);
    expect(await scrape()).toMatch(/redis_key_size\{db="db0",key="celery"\} 5\b/);
    posted.length = 0;
    await waitUntil(
      async () => (await prometheus.query("probe_success")).length > 0,
      60_000,
      () => `no probe data\n${prometheus.outputTail()}\n${blackbox.outputTail()}`,
    );
    await new Promise((r) => setTimeout(r, 6_000)); // a few probes, half of them failed
    const daily = await routine("--period", "daily");

    const errors = item(daily, "error-logs/logs-app");
    expect(errors.verdict).toBe("attention");
    expect(errors.data).toMatchObject({ errors: 40 });
    expect(errors.evidence).toContain("ERROR timeout after");
    expect(errors.evidence).toContain("ERROR database connection lost");
    expect(errors.evidence).not.toContain("yesterday");

    expect(item(daily, "backups/logistica")).toMatchObject({ verdict: "failed" });
    expect(item(daily, "backups/logistica").summary).toContain(`${aged}, 3.0 d old`);

    const queue = item(daily, "job-queue/celery");
    expect(queue).toMatchObject({ verdict: "attention", data: { depth: 5 } });
    expect(queue.summary).toContain("growing (3 at the previous report)");
    expect(queue.was).toBe("ok");
    expect(typeof queue.data!.oldestTaskSeconds).toBe("number");

    // Half the probes of the api failed: far under the 99.5 % the MIRA guide asks.
    const slo = item(daily, "slo/api");
    expect(slo.verdict, JSON.stringify(slo)).toBe("failed");
    expect(slo.data!.availability as number).toBeGreaterThan(0.2);
    expect(slo.data!.availability as number).toBeLessThan(0.8);
    expect(slo.summary).toMatch(/^availability [\d.]+ % \(target 99\.5 %\)/);

    const verdicts = daily.result.items.map((i) => i.verdict);
    const rank = (v: string) => ["failed", "attention", "manual", "ok"].indexOf(v);
    expect(verdicts).toEqual([...verdicts].sort((a, b) => rank(a) - rank(b)));
    expect(daily.code).toBe(0);

    const paths = posted.map((p) => p.path);
    expect(paths).toEqual([
      "/hc/logistica-prod-routine-daily/start",
      "/slack",
      "/teams",
      "/hc/logistica-prod-routine-daily",
    ]);
    const slack = JSON.stringify(posted[1]!.body);
    expect(slack).toContain("Last backup of logistica");
    expect(posted[1]!.body).toHaveProperty("text");
    expect(posted[2]!.body).toMatchObject({ "@type": "MessageCard" });
    expect(JSON.stringify(posted[2]!.body)).toContain("Celery queue celery");

    const reports = readdirSync(path.join(backups, "logistica", "prod", "reports", "daily"));
    expect(reports.filter((f) => f.endsWith(".json"))).toHaveLength(2);
    expect(reports.filter((f) => f.endsWith(".md"))).toHaveLength(2);
    expect(daily.result.reportUrl).toContain("reports/daily/");
    // The Markdown a person reads: problems first, what changed since the first run marked.
    const markdown = readFileSync(
      path.join(
        backups,
        "logistica",
        "prod",
        "reports",
        "daily",
        reports
          .filter((f) => f.endsWith(".md"))
          .sort()
          .at(-1)!,
      ),
      "utf8",
    );
    expect(markdown.indexOf("## Problems")).toBeLessThan(markdown.indexOf("## The rest"));
    expect(markdown).toMatch(/changed since the last run/);
    expect(markdown).toMatch(/### .*Celery queue celery — \*\*/);
  }, 600_000);

  it("weekly: the slow statement, the outdated package, the missing backups of the week", async () => {
    const weekly = await routine("--period", "weekly");
    const slow = item(weekly, "slow-queries/logistica");
    expect(slow.verdict).toBe("attention");
    expect(slow.evidence).toContain("pg_sleep");
    const pip = item(weekly, "dependencies/api-pip");
    expect(pip.verdict).toBe("attention");
    expect(pip.summary).toContain("Django 3.2.25 → 4.2.16");
    const week = item(weekly, "backups-week/logistica");
    expect(week.verdict, JSON.stringify(week)).toBe("failed");
    // A run at 02:00 each of the last 7 days (6 within 3 h of one: it may still be going).
    expect(week.summary).toMatch(/^daily 0\/[67]$/);
    expect(item(weekly, "manual/update-docs").verdict).toBe("manual");
    // No incident records at the destination yet: a person checks the incident tool.
    expect(item(weekly, "incidents")).toMatchObject({ verdict: "manual" });
    expect(item(weekly, "incidents").summary).toContain("no incident records");
  }, 600_000);

  it("monthly: the unused superuser and the retention not applied; `routine ack <item>` records a manual item", async () => {
    const monthly = await routine("--period", "monthly");
    const access = item(monthly, "user-access/logistica");
    expect(access.verdict).toBe("attention");
    expect(access.evidence).toContain("old_admin (superuser): last login");
    expect(access.evidence).not.toContain("daily_user");
    expect(item(monthly, "log-retention/app")).toMatchObject({ verdict: "failed" });
    expect(item(monthly, "manual/train-support").verdict).toBe("manual");

    const ack = await runCli(
      [
        "routine",
        "ack",
        "train-support",
        "--stack",
        stack,
        "--period",
        "monthly",
        "--note",
        "course on the runbooks",
        "--yes",
      ],
      { env: env() },
    );
    expect(ack.code, ack.stderr).toBe(0);
    const audit = readFileSync(path.join(work, "audit.jsonl"), "utf8");
    expect(audit).toMatch(/"runbook":"routine".*"ack":"train-support"/);
    const again = await routine("--period", "monthly");
    expect(item(again, "manual/train-support").verdict).toBe("ok");
    expect(item(again, "manual/train-support").was).toBe("manual");
  }, 600_000);

  it("a run that dies pings the dead man's switch's /fail, after its /start", async () => {
    // The destination sits under a regular file: the report cannot be written, the run fails.
    const blocker = path.join(work, "not-a-directory");
    writeFileSync(blocker, "");
    const broken = writeStackFile(
      {
        ...platform,
        backups: {
          ...(platform.backups as object),
          destination: { url: `file://${blocker}/backups` },
        },
      },
      "logistica-prod",
    );
    posted.length = 0;
    const died = await routineOn(broken, "--period", "monthly");
    expect(died.code, died.stderr).not.toBe(0);
    expect(posted.map((p) => p.path)).toEqual([
      "/hc/logistica-prod-routine-monthly/start",
      "/hc/logistica-prod-routine-monthly/fail",
    ]);
    rmSync(path.dirname(broken), { recursive: true, force: true });
  }, 600_000);
});
