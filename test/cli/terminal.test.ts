import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GUARDIA_BIN, runCli } from "../harness/cli.js";
import { startHttpServer, type HttpServer } from "../harness/http.js";
import { waitUntil } from "../harness/process.js";
import { writeStackFile } from "../harness/stacks.js";
import { repoRoot } from "../harness/tools.js";

/**
 * The CLI on a real pseudo-terminal (`script`), as an operator meets it: a question that waits
 * without holding the lock, Ctrl-C typed at it, and Ctrl-C in the middle of a change.
 */

let web: HttpServer;
let hanging: HttpServer;
let work: string;
let stackFile: string;
let restarts: string;

beforeAll(async () => {
  web = await startHttpServer("ok");
  hanging = await startHttpServer("hang");
  work = mkdtempSync(path.join(tmpdir(), "guardia-terminal-"));
  restarts = path.join(work, "restarts.log");
  // The service's restart command: appends a line per restart, or sleeps when told to.
  const restart = path.join(work, "restart.sh");
  writeFileSync(
    restart,
    `#!/bin/sh\necho restarted >> ${restarts}\nsleep "\${RESTART_SLEEP:-0}"\n`,
  );
  chmodSync(restart, 0o755);
  stackFile = writeStackFile({
    name: "shop",
    environment: "dev",
    namespace: "shop",
    runtime: "local",
    services: [
      { name: "web", health: [{ url: `${web.url}/health` }], local: { cwd: work, restart } },
      { name: "api", health: [{ url: `${hanging.url}/health`, timeoutMs: 60_000 }] },
    ],
  });
});

afterAll(async () => {
  await web.stop();
  await hanging.stop();
});

const env = (extra: Record<string, string> = {}) => ({
  ...process.env,
  NO_COLOR: "1",
  XDG_STATE_HOME: work,
  GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl"),
  ...extra,
});

const restartCount = () =>
  existsSync(restarts) ? readFileSync(restarts, "utf8").trim().split("\n").length : 0;

const lastAudit = () =>
  JSON.parse(readFileSync(path.join(work, "audit.jsonl"), "utf8").trim().split("\n").at(-1)!) as {
    outcome: string;
    exitCode: number;
  };

/** `guardia <args>` on a pseudo-terminal; what the operator types goes to `type`. */
function onTerminal(args: readonly string[]) {
  const command = [process.execPath, GUARDIA_BIN, ...args].map((a) => `'${a}'`).join(" ");
  const child = spawn("script", ["-qfec", command, "/dev/null"], {
    cwd: repoRoot,
    env: env(),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
  return {
    output: () => output,
    type: (text: string) => child.stdin.write(text),
    waitFor: (text: string) =>
      waitUntil(
        async () => output.includes(text),
        30_000,
        () => `no "${text}" in:\n${output}`,
      ),
    exited: async () => {
      child.stdin.end();
      return exited;
    },
  };
}

describe("the confirmation question on a terminal", () => {
  it("Ctrl-C at the question is a refusal (exit 3): nothing was changed", async () => {
    const before = restartCount();
    const run = onTerminal(["restart-service", "--stack", stackFile, "--service", "web"]);
    await run.waitFor("Proceed? [y/N]");
    expect(run.output()).toContain("No answer within 5 min means no.");
    run.type("\x03");
    expect(await run.exited()).toBe(3);
    expect(run.output()).toMatch(
      /interrupted at the confirmation prompt \((Ctrl-C|SIGINT)\): not confirmed\r?\nState after the failure: nothing was changed\./,
    );
    expect(restartCount()).toBe(before);
    expect(lastAudit()).toMatchObject({ outcome: "refused", exitCode: 3 });
  });

  it("holds no lock while it waits: another operator's run goes ahead, then this one", async () => {
    const before = restartCount();
    const waiting = onTerminal(["restart-service", "--stack", stackFile, "--service", "web"]);
    await waiting.waitFor("Proceed? [y/N]");
    const other = await runCli(
      ["restart-service", "--stack", stackFile, "--service", "web", "--yes"],
      {
        env: env(),
      },
    );
    expect(other.stderr).not.toContain("is held by");
    expect(other.code).toBe(0);
    expect(restartCount()).toBe(before + 1);
    waiting.type("y\r");
    expect(await waiting.exited()).toBe(0);
    expect(restartCount()).toBe(before + 2);
  });
});

describe("Ctrl-C during a run", () => {
  it("in the middle of a change: the run stops and says what state it left", async () => {
    let stderr = "";
    const result = await runCli(
      ["restart-service", "--stack", stackFile, "--service", "web", "--yes"],
      {
        // Ten minutes: only the interrupt can end the restart within the test's timeout.
        env: env({ RESTART_SLEEP: "600" }),
        onSpawn: (child) => {
          child.stderr!.on("data", (chunk: Buffer) => {
            stderr += chunk.toString();
            if (stderr.includes("Restart web …") && !child.killed) child.kill("SIGINT");
          });
        },
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      [
        'guardia restart-service: step 1 "Restart web" failed: interrupted (SIGINT)',
        "State after the failure:",
        "  did not complete: Restart web (to undo what it did: a restart cannot be undone; start the service by hand if it stays down)",
      ].join("\n"),
    );
    expect(lastAudit()).toMatchObject({ outcome: "failed", exitCode: 1 });
  });

  it("while only reading: nothing was changed", async () => {
    let stderr = "";
    const result = await runCli(["health-check", "--stack", stackFile, "--service", "api"], {
      env: env(),
      onSpawn: (child) => {
        child.stderr!.on("data", (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes("…") && !child.killed) child.kill("SIGINT");
        });
      },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /failed: interrupted \(SIGINT\)\nState after the failure: nothing was changed\.\n$/,
    );
  });
});
