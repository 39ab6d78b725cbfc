/**
 * Cold start of the guardia command, as a ratio to the floor of any zx script:
 * `node -e "import('zx')"`. Issue 3's goal: ≤ 1.5× for `guardia --help` and for a dry-run, in English and in Spanish.
 * Every command runs in a fresh process, interleaved, RUNS times after one warm-up (which also
 * builds dist/); we report medians. Run: npx tsx bench/cold-start.ts
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const RUNS = Number(process.env.RUNS ?? 21);
const root = path.resolve(import.meta.dirname, "..");
const audit = path.join(mkdtempSync(path.join(tmpdir(), "guardia-bench-")), "audit.jsonl");

const dryRun = (...lang: string[]) => [
  "node",
  "bin/guardia.js",
  "restart-service",
  "--stack",
  "mira-local",
  "--service",
  "nocobase",
  "--dry-run",
  ...lang,
];

// The example stack speaks Spanish: `--lang en` is the English run, `--lang es` the Spanish one
// (the catalogue loads with the CLI either way; only the texts looked up differ).
const commands: Record<string, string[]> = {
  "node -e import('zx')": ["node", "-e", "import('zx')"],
  "guardia --help": ["node", "bin/guardia.js", "--help"],
  "guardia --help --lang es": ["node", "bin/guardia.js", "--help", "--lang", "es"],
  "guardia restart-service --dry-run --lang en": dryRun("--lang", "en"),
  "guardia restart-service --dry-run --lang es": dryRun("--lang", "es"),
};

function timeOnce(argv: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(argv[0]!, argv.slice(1), {
    cwd: root,
    env: { ...process.env, GUARDIA_AUDIT_FILE: audit },
    stdio: "ignore",
  });
  if (result.status !== 0) throw new Error(`${argv.join(" ")} exited ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

for (const argv of Object.values(commands)) timeOnce(argv);
const samples: Record<string, number[]> = Object.fromEntries(
  Object.keys(commands).map((name) => [name, []]),
);
for (let i = 0; i < RUNS; i++) {
  for (const [name, argv] of Object.entries(commands)) samples[name]!.push(timeOnce(argv));
}
const baseline = median(samples["node -e import('zx')"]!);
console.log(`cold start, median of ${RUNS} runs (node ${process.version})`);
console.log("| command | median ms | ratio to zx import |\n|---|---|---|");
for (const [name, values] of Object.entries(samples)) {
  console.log(
    `| \`${name}\` | ${median(values).toFixed(0)} | ${(median(values) / baseline).toFixed(2)}× |`,
  );
}
