import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { installFakeKubectl, type FakeKubectl } from "../fakes/fake-kubectl.js";
import { runCli, type CliResult } from "../harness/cli.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { createShopRoles, DB, OLD, rollout, shopStack } from "./shop-db.js";

/**
 * rotate-db-password against a real PostgreSQL (SCRAM authentication, every statement logged),
 * with the Kubernetes side on the recording kubectl fake, whose Secrets are files that the
 * runbook's patches change. A password may never be in an argument, an output, the audit log,
 * the report or the server's log; a failure leaves PostgreSQL and the Secret as they were.
 */

let server: PgServer;
let kubectl: FakeKubectl;
let work: string;
beforeAll(async () => {
  server = await startPostgres();
  await createShopRoles(server);
  // The server logs every statement: the test reads that log for the new password.
  await server.query("ALTER SYSTEM SET log_statement = 'all'");
  await server.query("SELECT pg_reload_conf()");
  work = mkdtempSync(path.join(tmpdir(), "guardia-rotate-db-"));
}, 120_000);

afterAll(async () => {
  kubectl?.cleanup();
  await server?.stop();
});

beforeEach(() => {
  kubectl?.cleanup();
  kubectl = installFakeKubectl();
  kubectl.respond(rollout(300));
});

const stack = (database: object) => shopStack(server, database);
const canLogIn = (user: string, password: string) => server.canLogIn(user, password, DB);

let runs = 0;

interface Run extends CliResult {
  readonly audit: string;
  readonly report: string;
}

async function rotate(args: string[] = []): Promise<Run> {
  const n = runs++;
  const audit = path.join(work, `${n}.audit.jsonl`);
  const report = path.join(work, `${n}.report.md`);
  const result = await runCli(
    ["rotate-db-password", "--stack", stackPath, "--database", "shop", "--report", report, ...args],
    { env: { ...kubectl.env(), GUARDIA_AUDIT_FILE: audit, NO_COLOR: "1" }, timeoutMs: 120_000 },
  );
  const read = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : "");
  return { ...result, audit: read(audit), report: read(report) };
}

let stackPath = "";

function serverLog(): string {
  return readFileSync(path.join(path.dirname(server.dataDir), "server.log"), "utf8");
}

/**
 * No password in any output, record, report or kubectl argument; no new one in the server's log
 * (the test itself sets the old ones with plain ALTER ROLE).
 */
function expectNoPassword(run: Run, old: readonly string[], fresh: readonly string[]): void {
  const argv = kubectl.calls().map((c) => c.argv.join(" "));
  const places = {
    stdout: run.stdout,
    stderr: run.stderr,
    audit: run.audit,
    report: run.report,
    argv: argv.join("\n"),
  };
  const passwords = [...old, ...fresh];
  const log = serverLog();
  for (const password of fresh)
    expect(log.includes(password), "a new password in the server log").toBe(false);
  for (const password of passwords)
    for (const [where, text] of Object.entries(places))
      expect(text.includes(password), `a password in ${where}`).toBe(false);
  expect(run.audit).toContain("guardia.audit.v1");
}

describe("rotate-db-password, one login role", () => {
  beforeEach(() => {
    stackPath = stack({});
    kubectl.plantSecret("shop-db", { password: OLD });
  });

  it("a dry run logs in with the Secret and shows the plan; nothing changes", async () => {
    const run = await rotate(["--dry-run"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      "app logs in with the Secret's password; password_encryption scram-sha-256",
    );
    expect(run.stdout).toContain(
      `ALTER ROLE "app" PASSWORD '<SCRAM-SHA-256 verifier computed by guardia>'`,
    );
    expect(run.stdout).toContain(
      "kubectl --namespace shop patch secret shop-db --type=merge --patch-file=/dev/stdin",
    );
    expect(kubectl.secretData("shop-db")).toEqual({ password: OLD });
    expect(await canLogIn("app", OLD)).toBe(true);
    expectNoPassword(run, [OLD], []);
  });

  it("rotates: PostgreSQL and the Secret get the new password, the apps restart, the old one is gone", async () => {
    const run = await rotate(["--yes", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const secret = kubectl.secretData("shop-db")!;
    expect(Object.keys(secret)).toEqual(["password"]);
    const fresh = secret.password!;
    expect(fresh).toMatch(/^[\w-]{43}$/);
    expect(await canLogIn("app", fresh)).toBe(true);
    expect(await canLogIn("app", OLD)).toBe(false);
    const calls = kubectl.calls().map((c) => c.argv.slice(2).join(" "));
    expect(calls.filter((c) => c.startsWith("rollout"))).toEqual([
      "rollout restart deployment/web",
      "rollout status deployment/web --timeout=300s",
      "rollout restart deployment/worker",
      "rollout status deployment/worker --timeout=300s",
    ]);
    // The old value was kept under password-previous until the end, then removed.
    const patches = kubectl
      .calls()
      .filter((c) => c.argv.includes("patch"))
      .map((c) => JSON.parse(c.stdin!).data);
    expect(patches.map((p) => Object.keys(p))).toEqual([
      ["password-previous"],
      ["password"],
      ["password-previous"],
    ]);
    expect(patches[2]).toEqual({ "password-previous": null });
    // The server saw the verifier, never the plaintext.
    expect(serverLog()).toMatch(/ALTER ROLE "app" PASSWORD 'SCRAM-SHA-256\$4096:/);
    expectNoPassword(run, [OLD], [fresh]);
    expect(JSON.parse(run.stdout).result).toMatchObject({
      role: "app",
      restarted: ["deployment/web", "deployment/worker"],
    });
    kubectl.plantSecret("shop-db", { password: OLD });
    await server.query(`ALTER ROLE app PASSWORD '${OLD}'`);
  });

  it("a rollout that fails puts the old password back in PostgreSQL and the Secret, and restarts again", async () => {
    kubectl.respond([
      { match: ["rollout", "status", "deployment/worker"], stderr: "timed out\n", code: 1 },
      ...rollout(300),
    ]);
    const run = await rotate(["--yes"]);
    expect(run.code).toBe(1);
    expect(kubectl.secretData("shop-db")).toEqual({ password: OLD });
    expect(await canLogIn("app", OLD)).toBe(true);
    const restarts = kubectl
      .calls()
      .filter((c) => c.argv.includes("restart"))
      .map((c) => c.argv.at(-1));
    // web, worker; then the rollback's web (whose wait is the first to fail again here: the
    // scripted worker failure is only for the worker, so the rollback reaches it too).
    expect(restarts.slice(0, 3)).toEqual(["deployment/web", "deployment/worker", "deployment/web"]);
    expect(run.stdout + run.stderr).toMatch(/rolled back|rollback/i);
    const patches = kubectl.calls().filter((c) => c.argv.includes("patch"));
    expectNoPassword(
      run,
      [OLD],
      patches
        .flatMap((c) => Object.values(JSON.parse(c.stdin!).data as Record<string, string | null>))
        .filter((v): v is string => v !== null)
        .map((b64) => Buffer.from(b64, "base64").toString())
        .filter((v) => v !== OLD),
    );
  });

  it("refuses (exit 3) when neither the Secret's value nor the one a killed run kept logs in", async () => {
    kubectl.plantSecret("shop-db", { password: "wrong-1", "password-previous": "wrong-2" });
    // A dry run: a real one cannot even take its lock, which logs in with the Secret's value.
    const run = await rotate(["--dry-run"]);
    expect(run.code).toBe(3);
    expect(run.stdout + run.stderr).toContain(
      "still has the keys of a rotation that did not finish, and PostgreSQL accepts neither value",
    );
    expect(kubectl.secretData("shop-db")).toEqual({
      password: "wrong-1",
      "password-previous": "wrong-2",
    });
    expect(await canLogIn("app", OLD)).toBe(true);
  });
});

describe("rotate-db-password, two login roles", () => {
  it("switches the Secret to the idle role: a client logging in all along never fails", async () => {
    stackPath = stack({ user: "shop_owner", users: ["app_a", "app_b"] });
    kubectl.plantSecret("shop-db", { username: "app_a", password: `${OLD}-app_a` });
    kubectl.respond([
      { match: ["rollout", "restart"], stdout: "restarted\n" },
      { match: ["rollout", "status"], stdout: "successfully rolled out\n", delayMs: 1500 },
    ]);
    // The application: each login reads the Secret as a pod started at that moment would.
    let attempts = 0;
    const failures: string[] = [];
    let stop = false;
    const client = (async () => {
      while (!stop) {
        const { username, password } = kubectl.secretData("shop-db")!;
        attempts++;
        if (!(await canLogIn(username!, password!))) failures.push(username!);
      }
    })();
    const run = await rotate(["--yes"]);
    stop = true;
    await client;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const secret = kubectl.secretData("shop-db")!;
    expect(secret.username).toBe("app_b");
    expect(Object.keys(secret).sort()).toEqual(["password", "username"]);
    expect(await canLogIn("app_b", secret.password!)).toBe(true);
    expect(await canLogIn("app_b", `${OLD}-app_b`)).toBe(false);
    // The role in use before keeps working until the next rotation makes it the idle one.
    expect(await canLogIn("app_a", `${OLD}-app_a`)).toBe(true);
    expect(attempts).toBeGreaterThan(20);
    expect(failures).toEqual([]);
    expectNoPassword(run, [`${OLD}-app_a`], [secret.password!]);
  });
});
