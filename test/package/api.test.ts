import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ENTRY_POINTS } from "../../bin/build.js";
import { repoRoot } from "../harness/tools.js";

/**
 * The package's public API is what package.json `exports` names and docs/api.md lists: an export
 * added to or removed from an entry point without the page following fails here.
 */

const pkg = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
  exports: Record<string, { types: string; default: string }>;
  bin: Record<string, string>;
  files: string[];
};

const PUBLIC = ["model", "infra", "runbook"] as const;

/** Every name an entry point exports, values and types alike, as the compiler sees them. */
function exportedNames(): Record<string, string[]> {
  const files = PUBLIC.map((name) => path.join(repoRoot, ENTRY_POINTS[name]));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  return Object.fromEntries(
    PUBLIC.map((name, i) => {
      const module = checker.getSymbolAtLocation(program.getSourceFile(files[i]!)!)!;
      return [name, checker.getExportsOfModule(module).map((s) => s.name)];
    }),
  );
}

/** The names docs/api.md lists under `## guardia/<entry>`: the backticked names before " — ". */
function documentedNames(): Record<string, string[]> {
  const text = readFileSync(path.join(repoRoot, "docs", "api.md"), "utf8");
  const sections = text.split(/^## /m).slice(1);
  return Object.fromEntries(
    sections.map((section) => {
      const [heading, ...lines] = section.split("\n");
      const names = lines
        .filter((line) => line.startsWith("- "))
        .flatMap((line) => [...line.split(" — ")[0]!.matchAll(/`([A-Za-z_]\w*)`/g)])
        .map((m) => m[1]!);
      return [heading!.trim().replace(/^guardia\//, ""), names];
    }),
  );
}

describe("the package's public API", () => {
  it("is three entry points, each built from lib/api/ with its type declarations", () => {
    expect(Object.keys(pkg.exports).sort()).toEqual(["./infra", "./model", "./runbook"]);
    for (const name of PUBLIC) {
      expect(ENTRY_POINTS[name]).toBe(`lib/api/${name}.ts`);
      expect(pkg.exports[`./${name}`]).toEqual({
        types: `./dist/types/lib/api/${name}.d.ts`,
        default: `./dist/package/${name}.js`,
      });
    }
    expect(pkg.bin).toEqual({ guardia: "bin/guardia.js" });
    // The package ships the build, never the TypeScript sources.
    expect(pkg.files.filter((f) => /^(lib|infra|runbooks)\b/.test(f))).toEqual([]);
  });

  // A type check of the entry points, the Pulumi and AWS SDK types included: slow under load.
  it("is what docs/api.md lists, name for name", { timeout: 180_000 }, () => {
    const exported = exportedNames();
    const documented = documentedNames();
    expect(Object.keys(documented).sort()).toEqual([...PUBLIC].sort());
    for (const name of PUBLIC) {
      const listed = documented[name]!;
      expect(
        listed.filter((n, i) => listed.indexOf(n) !== i),
        `guardia/${name}: listed twice`,
      ).toEqual([]);
      expect([...listed].sort(), `guardia/${name}: docs/api.md`).toEqual(
        [...exported[name]!].sort(),
      );
    }
  });
});
