import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GLOBAL_FLAGS, RUNBOOK_FLAGS } from "../../lib/cli/flags.js";
import { generatedDocs, stalePages } from "../../lib/docs/generate.js";
import { describeParams } from "../../lib/runbook/params.js";
import { loadRunbook, RUNBOOK_NAMES } from "../../runbooks/index.js";
import { repoRoot } from "../harness/tools.js";

/**
 * The docs a user reads come from the code they describe: the committed pages must be what
 * `npm run docs` writes, name only files that exist, and stand on their own.
 */

const markdownFiles = (): string[] => [
  "README.md",
  ...readdirSync(path.join(repoRoot, "docs"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".md"))
    .map((f) => path.join("docs", f)),
];

describe("generated docs", () => {
  it("are committed as `npm run docs` writes them (run it after changing what they describe)", async () => {
    const files = await generatedDocs();
    expect(files.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        ...RUNBOOK_NAMES.map((name) => `docs/runbooks/${name}.md`),
        "README.md",
        "docs/cli.md",
      ]),
    );
    for (const file of files) {
      const committed = path.join(repoRoot, file.path);
      expect(existsSync(committed), `${file.path} is missing`).toBe(true);
      expect(readFileSync(committed, "utf8"), `${file.path} is stale`).toBe(file.content);
    }
    expect(stalePages(files)).toEqual([]);
  });

  it("give every registered runbook the manuals' procedures and what a failure leaves", async () => {
    for (const name of RUNBOOK_NAMES) {
      const definition = await loadRunbook(name);
      expect(definition.manual?.length, `${name}: manual`).toBeGreaterThan(0);
      expect(definition.onFailure?.length, `${name}: onFailure`).toBeGreaterThan(20);
    }
  });

  it("never let a runbook's parameter take the name of a common flag", async () => {
    const common = new Set([...RUNBOOK_FLAGS, ...GLOBAL_FLAGS].map((f) => `--${f.name}`));
    for (const name of RUNBOOK_NAMES) {
      const flags = describeParams((await loadRunbook(name)).params).map((p) => p.flag);
      expect(
        flags.filter((flag) => common.has(flag)),
        name,
      ).toEqual([]);
    }
  });
});

describe("README.md and docs/", () => {
  it("name the manuals by title, never a path or file a user of guardia does not have", () => {
    for (const file of markdownFiles()) {
      const text = readFileSync(path.join(repoRoot, file), "utf8");
      expect(text, file).not.toMatch(/\.\.\/shared|DESIGN\.md|seed 0\d\d/i);
    }
  });

  it("link only to files that exist", () => {
    for (const file of markdownFiles()) {
      const text = readFileSync(path.join(repoRoot, file), "utf8");
      const links = [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1]!);
      for (const link of links.filter((l) => !/^[a-z]+:/.test(l))) {
        const target = path.resolve(path.dirname(path.join(repoRoot, file)), link);
        expect(existsSync(target), `${file} links to ${link}`).toBe(true);
      }
    }
  });
});
