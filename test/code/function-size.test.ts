import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * Small pieces: no function in the product's code (lib/, infra/, runbooks/) is longer than 60
 * lines. A longer one is split into named parts, each readable on one screen.
 */
const MAX_LINES = 60;

function sourceFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "lib", "infra", "runbooks"], { encoding: "utf8" });
  return out.split("\n").filter((f) => f.endsWith(".ts"));
}

function longFunctions(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const last = source.getLineAndCharacterOfPosition(node.end).line;
      if (last - first + 1 > MAX_LINES)
        found.push(`${file}:${first + 1} (${last - first + 1} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("the code's functions", () => {
  it(`are at most ${MAX_LINES} lines long`, () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(50);
    const long = files.flatMap((file) => longFunctions(file, readFileSync(file, "utf8")));
    expect(long).toEqual([]);
  });

  it("finds a long function (the check itself works)", () => {
    const body = Array.from({ length: MAX_LINES }, (_, i) => `  const v${i} = ${i};`).join("\n");
    expect(longFunctions("x.ts", `function long() {\n${body}\n}\n`)).toEqual([
      `x.ts:1 (${MAX_LINES + 2} lines)`,
    ]);
    expect(longFunctions("x.ts", "const short = () => 1;\n")).toEqual([]);
  });
});
