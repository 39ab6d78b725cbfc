import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Render } from "../../lib/render/render.js";
import { PYTHON, startRedis } from "../harness/django.js";
import { freePort } from "../harness/ports.js";
import { httpOk, run, startProcess, waitUntil, type LongRunning } from "../harness/process.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { toolsBinDir } from "../harness/tools.js";
import { startPrometheus, type PrometheusServer } from "./helpers/servers.js";
import { manifestsOfKind, renderInline } from "./helpers/stacks.js";

/**
 * The probes the manuals ask for, end to end with the real exporters from Debian's packages:
 * guardia's postgres_exporter (its rendered environment and freshness queries) on a real
 * PostgreSQL, redis_exporter (its rendered flags and age script) on a real Redis that a real
 * Celery client fills, and a real Prometheus scraping both under the rendered job names with the
 * rendered rules. Each alert's condition must hold on what the exporters really export (the
 * alert is pending or firing); its `for` is covered by the promtool tests of its examples.
 */

interface Container {
  args?: string[];
  env?: { name: string; value?: string }[];
}
interface Deployment {
  metadata: { name: string };
  spec: { template: { spec: { containers: Container[] } } };
}

let pg: PgServer;
let redis: LongRunning & { url: string };
let prometheus: PrometheusServer;
let render: Render;
let work: string;
const exporters: LongRunning[] = [];

function stack(pgPort: number, brokerUrl: string) {
  return {
    name: "mira",
    environment: "staging",
    namespace: "mira",
    services: [{ name: "worker", workload: "deployment/mira-worker" }],
    databases: [
      {
        name: "mira",
        engine: "postgres",
        host: "127.0.0.1",
        port: pgPort,
        database: "mira",
        user: "guardia_admin",
        passwordSecret: { name: "mira-db", key: "password" },
      },
    ],
    dataFreshness: [
      {
        name: "alma-sync",
        database: "mira",
        query: "SELECT max(synced_at) FROM alma_pacientes",
        maxAge: "1h",
      },
    ],
    celery: { service: "worker", brokerUrl },
    alerting: {
      receivers: [{ name: "ops", type: "webhook", urlSecret: { name: "a", key: "url" } }],
    },
    monitoring: { probeInterval: "2s" },
  };
}

const deployment = (component: string): Deployment => {
  const found = manifestsOfKind<Deployment>(render, "Deployment").find((d) =>
    d.metadata.name.includes(component),
  );
  if (!found) throw new Error(`no ${component} Deployment rendered`);
  return found;
};
const configText = (key: string): string => {
  const map = manifestsOfKind<{ data?: Record<string, string> }>(render, "ConfigMap").find(
    (c) => c.data && key in c.data,
  );
  if (!map) throw new Error(`no ConfigMap with ${key}`);
  return map.data![key]!;
};

/** The rendered postgres_exporter, its password from the "Secret" and its queries from the ConfigMap. */
async function startPostgresExporter(port: number): Promise<void> {
  const [container] = deployment("postgres-exporter").spec.template.spec.containers;
  const env = Object.fromEntries(
    (container!.env ?? []).filter((e) => e.value).map((e) => [e.name, e.value!]),
  );
  const queries = path.join(work, "queries.yaml");
  writeFileSync(queries, configText("queries.yaml"));
  const args = (container!.args ?? []).map((a) =>
    a.startsWith("--extend.query-path=")
      ? `--extend.query-path=${queries}`
      : a.startsWith("--web.listen-address=")
        ? `--web.listen-address=127.0.0.1:${port}`
        : a,
  );
  exporters.push(
    await startProcess({
      name: "postgres_exporter",
      cmd: path.join(toolsBinDir, "prometheus-postgres-exporter"),
      args,
      env: { ...process.env, ...env, DATA_SOURCE_PASS: pg.password },
      ready: () => httpOk(`http://127.0.0.1:${port}/`).catch(() => false),
    }),
  );
}

async function startRedisExporter(port: number): Promise<void> {
  const [container] = deployment("redis-exporter").spec.template.spec.containers;
  const script = path.join(work, "oldest-task-age.lua");
  writeFileSync(script, configText("oldest-task-age.lua"));
  const args = (container!.args ?? []).map((a) =>
    a.startsWith("-script=")
      ? `-script=${script}`
      : a.startsWith("-web.listen-address=")
        ? `-web.listen-address=127.0.0.1:${port}`
        : a,
  );
  exporters.push(
    await startProcess({
      name: "redis_exporter",
      cmd: path.join(toolsBinDir, "prometheus-redis-exporter"),
      args,
      ready: () => httpOk(`http://127.0.0.1:${port}/`).catch(() => false),
    }),
  );
}

/** A Celery client (Debian's python3-celery) sending tasks no worker takes. */
async function sendTasks(count: number): Promise<void> {
  const code = [
    "from celery import Celery",
    `app = Celery("mira", broker="${redis.url}")`,
    `for _ in range(${count}): app.send_task("mira.sync_alma")`,
  ].join("\n");
  await run(PYTHON, ["-c", code]);
}

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  work = mkdtempSync(path.join(tmpdir(), "guardia-exporters-"));
  await pg.createDatabase("mira");
  await pg.query(
    "CREATE TABLE alma_pacientes (id int, synced_at timestamptz); " +
      "INSERT INTO alma_pacientes VALUES (1, now() - interval '3 hours')",
    "mira",
  );
  render = await renderInline(stack(pg.port, redis.url), "mira-staging");
  const [pgPort, redisPort] = [await freePort(), await freePort()];
  await startPostgresExporter(pgPort);
  await startRedisExporter(redisPort);
  const job = (prefix: string) =>
    manifestsOfKind<{ metadata: { name: string } }>(render, "Service").find((s) =>
      s.metadata.name.includes(prefix),
    )!.metadata.name;
  const [rule] = manifestsOfKind<{ spec: { groups: object[] } }>(render, "PrometheusRule");
  prometheus = await startPrometheus({
    scrapeConfigs: [
      {
        job_name: job("postgres-exporter"),
        // Room for the exporter to notice a stopped server within one scrape (as in a cluster,
        // where scrapes take 10 s at most); 1 s would time the scrape out and keep pg_up's last 1.
        scrape_interval: "5s",
        scrape_timeout: "4s",
        static_configs: [{ targets: [`127.0.0.1:${pgPort}`] }],
      },
      {
        job_name: job("redis-exporter"),
        static_configs: [{ targets: [`127.0.0.1:${redisPort}`] }],
      },
    ],
    rules: { groups: rule!.spec.groups },
    alertmanager: "127.0.0.1:9",
    evaluationInterval: "1s",
  });
}, 180_000);

afterAll(async () => {
  await prometheus?.stop();
  for (const e of exporters) await e.stop();
  await redis?.stop();
  await pg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const active = async (alertname: string) =>
  (await prometheus.alerts()).filter(
    (a) => a.labels.alertname === alertname && ["pending", "firing"].includes(a.state),
  );

describe("the manuals' probes through the real exporters", () => {
  it("exports the freshness query's newest row and raises DataStale when it is 3 h old (max 1 h)", async () => {
    await waitUntil(
      async () => (await active("DataStale")).length === 1,
      60_000,
      () => `DataStale never became active\n${prometheus.outputTail()}`,
    );
    const [newest] = await prometheus.query("guardia_freshness_alma_sync_newest_seconds");
    const age = Date.now() / 1000 - Number(newest!.value[1]);
    expect(age).toBeGreaterThan(3 * 3600 - 120);
    expect(age).toBeLessThan(3 * 3600 + 120);
  }, 90_000);

  it("raises CeleryQueueGrowing while tasks pile up, with the depth and the oldest task's age", async () => {
    for (let i = 0; i < 4; i++) {
      await sendTasks(5);
      await new Promise((r) => setTimeout(r, 2_500));
    }
    await waitUntil(
      async () => (await active("CeleryQueueGrowing")).length === 1,
      60_000,
      () => `CeleryQueueGrowing never became active\n${prometheus.outputTail()}`,
    );
    const [depth] = await prometheus.query('redis_key_size{key="celery"}');
    expect(Number(depth!.value[1])).toBe(20);
    const [age] = await prometheus.query('redis_script_values{key="celery"}');
    expect(Number(age!.value[1])).toBeGreaterThan(0);
  }, 120_000);

  it("raises DatabaseDown when PostgreSQL stops", async () => {
    expect(await active("DatabaseDown")).toEqual([]);
    await pg.stop();
    await waitUntil(
      async () => (await active("DatabaseDown")).length === 1,
      60_000,
      () => `DatabaseDown never became active\n${exporters[0]!.outputTail()}`,
    );
    const [up] = await prometheus.query("pg_up");
    expect(up!.value[1]).toBe("0");
  }, 90_000);
});
