import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installFakeKubectl, type FakeKubectl } from "../fakes/fake-kubectl.js";
import { runCli } from "../harness/cli.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * The daily routine on a cluster stack reads the error lines of every pod of a service's workload
 * with `kubectl logs --all-pods` (the recording kubectl fake stands in for the API server, which
 * cannot run here): the planted ERROR lines are counted, grouped and shown, and the command the
 * report names is the one that ran.
 */

let kubectl: FakeKubectl;
let work: string;
let stack: string;

const POD_LOGS = [
  "[pod/api-7d9f-abc/api] 2026-12-01T06:00:01Z INFO GET /api/orders 200",
  "[pod/api-7d9f-abc/api] 2026-12-01T06:10:02Z ERROR order 1841: carrier API timed out",
  "[pod/api-7d9f-def/api] 2026-12-01T06:11:03Z ERROR order 1842: carrier API timed out",
  '[pod/api-7d9f-def/api] {"level": "error", "msg": "payment webhook rejected"}',
  "[pod/api-7d9f-def/api] 2026-12-01T06:12:00Z WARNING slow query",
].join("\n");

beforeAll(() => {
  kubectl = installFakeKubectl();
  work = mkdtempSync(path.join(tmpdir(), "guardia-routine-cluster-"));
  stack = writeStackFile(
    {
      name: "logistica",
      environment: "staging",
      namespace: "logistica",
      services: [{ name: "api", workload: "deployment/api", container: "api" }],
      routine: { receivers: [] },
    },
    "logistica-staging-cluster",
  );
});

afterAll(() => kubectl?.cleanup());

describe("routine on a cluster stack", () => {
  it("counts the error lines of every pod of the workload, through kubectl logs", async () => {
    kubectl.respond([{ match: ["logs", "deployment/api"], stdout: `${POD_LOGS}\n` }]);
    const run = await runCli(
      ["routine", "--stack", stack, "--period", "daily", "--yes", "--json"],
      { cwd: work, env: { ...kubectl.env(), GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl") } },
    );
    const { result } = JSON.parse(run.stdout) as {
      result: { items: { id: string; verdict: string; summary: string; evidence?: string }[] };
    };
    const logs = result.items.find((i) => i.id === "error-logs/api");
    expect(logs, run.stderr).toMatchObject({ verdict: "attention" });
    expect(logs!.summary).toMatch(/^3 error line\(s\) in the last 24 h/);
    expect(logs!.evidence).toMatch(/^\s+2 × .*carrier API timed out/m);
    expect(logs!.evidence).toMatch(/payment webhook rejected/);
    const call = kubectl.calls().find((c) => c.argv.includes("logs"))!;
    expect(call.argv).toEqual(
      expect.arrayContaining([
        "logs",
        "deployment/api",
        "--all-pods=true",
        "-c",
        "api",
        "--prefix=true",
        "--since=86400s",
      ]),
    );
  });

  it("a kubectl that cannot read the logs fails that item, with kubectl's own words", async () => {
    kubectl.respond([
      {
        match: ["logs", "deployment/api"],
        stderr: 'Error from server (Forbidden): pods "api-7d9f-abc" is forbidden',
        code: 1,
      },
    ]);
    const run = await runCli(
      ["routine", "--stack", stack, "--period", "daily", "--yes", "--json"],
      { cwd: work, env: { ...kubectl.env(), GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl") } },
    );
    const { result } = JSON.parse(run.stdout) as {
      result: { items: { id: string; verdict: string; summary: string }[] };
    };
    const logs = result.items.find((i) => i.id === "error-logs/api");
    expect(logs).toMatchObject({ verdict: "failed" });
    expect(logs!.summary).toMatch(/Forbidden/);
  });
});
