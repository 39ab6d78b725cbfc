import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUNBOOKS } from "../../runbooks/index.js";
import { installFakeKubectl, type FakeKubectl } from "../fakes/fake-kubectl.js";
import { createMiraDatabase } from "../backup/helpers.js";
import { startAlertmanager, type AlertmanagerServer } from "../harness/alertmanager.js";
import { runCli } from "../harness/cli.js";
import {
  matchesPlanned,
  matchesPlannedLine,
  parseShellLine,
  planCommands,
  reportCommands,
  type Printed,
  type Stage,
} from "../harness/command-lines.js";
import {
  createDjangoProject,
  PYTHON,
  startCeleryWorker,
  startRedis,
  type DjangoProject,
} from "../harness/django.js";
import { startHttpServer, type HttpServer } from "../harness/http.js";
import { installPathShims, type PathShims, type ShimCall } from "../harness/path-shims.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import type { LongRunning } from "../harness/process.js";
import { startS3, type S3Server } from "../harness/s3.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * Every runbook of the registry, run for real, prints exactly the commands that started: the
 * tools are recording wrappers first on PATH (they log their argv, directory and PG* environment,
 * then exec the real pg_dump, zstd, pg_restore, logrotate, python3...; kubectl is the recording
 * fake, as no API server runs here), and what they logged must be, command for command, what
 * the run's audit record and evidence report say ran, which must be what its plan and its dry
 * run printed (a `<placeholder>` of the plan standing for a value made while it runs).
 */

interface AuditStep {
  title: string;
  commands: { command: string; notes?: string[]; code: number }[];
}

/** One `guardia` run as it was seen from outside and as guardia recorded it. */
interface Observed {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly steps: readonly AuditStep[];
  readonly report: string | undefined;
  /** What started: the shims' records, and the kubectl fake's (as argv from "kubectl"). */
  readonly started: readonly ShimCall[];
}

const ROUTING = "route:\n  receiver: none\nreceivers:\n  - name: none\n";
/** The tools the runbooks start; python3 is Debian's, which has Django and Celery. */
const SHIMMED = {
  pg_dump: undefined,
  pg_restore: undefined,
  zstd: undefined,
  logrotate: undefined,
  python3: PYTHON,
  touch: undefined,
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
const stacks: Record<"local" | "s3" | "cluster", string> = { local: "", s3: "", cluster: "" };

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
  worker = await startCeleryWorker(django, "w1@local");
  work = mkdtempSync(path.join(tmpdir(), "guardia-commands-as-run-"));
  mkdirSync(path.join(work, "logs"));
  writeFileSync(path.join(work, "logs", "app.log"), "x".repeat(4096));
  shims = installPathShims(SHIMMED);
  kubectl = installFakeKubectl();
  writeStacks();
}, 180_000);

afterAll(async () => {
  shims?.cleanup();
  kubectl?.cleanup();
  await worker?.stop();
  django?.remove();
  await Promise.all([pg?.stop(), s3?.stop(), am?.stop(), web?.stop(), redis?.stop()]);
});

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
  stacks.cluster = writeStackFile({
    ...base,
    services: [{ name: "web", workload: "deployment/web", health: [{ url: `${web.url}/health` }] }],
  });
}

async function guardia(args: readonly string[], mode: "dry-run" | "run"): Promise<Observed> {
  shims.clear();
  const before = kubectl.calls().length;
  const audit = path.join(work, "audit.jsonl");
  const report = path.join(work, `report-${Date.now()}.md`);
  const flags = mode === "dry-run" ? ["--dry-run"] : ["--yes", "--report", report];
  const result = await runCli([...args, ...flags], {
    cwd: work,
    timeoutMs: 120_000,
    env: {
      ...django.env,
      ...kubectl.env(),
      ...shims.env(),
      PATH: `${shims.dir}:${kubectl.dir}:${process.env.PATH}`,
      MIRA_DB_PASSWORD: pg.password,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      AWS_REGION: s3.region,
      GUARDIA_AUDIT_FILE: audit,
      XDG_STATE_HOME: path.join(work, "state"),
    },
  });
  const last = readFileSync(audit, "utf8").trim().split("\n").at(-1)!;
  const lockCommand = /^(create -f -|replace -f -|get lease )/;
  const kubectlCalls = kubectl
    .calls()
    .slice(before)
    // The Lease is the run's lock, taken before the first step and released after the last.
    .filter((c) => !lockCommand.test(c.argv.slice(2).join(" ")))
    .map((c) => ({ argv: ["kubectl", ...c.argv], cwd: "", env: {} }));
  return {
    code: result.code,
    stdout: result.stdout,
    stderr: result.stderr,
    steps: (JSON.parse(last) as { steps: AuditStep[] }).steps,
    report: existsSync(report) ? readFileSync(report, "utf8") : undefined,
    started: [...shims.calls(), ...kubectlCalls],
  };
}

/** The stages of every command the audit record says each step ran, by step number. */
function ranStages(o: Observed): Map<number, Stage[]> {
  return new Map(
    o.steps.map((step, i) => [i + 1, step.commands.flatMap((c) => parseShellLine(c.command))]),
  );
}

/** Which programs each step started, by the audit record: the expectation a test writes down. */
function programs(o: Observed): Record<number, string[]> {
  const byStep = [...ranStages(o)].filter(([, stages]) => stages.length > 0);
  return Object.fromEntries(
    byStep.map(([step, stages]) => [step, stages.map((s) => path.basename(s.argv[0]!))]),
  );
}

/** argv[0] as printed: a path is the exact program; a bare name is what PATH found. */
function sameArgv(printed: readonly string[], started: readonly string[]): boolean {
  const [program, ...args] = printed;
  const same = program!.includes("/")
    ? program === started[0]
    : program === path.basename(started[0]!);
  return same && JSON.stringify(args) === JSON.stringify(started.slice(1));
}

/**
 * The audit record's commands are, one for one, the processes that started (argv, the plain
 * environment it printed, its directory), and each is what the step's plan printed; the report
 * shows the same commands as the audit record.
 */
function expectRanAsPrinted(o: Observed): void {
  expect(o.code, o.stderr).toBe(0);
  const left = [...o.started];
  for (const stage of [...ranStages(o).values()].flat()) {
    const at = left.findIndex((call) => sameArgv(stage.argv, call.argv));
    expect(at, `no process started as ${stage.argv.join(" ")}`).toBeGreaterThanOrEqual(0);
    const [call] = left.splice(at, 1);
    expect(call!.env).toMatchObject(stage.env);
    if (stage.cwd) expect(call!.cwd).toBe(stage.cwd);
  }
  expect(left, "processes that no step recorded").toEqual([]);
  const plan = plannedCommands(o);
  const report = o.report === undefined ? undefined : reportCommands(o.report);
  o.steps.forEach((step, i) => {
    const planned = plan.get(i + 1) ?? [];
    for (const ran of step.commands) {
      expect(
        planned.some((p) => printedAs(p, ran)),
        `${step.title}: ${ran.command}`,
      ).toBe(true);
    }
    expect(report?.get(i + 1)?.ran ?? []).toEqual(
      report
        ? step.commands.map((c) => ({ line: c.command, notes: c.notes ?? [], code: c.code }))
        : [],
    );
  });
}

/**
 * What each step's plan printed: the terminal plan of a dry run; after a run, the report's (the
 * terminal then shows the runbook's result instead).
 */
function plannedCommands(o: Observed): Map<number, Printed[]> {
  if (o.report === undefined) return planCommands(o.stdout);
  const steps = [...reportCommands(o.report)].filter(([, step]) => step.planned);
  return new Map(steps.map(([index, step]) => [index, [step.planned!]]));
}

function printedAs(planned: Printed, ran: { command: string; notes?: string[] }): boolean {
  const notes = ran.notes ?? [];
  return (
    matchesPlannedLine(planned.line, ran.command) &&
    planned.notes.length === notes.length &&
    planned.notes.every((note, i) => matchesPlanned(note, notes[i]!))
  );
}

/** A dry run prints the commands the run then prints (its temporary directory aside). */
function expectSamePlan(dry: Observed, real: Observed): void {
  const printed = (o: Observed) =>
    JSON.stringify([...plannedCommands(o)]).replace(/guardia-logrotate-\w+/g, "<temp>");
  expect(printed(dry)).toEqual(printed(real));
}

/** Runs `args` as a dry run and for real; both print and record exactly what ran. */
async function dryThenRun(args: readonly string[]): Promise<[Observed, Observed]> {
  const dry = await guardia(args, "dry-run");
  expectRanAsPrinted(dry);
  const real = await guardia(args, "run");
  expectRanAsPrinted(real);
  expectSamePlan(dry, real);
  for (const text of [dry.stdout, real.stdout, real.report, JSON.stringify(real.steps)])
    expect(text).not.toContain(pg.password);
  return [dry, real];
}

describe("every runbook prints, records and reports the commands that ran", () => {
  it("covers every runbook of the registry", () => {
    const tested = [
      ...["backup-db", "verify-backup", "list-backups", "rotate-logs", "restart-service"],
      ...["health-check", "maintenance-window"],
    ];
    expect(tested.sort()).toEqual(Object.keys(RUNBOOKS).sort());
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
    const args = ["restart-service", "--stack", stacks.cluster, "--service", "web"];
    const [dry, real] = await dryThenRun(args);
    expect(programs(dry)).toEqual({ 1: ["kubectl"] });
    expect(programs(real)).toEqual({ 1: ["kubectl"], 2: ["kubectl"], 3: ["kubectl"] });
  });

  it("restart-service on a local stack: the service's restart command, in its directory", async () => {
    const args = ["restart-service", "--stack", stacks.local, "--service", "api"];
    const [dry, real] = await dryThenRun(args);
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
    const window = ["maintenance-window", "--stack", stacks.cluster];
    const [, opened] = await dryThenRun([...window, "--objective", "upgrade", "--services", "web"]);
    const closed = await guardia([...window, "--close"], "run");
    expectRanAsPrinted(closed);
    expect([opened.started, closed.started]).toEqual([[], []]);
  });
});
