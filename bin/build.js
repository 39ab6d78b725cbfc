// Transpiles lib/, infra/ and runbooks/ to dist/ with esbuild, file by file (no bundling), only
// when a source is newer than the last build. It takes ~0.3 s, once; later starts only stat files.
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
const ENTRY = path.join(OUT, "lib", "cli", "main.js");

function sources() {
  const found = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) found.push(full);
    }
  };
  SOURCE_DIRS.forEach((dir) => walk(path.join(ROOT, dir)));
  return found.sort();
}

/** Fresh when the same set of sources was built and none changed since. */
function isFresh(files) {
  if (!existsSync(STAMP)) return false;
  if (readFileSync(STAMP, "utf8") !== files.join("\n")) return false;
  const built = statSync(STAMP).mtimeMs;
  return files.every((file) => statSync(file).mtimeMs <= built);
}

export async function build(files = sources()) {
  const { build: esbuild } = await import("esbuild");
  const staging = `${OUT}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  await esbuild({
    entryPoints: files,
    outdir: staging,
    outbase: ROOT,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "inline",
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
