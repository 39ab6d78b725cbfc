import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installFakeKubectl } from "../fakes/fake-kubectl.js";
import { runCli } from "../harness/cli.js";
import {
  createDjangoProject,
  PYTHON,
  startCeleryWorker,
  startRedis,
  type DjangoProject,
} from "../harness/django.js";
import type { LongRunning } from "../harness/process.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * health-check --deep runs the logistics support plan's diagnostic script (Flujos de atencion,
 * step 2) for real: Django's `manage.py check` and a ping of a real Celery worker over a real
 * Redis broker; on a cluster stack the same commands go through `kubectl exec` (the recording
 * fake, as no API server runs here).
 */

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

let pg: PgServer;
let redis: LongRunning & { url: string };
let project: DjangoProject;
let worker: LongRunning;
let stackFile: string;
let work: string;

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  project = await createDjangoProject(pg, redis.url);
  worker = await startCeleryWorker(project, "w1@local");
  stackFile = writeStackFile({
    name: "logistica",
    environment: "dev",
    namespace: "logistica",
    runtime: "local",
    services: [
      { name: "api", diagnostics: { django: { python: PYTHON } }, local: { cwd: project.dir } },
      {
        name: "worker",
        diagnostics: {
          celery: { app: "logi.celery", python: PYTHON, timeoutSeconds: 2, workers: ["w1@local"] },
        },
        local: { cwd: project.dir },
      },
    ],
  });
  work = mkdtempSync(path.join(tmpdir(), "guardia-deep-"));
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await redis?.stop();
  project?.remove();
  await pg?.stop();
});

async function deepCheck(file = stackFile, env: Record<string, string> = project.env) {
  const result = await runCli(["health-check", "--stack", file, "--deep", "--json"], {
    env: { ...env, GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl") },
    timeoutMs: 90_000,
  });
  const run = JSON.parse(result.stdout) as { result: { checks: Check[] } };
  return { code: result.code, checks: run.result.checks, stderr: result.stderr };
}

describe("health-check --deep on a local logistica stack", () => {
  it("runs the real manage.py check and pings the real Celery worker", async () => {
    const { code, checks } = await deepCheck();
    expect(checks).toEqual([
      {
        kind: "diagnostic",
        name: "api: manage.py check",
        ok: true,
        detail: "System check identified no issues (0 silenced).",
      },
      {
        kind: "diagnostic",
        name: "worker: celery ping",
        ok: true,
        detail: "1 worker(s) answered pong",
      },
    ]);
    expect(code).toBe(0);
  }, 90_000);

  it("reports a stopped worker as down and exits 1", async () => {
    await worker.stop();
    const { code, checks, stderr } = await deepCheck();
    expect(checks.find((c) => c.name === "worker: celery ping")).toMatchObject({
      ok: false,
      detail: "no worker answered within 2 s",
    });
    expect(code).toBe(1);
    expect(stderr).toContain("worker: celery ping (no worker answered within 2 s)");
  }, 90_000);
});

describe("health-check --deep on a cluster stack", () => {
  it("runs the same diagnostics through kubectl exec in the workloads' pods", async () => {
    const kubectl = installFakeKubectl();
    kubectl.respond([
      {
        match: ["exec", "deployment/logistica-api"],
        stdout: "System check identified no issues (0 silenced).\n",
      },
      {
        match: ["exec", "deployment/logistica-celery"],
        stdout: "->  celery@worker-1: OK\n        pong\n\n1 node online.\n",
      },
    ]);
    const clusterStack = writeStackFile({
      name: "logistica",
      environment: "dev",
      namespace: "logistica",
      services: [
        {
          name: "api",
          workload: "deployment/logistica-api",
          container: "django",
          diagnostics: { django: {} },
        },
        {
          name: "worker",
          workload: "deployment/logistica-celery",
          diagnostics: { celery: { app: "logistica.celery" } },
        },
      ],
    });
    const { code, checks } = await deepCheck(clusterStack, kubectl.env());
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ["api: manage.py check", true],
      ["worker: celery ping", true],
    ]);
    expect(code).toBe(0);
    expect(kubectl.calls().map((c) => c.argv.join(" "))).toEqual([
      "--namespace logistica exec deployment/logistica-api -c django -- python manage.py check",
      "--namespace logistica exec deployment/logistica-celery -- python -m celery -A logistica.celery inspect ping -t 3",
    ]);
    kubectl.cleanup();
  });
});
