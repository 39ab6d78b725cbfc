import { describe, expect, it } from "vitest";
import type { DiffResult, StackDiff } from "../../lib/diff/diff.js";
import { diffFields } from "../../lib/diff/fields.js";
import { COMMENT_MARKER, lineDiff, markdownComment } from "../../lib/diff/report.js";
import { diffResources } from "../../lib/diff/resources.js";
import type { StackRender } from "../../lib/diff/snapshot.js";

/** The pieces of `guardia diff` that need no repository: field diffs, secrets, the comment's bound. */

describe("field differences", () => {
  it("match named list entries by name, so an insertion is one addition", () => {
    const before = {
      containers: [
        { name: "a", image: "x:1" },
        { name: "b", image: "y:1" },
      ],
    };
    const after = {
      containers: [
        { name: "z", image: "z:1" },
        { name: "a", image: "x:2" },
        { name: "b", image: "y:1" },
      ],
    };
    expect(diffFields(before, after)).toEqual([
      { field: "containers[name=a].image", kind: "changed", before: "x:1", after: "x:2" },
      { field: "containers[name=z]", kind: "added", after: { name: "z", image: "z:1" } },
    ]);
  });

  it("match alert rules by alert and subject, lists of scalars as one value, maps by key", () => {
    const rule = (service: string, f: string) => ({
      alert: "EndpointDown",
      labels: { service },
      for: f,
    });
    expect(
      diffFields(
        { rules: [rule("api", "5m"), rule("web", "5m")], args: ["a", "b"], meta: { x: 1, y: 2 } },
        { rules: [rule("api", "5m"), rule("web", "10m")], args: ["a", "c"], meta: { y: 2, x: 1 } },
      ),
    ).toEqual([
      {
        field: "rules[alert=EndpointDown,service=web].for",
        kind: "changed",
        before: "5m",
        after: "10m",
      },
      { field: "args", kind: "changed", before: ["a", "b"], after: ["a", "c"] },
    ]);
  });

  it("fall back to positions when names repeat", () => {
    expect(
      diffFields(
        [
          { name: "a", v: 1 },
          { name: "a", v: 2 },
        ],
        [
          { name: "a", v: 1 },
          { name: "a", v: 3 },
        ],
      ),
    ).toEqual([{ field: "[1].v", kind: "changed", before: 2, after: 3 }]);
  });
});

const stack = (files: Record<string, Record<string, unknown>>): StackRender => ({
  name: "s",
  files: new Map(Object.entries(files)),
  fingerprinted: true,
});

describe("secrets in resource differences", () => {
  it("say only changed for a Secret's data and for fingerprinted values, and carry no value", () => {
    const secret = (v: string) => ({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "t" },
      stringData: { token: v },
    });
    const job = (v: string) => ({
      apiVersion: "batch/v1",
      kind: "Job",
      spec: { password: v, replicas: 1 },
    });
    const changes = diffResources(
      stack({
        "kubernetes/Secret/t.yaml": secret("plain-a"),
        "kubernetes/Job/j.yaml": job("[secret:aaaa]"),
      }),
      stack({
        "kubernetes/Secret/t.yaml": secret("plain-b"),
        "kubernetes/Job/j.yaml": job("[secret:bbbb]"),
        "kubernetes/Secret/n.yaml": secret("[secret:cccc]"),
      }),
    );
    expect(changes).toEqual([
      {
        path: "kubernetes/Job/j.yaml",
        kind: "changed",
        fields: [{ field: "spec.password", kind: "changed", secret: true }],
      },
      {
        path: "kubernetes/Secret/n.yaml",
        kind: "added",
        fields: [],
        content: { ...secret("x"), stringData: { token: "[not shown: Secret data]" } },
      },
      {
        path: "kubernetes/Secret/t.yaml",
        kind: "changed",
        fields: [{ field: "stringData.token", kind: "changed", secret: true }],
      },
    ]);
    expect(JSON.stringify(changes)).not.toMatch(/plain-|aaaa|bbbb|cccc/);
  });
});

const LINE = `-${"x".repeat(40)}\n`;

function bigResult(stacks: number): DiffResult {
  const diff = (i: number): StackDiff => ({
    name: `app${i}-prod`,
    environment: "prod",
    changes: [
      {
        path: `kubernetes/ConfigMap/app${i}.yaml`,
        kind: "changed",
        fields: [
          {
            field: "data.big",
            kind: "changed",
            before: `a${LINE}`.repeat(150),
            after: `b${LINE}`.repeat(150),
          },
        ],
      },
    ],
    meaning: [`something of app${i}`],
    policy: { base: undefined, head: undefined, newViolations: [], fixed: [] },
    runbooks: [],
    notes: [],
  });
  return {
    base: { ref: "origin/main", commit: "0123456789abcdef0123456789abcdef01234567" },
    stacks: Array.from({ length: stacks }, (_, i) => diff(i)),
  };
}

describe("the PR comment", () => {
  it("fits as it is when it can", () => {
    const { comment, full } = markdownComment(bigResult(2), "guardia-diff.full.md");
    expect(full).toBeUndefined();
    expect(comment.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    expect(comment).toContain("<details><summary><b>app1-prod</b>: 1 changed</summary>");
  });

  it("is cut to GitHub's limit at a stack's details, with a note naming the full file", () => {
    const { comment, full } = markdownComment(bigResult(40), "guardia-diff.full.md");
    expect(comment.length).toBeLessThanOrEqual(65_536);
    expect(full!.length).toBeGreaterThan(65_536);
    expect(full).toContain("<b>app39-prod</b>");
    expect(comment).toContain("| `app39-prod` | prod | 1 changed | — |");
    expect(comment).not.toContain("<b>app39-prod</b>");
    const shown = comment.match(/<details>/g)!.length;
    expect(comment.match(/<\/details>/g)!.length).toBe(shown);
    expect(comment.trimEnd().split("\n").at(-1)).toBe(
      `> The whole diff (${full!.length} characters) does not fit in one comment: ${40 - shown} stack(s) left out here. All of it is in \`guardia-diff.full.md\` (\`guardia diff --base origin/main --format md\` prints it).`,
    );
    expect(markdownComment(bigResult(40), "guardia-diff.full.md").comment).toBe(comment);
  });

  it("shows a multi-line value as the lines that changed, or as counts when all of it did", () => {
    expect(lineDiff("a\nb\nc\nd\n", "a\nb\nC\nd\n")).toEqual([
      "@@ -2,3 +2,3 @@",
      " b",
      "-c",
      "+C",
      " d",
    ]);
    expect(lineDiff("a\n".repeat(800), "b\n".repeat(900))).toEqual([
      "@@ too different to list line by line: 801 lines → 901 lines @@",
    ]);
  });
});
