import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { stringify } from "yaml";
import { main } from "../../lib/cli/main.js";
import { runCli } from "../harness/cli.js";
import {
  clone,
  exampleStacks,
  leafPool,
  mutateModel,
  prng,
  type ExampleStack,
  type Random,
} from "./mutate.js";

/**
 * 1,200 mutated stack files, each through `guardia validate --stack <file>` (the CLI's own
 * `main`, in this process; a few through the built binary too): wrong types, deletions and
 * duplications, aliases and alias bombs, deep nesting, NUL and other control characters, huge
 * values, Pulumi-encrypted values, broken YAML. guardia must answer 0 or 2, never crash, and
 * every exit-2 report must name the file and give each located problem its line.
 */

const CASES = 1200;
const SEED = 9;

type TextMutation = (text: string, random: Random) => string;

const lines = (text: string) => text.split("\n");
/** A line of the stack holding `key: value` under guardia:platform. */
const valueLines = (text: string) =>
  lines(text)
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => /^\s{4,}(- )?[\w-]+: \S/.test(line));

function replaceValue(text: string, random: Random, value: (old: string) => string): string {
  const all = lines(text);
  const candidates = valueLines(text);
  if (candidates.length === 0) return text;
  const { line, i } = random.pick(candidates);
  const [, head, old] = /^(\s*(?:- )?[\w-]+: )(.*)$/.exec(line)!;
  all[i] = `${head}${value(old!)}`;
  return all.join("\n");
}

function aliasBomb(): string {
  const rows = ["    x0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"];
  for (let i = 1; i < 9; i++) {
    rows.push(
      `    x${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(", ")}]`,
    );
  }
  return rows.join("\n");
}

/** Mutations of the file's text: what a bad paste, an editor or an attacker would produce. */
const TEXT_MUTATIONS: Record<string, TextMutation> = {
  "undefined alias": (t, r) => replaceValue(t, r, () => "*nowhere"),
  "self alias": (t) =>
    t.replace("  guardia:platform:", "  guardia:platform: &p").concat("    again: *p\n"),
  "alias bomb": (t) => t.replace("\n    namespace: ", `\n${aliasBomb()}\n    namespace: `),
  "anchor and alias": (t, r) => {
    const all = lines(t);
    const spots = valueLines(t);
    if (spots.length < 2) return t;
    const from = r.pick(spots);
    const to = r.pick(spots);
    all[from.i] = all[from.i]!.replace(/: /, ": &v ");
    all[to.i] = all[to.i]!.replace(/: .*/, ": *v");
    return all.join("\n");
  },
  "deep flow nesting": (t, r) => replaceValue(t, r, () => `${"[".repeat(2000)}${"]".repeat(2000)}`),
  "deep map nesting": (t, r) =>
    replaceValue(t, r, () => `${"{a: ".repeat(300)}1${"}".repeat(300)}`),
  "raw NUL": (t, r) => {
    const at = r.int(t.length);
    return `${t.slice(0, at)}\u0000${t.slice(at)}`;
  },
  "escaped NUL in a value": (t, r) => replaceValue(t, r, (old) => JSON.stringify(`${old}\u0000x`)),
  "terminal escapes in a value": (t, r) =>
    replaceValue(t, r, (old) => JSON.stringify(`\u001b[2J\u001b]0;pwned\u0007${old}`)),
  "huge value": (t, r) =>
    replaceValue(t, r, () => JSON.stringify("v".repeat(100_000 + r.int(1000)))),
  "huge key": (t) => t.replace("    namespace:", `    ${"k".repeat(1000)}: 1\n    namespace:`),
  "huge list": (t) =>
    t.replace(
      "    namespace:",
      `    services: [${Array(1000).fill("{ name: Bad }").join(", ")}]\n    namespace:`,
    ),
  "encrypted value": (t, r) => replaceValue(t, r, () => "{ secure: v1:AAABAFp9N2xZQ3V1 }"),
  "delete a line": (t, r) => {
    const all = lines(t);
    all.splice(r.int(all.length), 1);
    return all.join("\n");
  },
  "duplicate a line": (t, r) => {
    const all = lines(t);
    const i = r.int(all.length);
    all.splice(i, 0, all[i]!);
    return all.join("\n");
  },
  "shift indentation": (t, r) => {
    const all = lines(t);
    const i = r.int(all.length);
    all[i] = r.next() < 0.5 ? ` ${all[i]}` : all[i]!.replace(/^ /, "");
    return all.join("\n");
  },
  "tab indentation": (t, r) => {
    const all = lines(t);
    const i = r.int(all.length);
    all[i] = all[i]!.replace(/^ {2}/, "\t");
    return all.join("\n");
  },
  truncate: (t, r) => t.slice(0, r.int(t.length)),
  "flip a byte": (t, r) => {
    const at = r.int(t.length);
    return `${t.slice(0, at)}${String.fromCharCode(r.int(128))}${t.slice(at + 1)}`;
  },
  "second document": (t) => `${t}---\nconfig: {}\n`,
  "CRLF and a BOM": (t) => `\uFEFF${t.replace(/\n/g, "\r\n")}`,
  "unknown top-level key": (t) => `stack: x\n${t}`,
};

interface Case {
  readonly name: string;
  readonly text: string;
}

function model(stack: ExampleStack, random: Random, pool: readonly unknown[]): Case {
  const platform = clone(stack.model);
  const steps = Array.from({ length: 1 + random.int(4) }, () =>
    mutateModel(platform, random, pool),
  );
  const text = stringify({ config: { "guardia:platform": platform } }, { lineWidth: 0 });
  return { name: `${stack.name}: ${steps.join(", ")}`, text };
}

function cases(): Case[] {
  const stacks = exampleStacks();
  const pool = leafPool(stacks.map((s) => s.model));
  const random = prng(SEED);
  const names = Object.keys(TEXT_MUTATIONS);
  return Array.from({ length: CASES }, (_, n) => {
    const stack = stacks[n % stacks.length]!;
    // Half structural (wrong types, deletions, duplications), half of the text itself.
    if (n % 2 === 0) return model(stack, random, pool);
    const mutation = names[Math.floor(n / 2) % names.length]!;
    return {
      name: `${stack.name}: ${mutation}`,
      text: TEXT_MUTATIONS[mutation]!(stack.text, random),
    };
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "guardia-fuzz-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `guardia validate --stack <file>` through the CLI's `main`, with its output captured. */
async function validate(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(["validate", "--stack", file]), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** What is wrong with a report of exit 2: it must name the file and locate every problem. */
function reportProblems(file: string, stderr: string): string[] {
  const [first, ...rest] = stderr.trimEnd().split("\n");
  const problems: string[] = [];
  if (!first?.startsWith(`${file}: `)) problems.push(`first line does not name the file: ${first}`);
  for (const line of rest) {
    const located = /^ {2}line \d+: \S/.test(line);
    const wholeFile = /^ {2}\((file|yaml)\): \S/.test(line);
    const more = /^ {2}… and \d+ more$/.test(line);
    if (!located && !wholeFile && !more) problems.push(`problem without a line: ${line}`);
  }
  // Nothing the file said reaches the terminal raw, and nothing it said is repeated at length.
  if (/\p{Cc}/u.test(stderr.replace(/\n/g, ""))) {
    problems.push("control character in the report");
  }
  if (rest.some((line) => line.length > 1500)) problems.push("a line longer than 1500 characters");
  return problems;
}

describe(`fuzz: ${CASES} mutated stack files through guardia validate`, () => {
  const all = cases();
  const outcomes = { ok: 0, invalid: 0 };
  const BATCH = 100;
  const batches = Array.from({ length: Math.ceil(CASES / BATCH) }, (_, i) => [
    i * BATCH,
    Math.min(CASES, (i + 1) * BATCH) - 1,
  ]);

  it.each(batches)(
    "cases %i to %i exit 0 or 2, and every exit-2 report names the file and each problem's line",
    async (first, last) => {
      const failures: string[] = [];
      for (let n = first!; n <= last!; n++) {
        const c = all[n]!;
        const file = path.join(dir, `Pulumi.fuzz-${n}.yaml`);
        writeFileSync(file, c.text);
        const result = await validate(file);
        if (result.code === 0) {
          outcomes.ok++;
          if (result.stdout !== `ok  fuzz-${n}\n`)
            failures.push(`${c.name}: stdout ${result.stdout}`);
        } else if (result.code === 2) {
          outcomes.invalid++;
          failures.push(...reportProblems(file, result.stderr).map((p) => `${c.name}: ${p}`));
        } else {
          failures.push(`${c.name}: exit ${result.code}: ${result.stderr.slice(0, 300)}`);
        }
      }
      expect(failures).toEqual([]);
    },
  );

  it("made stacks guardia accepts and stacks it refuses", () => {
    expect(outcomes.ok + outcomes.invalid).toBe(CASES);
    expect(outcomes.ok).toBeGreaterThan(50);
    expect(outcomes.invalid).toBeGreaterThan(800);
  });

  it("behaves the same through the built binary", async () => {
    const picks = ["alias bomb", "raw NUL", "deep flow nesting", "huge value", "CRLF and a BOM"];
    for (const what of picks) {
      const n = all.findIndex((c) => c.name.endsWith(`: ${what}`));
      const file = path.join(dir, `Pulumi.binary-${n}.yaml`);
      writeFileSync(file, all[n]!.text);
      const result = await runCli(["validate", "--stack", file]);
      const inProcess = await validate(file);
      expect([result.code, result.stdout, result.stderr], what).toEqual([
        inProcess.code,
        inProcess.stdout,
        inProcess.stderr,
      ]);
      expect([0, 2], what).toContain(result.code);
    }
  });
});
