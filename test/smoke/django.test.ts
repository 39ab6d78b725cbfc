import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDjangoApi, type DjangoApi } from "../harness/django-api.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { flowOf, runSmoke, stepStates } from "./helpers.js";

/**
 * The logistics support plan's flow against a real Django + DRF backend on loopback: obtain a
 * token, whoami, a list; and a writing flow whose cleanup must run when a later step fails.
 * Breaking the login or the list endpoint on the server makes that very step fail, saying why.
 */

const DB = "logistica_api";
const USER = "smoke-operator";
const PASSWORD = "Smoke-Pass-4417-canary";
const ENV = { SMOKE_USER: USER, SMOKE_PASSWORD: PASSWORD };

let pg: PgServer;
let api: DjangoApi;

beforeAll(async () => {
  pg = await startPostgres();
  api = await startDjangoApi(pg, DB);
  await api.createUser(USER, PASSWORD);
}, 180_000);

afterAll(async () => {
  await api?.stop();
  await pg?.stop();
});

const secrets = {
  user: { name: "logistica-smoke", key: "username", env: "SMOKE_USER" },
  password: { name: "logistica-smoke", key: "password", env: "SMOKE_PASSWORD" },
};

function tokenSteps(url: string) {
  return [
    {
      name: "obtain-token",
      request: {
        method: "POST",
        url: `${url}/api/v1/auth/token/`,
        form: { username: "${user}", password: "${password}" },
      },
      capture: { token: { json: "token" } },
    },
  ];
}

function stack(flows: object[], extra: object = {}) {
  return {
    ...{ name: "logistica", environment: "staging", namespace: "logistica", runtime: "local" },
    services: [{ name: "api" }],
    smokeFlows: { flows, ...extra },
  };
}

function tokenAuth(url: string) {
  const auth = { Authorization: "Token ${token}" };
  return {
    name: "token-auth",
    service: "api",
    secrets,
    steps: [
      ...tokenSteps(url),
      {
        name: "whoami",
        request: { url: `${url}/api/v1/whoami`, headers: auth },
        expect: { json: [{ path: "username", equals: "${user}" }] },
      },
      {
        name: "groups",
        request: { url: `${url}/api/v1/groups/`, headers: auth },
        expect: { json: [{ path: "results" }, { path: "count" }] },
      },
    ],
  };
}

/** Creates a group, reads it back, then checks something false: the cleanup must still run. */
function groupRoundTrip(url: string, failing: boolean) {
  const auth = { Authorization: "Token ${token}" };
  return {
    name: "group-round-trip",
    service: "api",
    secrets,
    steps: [
      ...tokenSteps(url),
      {
        name: "create-group",
        request: {
          method: "POST",
          url: `${url}/api/v1/groups/`,
          headers: auth,
          json: { name: "smoke-${runId}" },
        },
        expect: { status: 201 },
        capture: { groupId: { json: "id", secret: false } },
        writes: true,
        cleanup: {
          method: "DELETE",
          url: `${url}/api/v1/groups/\${groupId}/`,
          headers: auth,
        },
      },
      {
        name: "read-back",
        request: { url: `${url}/api/v1/groups/\${groupId}/`, headers: auth },
        expect: {
          json: [{ path: "name", equals: failing ? "not-what-was-created" : "smoke-${runId}" }],
        },
      },
    ],
  };
}

const groups = async () =>
  (await pg.query<{ n: string }>("SELECT count(*)::text AS n FROM auth_group", DB))[0]!.n;
const groupSequence = async () =>
  (
    await pg.query<{ v: string }>(
      "SELECT (CASE WHEN is_called THEN last_value ELSE 0 END)::text AS v FROM auth_group_id_seq",
      DB,
    )
  )[0]!.v;

describe("smoke flows against a real Django + DRF backend", () => {
  it("token auth, whoami and a list pass, each step timed", async () => {
    const run = await runSmoke(stack([tokenAuth(api.url)]), {}, ENV);
    expect(run.exitCode, run.error).toBe(0);
    const flow = flowOf(run, "token-auth");
    expect(stepStates(flow)).toEqual(["obtain-token: PASS", "whoami: PASS", "groups: PASS"]);
    expect(flow.steps.map((s) => s.status)).toEqual([200, 200, 200]);
    for (const step of flow.steps) expect(step.durationMs).toBeGreaterThan(0);
    expect(run.steps[0]!.action?.call).toContain(
      `GET ${api.url}/api/v1/whoami [Authorization: Token <token>] → expect 200, username = "<user>"`,
    );
  });

  it("a login the server refuses fails at obtain-token, with DRF's reason", async () => {
    await pg.query(`UPDATE auth_user SET is_active = false WHERE username = '${USER}'`, DB);
    try {
      const run = await runSmoke(stack([tokenAuth(api.url)]), {}, ENV);
      expect(run.exitCode).toBe(1);
      const flow = flowOf(run, "token-auth");
      expect(stepStates(flow)).toEqual(["obtain-token: FAIL"]);
      expect(flow.failure).toMatch(
        /^step obtain-token: HTTP 400, expected 200: .*Unable to log in with provided credentials/,
      );
      expect(run.error).toContain("token-auth: step obtain-token: HTTP 400");
    } finally {
      await pg.query(`UPDATE auth_user SET is_active = true WHERE username = '${USER}'`, DB);
    }
  });

  it("a list endpoint that errors (the server still up) fails at its own step", async () => {
    await pg.query("ALTER TABLE auth_group RENAME TO auth_group_moved", DB);
    try {
      const run = await runSmoke(stack([tokenAuth(api.url)]), {}, ENV);
      expect(run.exitCode).toBe(1);
      const flow = flowOf(run, "token-auth");
      expect(stepStates(flow)).toEqual(["obtain-token: PASS", "whoami: PASS", "groups: FAIL"]);
      expect(flow.failure).toMatch(/^step groups: HTTP 500, expected 200/);
    } finally {
      await pg.query("ALTER TABLE auth_group_moved RENAME TO auth_group", DB);
    }
  });

  it("a writing step's cleanup runs when a later step fails: the row is gone", async () => {
    const [before, sequenceBefore] = [await groups(), await groupSequence()];
    const run = await runSmoke(stack([groupRoundTrip(api.url, true)]), {}, ENV);
    expect(run.exitCode).toBe(1);
    const flow = flowOf(run, "group-round-trip");
    expect(stepStates(flow)).toEqual([
      "obtain-token: PASS",
      "create-group: PASS",
      "read-back: FAIL",
      "create-group (cleanup): PASS",
    ]);
    expect(flow.failure).toMatch(
      /^step read-back: name is "smoke-[0-9a-f]{8}", expected "not-what-was-created"$/,
    );
    expect(flow.steps.map((s) => s.status)).toEqual([200, 201, 200, 204]);
    // A row was inserted (the sequence moved) and deleted again.
    expect(Number(await groupSequence())).toBeGreaterThan(Number(sequenceBefore));
    expect(await groups()).toBe(before);
    expect(run.steps[0]!.kind).toBe("change");
    expect(run.steps[0]!.action?.call).toContain(
      `cleanup, last: DELETE ${api.url}/api/v1/groups/<groupId>/ [Authorization: Token <token>]`,
    );
  });

  it("a passing writing flow cleans up too", async () => {
    const before = await groups();
    const run = await runSmoke(stack([groupRoundTrip(api.url, false)]), {}, ENV);
    expect(run.exitCode, run.error).toBe(0);
    expect(stepStates(flowOf(run, "group-round-trip")).at(-1)).toBe("create-group (cleanup): PASS");
    expect(await groups()).toBe(before);
  });

  it("a stack that does not allow writes skips the writing flow and writes nothing", async () => {
    const sequenceBefore = await groupSequence();
    const flows = [tokenAuth(api.url), groupRoundTrip(api.url, false)];
    const run = await runSmoke(stack(flows, { allowWrites: false }), {}, ENV);
    expect(run.exitCode, run.error).toBe(0);
    expect(flowOf(run, "group-round-trip").skipped).toMatch(/allowWrites: false/);
    expect(stepStates(flowOf(run, "token-auth"))).toHaveLength(3);
    expect(await groupSequence()).toBe(sequenceBefore);
  });

  it("a dry run runs the flows that only read and prints the writing one", async () => {
    const sequenceBefore = await groupSequence();
    const flows = [tokenAuth(api.url), groupRoundTrip(api.url, false)];
    const run = await runSmoke(stack(flows), {}, ENV, { dryRun: true });
    expect(run.exitCode, run.error).toBe(0);
    expect(run.steps.map((s) => [s.kind, s.status])).toEqual([
      ["read", "ok"],
      ["change", "planned"],
      ["read", "ok"],
    ]);
    expect(await groupSequence()).toBe(sequenceBefore);
  });

  it("--flow and --service choose; unknown names are bad input", async () => {
    const flows = [tokenAuth(api.url), groupRoundTrip(api.url, false)];
    const one = await runSmoke(stack(flows), { flow: "token-auth" }, ENV);
    expect(one.result.flows.map((f) => f.flow)).toEqual(["token-auth"]);
    const unknown = await runSmoke(stack(flows), { flow: "nope" }, ENV);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.error).toBe(
      '--flow: no smoke flow "nope" in this stack (flows: token-auth, group-round-trip)',
    );
    const service = await runSmoke(stack(flows), { service: "web" }, ENV);
    expect(service.exitCode).toBe(2);
    expect(service.error).toMatch(/^--service: no service "web" in this stack/);
  });
});
