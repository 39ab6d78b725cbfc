import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, startNocoBase, type NocoBaseServer } from "../harness/nocobase.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { flowOf, runSmoke, stepStates } from "./helpers.js";

/**
 * The MIRA operations guide's "Verificar funcionalidad" (Backup y Recovery, scenario 2, step 5)
 * against a real NocoBase on loopback: sign in with X-Authenticator: basic, list onco_casos.
 * A refused sign-in and a collection whose table is gone (the server still up) each fail their
 * own step with NocoBase's answer.
 */

const ENV = { SMOKE_ACCOUNT: ROOT.username, SMOKE_PASSWORD: ROOT.password };

let pg: PgServer;
let noco: NocoBaseServer;

beforeAll(async () => {
  pg = await startPostgres();
  noco = await startNocoBase(pg, "mira");
  await noco.api("POST", "collections:create", {
    name: "onco_casos",
    title: "Casos oncológicos",
    fields: [{ name: "diagnostico", type: "string", interface: "input" }],
  });
  await noco.api("POST", "onco_casos:create", { diagnostico: "C50.9" });
}, 300_000);

afterAll(async () => {
  await noco?.stop();
  await pg?.stop();
});

function oncologyCases() {
  return {
    name: "oncology-cases",
    service: "nocobase",
    secrets: {
      account: { name: "mira-smoke", key: "username", env: "SMOKE_ACCOUNT" },
      password: { name: "mira-smoke", key: "password", env: "SMOKE_PASSWORD" },
    },
    steps: [
      {
        name: "sign-in",
        request: {
          method: "POST",
          url: `${noco.apiUrl}/auth:signIn`,
          headers: { "X-Authenticator": "basic" },
          json: { account: "${account}", password: "${password}" },
        },
        capture: { token: { json: "data.token" } },
      },
      {
        name: "list-cases",
        request: {
          url: `${noco.apiUrl}/onco_casos:list?pageSize=1`,
          headers: { Authorization: "Bearer ${token}" },
        },
        expect: { json: [{ path: "data[0].diagnostico", equals: "C50.9" }] },
      },
    ],
  };
}

const stack = (flow: object) => ({
  ...{ name: "mira", environment: "staging", namespace: "mira", runtime: "local" },
  services: [{ name: "nocobase" }],
  smokeFlows: { flows: [flow] },
});

describe("smoke flows against a real NocoBase", () => {
  it("signs in and lists onco_casos", async () => {
    const run = await runSmoke(stack(oncologyCases()), {}, ENV);
    expect(run.exitCode, run.error).toBe(0);
    const flow = flowOf(run, "oncology-cases");
    expect(stepStates(flow)).toEqual(["sign-in: PASS", "list-cases: PASS"]);
    expect(run.steps[0]!.action?.call).toContain(
      `POST ${noco.apiUrl}/auth:signIn [X-Authenticator: basic] json {"account":"<account>","password":"<password>"}`,
    );
  });

  it("a refused sign-in fails at sign-in, with NocoBase's reason", async () => {
    const run = await runSmoke(
      stack(oncologyCases()),
      {},
      { ...ENV, SMOKE_PASSWORD: "wrong-pw-77" },
    );
    expect(run.exitCode).toBe(1);
    const flow = flowOf(run, "oncology-cases");
    expect(stepStates(flow)).toEqual(["sign-in: FAIL"]);
    expect(flow.failure).toMatch(/^step sign-in: HTTP 401, expected 200: .*incorrect/i);
  });

  it("a collection whose table is gone (NocoBase still up) fails at list-cases", async () => {
    await pg.query("ALTER TABLE onco_casos RENAME TO onco_casos_moved", noco.database);
    try {
      const run = await runSmoke(stack(oncologyCases()), {}, ENV);
      expect(run.exitCode).toBe(1);
      const flow = flowOf(run, "oncology-cases");
      expect(stepStates(flow)).toEqual(["sign-in: PASS", "list-cases: FAIL"]);
      expect(flow.failure).toBe(
        'step list-cases: HTTP 400, expected 200: {"errors":[{"message":"Invalid SQL column or table reference"}]}',
      );
    } finally {
      await pg.query("ALTER TABLE onco_casos_moved RENAME TO onco_casos", noco.database);
    }
  });
});
