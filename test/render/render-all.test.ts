import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliResult } from "../harness/cli.js";
import { repoRoot } from "../harness/tools.js";

/**
 * `guardia render --all` renders every stack in one process; what it writes must be exactly what
 * one `guardia render --stack <s>` process per stack writes.
 */

const STACKS = readdirSync(path.join(repoRoot, "stacks"))
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((name): name is string => name !== undefined)
  .sort();

const scratch = mkdtempSync(path.join(tmpdir(), "guardia-render-all-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function tree(dir: string): Map<string, Buffer> {
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => statSync(path.join(dir, f)).isFile())
    .sort();
  return new Map(files.map((f) => [f, readFileSync(path.join(dir, f))]));
}

/** Runs `count` at a time: the machine has two cores. */
async function inBatches<T>(items: readonly T[], count: number, run: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += count)
    await Promise.all(items.slice(i, i + count).map(run));
}

describe("guardia render --all", () => {
  const all = path.join(scratch, "all");
  const alone = path.join(scratch, "alone");
  let result: CliResult;
  const single = new Map<string, CliResult>();

  // Eleven guardia processes, each loading the Pulumi SDK: the one hook that needs more time.
  beforeAll(async () => {
    result = await runCli(["render", "--all", "--out", all], { timeoutMs: 300_000 });
    await inBatches(STACKS, 2, async (name) => {
      const out = path.join(alone, name);
      single.set(
        name,
        await runCli(["render", "--stack", name, "--out", out], { timeoutMs: 300_000 }),
      );
    });
  }, 900_000);

  it("renders every stack into <out>/<stack>/ and says so, one line each (exit 0)", () => {
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(readdirSync(all).sort()).toEqual(STACKS);
    const shown = path.relative(repoRoot, all);
    const stacksDir = path.join(repoRoot, "stacks").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(result.stdout.split("\n").filter(Boolean)).toEqual(
      STACKS.map((name) =>
        expect.stringMatching(
          new RegExp(
            `^rendered ${name} from ${stacksDir}/Pulumi\\.${name}\\.yaml: \\d+ resources in ${shown}/${name}/ \\(see ${shown}/${name}/SUMMARY\\.md\\)$`,
          ),
        ),
      ),
    );
  });

  it.each(STACKS)("writes %s byte for byte as rendering it alone does", (name) => {
    expect(single.get(name)?.code).toBe(0);
    const [together, separately] = [tree(path.join(all, name)), tree(path.join(alone, name))];
    expect([...together.keys()]).toEqual([...separately.keys()]);
    expect([...together.keys()]).toContain("SUMMARY.md");
    for (const [file, bytes] of separately) {
      expect(together.get(file)?.equals(bytes), `${name}/${file}`).toBe(true);
    }
  });
});

describe("guardia render --all with bad input", () => {
  it("takes --stack or --all, not both (exit 2)", async () => {
    const result = await runCli(["render", "--all", "--stack", "mira-prod"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("guardia: render takes --stack <s> or --all, not both\n");
  });

  it("reports every problem of every stack file and renders nothing (exit 2)", async () => {
    const project = path.join(scratch, "project");
    mkdirSync(path.join(project, "stacks"), { recursive: true });
    // A Pulumi project of its own, whose stack files are in stacks/ as in this repository.
    writeFileSync(
      path.join(project, "Pulumi.yaml"),
      "name: other\nruntime: nodejs\nstackConfigDir: stacks\n",
    );
    copyFileSync(
      path.join(repoRoot, "stacks", "Pulumi.mira-dev.yaml"),
      path.join(project, "stacks", "Pulumi.mira-dev.yaml"),
    );
    const broken = (name: string, body: string) =>
      writeFileSync(path.join(project, "stacks", `Pulumi.${name}.yaml`), body);
    broken("a-dev", "config:\n  guardia:platform:\n    name: a\n    environment: dev\n");
    broken(
      "b-dev",
      "config:\n  guardia:platform:\n    name: b\n    environment: nowhere\n    namespace: b\n",
    );
    const result = await runCli(["render", "--all", "--out", "out"], { cwd: project });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("stacks/Pulumi.a-dev.yaml: 1 problem");
    expect(result.stderr).toContain("guardia:platform.namespace: required (string)");
    expect(result.stderr).toContain("stacks/Pulumi.b-dev.yaml: 1 problem");
    expect(result.stderr).toContain(
      'guardia:platform.environment: expected one of dev, testing, staging, prod, got "nowhere"',
    );
    expect(existsSync(path.join(project, "out"))).toBe(false);
  });
});
