import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { installFakeKubectl, type FakeKubectl } from "../fakes/fake-kubectl.js";
import { GUARDIA_BIN, runCli } from "../harness/cli.js";
import { startHttpServer, type HttpServer } from "../harness/http.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * restart-service as an engineer runs it, on a cluster stack whose kubectl is the recording
 * fake (no API server runs here) and whose health URL is a real HTTP service on loopback.
 */

let web: HttpServer;
let kubectl: FakeKubectl;
let stackFile: string;
let work: string;

const DEPLOYMENT = {
  spec: { replicas: 2, selector: { matchLabels: { app: "web" } } },
  status: { readyReplicas: 2 },
};
const HEALTHY_ROLLOUT = [
  { match: ["get", "deployment/web"], stdout: JSON.stringify(DEPLOYMENT) },
  { match: ["rollout", "restart"], stdout: "deployment.apps/web restarted\n" },
  { match: ["rollout", "status"], stdout: 'deployment "web" successfully rolled out\n' },
];
const MUTATING = /rollout restart|create -f -|replace -f -|delete lease/;

beforeAll(async () => {
  web = await startHttpServer("ok");
  stackFile = writeStackFile(
    {
      name: "shop",
      environment: "prod",
      namespace: "shop",
      services: [
        { name: "web", workload: "deployment/web", health: [{ url: `${web.url}/health` }] },
      ],
      alerting: {
        receivers: [{ name: "chat", type: "webhook", urlSecret: { name: "alerting", key: "url" } }],
      },
    },
    "shop-prod",
  );
});

afterAll(async () => {
  await web.stop();
});

beforeEach(() => {
  kubectl?.cleanup();
  kubectl = installFakeKubectl();
  kubectl.respond(HEALTHY_ROLLOUT);
  work = mkdtempSync(path.join(tmpdir(), "guardia-restart-"));
});

const env = () => ({ ...kubectl.env(), GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl") });
const calls = () => kubectl.calls().map((c) => c.argv.join(" "));
const restart = (...extra: string[]) =>
  runCli(
    ["restart-service", "--stack", stackFile, "--service", "web", "--timeout", "5", ...extra],
    { env: env() },
  );

describe("restart-service", () => {
  it("--dry-run runs no mutating command and names the exact kubectl command and target", async () => {
    const result = await restart("--dry-run", "--plan", path.join(work, "plan.md"));
    expect(result.code).toBe(0);
    expect(calls()).toEqual(["--namespace shop get deployment/web -o json"]);
    expect(result.stdout).toContain("$ kubectl --namespace shop rollout restart deployment/web");
    expect(result.stdout).toContain(
      "target: stack=shop-prod, namespace=shop, workload=deployment/web",
    );
    expect(result.stdout).toContain(
      "$ kubectl --namespace shop rollout status deployment/web --timeout=5s",
    );
    expect(readFileSync(path.join(work, "plan.md"), "utf8")).toContain(
      "kubectl --namespace shop rollout restart deployment/web",
    );
  });

  it("--dry-run --json gives the plan as data", async () => {
    const result = await restart("--dry-run", "--json");
    const plan = JSON.parse(result.stdout) as {
      dryRun: boolean;
      steps: { kind: string; status: string; action?: { command?: { argv: string[] } } }[];
    };
    expect(plan.dryRun).toBe(true);
    expect(plan.steps.map((s) => [s.kind, s.status])).toEqual([
      ["read", "ok"],
      ["change", "planned"],
      ["verify", "planned"],
      ["verify", "planned"],
    ]);
    expect(plan.steps[1]!.action?.command).toEqual({
      argv: ["kubectl", "--namespace", "shop", "rollout", "restart", "deployment/web"],
    });
  });

  it("with no terminal and no --yes it refuses (exit 3) and changes nothing", async () => {
    const result = await restart();
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("refusing to run 1 mutating step(s) without confirmation");
    expect(calls().filter((c) => MUTATING.test(c))).toEqual([]);
  });

  it("refuses (exit 3) while another operator holds the workload's Lease, naming the holder", async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    kubectl.holdLease(
      "guardia-lock-shop-web",
      "alice@example.org (restart-service on shop-prod)",
      since,
    );
    const result = await restart("--yes");
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      `lock "shop-web" is held by alice@example.org (restart-service on shop-prod) since ${since}`,
    );
    expect(calls().some((c) => c.includes("rollout restart"))).toBe(false);
    expect(kubectl.leaseHolder("guardia-lock-shop-web")).toBe(
      "alice@example.org (restart-service on shop-prod)",
    );
  });

  it("takes over a Lease that lapsed (its holder crashed more than two hours ago)", async () => {
    kubectl.holdLease(
      "guardia-lock-shop-web",
      "bob (restart-service on shop-prod)",
      new Date(Date.now() - 3 * 3600_000).toISOString(),
    );
    const result = await restart("--yes");
    expect(result.code).toBe(0);
    expect(calls()).toContain("--namespace shop rollout restart deployment/web");
  });

  it("restarts, waits for the rollout, health-checks, and releases the Lease", async () => {
    const result = await restart("--yes", "--report", path.join(work, "report.md"));
    expect(result.code).toBe(0);
    expect(calls()).toEqual([
      "--namespace shop create -f -",
      "--namespace shop get deployment/web -o json",
      "--namespace shop rollout restart deployment/web",
      "--namespace shop rollout status deployment/web --timeout=5s",
      "--namespace shop get lease guardia-lock-shop-web -o json",
      "--namespace shop replace -f -",
    ]);
    expect(web.requests).toContain("/health");
    const report = readFileSync(path.join(work, "report.md"), "utf8");
    expect(report).toContain("# Evidence: `restart-service` on `shop-prod` — succeeded");
    expect(report).toMatch(
      /Ran, exit 0 \([\d.]+ s\):\n```sh\nkubectl --namespace shop rollout restart deployment\/web\n```/,
    );
    const audit = JSON.parse(readFileSync(path.join(work, "audit.jsonl"), "utf8").trim()) as {
      outcome: string;
      steps: { status: string }[];
    };
    expect(audit.outcome).toBe("done");
    expect(audit.steps.map((s) => s.status)).toEqual(["ok", "ok", "ok", "ok"]);
  });

  it("when the rollout fails it shows pods, events and logs, exits 1 and releases the Lease", async () => {
    kubectl.respond([
      ...HEALTHY_ROLLOUT.filter((r) => r.match[1] !== "status"),
      {
        match: ["rollout", "status"],
        stderr: "error: timed out waiting for the condition\n",
        code: 1,
      },
      { match: ["get", "pods"], stdout: "web-7c9f   0/1   CrashLoopBackOff   5   3m\n" },
      {
        match: ["get", "events"],
        stdout: "Warning  BackOff  pod/web-7c9f  Back-off restarting failed container\n",
      },
      {
        match: ["logs"],
        stdout: "django.db.utils.OperationalError: could not connect to server\n",
      },
    ]);
    const result = await restart("--yes");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "the rollout did not finish: error: timed out waiting for the condition",
    );
    expect(result.stderr).toContain("web-7c9f   0/1   CrashLoopBackOff");
    expect(result.stderr).toContain("Back-off restarting failed container");
    expect(result.stderr).toContain("OperationalError: could not connect to server");
    expect(result.stderr).toContain("left as is: Restart deployment/web");
    expect(calls()).toContain("--namespace shop get pods -l app=web -o wide");
    expect(kubectl.leaseHolder("guardia-lock-shop-web")).toBeUndefined();
  });

  it("SIGTERM mid-rollout stops the step, releases the Lease and records the interruption", async () => {
    kubectl.respond([
      ...HEALTHY_ROLLOUT.filter((r) => r.match[1] !== "status"),
      { match: ["rollout", "status"], stdout: "waiting...\n", delayMs: 60_000 },
    ]);
    const result = await runCli(
      ["restart-service", "--stack", stackFile, "--service", "web", "--timeout", "120", "--yes"],
      {
        env: env(),
        onSpawn: (child) => {
          const waitForRollout = setInterval(() => {
            if (calls().some((c) => c.includes("rollout status"))) {
              clearInterval(waitForRollout);
              child.kill("SIGTERM");
            }
          }, 100);
        },
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("SIGTERM received: stopping the current step and rolling back");
    expect(result.stderr).toContain(
      'step 3 "Wait for the rollout of deployment/web" failed: interrupted (SIGTERM)',
    );
    expect(result.durationMs).toBeLessThan(30_000);
    expect(kubectl.leaseHolder("guardia-lock-shop-web")).toBeUndefined();
    const audit = readFileSync(path.join(work, "audit.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { outcome: string; error: string });
    expect(audit.at(-1)).toMatchObject({
      outcome: "failed",
      error: expect.stringContaining("interrupted (SIGTERM)") as string,
    });
  });

  it("in prod on a terminal the operator types the workload's name; a wrong name changes nothing", async () => {
    // `script` gives the CLI a pseudo-terminal; the answer arrives as typed input.
    const viaTerminal = (answer: string) =>
      runCli([], {
        env: env(),
        input: `${answer}\n`,
        wrapper: [
          "script",
          "-qfec",
          `${process.execPath} ${GUARDIA_BIN} restart-service --stack ${stackFile} --service web --timeout 5`,
          "/dev/null",
        ],
        direct: true,
      });
    const refused = await viaTerminal("web");
    expect(refused.code).toBe(3);
    expect(refused.stdout).toContain(
      "This is PRODUCTION. Type the target's name (deployment/web) to continue:",
    );
    expect(calls().some((c) => c.includes("rollout restart"))).toBe(false);
    const confirmed = await viaTerminal("deployment/web");
    expect(confirmed.code).toBe(0);
    expect(calls()).toContain("--namespace shop rollout restart deployment/web");
  });

  it("on a local stack runs the service's restart command, then health-checks it", async () => {
    const marker = path.join(work, "restarted");
    const localStack = writeStackFile({
      name: "shop",
      environment: "dev",
      namespace: "shop",
      runtime: "local",
      services: [
        {
          name: "web",
          health: [{ url: `${web.url}/health` }],
          local: { cwd: work, restart: `touch ${marker}` },
        },
      ],
    });
    const result = await runCli(
      ["restart-service", "--stack", localStack, "--service", "web", "--yes"],
      {
        env: { GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl"), XDG_STATE_HOME: work },
      },
    );
    expect(result.code).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });
});

describe("restart-service: the service's smoke flows after the health check", () => {
  /** A real service on loopback: health always green; its login works until the test breaks it. */
  let app: HttpServer;
  let loginWorks = true;
  let flowStack: string;

  beforeAll(async () => {
    app = await startHttpServer((req, res) => {
      if (req.url === "/health") return void res.writeHead(200).end("ok");
      if (req.url === "/api/login" && req.method === "POST") {
        if (!loginWorks) return void res.writeHead(401).end('{"detail":"bad credentials"}');
        res.writeHead(200, { "content-type": "application/json" });
        return void res.end('{"token":"tok-restart-7731"}');
      }
      if (req.url === "/api/me" && req.headers.authorization === "Bearer tok-restart-7731") {
        res.writeHead(200, { "content-type": "application/json" });
        return void res.end('{"username":"smoke"}');
      }
      res.writeHead(401).end();
    });
    flowStack = writeStackFile(
      {
        name: "shop",
        environment: "prod",
        namespace: "shop",
        services: [
          { name: "web", workload: "deployment/web", health: [{ url: `${app.url}/health` }] },
        ],
        alerting: {
          receivers: [
            { name: "chat", type: "webhook", urlSecret: { name: "alerting", key: "url" } },
          ],
        },
        smokeFlows: {
          flows: [
            {
              name: "sign-in",
              service: "web",
              steps: [
                {
                  name: "login",
                  request: { method: "POST", url: `${app.url}/api/login`, json: { user: "smoke" } },
                  capture: { token: { json: "token" } },
                },
                {
                  name: "me",
                  request: {
                    url: `${app.url}/api/me`,
                    headers: { Authorization: "Bearer ${token}" },
                  },
                  expect: { json: [{ path: "username", equals: "smoke" }] },
                },
              ],
            },
          ],
        },
      },
      "shop-prod",
    );
  });

  afterAll(async () => app?.stop());

  const restartWithFlows = () =>
    runCli(
      ["restart-service", "--stack", flowStack, "--service", "web", "--timeout", "5", "--yes"],
      { env: env() },
    );

  it("a passing flow: exit 0, the flow and the verdict recorded after the health check", async () => {
    loginWorks = true;
    const result = await restartWithFlows();
    expect(result.code, result.stderr).toBe(0);
    expect(calls()).toContain("--namespace shop rollout restart deployment/web");
    expect(app.requests).toEqual(expect.arrayContaining(["/health", "/api/login", "/api/me"]));
    const audit = JSON.parse(readFileSync(path.join(work, "audit.jsonl"), "utf8").trim()) as {
      outcome: string;
      steps: { title: string; status: string }[];
    };
    expect(audit.outcome).toBe("done");
    expect(audit.steps.slice(-3).map((s) => `${s.title}: ${s.status}`)).toEqual([
      "Health-check web: ok",
      "Smoke flow sign-in of web: ok",
      "Verdict: every smoke flow passed: ok",
    ]);
  });

  it("a login that fails after the restart (health still green): exit 1 naming the flow's step", async () => {
    loginWorks = false;
    try {
      const result = await restartWithFlows();
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        "1 smoke flow(s) failed: sign-in: step login: HTTP 401, expected 200",
      );
      // A restart cannot be undone: the run says it left it as is.
      expect(result.stderr).toContain("left as is: Restart deployment/web");
      expect(result.stderr).not.toContain("tok-restart-7731");
      expect(kubectl.leaseHolder("guardia-lock-shop-web")).toBeUndefined();
    } finally {
      loginWorks = true;
    }
  });
});
