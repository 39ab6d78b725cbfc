import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./ports.js";
import type { PgServer } from "./postgres.js";
import { run, startProcess, type LongRunning } from "./process.js";

/**
 * A real Django + Django REST Framework + Celery backend like the logistics support plan's, from
 * Debian's packages (python3-django, python3-djangorestframework, python3-celery): a project migrated against a throwaway PostgreSQL, a Redis
 * broker on loopback, and a Celery worker that answers `inspect ping`.
 */

/** Debian's interpreter: the `python3` first on PATH may not see Debian's Django. */
export const PYTHON = "/usr/bin/python3";

export interface DjangoProject {
  readonly dir: string;
  /** Environment the project's settings read (database password, broker URL). */
  readonly env: Record<string, string>;
  manage(args: string[]): Promise<string>;
  remove(): void;
}

export async function createDjangoProject(
  pg: PgServer,
  brokerUrl: string,
  database = "logistica",
): Promise<DjangoProject> {
  const dir = mkdtempSync(path.join(tmpdir(), "guardia-django-"));
  await pg.createDatabase(database);
  await run(PYTHON, ["-m", "django", "startproject", "logi", "."], { cwd: dir });
  appendFileSync(path.join(dir, "logi", "settings.py"), settings(pg, database));
  writeFileSync(path.join(dir, "logi", "celery.py"), CELERY_APP);
  const env = {
    ...(process.env as Record<string, string>),
    LOGI_DB_PASSWORD: pg.password,
    CELERY_BROKER_URL: brokerUrl,
  };
  const manage = async (args: string[]) =>
    (await run(PYTHON, ["manage.py", ...args], { cwd: dir, env, timeoutMs: 120_000 })).stdout;
  await manage(["migrate", "--noinput"]);
  return { dir, env, manage, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function settings(pg: PgServer, database: string): string {
  return `
import os
INSTALLED_APPS += ["rest_framework", "rest_framework.authtoken"]
DATABASES = {"default": {
    "ENGINE": "django.db.backends.postgresql", "NAME": "${database}", "USER": "${pg.user}",
    "PASSWORD": os.environ["LOGI_DB_PASSWORD"], "HOST": "127.0.0.1", "PORT": "${pg.port}",
}}
`;
}

const CELERY_APP = `
import os
from celery import Celery
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "logi.settings")
app = Celery("logi", broker=os.environ["CELERY_BROKER_URL"])
`;

export async function startRedis(): Promise<LongRunning & { url: string }> {
  const port = await freePort();
  const redis = await startProcess({
    name: "redis-server",
    cmd: "redis-server",
    args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    ready: () => canConnect(port),
  });
  return Object.assign(redis, { url: `redis://127.0.0.1:${port}/0` });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

/** A worker named `name` (e.g. w1@local), ready once it answers a ping itself. */
export async function startCeleryWorker(
  project: DjangoProject,
  name: string,
): Promise<LongRunning> {
  const ping = async () => {
    const result = await run(
      PYTHON,
      ["-m", "celery", "-A", "logi.celery", "inspect", "ping", "-t", "1", "-d", name],
      {
        cwd: project.dir,
        env: project.env,
      },
    ).catch(() => undefined);
    return Boolean(result?.stdout.includes("pong"));
  };
  return startProcess({
    name: `celery worker ${name}`,
    cmd: PYTHON,
    args: [
      "-m",
      "celery",
      "-A",
      "logi.celery",
      "worker",
      "-n",
      name,
      "--pool",
      "solo",
      "--without-mingle",
      "--without-gossip",
    ],
    cwd: project.dir,
    env: project.env,
    ready: ping,
    timeoutMs: 45_000,
  });
}
