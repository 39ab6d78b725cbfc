import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../harness/cli.js";
import { startDjangoApi, type DjangoApi } from "../harness/django-api.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { startSpa, type SpaServer } from "../harness/spa.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * The daily routine runs the stack's smoke flows through the runner of `guardia smoke`, one
 * checklist item each: a real Django + DRF backend on loopback (token login, whoami, a list) and
 * a single-page app whose dashboard shows in Debian's Chromium only after its script logged in.
 * A login the server refuses fails the item, named in the report's problems; without Chromium
 * the browser step goes unchecked and the item says so; a writing flow is only listed by a dry
 * run.
 */

const DB = "logistica_api";
const USER = "daily-checker";
const PASSWORD = "Routine-Pass-5521-canary";

interface Item {
  id: string;
  verdict: string;
  summary: string;
  evidence?: string;
  data?: { steps: { step: string; ok: boolean; kind: string; screenshot?: string }[] };
}

let pg: PgServer;
let api: DjangoApi;
let spa: SpaServer;
let work: string;

beforeAll(async () => {
  pg = await startPostgres();
  [api, spa] = await Promise.all([startDjangoApi(pg, DB), startSpa(USER, PASSWORD)]);
  await api.createUser(USER, PASSWORD);
  work = mkdtempSync(path.join(tmpdir(), "guardia-routine-smoke-"));
}, 180_000);

afterAll(async () => {
  await spa?.stop();
  await api?.stop();
  await pg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const secrets = {
  user: { name: "smoke", key: "username", env: "SMOKE_USER" },
  password: { name: "smoke", key: "password", env: "SMOKE_PASSWORD" },
};
const token = { Authorization: "Token ${token}" };

function tokenAuth() {
  return {
    name: "token-auth",
    service: "api",
    secrets,
    steps: [
      {
        name: "obtain-token",
        request: {
          method: "POST",
          url: `${api.url}/api/v1/auth/token/`,
          form: { username: "${user}", password: "${password}" },
        },
        capture: { token: { json: "token" } },
      },
      {
        name: "whoami",
        request: { url: `${api.url}/api/v1/whoami`, headers: token },
        expect: { json: [{ path: "username", equals: "${user}" }] },
      },
      {
        name: "groups",
        request: { url: `${api.url}/api/v1/groups/`, headers: token },
        expect: { json: [{ path: "count" }] },
      },
    ],
  };
}

function dashboard() {
  return {
    name: "dashboard",
    service: "frontend",
    secrets,
    steps: [
      {
        name: "page",
        browser: {
          url: `${spa.url}/`,
          fill: [
            { selector: "#username", value: "${user}" },
            { selector: "#password", value: "${password}" },
          ],
          click: "#sign-in",
          visible: "#dashboard",
          timeoutMs: 30_000,
        },
      },
    ],
  };
}

/** Creates a group and deletes it again: a flow that writes. */
function groupRoundTrip() {
  return {
    name: "group-round-trip",
    service: "api",
    secrets,
    steps: [
      tokenAuth().steps[0],
      {
        name: "create-group",
        request: {
          method: "POST",
          url: `${api.url}/api/v1/groups/`,
          headers: token,
          json: { name: "routine-${runId}" },
        },
        expect: { status: 201 },
        capture: { groupId: { json: "id", secret: false } },
        writes: true,
        cleanup: { method: "DELETE", url: `${api.url}/api/v1/groups/\${groupId}/`, headers: token },
      },
    ],
  };
}

function stack(flows: object[]): string {
  return writeStackFile(
    {
      name: "logistica",
      environment: "staging",
      namespace: "logistica",
      runtime: "local",
      services: [{ name: "api" }, { name: "frontend" }],
      smokeFlows: { flows },
      routine: {},
    },
    "logistica-staging",
  );
}

async function routine(file: string, extra: string[] = [], env: Record<string, string> = {}) {
  const result = await runCli(
    ["routine", "--stack", file, "--period", "daily", "--yes", ...extra],
    {
      env: {
        SMOKE_USER: USER,
        SMOKE_PASSWORD: PASSWORD,
        GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl"),
        XDG_STATE_HOME: path.join(work, "state"),
        ...env,
      },
      timeoutMs: 240_000,
    },
  );
  for (const canary of [PASSWORD, ...spa.tokens])
    expect(result.stdout + result.stderr).not.toContain(canary);
  return result;
}

async function items(file: string, env: Record<string, string> = {}, extra: string[] = []) {
  const result = await routine(file, ["--json", ...extra], env);
  expect(result.code, result.stderr).toBe(0);
  const json = JSON.parse(result.stdout) as { result: { items: Item[] } };
  return (id: string) => {
    const found = json.result.items.find((i) => i.id === id);
    if (!found) throw new Error(`no item ${id}: ${result.stdout}`);
    return found;
  };
}

describe("the daily routine runs the smoke flows", () => {
  it("API flow and dashboard pass: ok items with each step, the screenshot linked from --report", async () => {
    const report = path.join(work, "daily.md");
    const item = await items(stack([tokenAuth(), dashboard()]), {}, ["--report", report]);
    const api = item("smoke/token-auth");
    expect(api.verdict, api.summary).toBe("ok");
    expect(api.summary).toMatch(/^3 step\(s\) passed in [\d.]+ s$/);
    expect(api.data!.steps.map((s) => `${s.step}: ${s.ok}`)).toEqual([
      "obtain-token: true",
      "whoami: true",
      "groups: true",
    ]);
    expect(api.evidence).toMatch(/PASS\s+token-auth\s+whoami\s+200/);
    const page = item("smoke/dashboard");
    expect(page.verdict, page.summary).toBe("ok");
    expect(existsSync(page.data!.steps[0]!.screenshot!)).toBe(true);
    // The evidence report links the screenshot, copied beside it.
    const link = /!\[[^\]]*\]\(<([^>]+\.png)>\)/.exec(readFileSync(report, "utf8"))?.[1];
    expect(link).toBe("daily-dashboard-page.png");
    expect(existsSync(path.join(work, link!))).toBe(true);
  }, 300_000);

  it("a login the server refuses fails the item, first among the report's problems", async () => {
    await pg.query(`UPDATE auth_user SET is_active = false WHERE username = '${USER}'`, DB);
    try {
      const result = await routine(stack([tokenAuth()]));
      // Problems are the report's verdicts: the run itself succeeded.
      expect(result.code, result.stderr).toBe(0);
      const problems = result.stdout.slice(
        result.stdout.indexOf("## Problems"),
        result.stdout.indexOf("## The rest"),
      );
      expect(problems).toContain("### FAILED: Smoke flow token-auth (api)");
      expect(problems).toMatch(
        /FAILED at step obtain-token: HTTP 400, expected 200: .*Unable to log in/,
      );
      expect(problems).toMatch(/FAIL\s+token-auth\s+obtain-token\s+400/);
      expect(problems).toContain("INATrace operations manual, 2.1 Verificación de Salud");
    } finally {
      await pg.query(`UPDATE auth_user SET is_active = true WHERE username = '${USER}'`, DB);
    }
  }, 300_000);

  it("without Chromium the browser step is not run, and the item asks for attention", async () => {
    const missing = path.join(work, "no-chromium");
    const item = await items(stack([dashboard()]), { GUARDIA_CHROMIUM: missing });
    expect(item("smoke/dashboard")).toMatchObject({
      verdict: "attention",
      summary: expect.stringMatching(
        `^0 step\\(s\\) passed, 1 not run in [\\d.]+ s; the browser step\\(s\\) went unchecked: no Chromium at ${missing}$`,
      ) as string,
    });
  }, 300_000);

  it("a dry run lists a writing flow with its requests and sends nothing", async () => {
    const sequence = async () =>
      (await pg.query<{ v: string }>("SELECT last_value::text AS v FROM auth_group_id_seq", DB))[0]!
        .v;
    const before = await sequence();
    const result = await routine(stack([groupRoundTrip()]), ["--dry-run"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`POST ${api.url}/api/v1/groups/`);
    expect(result.stdout).toContain(`cleanup, last: DELETE ${api.url}/api/v1/groups/<groupId>/`);
    expect(await sequence()).toBe(before);
  }, 300_000);
});
