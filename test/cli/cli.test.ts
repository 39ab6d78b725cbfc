import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUNBOOKS } from "../../runbooks/index.js";
import { runCli } from "../harness/cli.js";
import { repoRoot } from "../harness/tools.js";

/** The CLI as a user runs it: `node bin/guardia.js ...` in a child process, no TTY. */

const BROKEN = "test/fixtures/Pulumi.broken.yaml";
const BROKEN_REPORT = [
  `${BROKEN}: 3 problems`,
  "  line 16: guardia:platform.backups.scheduel: unknown key `scheduel` (did you mean `schedules`?); allowed here: destination, schedules, restoreDrill",
  '  line 18: guardia:platform.backups.schedules[0].cron: invalid cron "0 25 * * *": Constraint error, got value 25 expected range 0-23',
  "  line 19: guardia:platform.backups.schedules[1].keepDays: keepDays (-1) must be at least 1",
].join("\n");

const STACK_NAMES = readdirSync(path.join(repoRoot, "stacks"))
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((name): name is string => name !== undefined)
  .sort();

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "guardia-cli-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("guardia validate", () => {
  it("validates every stack in stacks/ when no --stack is given", async () => {
    const result = await runCli(["validate"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(STACK_NAMES.length).toBeGreaterThan(0);
    expect(result.stdout).toBe(STACK_NAMES.map((name) => `ok  ${name}\n`).join(""));
  });

  it("validates one stack by name", async () => {
    const result = await runCli(["validate", "--stack", "mira-prod"]);
    expect(result).toMatchObject({ code: 0, stdout: "ok  mira-prod\n", stderr: "" });
  });

  it("exits 2 and lists all three problems of a broken stack, each with its path", async () => {
    const result = await runCli(["validate", "--stack", BROKEN]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`${BROKEN_REPORT}\n`);
  });

  it("exits 2 for a stack file that does not exist", async () => {
    const result = await runCli(["validate", "--stack", "nope-prod"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `stacks/Pulumi.nope-prod.yaml: 1 problem\n  (file): no stack file "${path.join(repoRoot, "stacks", "Pulumi.nope-prod.yaml")}"\n`,
    );
  });
});

describe("guardia render", () => {
  it("exits 2 for a broken stack, reports every problem and writes nothing", async () => {
    const out = path.join(scratch, "broken");
    const result = await runCli(["render", "--stack", BROKEN, "--out", out]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`guardia: ${BROKEN_REPORT}\n`);
    expect(existsSync(out)).toBe(false);
  });

  it("exits 2 with a usage message without --stack", async () => {
    const result = await runCli(["render"]);
    expect(result).toMatchObject({
      code: 2,
      stdout: "",
      stderr: "guardia: render needs --stack <name or path>\n",
    });
  });

  it("exits 2 for an unknown flag", async () => {
    const result = await runCli(["render", "--stack", "mira-prod", "--outdir", "x"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^guardia: Unknown option '--outdir'/);
  });

  it("writes to out/<stack>/ under the working directory by default", async () => {
    const cwd = mkdtempSync(path.join(scratch, "cwd-"));
    const stackFile = path.join(repoRoot, "stacks", "Pulumi.mira-dev.yaml");
    const result = await runCli(["render", "--stack", stackFile], { cwd });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^rendered mira-dev: \d+ resources in out\/mira-dev\/ \(see out\/mira-dev\/SUMMARY\.md\)\n$/,
    );
    const summary = readFileSync(path.join(cwd, "out", "mira-dev", "SUMMARY.md"), "utf8");
    expect(summary).toMatch(/^# guardia render: mira-dev\n/);
  });
});

describe("guardia, the command", () => {
  it("exits 2 for an unknown command", async () => {
    const result = await runCli(["frobnicate", "--stack", "mira-prod"]);
    expect(result).toMatchObject({
      code: 2,
      stdout: "",
      stderr: 'guardia: unknown command "frobnicate"; see guardia --help\n',
    });
  });

  it("prints package.json's version with --version", async () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
      version: string;
    };
    const result = await runCli(["--version"]);
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("lists render, validate, list and every runbook with --help", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    for (const command of ["render", "validate", "list"]) {
      expect(lines.some((l) => l.startsWith(`  guardia ${command} `))).toBe(true);
    }
    const runbooks = Object.keys(RUNBOOKS);
    expect(runbooks).toContain("health-check");
    const listed = lines.slice(lines.indexOf("Runbooks:") + 1).filter(Boolean);
    expect(listed.map((l) => l.split(/\s+/)[0])).toEqual(runbooks.sort());
    expect(listed.every((l) => /^\S+\s{2,}\S/.test(l))).toBe(true);
  });
});
