import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installFakeKubectl, type FakeKubectl } from "../fakes/fake-kubectl.js";
import { runCli, type CliResult } from "../harness/cli.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * A database password given to guardia must never come out again: not on stdout or stderr, not
 * in the audit record or the evidence report, and not in the arguments of any process guardia
 * starts (strace records every execve). The diagnostics here deliberately print the password,
 * so the test also proves that output which does contain it gets masked.
 */

const SECRET = `Pw-${randomBytes(9).toString("hex")}`;
const forms = [SECRET, Buffer.from(SECRET).toString("base64")];

let pg: PgServer;
let work: string;
let kubectl: FakeKubectl;

beforeAll(async () => {
  pg = await startPostgres();
  await pg.createDatabase("shop");
  await pg.createRole("shop_app", SECRET);
  await pg.query("GRANT CONNECT ON DATABASE shop TO shop_app");
  work = mkdtempSync(path.join(tmpdir(), "guardia-secrets-"));
  kubectl = installFakeKubectl();
});

afterAll(async () => {
  await pg.stop();
  kubectl.cleanup();
});

const database = () => ({
  name: "shop",
  engine: "postgres",
  host: "127.0.0.1",
  port: pg.port,
  database: "shop",
  user: "shop_app",
  passwordSecret: { name: "shop-db", key: "password" },
});

/** Runs guardia under strace; returns the CLI result and the argv of every execve. */
async function tracedRun(
  name: string,
  args: string[],
  env: Record<string, string>,
): Promise<CliResult & { execs: string[]; files: string[] }> {
  const trace = path.join(work, `${name}.strace`);
  const audit = path.join(work, `${name}.audit.jsonl`);
  const report = path.join(work, `${name}.report.md`);
  const result = await runCli([...args, "--report", report], {
    env: { ...env, GUARDIA_AUDIT_FILE: audit },
    wrapper: [
      "strace",
      "-f",
      "-qq",
      "-s",
      "65535",
      "-e",
      "trace=execve",
      "-e",
      "signal=none",
      "-o",
      trace,
    ],
    timeoutMs: 90_000,
  });
  const execs = readFileSync(trace, "utf8")
    .split("\n")
    .filter((line) => line.includes("execve("));
  return { ...result, execs, files: [readFileSync(audit, "utf8"), readFileSync(report, "utf8")] };
}

function expectNoSecret(run: CliResult & { execs: string[]; files: string[] }): void {
  for (const text of [run.stdout, run.stderr, ...run.files, ...run.execs]) {
    for (const form of forms) expect(text).not.toContain(form);
  }
}

describe("secrets", () => {
  it("a password from the environment stays out of every output and every child's arguments", async () => {
    const leaky = path.join(work, "leaky-check.sh");
    writeFileSync(
      leaky,
      `echo "connecting with $GUARDIA_SECRET_SHOP_DB_PASSWORD"\necho "auth failed for $GUARDIA_SECRET_SHOP_DB_PASSWORD" >&2\nexit 1\n`,
    );
    chmodSync(leaky, 0o755);
    const stack = writeStackFile({
      name: "shop",
      environment: "dev",
      namespace: "shop",
      runtime: "local",
      services: [
        {
          name: "api",
          diagnostics: { django: { python: "/bin/sh", manage: leaky } },
          local: { cwd: work },
        },
      ],
      databases: [database()],
    });
    const run = await tracedRun("env", ["health-check", "--stack", stack, "--deep"], {
      GUARDIA_SECRET_SHOP_DB_PASSWORD: SECRET,
    });
    // The database check used the password (it connected), and the leaky check ran and failed.
    expect(run.stdout).toMatch(/^UP\s+database\s+shop/m);
    expect(run.execs.some((line) => line.includes(leaky))).toBe(true);
    expect(run.code).toBe(1);
    // What the diagnostic printed reached the report, masked.
    expect(run.files[1]).toContain("connecting with ********");
    expectNoSecret(run);
  }, 90_000);

  it("backup-db hands the password to pg_dump in its environment, never in its arguments", async () => {
    await pg.query(
      "CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders VALUES (1), (2)",
      "shop",
    );
    await pg.query("GRANT SELECT ON orders TO shop_app", "shop");
    const stack = writeStackFile({
      name: "shop",
      environment: "dev",
      namespace: "shop",
      runtime: "local",
      databases: [{ ...database(), criticalTables: ["orders"] }],
      backups: { destination: { url: `file://${path.join(work, "backups")}` } },
    });
    const run = await tracedRun(
      "backup",
      ["backup-db", "--stack", stack, "--database", "shop", "--yes"],
      {
        GUARDIA_SECRET_SHOP_DB_PASSWORD: SECRET,
      },
    );
    expect(run.code).toBe(0);
    expect(
      run.execs.some((line) => /pg_dump", \["[^"]*pg_dump", "--format=custom"/.test(line)),
    ).toBe(true);
    expectNoSecret(run);
  }, 90_000);

  it("a password read from the Kubernetes Secret (kubectl) is masked the same way", async () => {
    kubectl.respond([
      { match: ["get", "secret", "shop-db"], stdout: Buffer.from(SECRET).toString("base64") },
      {
        match: ["exec", "deployment/api"],
        stdout: `DATABASE_URL=postgres://shop_app:${SECRET}@db/shop\n`,
        code: 1,
      },
    ]);
    const stack = writeStackFile({
      name: "shop",
      environment: "dev",
      namespace: "shop",
      services: [{ name: "api", workload: "deployment/api", diagnostics: { django: {} } }],
      databases: [database()],
    });
    const run = await tracedRun(
      "kubectl",
      ["health-check", "--stack", stack, "--deep", "--json"],
      kubectl.env(),
    );
    expect(run.stdout).toContain('"kind":"database","name":"shop","ok":true');
    expect(run.files[1]).toContain("DATABASE_URL=postgres://shop_app:********@db/shop");
    expect(existsSync(path.join(work, "kubectl.report.md"))).toBe(true);
    expectNoSecret(run);
  }, 90_000);
});
