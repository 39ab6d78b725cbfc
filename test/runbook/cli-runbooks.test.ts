import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUNBOOK_NAMES } from "../../runbooks/index.js";
import { runCli } from "../harness/cli.js";
import { startHttpServer, type HttpServer } from "../harness/http.js";
import { writeStackFile } from "../harness/stacks.js";

/** The runbook CLI surface: list, help, flag errors, and who the audit log says ran it. */

let web: HttpServer;
let stack: string;
let work: string;

beforeAll(async () => {
  web = await startHttpServer("ok");
  stack = writeStackFile({
    name: "shop",
    environment: "dev",
    namespace: "shop",
    runtime: "local",
    services: [{ name: "web", health: [{ url: `${web.url}/health` }] }],
  });
  work = mkdtempSync(path.join(tmpdir(), "guardia-cli-"));
});

afterAll(async () => {
  await web.stop();
});

interface Audit {
  type: string;
  operator: string;
  stack: string;
  runbook: string;
  params: Record<string, unknown>;
  dryRun: boolean;
  outcome: string;
  exitCode: number;
  steps: { title: string; kind: string; status: string; startedAt: string; durationMs: number }[];
  guardiaVersion: string;
}

const readAudit = (file: string) =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Audit);

describe("guardia list and help", () => {
  it("list shows every runbook with its summary", async () => {
    const result = await runCli(["list"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^health-check\s+Probe every health endpoint, external dependency and database of a stack$/m,
    );
    expect(result.stdout).toMatch(
      /^restart-service\s+Restart a service, wait for it to come back, and health-check it$/m,
    );
  });

  it("list --json gives every registered runbook with its summary", async () => {
    const result = await runCli(["list", "--json"]);
    expect(result.code).toBe(0);
    const { runbooks } = JSON.parse(result.stdout) as { runbooks: { name: string }[] };
    expect(runbooks.map((r) => r.name)).toEqual(RUNBOOK_NAMES);
  });

  it("<runbook> --help shows the params with defaults and what each step does", async () => {
    const result = await runCli(["restart-service", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "--service <string>  service to restart (a services[].name of the stack) (required)",
    );
    expect(result.stdout).toContain(
      "--timeout <number>  seconds to wait for the rollout (default: 300)",
    );
    expect(result.stdout).toContain(
      "  2. kubectl rollout restart <workload> (local stacks: the service's restart command)",
    );
    expect(result.stdout).toContain(
      "Exit codes:\n  0  done (for --dry-run: planned)\n  1  failed;",
    );
    expect(result.stdout).toContain(
      "--force             let --plan and --report overwrite an existing file",
    );
  });
});

describe("flag errors are bad input (exit 2) and name the flag", () => {
  it.each([
    [
      ["--service", "web", "--timeout", "soon"],
      '--timeout: expected a whole number greater than 0, got "soon"',
    ],
    [["--timeout", "5"], "--service: required"],
    [["--service", "web", "--colour"], "Unknown option '--colour'"],
  ])("restart-service %j", async (args, message) => {
    const result = await runCli(["restart-service", "--stack", stack, ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("a runbook without --stack", async () => {
    const result = await runCli(["health-check"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("health-check needs --stack <name or path>");
  });
});

describe("the audit record", () => {
  const gitConfig = path.join(mkdtempSync(path.join(tmpdir(), "guardia-git-")), "gitconfig");
  writeFileSync(gitConfig, "[user]\n\temail = carla@example.org\n");
  const run = (file: string, env: Record<string, string>, ...extra: string[]) =>
    runCli(["health-check", "--stack", stack, ...extra], {
      cwd: work,
      env: {
        GUARDIA_AUDIT_FILE: file,
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_CONFIG_GLOBAL: gitConfig,
        GUARDIA_OPERATOR: "",
        ...env,
      },
    });

  it("records operator, stack, runbook, params, each step and the exit code", async () => {
    const file = path.join(work, "audit-fields.jsonl");
    const result = await run(file, {}, "--operator", "dana@example.org", "--service", "web");
    expect(result.code).toBe(0);
    const [record] = readAudit(file);
    expect(record).toMatchObject({
      type: "guardia.audit.v1",
      operator: "dana@example.org",
      stack: "test",
      runbook: "health-check",
      params: { service: "web", deep: false },
      dryRun: false,
      outcome: "done",
      exitCode: 0,
      guardiaVersion: JSON.parse(readFileSync("package.json", "utf8")).version,
    });
    expect(record!.steps.map((s) => [s.kind, s.status])).toEqual([
      ["read", "ok"],
      ["read", "ok"],
    ]);
    expect(record!.steps[0]!.startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(record!.steps[0]!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("takes the operator from the flag, then GUARDIA_OPERATOR, then git's user.email, then the OS user", async () => {
    const file = path.join(work, "audit-operator.jsonl");
    await run(file, { GUARDIA_OPERATOR: "cronjob/shop-backup" }, "--operator", "flag@example.org");
    await run(file, { GUARDIA_OPERATOR: "cronjob/shop-backup" });
    await run(file, {});
    await run(file, { GIT_CONFIG_GLOBAL: "/dev/null" });
    expect(readAudit(file).map((r) => r.operator)).toEqual([
      "flag@example.org",
      "cronjob/shop-backup",
      "carla@example.org",
      userInfo().username,
    ]);
  });

  it("goes to the user's state directory by default, and also to stdout in a cluster job", async () => {
    const state = mkdtempSync(path.join(tmpdir(), "guardia-state-"));
    const result = await runCli(["health-check", "--stack", stack], {
      cwd: work,
      env: { GUARDIA_AUDIT_FILE: "", XDG_STATE_HOME: state, GUARDIA_AUDIT_STDOUT: "1" },
    });
    expect(result.code).toBe(0);
    const [record] = readAudit(path.join(state, "guardia", "audit.jsonl"));
    expect(record!.runbook).toBe("health-check");
    expect(result.stdout).toContain(`{"type":"guardia.audit.v1"`);
  });
});

describe("the plan, the report and the result name the stack file", () => {
  const run = (...args: string[]) =>
    runCli(["health-check", "--stack", stack, ...args], {
      cwd: work,
      env: { GUARDIA_AUDIT_FILE: path.join(work, "audit-files.jsonl") },
    });

  it("in the dry-run plan, the Markdown plan, the report and --json", async () => {
    const plan = path.join(work, "named-plan.md");
    const report = path.join(work, "named-report.md");
    const dry = await run("--dry-run", "--plan", plan);
    expect(dry.code).toBe(0);
    expect(dry.stdout.split("\n")[0]).toBe(
      `Plan: health-check on test (dev, ${stack}) — dry run, nothing was changed`,
    );
    expect(readFileSync(plan, "utf8")).toContain(`(${stack})`);
    const json = await run("--json", "--report", report);
    expect(JSON.parse(json.stdout)).toMatchObject({
      stackFile: stack,
      outcome: "done",
      exitCode: 0,
    });
    expect(readFileSync(report, "utf8")).toContain(`(${stack})`);
  });

  it("--plan and --report never overwrite a file without --force", async () => {
    const report = path.join(work, "kept-report.md");
    writeFileSync(report, "the evidence of another incident\n");
    const refused = await run("--report", report);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `guardia: --report: ${report} already exists; pass --force to overwrite it, or name another file\n`,
    );
    expect(readFileSync(report, "utf8")).toBe("the evidence of another incident\n");
    const forced = await run("--report", report, "--force");
    expect(forced.code).toBe(0);
    expect(readFileSync(report, "utf8")).toMatch(
      /^# Evidence: `health-check` on `test` — succeeded/,
    );
    const missing = path.join(work, "no-such-dir", "plan.md");
    const badDir = await run("--dry-run", "--plan", missing);
    expect(badDir.code).toBe(2);
    expect(badDir.stderr).toContain(`directory ${path.dirname(missing)} does not exist`);
    expect(existsSync(missing)).toBe(false);
  });
});
