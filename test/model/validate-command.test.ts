import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../harness/cli.js";
import { stackText } from "./builders.js";

/** `guardia validate` and `--stack <name>` as an operator meets them, through the built CLI. */

let scratch: string;
let project: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "guardia-validate-"));
  project = path.join(scratch, "ops");
  mkdirSync(path.join(project, "config", "sub"), { recursive: true });
  writeFileSync(
    path.join(project, "Pulumi.yaml"),
    "name: ops\nruntime: nodejs\nstackConfigDir: config\n",
  );
  writeFileSync(path.join(project, "config", "Pulumi.a-dev.yaml"), stackText());
  writeFileSync(
    path.join(project, "config", "Pulumi.b-bomb.yaml"),
    `${stackText()}    services: *nowhere\n`,
  );
  writeFileSync(path.join(project, "config", "Pulumi.c-prod.yaml"), stackText("", "prod"));
  writeFileSync(path.join(project, "config", "Pulumi.d-dev.yaml"), stackText());
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("guardia validate in a Pulumi project", () => {
  it("validates every stack of the project, and keeps going past the broken ones", async () => {
    const result = await runCli(["validate"], { cwd: path.join(project, "config", "sub") });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("ok  a-dev\nok  d-dev\n");
    expect(result.stderr).toBe(
      [
        `${path.join(project, "config", "Pulumi.b-bomb.yaml")}: 1 problem`,
        "  line 6: (yaml): alias *nowhere names no anchor defined before it (&nowhere)",
        `${path.join(project, "config", "Pulumi.c-prod.yaml")}: 1 problem`,
        "  line 2: guardia:platform.alerting.receivers: prod needs at least one receiver, or its alerts reach nobody",
        "",
      ].join("\n"),
    );
  });

  it("finds a stack by name from any folder of the project", async () => {
    const result = await runCli(["validate", "--stack", "d-dev"], {
      cwd: path.join(project, "config"),
    });
    expect(result).toMatchObject({ code: 0, stdout: "ok  d-dev\n", stderr: "" });
  });
});

describe("outside a Pulumi project", () => {
  it("--stack <name> exits 2, saying what it looked for and how to fix it", async () => {
    const outside = mkdtempSync(path.join(scratch, "elsewhere-"));
    const result = await runCli(["validate", "--stack", "mira-prod"], { cwd: outside });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `Pulumi.mira-prod.yaml: 1 problem\n  (file): no Pulumi project here to find stack "mira-prod" in: looked for Pulumi.yaml in ${outside} and every folder above it. Run guardia inside the project that holds the stack, or pass the stack file's path (--stack path/to/Pulumi.mira-prod.yaml)\n`,
    );
  });

  it("validate without --stack exits 2 the same way", async () => {
    const outside = mkdtempSync(path.join(scratch, "elsewhere-"));
    const result = await runCli(["validate"], { cwd: outside });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`no Pulumi project here: looked for Pulumi.yaml in ${outside}`);
  });

  it("a path still works anywhere", async () => {
    const outside = mkdtempSync(path.join(scratch, "elsewhere-"));
    writeFileSync(path.join(outside, "mine.yaml"), stackText());
    const result = await runCli(["validate", "--stack", "mine.yaml"], { cwd: outside });
    expect(result).toMatchObject({ code: 0, stdout: "ok  mira-dev\n", stderr: "" });
  });
});
