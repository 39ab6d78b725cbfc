import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUNBOOK_NAMES } from "../../runbooks/index.js";
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
    expect(result.stdout).toBe(
      `rendered mira-dev from ${path.join(repoRoot, "stacks", "Pulumi.mira-dev.yaml")}: ${result.stdout.match(/(\d+) resources/)?.[1]} resources in out/mira-dev/ (see out/mira-dev/SUMMARY.md)\n`,
    );
    expect(result.stdout).toMatch(/: [1-9]\d* resources/);
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

  it("--help shows every command's usage and names every registered runbook, loading none", async () => {
    const result = await runCli(["--help"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const lines = result.stdout.split("\n");
    for (const usage of [
      "render --stack <s>",
      "validate [--stack <s>]",
      "list",
      "<runbook> --stack <s>",
    ])
      expect(lines.some((l) => l.startsWith(`  guardia ${usage}`))).toBe(true);
    expect(RUNBOOK_NAMES).toContain("health-check");
    const runbooks = lines[lines.findIndex((l) => l.startsWith("Runbooks")) + 1];
    expect(runbooks).toBe(`  ${RUNBOOK_NAMES.join(", ")}`);
    expect(result.stdout).toContain("\nExit codes:\n  0  done");
  });
});

describe("every command", () => {
  it.each([
    ["render", "--help"],
    ["validate", "-h"],
    ["list", "--help"],
    ...RUNBOOK_NAMES.map((name, i) => [name, i % 2 ? "-h" : "--help"]),
  ])("%s %s prints its help and exits 0", async (command, flag) => {
    const result = await runCli([command!, flag!]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`guardia ${command}\\b`));
    expect(result.stdout).toMatch(/\nExit codes:\n {2}0 {2}done/);
  });

  it("prints help even next to a wrong flag", async () => {
    for (const args of [
      ["restart-service", "--colour", "-h"],
      ["render", "--outdir", "x", "--help"],
    ]) {
      const result = await runCli(args);
      expect(result).toMatchObject({ code: 0, stderr: "" });
      expect(result.stdout).toContain(`guardia ${args[0]}`);
    }
  });

  it.each([
    [["frobnicate", "--json"], 'unknown command "frobnicate"; see guardia --help'],
    [["render", "--json"], "render needs --stack <name or path>"],
    [["render", "--stack", "mira-dev", "--outdir", "x", "--json"], "Unknown option '--outdir'"],
    [
      ["validate", "--stack", "a", "--stack", "b", "--json"],
      "--stack is given 2 times (a, b); give it once",
    ],
    [["list", "--all", "--json"], "Unknown option '--all'"],
    [["health-check", "--json"], "health-check needs --stack <name or path>"],
    [["restart-service", "--stack", "mira-local", "--json"], "--service: required"],
  ])("a usage error with --json is one JSON object on stdout: %j", async (args, message) => {
    const result = await runCli(args);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(2);
    const error = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(error).toMatchObject({ outcome: "bad-input", exitCode: 2 });
    expect(error.error).toContain(message);
  });

  it("a stack error with --json carries the file and every problem with its line", async () => {
    for (const command of ["render", "health-check"]) {
      const result = await runCli([command, "--stack", BROKEN, "--json"]);
      expect(result.code).toBe(2);
      const error = JSON.parse(result.stdout) as { problems: { line: number }[]; file: string };
      expect(error).toMatchObject({ outcome: "bad-input", exitCode: 2, error: BROKEN_REPORT });
      expect(error.file).toBe(BROKEN);
      expect(error.problems.map((p) => p.line)).toEqual([16, 18, 19]);
    }
  });

  it("validate --json gives every stack file's result", async () => {
    const result = await runCli(["validate", "--json"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const { outcome, stacks } = JSON.parse(result.stdout) as {
      outcome: string;
      stacks: { stack: string; stackFile: string; ok: boolean }[];
    };
    expect(outcome).toBe("done");
    expect(stacks.map((s) => s.stack)).toEqual(STACK_NAMES);
    expect(stacks.every((s) => s.ok && existsSync(s.stackFile))).toBe(true);
  });

  it("escapes control characters of what was typed in every usage error", async () => {
    const clear = "\x1b[2J\x1b]0;owned\x07";
    for (const args of [
      ["render", "--stack", "mira-dev", `--${clear}`],
      [`frob${clear}`],
      ["validate", "--stack", clear, "--stack", "b"],
      ["policy", "--format", clear],
      ["restart-service", "--stack", "mira-local", "--service", clear],
    ]) {
      const result = await runCli(args);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/^guardia[ a-z-]*: .*\\u001b\[2J\\u001b\]0;owned\\u0007/);
      const controls = [...result.stderr].filter((c) => c !== "\n" && /\p{Cc}/u.test(c));
      expect(controls).toEqual([]);
    }
  });

  it("refuses a repeated flag (exit 2) instead of keeping the last one", async () => {
    for (const args of [
      ["render", "--stack", "mira-dev", "--stack", "mira-prod"],
      ["health-check", "--stack", "mira-local", "--stack=mira-dev", "--dry-run"],
      ["health-check", "--stack", "mira-local", "--dry-run", "--dry-run"],
    ]) {
      const result = await runCli(args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(
        /^guardia: --(stack|dry-run) is given 2 times \(.+\); give it once\n$/,
      );
    }
  });
});
