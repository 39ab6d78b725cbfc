import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../harness/cli.js";
import { startSpa, type SpaServer } from "../harness/spa.js";
import { writeStackFile } from "../harness/stacks.js";
import { flowOf, runSmoke, stepStates } from "./helpers.js";

/**
 * The INATrace frontend's check (operations manual, 2.1 Verificación de Salud de Servicios: the
 * frontend renders its main dashboard) against a single-page app on loopback, in Debian's
 * Chromium: the dashboard shows only after the app's script logged in through the real form and
 * fetched its data. A script that throws, or an API that fails, while the page still answers
 * 200, fails the browser step with the console errors, the failed requests and a screenshot.
 */

const USER = "smoke-viewer";
const PASSWORD = "Browser-Pass-9931-canary";
const ENV = { SMOKE_USER: USER, SMOKE_PASSWORD: PASSWORD };
const secrets = {
  user: { name: "inatrace-smoke", key: "username", env: "SMOKE_USER" },
  password: { name: "inatrace-smoke", key: "password", env: "SMOKE_PASSWORD" },
};

let spa: SpaServer;
let work: string;
beforeAll(async () => {
  spa = await startSpa(USER, PASSWORD);
  work = mkdtempSync(path.join(tmpdir(), "guardia-smoke-browser-"));
});
afterAll(async () => {
  await spa?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function dashboardStep(timeoutMs: number) {
  return {
    name: "dashboard",
    browser: {
      url: `${spa.url}/`,
      fill: [
        { selector: "#username", value: "${user}" },
        { selector: "#password", value: "${password}" },
      ],
      click: "#sign-in",
      visible: "#dashboard",
      timeoutMs,
    },
  };
}

/** Backend login and the summary it feeds the dashboard, then the dashboard in the browser. */
function frontendFlow(timeoutMs = 30_000) {
  return {
    name: "frontend",
    service: "frontend",
    secrets,
    steps: [
      {
        name: "api-login",
        request: {
          method: "POST",
          url: `${spa.url}/api/login`,
          json: { username: "${user}", password: "${password}" },
        },
        capture: { token: { json: "token" } },
      },
      {
        name: "summary",
        request: { url: `${spa.url}/api/summary`, headers: { Authorization: "Bearer ${token}" } },
        expect: { json: [{ path: "products", equals: 12 }] },
      },
      dashboardStep(timeoutMs),
    ],
  };
}

function stack(flows: object[]) {
  return {
    ...{ name: "inatrace", environment: "staging", namespace: "inatrace", runtime: "local" },
    services: [{ name: "frontend" }],
    smokeFlows: { flows },
  };
}

async function withMode<T>(mode: SpaServer["mode"], body: () => Promise<T>): Promise<T> {
  spa.mode = mode;
  try {
    return await body();
  } finally {
    spa.mode = "ok";
  }
}

const isPng = (file: string) =>
  readFileSync(file).subarray(0, 8).equals(Buffer.from("89504e470d0a1a0a", "hex"));

describe("a browser step in Debian's Chromium against a single-page app", () => {
  it("logs in through the form and sees the dashboard, keeping a screenshot", async () => {
    const shots = path.join(work, "pass");
    const run = await runSmoke(stack([frontendFlow()]), { screenshots: shots }, ENV);
    expect(run.exitCode, run.error).toBe(0);
    const flow = flowOf(run, "frontend");
    expect(stepStates(flow)).toEqual(["api-login: PASS", "summary: PASS", "dashboard: PASS"]);
    const page = flow.steps[2]!;
    expect(page.detail).toBe("#dashboard is visible");
    expect(page.consoleErrors).toEqual([]);
    expect(page.screenshot).toBe(path.join(shots, "frontend-dashboard.png"));
    expect(isPng(page.screenshot!)).toBe(true);
  });

  it("a script that throws (the page still 200) fails the step with the console error and a screenshot", async () => {
    const shots = path.join(work, "broken-script");
    const run = await withMode("broken-script", () =>
      runSmoke(stack([frontendFlow(8_000)]), { screenshots: shots }, ENV),
    );
    expect(run.exitCode).toBe(1);
    const flow = flowOf(run, "frontend");
    expect(stepStates(flow)).toEqual(["api-login: PASS", "summary: PASS", "dashboard: FAIL"]);
    expect(flow.failure).toMatch(
      /^step dashboard: #dashboard was not visible within 8000 ms .*; console errors: .*createApiClient is not defined/,
    );
    const page = flow.steps[2]!;
    expect(page.consoleErrors?.join("\n")).toContain("createApiClient is not defined");
    expect(isPng(page.screenshot!)).toBe(true);
  });

  it("an API the dashboard needs failing shows up as a failed request of the page", async () => {
    const flow = { name: "page-only", service: "frontend", secrets, steps: [dashboardStep(8_000)] };
    const run = await withMode("broken-api", () =>
      runSmoke(stack([flow]), { screenshots: path.join(work, "broken-api") }, ENV),
    );
    expect(run.exitCode).toBe(1);
    const result = flowOf(run, "page-only");
    expect(result.failure).toContain(`failed requests: GET ${spa.url}/api/summary: HTTP 500`);
    expect(result.failure).toMatch(/console errors: .*summary failed: HTTP 500/);
  });

  it("--steps api leaves the page out, where there is no Chromium", async () => {
    const run = await runSmoke(stack([frontendFlow()]), { steps: "api" }, ENV);
    expect(run.exitCode, run.error).toBe(0);
    expect(flowOf(run, "frontend").steps[2]!.detail).toBe("not run (--steps api)");
  });
});

describe("guardia smoke on the command line", () => {
  const file = () => writeStackFile(stack([frontendFlow(8_000)]), "inatrace-staging");
  const cli = (args: string[]) =>
    runCli(["smoke", ...args], {
      cwd: work,
      timeoutMs: 180_000,
      env: {
        ...ENV,
        GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl"),
        XDG_STATE_HOME: path.join(work, "state"),
      },
    });

  it("never shows the credentials or a captured token: stdout, stderr, audit, report, --json", async () => {
    const stackFile = file();
    const passed = await cli(["--stack", stackFile, "--json", "--report", "pass.md"]);
    const failed = await withMode("broken-script", () =>
      cli(["--stack", stackFile, "--report", "fail.md"]),
    );
    expect(passed.code, passed.stderr).toBe(0);
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    expect(spa.tokens.length).toBeGreaterThanOrEqual(2);
    const outputs = {
      "passed stdout": passed.stdout,
      "passed stderr": passed.stderr,
      "failed stdout": failed.stdout,
      "failed stderr": failed.stderr,
      audit: readFileSync(path.join(work, "audit.jsonl"), "utf8"),
      "passed report": readFileSync(path.join(work, "pass.md"), "utf8"),
      "failed report": readFileSync(path.join(work, "fail.md"), "utf8"),
    };
    for (const [where, text] of Object.entries(outputs)) {
      expect(text.length, where).toBeGreaterThan(0);
      for (const canary of [PASSWORD, ...spa.tokens]) expect(text, where).not.toContain(canary);
    }
    // Masked, not missing: the token went out, and the result says where.
    expect(JSON.parse(passed.stdout).result.flows[0].ok).toBe(true);
    expect(outputs["passed report"]).toContain("Bearer <token>");
  });

  it("--report links the screenshot, copied beside it", async () => {
    const report = readFileSync(path.join(work, "fail.md"), "utf8");
    expect(report).toContain("createApiClient is not defined");
    const link = /!\[[^\]]*\]\(<([^>]+\.png)>\)/.exec(report)?.[1];
    expect(link, report).toBe("fail-frontend-dashboard.png");
    expect(isPng(path.join(work, link!))).toBe(true);
    expect(readdirSync(path.join(work, "state", "guardia", "smoke")).length).toBe(2);
    expect(existsSync(path.join(work, "pass-frontend-dashboard.png"))).toBe(true);
  });
});
