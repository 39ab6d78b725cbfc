import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runbookPage } from "../../lib/docs/markdown.js";
import type { RunbookDefinition } from "../../lib/runbook/types.js";
import { repoRoot } from "../harness/tools.js";

/**
 * docs/adding-a-runbook.md shows a complete runbook, its registry line and its test. They are
 * taken from the page as written, put where the page says (in a scratch copy of the layout), and
 * run: the example test against a throwaway PostgreSQL, in a vitest of its own.
 */

const page = readFileSync(path.join(repoRoot, "docs", "adding-a-runbook.md"), "utf8");
const [runbook, registryLine, exampleTest] = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map(
  (m) => m[1]!,
);
/** Inside the repository, so the example's packages resolve; .scratch/ is ignored by git. */
const scratch = path.join(repoRoot, ".scratch", `adding-a-runbook-${process.pid}`);
const runbookFile = path.join(scratch, "runbooks", "analyze-tables.ts");
const testFile = path.join(scratch, "test", "runbook", "analyze-tables.test.ts");

/** The page's imports point into the repository; from the scratch copy they go one level up. */
function relocate(code: string, from: string): string {
  const up = path.relative(path.dirname(from), repoRoot);
  return code
    .replace(/from "\.\.\/lib\//g, `from "${up}/lib/`)
    .replace(/from "\.\.\/\.\.\/lib\//g, `from "${up}/lib/`)
    .replace(/from "\.\.\/harness\//g, `from "${up}/test/harness/`);
}

beforeAll(() => {
  mkdirSync(path.dirname(runbookFile), { recursive: true });
  mkdirSync(path.dirname(testFile), { recursive: true });
  writeFileSync(runbookFile, relocate(runbook!, runbookFile));
  writeFileSync(testFile, relocate(exampleTest!, testFile));
  // Its own configuration, so the child vitest does not pick up the repository's.
  writeFileSync(path.join(scratch, "vitest.config.mjs"), "export default {};\n");
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the example of docs/adding-a-runbook.md", () => {
  it("is a runbook the registry line loads, and `npm run docs` documents it", async () => {
    expect(registryLine!.trim()).toBe('"analyze-tables": () => import("./analyze-tables.js"),');
    // The page's line has the shape of every line of the registry.
    const registry = readFileSync(path.join(repoRoot, "runbooks", "index.ts"), "utf8");
    expect(registry).toMatch(/^ {2}"health-check": \(\) => import\("\.\/health-check\.js"\),$/m);
    const definition = (await import(runbookFile)).default as RunbookDefinition;
    expect(definition.name).toBe("analyze-tables");
    const doc = runbookPage(definition);
    expect(doc).toContain(
      "- MIRA operations guide, Troubleshooting Operacional, Problema: Performance Degradada",
    );
    expect(doc).toContain("| `--database` | `<string>` | required |");
    expect(doc).toContain("2. ANALYZE the tables");
  });

  it("passes its own test against a real PostgreSQL", async () => {
    const vitest = path.join(repoRoot, "node_modules", "vitest", "vitest.mjs");
    const child = spawn(
      process.execPath,
      [vitest, "run", "--root", scratch, "--testTimeout=60000", "--hookTimeout=120000"],
      { cwd: scratch, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(output).toMatch(/Tests +1 passed \(1\)/);
    expect(code, output).toBe(0);
  }, 180_000);
});
