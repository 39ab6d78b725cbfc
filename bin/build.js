// Bundles the CLI with esbuild into dist/<state>/, where <state> hashes the sources (paths and
// modification times) and the lock file. A process keeps loading chunks from its own directory
// while a newer build appears beside it, so an edit or a parallel first run never pulls files
// from under a running command. One bundle with lazy chunks starts in about half the time of
// hundreds of separate modules, which matters when a runbook is started during an incident.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE_DIRS = ["lib", "infra", "runbooks"];
const DIST = path.join(ROOT, "dist");
/**
 * A build unused for this long is removed: every start marks its build as used (mtime), so a
 * command still running from an older build — a long restore drill — keeps its chunks.
 */
const STALE_BUILD_MS = 24 * 3600 * 1000;

/** Large SDKs and packages that load their own files at run time stay in node_modules. */
const EXTERNAL = [
  "@pulumi/*",
  "@aws-sdk/*",
  "@smithy/*",
  "pg",
  "kubernetes-models",
  "@kubernetes-models/*",
  "esbuild",
  // Finds its own driver files by path; it loads only in a run with a browser step.
  "playwright-core",
];

function sources() {
  // This file too: a change to how the bundle is built (a new external) needs a new build.
  const found = [path.join(ROOT, "package-lock.json"), fileURLToPath(import.meta.url)];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) found.push(full);
    }
  };
  SOURCE_DIRS.forEach((dir) => walk(path.join(ROOT, dir)));
  return found.filter((file) => existsSync(file)).sort();
}

function stateOf(files) {
  const hash = createHash("sha256");
  for (const file of files) hash.update(`${path.relative(ROOT, file)}:${statSync(file).mtimeMs}\n`);
  return hash.digest("hex").slice(0, 16);
}

/**
 * The CLI and the public entry points (package.json `exports`) in one build with shared chunks:
 * a team runbook that imports `guardia/runbook` gets the very modules the running CLI uses.
 */
export const ENTRY_POINTS = {
  main: "lib/cli/main.ts",
  model: "lib/api/model.ts",
  infra: "lib/api/infra.ts",
  runbook: "lib/api/runbook.ts",
};

/** Where the published package keeps its build (package.json `bin` and `exports`). */
export const PACKAGE_DIST = path.join(DIST, "package");
/** Type declarations of the public entry points (`npm run build:package`). */
const TYPES_DIST = path.join(DIST, "types");

/** Bundles every entry point into `outdir` (which must not exist yet). */
async function bundle(outdir) {
  const { build: esbuild } = await import("esbuild");
  await esbuild({
    entryPoints: Object.fromEntries(
      Object.entries(ENTRY_POINTS).map(([name, file]) => [name, path.join(ROOT, file)]),
    ),
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: EXTERNAL,
    sourcemap: "linked",
    // CommonJS dependencies inside the bundle still call require().
    banner: {
      js: "import { createRequire as __guardiaRequire } from 'node:module'; const require = __guardiaRequire(import.meta.url);",
    },
    logLevel: "error",
  });
}

export async function build(files = sources()) {
  const target = path.join(DIST, stateOf(files));
  if (existsSync(path.join(target, "main.js"))) return markUsed(target);
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  await bundle(staging);
  try {
    renameSync(staging, target);
  } catch (err) {
    // Another process built the same state at the same moment; its copy is identical.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(path.join(target, "main.js"))) throw err;
  }
  removeStaleBuilds(target);
  return target;
}

function markUsed(dir) {
  try {
    const now = new Date();
    utimesSync(dir, now, now);
  } catch {
    // A read-only image: nothing else builds there, so nothing removes its build either.
  }
  return dir;
}

function removeStaleBuilds(current) {
  for (const entry of readdirSync(DIST)) {
    const dir = path.join(DIST, entry);
    if (dir === current || dir === PACKAGE_DIST || dir === TYPES_DIST) continue;
    try {
      if (Date.now() - statSync(dir).mtimeMs > STALE_BUILD_MS)
        rmSync(dir, { recursive: true, force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}

export async function ensureBuilt() {
  mkdirSync(DIST, { recursive: true });
  return pathToFileURL(path.join(await build(), "main.js")).href;
}

/**
 * What `npm pack` ships (the `prepack` script): the bundle in dist/package/ and the public entry
 * points' type declarations in dist/types/, so nothing is transpiled in a team's node_modules.
 */
export async function buildPackage() {
  rmSync(PACKAGE_DIST, { recursive: true, force: true });
  rmSync(TYPES_DIST, { recursive: true, force: true });
  await bundle(PACKAGE_DIST);
  const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
  execFileSync(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.build.json")], {
    stdio: "inherit",
  });
  return PACKAGE_DIST;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  if (process.argv[2] === "--package") await buildPackage();
  else await ensureBuilt();
}
