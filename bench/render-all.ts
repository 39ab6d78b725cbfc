/**
 * Rendering many stacks, as ratios. Goals: `guardia render --all` over the example stacks takes
 * at most 3× rendering one stack (one process for all of them instead of one each), and
 * `guardia diff --base HEAD~1` over all of them, with the base already in its cache, at most
 * 1.5× `render --all`. One process per stack, as before `--all`, is timed too, for reference.
 * Every command runs in a fresh process, interleaved, RUNS times after one warm-up (which builds
 * dist/ and fills the diff's cache); we report medians. Run: npx tsx bench/render-all.ts
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const RUNS = Number(process.env.RUNS ?? 3);
const root = path.resolve(import.meta.dirname, "..");
const scratch = mkdtempSync(path.join(tmpdir(), "guardia-bench-render-"));
const stacks = readdirSync(path.join(root, "stacks"))
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((n): n is string => n !== undefined)
  .sort();

const guardia = (...args: string[]) => ["node", "bin/guardia.js", ...args];

function timeOnce(argv: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(argv[0]!, argv.slice(1), {
    cwd: root,
    // The diff's cache of base renders lives in the scratch dir, not in the repository.
    env: { ...process.env, GUARDIA_CACHE_DIR: path.join(scratch, "cache") },
    stdio: "ignore",
  });
  // guardia diff exits 1 when the working tree breaks a rule HEAD~1 did not: still a full run.
  if (result.status !== 0 && !(argv.includes("diff") && result.status === 1)) {
    throw new Error(`${argv.join(" ")} exited ${result.status}`);
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const commands: Record<string, () => number> = {
  "render --stack mira-prod": () =>
    timeOnce(guardia("render", "--stack", "mira-prod", "--out", path.join(scratch, "one"))),
  "render --all": () => timeOnce(guardia("render", "--all", "--out", path.join(scratch, "all"))),
  "diff --base HEAD~1 (warm cache)": () =>
    timeOnce(
      guardia("diff", "--base", "HEAD~1", "--format", "md", "--out", path.join(scratch, "diff.md")),
    ),
  [`render --stack, one process per stack (${stacks.length})`]: () =>
    stacks.reduce(
      (sum, s) =>
        sum + timeOnce(guardia("render", "--stack", s, "--out", path.join(scratch, "each", s))),
      0,
    ),
};

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

try {
  for (const run of Object.values(commands)) run();
  const samples: Record<string, number[]> = Object.fromEntries(
    Object.keys(commands).map((n) => [n, []]),
  );
  for (let i = 0; i < RUNS; i++) {
    for (const [name, run] of Object.entries(commands)) samples[name]!.push(run());
  }
  const m = (name: string) => median(samples[name]!);
  const one = m("render --stack mira-prod");
  const all = m("render --all");
  console.log(`${stacks.length} example stacks, median of ${RUNS} runs (node ${process.version})`);
  console.log("| command | median s | ratio |\n|---|---|---|");
  for (const name of Object.keys(commands)) {
    const ratio = name.startsWith("diff")
      ? `${(m(name) / all).toFixed(2)}× render --all`
      : `${(m(name) / one).toFixed(2)}× one stack`;
    console.log(`| \`guardia ${name}\` | ${(m(name) / 1000).toFixed(1)} | ${ratio} |`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
