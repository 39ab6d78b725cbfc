// Bundles the CLI into dist/ with esbuild when a source (or the lock file) is newer than the last
// build. One bundle with lazily loaded chunks starts in about half the time of hundreds of
// separate modules, which matters when a runbook is started during an incident.
import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE_DIRS = ["lib", "infra", "runbooks"];
const OUT = path.join(ROOT, "dist");
const STAMP = path.join(OUT, ".sources");
const ENTRY = path.join(OUT, "main.js");

/** Large SDKs and packages that load their own files at run time stay in node_modules. */
const EXTERNAL = [
  "@pulumi/*",
  "@aws-sdk/*",
  "@smithy/*",
  "pg",
  "kubernetes-models",
  "@kubernetes-models/*",
  "esbuild",
];

function sources() {
  const found = [path.join(ROOT, "package-lock.json")];
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

/** Fresh when the same set of sources was built and none changed since. */
function isFresh(files) {
  if (!existsSync(STAMP) || !existsSync(ENTRY)) return false;
  if (readFileSync(STAMP, "utf8") !== files.join("\n")) return false;
  const built = statSync(STAMP).mtimeMs;
  return files.every((file) => statSync(file).mtimeMs <= built);
}

export async function build(files = sources()) {
  const { build: esbuild } = await import("esbuild");
  const staging = `${OUT}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  await esbuild({
    entryPoints: { main: path.join(ROOT, "lib/cli/main.ts") },
    outdir: staging,
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
  writeFileSync(path.join(staging, ".sources"), files.join("\n"));
  rmSync(OUT, { recursive: true, force: true });
  try {
    renameSync(staging, OUT);
  } catch (err) {
    // Another guardia process built at the same moment; its dist/ is as good as ours.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(ENTRY)) throw err;
  }
}

export async function ensureBuilt() {
  const files = sources();
  if (!isFresh(files)) await build(files);
  return pathToFileURL(ENTRY).href;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await build();
