import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../harness/cli.js";
import { startHttpServer, type HttpServer } from "../harness/http.js";
import { freePort } from "../harness/ports.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { writeStackFile } from "../harness/stacks.js";

/** health-check against real HTTP services on loopback and a real PostgreSQL. */

const TIMEOUT_MS = 1500;
let healthy: HttpServer;
let failing: HttpServer;
let hanging: HttpServer;
let hangingToo: HttpServer;
let pg: PgServer;
let stackFile: string;
let work: string;

interface Check {
  kind: string;
  name: string;
  ok: boolean;
  detail: string;
}

beforeAll(async () => {
  [healthy, failing, hanging, hangingToo, pg] = await Promise.all([
    startHttpServer("ok"),
    startHttpServer("error"),
    startHttpServer("hang"),
    startHttpServer("hang"),
    startPostgres(),
  ]);
  await pg.createDatabase("shop");
  const closedPort = await freePort();
  const db = (name: string, port: number) => ({
    name,
    engine: "postgres",
    host: "127.0.0.1",
    port,
    database: "shop",
    user: pg.user,
    passwordSecret: { name: "shop-db", key: "password", env: "SHOP_DB_PASSWORD" },
  });
  stackFile = writeStackFile({
    name: "shop",
    environment: "dev",
    namespace: "shop",
    runtime: "local",
    services: [
      { name: "web", health: [{ url: `${healthy.url}/health`, timeoutMs: TIMEOUT_MS }] },
      { name: "api", health: [{ url: `${failing.url}/api/health`, timeoutMs: TIMEOUT_MS }] },
      { name: "admin", health: [{ url: `${hanging.url}/`, timeoutMs: TIMEOUT_MS }] },
      { name: "reports", health: [{ url: `${hangingToo.url}/`, timeoutMs: TIMEOUT_MS }] },
    ],
    databases: [{ ...db("main", pg.port), usedBy: ["web"] }, db("replica", closedPort)],
  });
  work = mkdtempSync(path.join(tmpdir(), "guardia-health-"));
}, 60_000);

afterAll(async () => {
  await Promise.all([healthy, failing, hanging, hangingToo].map((s) => s.stop()));
  await pg.stop();
});

const healthCheck = (...extra: string[]) =>
  runCli(["health-check", "--stack", stackFile, ...extra], {
    env: { SHOP_DB_PASSWORD: pg.password, GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl") },
  });

describe("health-check", () => {
  it("reports each endpoint and database as it is, and exits 1", async () => {
    const result = await healthCheck("--json");
    expect(result.code).toBe(1);
    const run = JSON.parse(result.stdout) as {
      result: { healthy: boolean; checks: Check[] };
      steps: { durationMs: number }[];
    };
    const byName = (prefix: string) => run.result.checks.find((c) => c.name.startsWith(prefix))!;
    expect(byName("web").ok).toBe(true);
    expect(byName("web").detail).toBe("HTTP 200");
    expect(byName("api").ok).toBe(false);
    expect(byName("api").detail).toBe("HTTP 500, expected 200");
    expect(byName("admin").ok).toBe(false);
    expect(byName("admin").detail).toBe(`no answer within ${TIMEOUT_MS} ms`);
    expect(byName("main")).toMatchObject({ kind: "database", ok: true });
    expect(byName("main").detail).toMatch(/^PostgreSQL 1\d/);
    expect(byName("replica")).toMatchObject({ kind: "database", ok: false });
    expect(byName("replica").detail).toContain("ECONNREFUSED");
    expect(run.result.healthy).toBe(false);
  });

  it("runs the probes concurrently: two hanging endpoints cost one timeout, not two", async () => {
    const result = await healthCheck("--json");
    const run = JSON.parse(result.stdout) as { steps: { title: string; durationMs: number }[] };
    const probes = run.steps[0]!;
    expect(probes.title).toBe("Probe 4 endpoint(s) and 2 database(s)");
    expect(probes.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(probes.durationMs).toBeLessThan(2 * TIMEOUT_MS);
  });

  it("prints a table for people and names the failures on stderr", async () => {
    const result = await healthCheck();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^UP\s+endpoint\s+web http:\/\/127\.0\.0\.1:\d+\/health\s+\d+ ms\s+HTTP 200$/m,
    );
    expect(result.stdout).toMatch(/^DOWN\s+endpoint\s+api .*HTTP 500, expected 200$/m);
    expect(result.stderr).toContain("4 of 6 check(s) failed");
  });

  it("--service narrows to one service and the databases it uses, and exits 0 when they are up", async () => {
    const result = await healthCheck("--service", "web", "--json");
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout) as { result: { checks: Check[] } };
    expect(run.result.checks.map((c) => c.kind)).toEqual(["endpoint", "database"]);
  });

  it("an unknown --service is bad input (exit 2)", async () => {
    const result = await healthCheck("--service", "nope");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--service: no service "nope" in this stack (services: web, api, admin, reports)',
    );
  });
});
