import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../harness/cli.js";

/**
 * A team's own runbooks (runbooks/ next to its Pulumi.yaml) from this checkout's CLI: found by
 * file name, run by the engine, and every way a file can be wrong is bad input naming the file.
 * (test/package/pack.test.ts runs the example one from the installed package against PostgreSQL.)
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "guardia-team-"));
  writeFileSync(path.join(dir, "Pulumi.yaml"), "name: team\nruntime: nodejs\n");
  writeFileSync(
    path.join(dir, "Pulumi.team-dev.yaml"),
    "config:\n  guardia:platform: { name: team, environment: dev, namespace: team, runtime: local }\n",
  );
  mkdirSync(path.join(dir, "runbooks"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const runbook = (name: string, body = "") => `
import { defineRunbook, z } from "guardia/runbook";
${body}
export default defineRunbook({
  name: "${name}",
  summary: "Say hello to the team",
  description: "A greeting.",
  outline: ["Greet"],
  params: z.object({ who: z.string().default("team").describe("whom to greet") }),
  plan: (ctx) => ({
    steps: [
      {
        title: "Greet " + ctx.params.who,
        kind: "change",
        action: () => ({ command: { argv: ["echo", "hello", ctx.params.who] } }),
        run: async (step) => {
          await step.exec({ argv: ["echo", "hello", ctx.params.who] });
        },
      },
    ],
    lock: { kind: "file", name: "greet-" + ctx.platform.name },
  }),
});
`;

const write = (file: string, text: string) => writeFileSync(path.join(dir, "runbooks", file), text);
const guardia = (args: string[]) =>
  runCli(args, { cwd: dir, env: { XDG_STATE_HOME: path.join(dir, "state") } });

describe("the team's own runbooks", () => {
  it("are listed with their file and run by the engine: plan, confirmation, lock", async () => {
    write("greet.ts", runbook("greet"));
    const list = await guardia(["list"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^greet +Say hello to the team \(runbooks\/greet\.ts\)$/m);
    const dry = await guardia(["greet", "--stack", "team-dev", "--who", "ops", "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("echo hello ops");
    expect((await guardia(["greet", "--stack", "team-dev"])).code).toBe(3);
    const done = await guardia(["greet", "--stack", "team-dev", "--yes"]);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain("done: greet on team-dev");
  });

  it("may not take a built-in runbook's name, whichever command runs", async () => {
    write("backup-db.ts", runbook("backup-db"));
    for (const args of [["list"], ["backup-db", "--stack", "team-dev", "--dry-run"]]) {
      const result = await guardia(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('backup-db.ts: "backup-db" is a built-in guardia runbook');
    }
  });

  it("are bad input when the file's name and the runbook's differ, or it builds against internals", async () => {
    write("greet.ts", runbook("hello"));
    const named = await guardia(["greet", "--stack", "team-dev", "--dry-run"]);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain(
      "defines runbook \"hello\": the file's name and the runbook's must be the same",
    );
    write(
      "greet.ts",
      runbook("greet", 'import { EXIT } from "guardia/lib/errors.js";\nvoid EXIT;'),
    );
    const internal = await guardia(["greet", "--stack", "team-dev", "--dry-run"]);
    expect(internal.code).toBe(2);
    expect(internal.stderr).toContain(
      '"guardia/lib/errors.js" is not part of guardia\'s public API',
    );
  });
});
