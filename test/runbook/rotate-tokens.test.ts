import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadStack } from "../../lib/model/index.js";
import { deleteByPolicy, scanPolicy } from "../../lib/tokens/policy.js";
import { GUARDIA_BIN, runCli, type CliResult } from "../harness/cli.js";
import { addTokenApi, startDevServer, whoamiStatus } from "../harness/django-apps.js";
import { createDjangoProject, PYTHON, type DjangoProject } from "../harness/django.js";
import type { LongRunning } from "../harness/process.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * rotate-tokens against a real Django + DRF project on a real PostgreSQL: the tokens are made by
 * Django, the policy's deletions are checked in the database, and the tokens are tried against
 * DRF's own TokenAuthentication on Django's dev server. Every token key is read from the
 * database and looked for in every output, audit record, report, --json result and (strace)
 * every process argument: none may appear, except the reissued one, once, on the terminal.
 */

let pgServer: PgServer;
let django: DjangoProject;
let server: LongRunning & { url: string };
let work: string;
const DB = "logistica";

/** Every key the database ever held during the tests (the canary). */
const keys = new Set<string>();

beforeAll(async () => {
  pgServer = await startPostgres();
  django = await createDjangoProject(pgServer, "redis://127.0.0.1:9/0", DB);
  addTokenApi(django);
  await django.manage([
    "shell",
    "-c",
    [
      "from django.contrib.auth.models import User",
      "from rest_framework.authtoken.models import Token",
      "for i in range(20): Token.objects.create(user=User.objects.create_user(f'user{i:02d}'))",
      "User.objects.create_user('nobody')",
    ].join("\n"),
  ]);
  // The policy's subjects: three tokens past 90 days, a user idle for 100 days, one who never
  // logged in since joining 200 days ago; user05's token is one day short of 90.
  await sql(`UPDATE authtoken_token SET created = now() - interval '120 days'
              WHERE user_id IN (SELECT id FROM auth_user WHERE username IN ('user00','user01','user02'))`);
  await sql(
    `UPDATE auth_user SET last_login = now() - interval '1 day' WHERE username <> 'user04'`,
  );
  await sql(
    `UPDATE auth_user SET last_login = now() - interval '100 days' WHERE username = 'user03'`,
  );
  await sql(`UPDATE auth_user SET date_joined = now() - interval '200 days', last_login = NULL
              WHERE username = 'user04'`);
  await sql(`UPDATE authtoken_token SET created = now() - interval '89 days'
              WHERE user_id = (SELECT id FROM auth_user WHERE username = 'user05')`);
  await rememberKeys();
  server = await startDevServer(django);
  work = mkdtempSync(path.join(tmpdir(), "guardia-rotate-tokens-"));
}, 180_000);

afterAll(async () => {
  await server?.stop();
  django?.remove();
  await pgServer?.stop();
});

async function sql<R extends pg.QueryResultRow>(text: string): Promise<R[]> {
  return pgServer.query<R>(text, DB);
}

async function rememberKeys(): Promise<void> {
  for (const row of await sql<{ key: string }>("SELECT key FROM authtoken_token"))
    keys.add(row.key);
}

async function tokenHolders(): Promise<string[]> {
  const rows = await sql<{ username: string }>(
    "SELECT u.username FROM authtoken_token t JOIN auth_user u ON u.id = t.user_id ORDER BY 1",
  );
  return rows.map((r) => r.username);
}

async function keyOf(username: string): Promise<string | undefined> {
  const rows = await sql<{ key: string }>(
    `SELECT t.key FROM authtoken_token t JOIN auth_user u ON u.id = t.user_id WHERE u.username = '${username}'`,
  );
  return rows[0]?.key;
}

function stack(tokens: object = {}): string {
  return writeStackFile({
    name: "logistica",
    environment: "staging",
    namespace: "logistica",
    runtime: "local",
    services: [
      { name: "api", diagnostics: { django: { python: PYTHON } }, local: { cwd: django.dir } },
    ],
    databases: [
      {
        ...{ name: "logistica", engine: "postgres", host: "127.0.0.1", port: pgServer.port },
        ...{ database: DB, user: pgServer.user, usedBy: ["api"] },
        passwordSecret: { name: "logistica-db", key: "password", env: "LOGI_DB_PASSWORD" },
      },
    ],
    tokens: { service: "api", maxAgeDays: 90, inactiveDays: 60, ...tokens },
  });
}

interface Traced extends CliResult {
  readonly execs: string;
  readonly audit: string;
  readonly report: string;
}

let runs = 0;

/** guardia under strace (every execve's arguments), with its audit file and report kept. */
async function guardia(args: string[], options: { terminal?: boolean } = {}): Promise<Traced> {
  const n = runs++;
  const trace = path.join(work, `${n}.strace`);
  const audit = path.join(work, `${n}.audit.jsonl`);
  const report = path.join(work, `${n}.report.md`);
  const strace = ["strace", "-f", "-qq", "-s", "65535", "-e", "trace=execve", "-o", trace];
  const argv = [...args, "--report", report];
  const env = { GUARDIA_AUDIT_FILE: audit, LOGI_DB_PASSWORD: pgServer.password, NO_COLOR: "1" };
  const result = options.terminal
    ? await runCli([], {
        // A pseudo-terminal: what guardia writes to /dev/tty arrives on script's stdout.
        wrapper: [
          "script",
          "-qfec",
          [...strace, process.execPath, GUARDIA_BIN, ...argv].map((a) => `'${a}'`).join(" "),
          "/dev/null",
        ],
        direct: true,
        env,
        timeoutMs: 120_000,
      })
    : await runCli(argv, { wrapper: strace, env, timeoutMs: 120_000 });
  const read = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : "");
  return { ...result, execs: read(trace), audit: read(audit), report: read(report) };
}

/** No key the database ever held in any output, record, report or process argument. */
function expectNoKey(run: Traced, except?: string): void {
  for (const [what, text] of Object.entries({
    stdout: run.stdout,
    stderr: run.stderr,
    audit: run.audit,
    report: run.report,
    argv: run.execs,
  })) {
    for (const key of keys) {
      if (key !== except) expect(text.includes(key), `a token key in ${what}`).toBe(false);
    }
  }
  expect(run.execs).toContain("execve(");
  expect(run.audit).toContain("guardia.audit.v1");
}

const POLICY_SUBJECTS = ["user00", "user01", "user02", "user03", "user04"];

describe("rotate-tokens: the stack's policy", () => {
  it("a dry run shows the count and the users, and changes nothing", async () => {
    const before = await tokenHolders();
    const run = await guardia(["rotate-tokens", "--stack", stack(), "--dry-run"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("5 of 20 token(s) named by the policy");
    const ids = await sql<{ id: number; username: string }>(
      `SELECT id, username FROM auth_user WHERE username IN ('${POLICY_SUBJECTS.join("','")}') ORDER BY id`,
    );
    expect(run.stdout).toContain(`users=${ids.map((u) => `${u.id} ${u.username}`).join(", ")}`);
    expect(await tokenHolders()).toEqual(before);
    expectNoKey(run);
  });

  it("the cap refuses an over-broad run with exit 3, and its dry run says why", async () => {
    const capped = stack({ maxCount: 3 });
    const dry = await guardia(["rotate-tokens", "--stack", capped, "--dry-run"]);
    expect(dry.stdout).toContain(
      "over the cap: 5 tokens is more than maxCount (3), so the run refuses without --allow-over-cap",
    );
    const before = await tokenHolders();
    const run = await guardia(["rotate-tokens", "--stack", capped, "--yes", "--json"]);
    expect(run.code, run.stderr).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: "refused", exitCode: 3 });
    expect(run.stdout).toContain("over the cap: 5 tokens is more than maxCount (3)");
    expect(await tokenHolders()).toEqual(before);
    expectNoKey(run);
  });

  it("the run deletes exactly the tokens the policy names; the audit keeps ids and counts", async () => {
    const before = await tokenHolders();
    const capped = stack({ maxCount: 3 });
    const run = await guardia([
      "rotate-tokens",
      "--stack",
      capped,
      "--yes",
      "--allow-over-cap",
      "--json",
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(await tokenHolders()).toEqual(before.filter((u) => !POLICY_SUBJECTS.includes(u)));
    const ids = (
      await sql<{ id: number }>(
        `SELECT id FROM auth_user WHERE username IN ('${POLICY_SUBJECTS.join("','")}') ORDER BY id`,
      )
    ).map((r) => r.id);
    expect(JSON.parse(run.stdout).result).toEqual({
      total: 20,
      planned: ids,
      deleted: ids,
      kept: [],
    });
    const audit = JSON.parse(run.audit.trim()) as { steps: { summary?: string }[] };
    expect(audit.steps[1]!.summary).toBe(`deleted the tokens of 5 user(s): ids ${ids.join(", ")}`);
    expectNoKey(run);
    const again = await guardia(["rotate-tokens", "--stack", stack(), "--yes"]);
    expect(again.code, again.stderr).toBe(0);
    expect(await tokenHolders()).toHaveLength(15);
  });

  it("the transaction applies the policy again: a token renewed since the plan stays", async () => {
    await django.manage([
      "shell",
      "-c",
      "from django.contrib.auth.models import User\nfrom rest_framework.authtoken.models import Token\nfor n in ['late1','late2']: Token.objects.create(user=User.objects.create_user(n))",
    ]);
    await sql(`UPDATE authtoken_token SET created = now() - interval '100 days'
                WHERE user_id IN (SELECT id FROM auth_user WHERE username IN ('late1','late2'))`);
    await sql(`UPDATE auth_user SET last_login = now() WHERE username IN ('late1','late2')`);
    await rememberKeys();
    const policy = loadStack(stack()).platform.tokens!;
    const { port, user, password } = pgServer;
    const client = new pg.Client({ host: "127.0.0.1", port, user, password, database: DB });
    await client.connect();
    try {
      const scan = await scanPolicy(client, policy);
      expect(scan.holders.map((h) => h.username)).toEqual(["late1", "late2"]);
      // late2 renews its token between the plan and the deletion.
      await sql(`UPDATE authtoken_token SET created = now()
                  WHERE user_id = (SELECT id FROM auth_user WHERE username = 'late2')`);
      const deletion = await deleteByPolicy(
        client,
        policy,
        scan.holders.map((h) => h.id),
        false,
      );
      expect(deletion).toEqual({ deleted: [scan.holders[0]!.id], kept: [scan.holders[1]!.id] });
    } finally {
      await client.end();
    }
    expect(await tokenHolders()).toContain("late2");
    expect(await tokenHolders()).not.toContain("late1");
  });
});

describe("rotate-tokens --user: a leaked token", () => {
  it("revokes one user's token at once: DRF answers 401 to it", async () => {
    const old = (await keyOf("user10"))!;
    expect(await whoamiStatus(server.url, old)).toBe(200);
    const run = await guardia(["rotate-tokens", "--stack", stack(), "--user", "user10", "--yes"]);
    expect(run.code, run.stderr).toBe(0);
    expect(await keyOf("user10")).toBeUndefined();
    expect(await whoamiStatus(server.url, old)).toBe(401);
    expectNoKey(run);
  });

  it("refuses --reissue without a terminal to show the token on (exit 2), before any change", async () => {
    const old = (await keyOf("user11"))!;
    const run = await guardia([
      "rotate-tokens",
      "--stack",
      stack(),
      "--user",
      "user11",
      "--reissue",
      "--yes",
    ]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain("--reissue shows the new token on your terminal only");
    expect(await keyOf("user11")).toBe(old);
  });

  it("--reissue: Django makes the new token, shown once on the terminal only; DRF takes it, not the old", async () => {
    const old = (await keyOf("user12"))!;
    const run = await guardia(
      ["rotate-tokens", "--stack", stack(), "--user", "user12", "--reissue", "--yes", "--json"],
      { terminal: true },
    );
    const fresh = (await keyOf("user12"))!;
    keys.add(fresh);
    expect(run.code, run.stdout).toBe(0);
    expect(fresh).toMatch(/^[0-9a-f]{40}$/);
    expect(fresh).not.toBe(old);
    expect(await whoamiStatus(server.url, fresh)).toBe(200);
    expect(await whoamiStatus(server.url, old)).toBe(401);
    // On the terminal exactly once; the --json line, the audit and the report never hold it.
    expect(run.stdout.split(fresh)).toHaveLength(2);
    const json = run.stdout.split(/\r?\n/).find((l) => l.startsWith("{"))!;
    expect(JSON.parse(json)).toMatchObject({
      outcome: "done",
      result: { user: { username: "user12" }, revoked: true, reissued: true },
    });
    expect(json).not.toContain(fresh);
    expectNoKey(run, fresh);
    for (const text of [run.audit, run.report, run.execs]) expect(text).not.toContain(fresh);
    expect(run.execs).toMatch(
      /execve\("[^"]*python3", \[[^\]]*"drf_create_token", "-r", "user12"\]/,
    );
  });
});
