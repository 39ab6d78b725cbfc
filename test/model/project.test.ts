import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findProject, loadStack, StackError, stackFilePath } from "../../lib/model/index.js";
import { repoRoot } from "../harness/tools.js";
import { stackText } from "./builders.js";

/** `--stack <name>` resolves as Pulumi does: Pulumi.yaml here or above, its stackConfigDir. */

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "guardia-project-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let projects = 0;
/** A Pulumi project with `Pulumi.yaml` (its extra lines) and stack files under `stacksDir`. */
function project(pulumiYaml: string, stacksDir: string, stacks: Record<string, string>): string {
  const root = path.join(scratch, `project-${++projects}`);
  mkdirSync(path.join(root, stacksDir, "deep", "er"), { recursive: true });
  writeFileSync(path.join(root, "Pulumi.yaml"), `name: ops\nruntime: nodejs\n${pulumiYaml}`);
  for (const [name, text] of Object.entries(stacks)) {
    writeFileSync(path.join(root, stacksDir, `Pulumi.${name}.yaml`), text);
  }
  return root;
}

function stackErrorOf(run: () => unknown): StackError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(StackError);
    return err as StackError;
  }
  throw new Error("expected a StackError");
}

describe("findProject", () => {
  it("finds Pulumi.yaml in the folder or above, with stackConfigDir relative to it", () => {
    const root = project("stackConfigDir: config/stacks\n", "config/stacks", {});
    for (const cwd of [root, path.join(root, "config", "stacks", "deep", "er")]) {
      expect(findProject(cwd)).toEqual({
        root,
        stackConfigDir: path.join(root, "config", "stacks"),
      });
    }
  });

  it("uses the project folder when Pulumi.yaml names no stackConfigDir, as Pulumi does", () => {
    const root = project("", ".", {});
    expect(findProject(root)).toEqual({ root, stackConfigDir: root });
  });

  it("finds guardia's own project from the repository root", () => {
    expect(findProject(repoRoot)).toEqual({
      root: path.resolve(repoRoot),
      stackConfigDir: path.join(repoRoot, "stacks"),
    });
  });

  it("finds nothing outside a project", () => {
    const outside = mkdtempSync(path.join(scratch, "outside-"));
    // The temp folder's parents hold no Pulumi.yaml either (the test would say so).
    expect(findProject(outside)).toBeUndefined();
  });

  it("reports a Pulumi.yaml whose stackConfigDir is not a path", () => {
    const root = project("stackConfigDir: [a, b]\n", ".", {});
    const error = stackErrorOf(() => findProject(root));
    expect(error.file).toBe(path.join(root, "Pulumi.yaml"));
    expect(error.problems[0]!.message).toBe("`stackConfigDir` must be a path");
  });
});

describe("loadStack by name", () => {
  it("loads Pulumi.<name>.yaml from the stackConfigDir, from any folder of the project", () => {
    const root = project("stackConfigDir: infra/stacks\n", "infra/stacks", {
      "mira-prod": stackText("", "dev"),
    });
    const stack = loadStack("mira-prod", path.join(root, "infra", "stacks", "deep"));
    expect(stack.name).toBe("mira-prod");
    expect(stack.file).toBe(path.join(root, "infra", "stacks", "Pulumi.mira-prod.yaml"));
    expect(stack.platform.name).toBe("mira");
  });

  it("never falls back to guardia's own example stacks", () => {
    const root = project("", ".", {});
    const error = stackErrorOf(() => loadStack("mira-prod", root));
    expect(error.problems).toEqual([
      {
        path: "(file)",
        line: undefined,
        message: `no stack file "${path.join(root, "Pulumi.mira-prod.yaml")}"`,
      },
    ]);
  });

  it("outside a Pulumi project says what it looked for and how to fix it", () => {
    const outside = mkdtempSync(path.join(scratch, "outside-"));
    const error = stackErrorOf(() => loadStack("mira-prod", outside));
    expect(error.message).toBe(
      `Pulumi.mira-prod.yaml: 1 problem\n  (file): no Pulumi project here to find stack "mira-prod" in: looked for Pulumi.yaml in ${outside} and every folder above it. Run guardia inside the project that holds the stack, or pass the stack file's path (--stack path/to/Pulumi.mira-prod.yaml)`,
    );
  });

  it("loads a path anywhere, relative to the working folder, and keeps it absolute", () => {
    const outside = mkdtempSync(path.join(scratch, "outside-"));
    writeFileSync(path.join(outside, "Pulumi.mine.yaml"), stackText());
    writeFileSync(path.join(outside, "my-stack.yml"), stackText());
    expect(loadStack("./Pulumi.mine.yaml", outside).file).toBe(
      path.join(outside, "Pulumi.mine.yaml"),
    );
    const bare = loadStack("my-stack.yml", outside);
    expect(bare.file).toBe(path.join(outside, "my-stack.yml"));
    expect(bare.name).toBe("mira-dev");
    expect(stackFilePath("../x/Pulumi.a.yaml", outside)).toBe(
      path.join(path.dirname(outside), "x", "Pulumi.a.yaml"),
    );
  });

  it("finds guardia's example stacks from the repository root (the README's first command)", () => {
    const stack = loadStack("mira-prod", repoRoot);
    expect(stack.file).toBe(path.join(repoRoot, "stacks", "Pulumi.mira-prod.yaml"));
    expect(stack.platform.environment).toBe("prod");
  });

  it("names the missing file relative to the working folder", () => {
    const error = stackErrorOf(() => loadStack("nope-prod", repoRoot));
    expect(error.message).toBe(
      `stacks/Pulumi.nope-prod.yaml: 1 problem\n  (file): no stack file "${path.join(repoRoot, "stacks", "Pulumi.nope-prod.yaml")}"`,
    );
  });
});
