import { accessSync, chmodSync, constants, mkdirSync, mkdtempSync } from "node:fs";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * Recording wrappers put first on PATH: each is named like a real tool (pg_dump, zstd,
 * logrotate...), writes down how it was started (argv, working directory, PG* environment) and
 * then execs the real tool in its place, so the run is a real one. What they record is what the
 * operating system started, to compare with what guardia says it ran.
 */
export interface ShimCall {
  /** As the tool got it: argv[0] is the path it was started by. */
  readonly argv: readonly string[];
  readonly cwd: string;
  /** The PG* variables it got (PGPASSWORD too: tests check that secrets travel there). */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Where the real tools are found, and the PATH the shimmed runs get after the shims: the
 * system's directories only, as on the Debian machine CI runs on. A developer's PATH may put
 * other interpreters first (pyenv's `python` and `python3`, a virtualenv's), which lack Debian's
 * Django and Celery: through it, a stack's `python manage.py …` failed with "Couldn't import
 * Django" on one machine and not on another, and a tool no shim records ran unseen.
 */
export const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface PathShims {
  readonly dir: string;
  /** PATH: the shims, then SYSTEM_PATH; and where they write. */
  env(): Record<string, string>;
  /** Every call since the last `clear()`, in the order they started. */
  calls(): ShimCall[];
  clear(): void;
  cleanup(): void;
}

/** Installs a shim per tool, each execing the real one: the one given (`real`), else SYSTEM_PATH's. */
export function installPathShims(tools: Readonly<Record<string, string | undefined>>): PathShims {
  const dir = mkdtempSync(path.join(tmpdir(), "guardia-shims-"));
  const bin = path.join(dir, "bin");
  const log = path.join(dir, "calls");
  mkdirSync(bin);
  mkdirSync(log);
  for (const [tool, real] of Object.entries(tools)) {
    const shim = path.join(bin, tool);
    writeFileSync(shim, shimScript(real ?? realTool(tool)));
    chmodSync(shim, 0o755);
  }
  return {
    dir: bin,
    env: () => ({ PATH: `${bin}:${SYSTEM_PATH}`, GUARDIA_SHIM_LOG: log }),
    calls: () =>
      readdirSync(log)
        .sort()
        .map((name) => readCall(path.join(log, name))),
    clear: () => {
      rmSync(log, { recursive: true, force: true });
      mkdirSync(log);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function shimScript(real: string): string {
  return `#!/bin/sh
# Recording shim (tests): notes how it was started, then runs the real tool in its place.
call="$GUARDIA_SHIM_LOG/$(date +%s%N)-$$"
mkdir "$call"
printf '%s\\0' "$0" "$@" > "$call/argv"
pwd > "$call/cwd"
env | grep '^PG' > "$call/env"
exec '${real}' "$@"
`;
}

function realTool(tool: string): string {
  for (const dir of SYSTEM_PATH.split(path.delimiter)) {
    const candidate = path.join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(`${tool} not found in ${SYSTEM_PATH}: the shim needs the real tool`);
}

function readCall(dir: string): ShimCall {
  const argv = readFileSync(path.join(dir, "argv"), "utf8").split("\0").slice(0, -1);
  const env = Object.fromEntries(
    readFileSync(path.join(dir, "env"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  return { argv, cwd: readFileSync(path.join(dir, "cwd"), "utf8").trim(), env };
}
