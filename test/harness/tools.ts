import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

export type ToolName = "amtool" | "alertmanager" | "promtool" | "prometheus" | "blackbox_exporter";

/** The repository root (this file is test/harness/tools.ts). */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** Where scripts/fetch-monitoring-tools.sh unpacks Debian trixie's packages. */
export const toolsBinDir = join(repoRoot, ".tools", "root", "usr", "bin");

// Debian renames two of the upstream binaries; the system PATH may hold either spelling.
const DEBIAN_NAMES: Record<ToolName, string> = {
  amtool: "amtool",
  alertmanager: "prometheus-alertmanager",
  promtool: "promtool",
  prometheus: "prometheus",
  blackbox_exporter: "prometheus-blackbox-exporter",
};

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Path of a monitoring tool: the current release in <repo>/.tools first (bookworm's own amtool 0.25
 * rejects configs we need, e.g. `url_file`), else whatever the system has on PATH.
 */
export function toolPath(name: ToolName): string {
  const debianName = DEBIAN_NAMES[name];
  const local = join(toolsBinDir, debianName);
  if (executable(local)) return local;
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const dir of dirs) {
    for (const candidate of new Set([debianName, name])) {
      if (executable(join(dir, candidate))) return join(dir, candidate);
    }
  }
  throw new Error(
    `${name} not found in ${toolsBinDir} nor on PATH; run scripts/fetch-monitoring-tools.sh`,
  );
}

/** "0.28.1" from the first line of `<tool> --version` (Go tools print "name, version X.Y.Z ..."). */
export function toolVersion(name: ToolName): string {
  const path = toolPath(name);
  // Older kingpin-based releases print the version on stderr, newer ones on stdout.
  const { stdout, stderr, error } = spawnSync(path, ["--version"], { encoding: "utf8" });
  if (error) throw new Error(`could not run ${path} --version: ${error.message}`, { cause: error });
  const out = `${stdout}${stderr}`;
  const match = /version (\d+\.\d+\.\d+)/.exec(out);
  if (!match?.[1]) throw new Error(`could not read a version from ${path} --version:\n${out}`);
  return match[1];
}

/** True when dotted version `actual` >= `minimum` (numeric, component by component). */
export function versionAtLeast(actual: string, minimum: string): boolean {
  const a = actual.split(".").map(Number);
  const m = minimum.split(".").map(Number);
  for (let i = 0; i < Math.max(a.length, m.length); i++) {
    const diff = (a[i] ?? 0) - (m[i] ?? 0);
    if (diff !== 0) return diff > 0;
  }
  return true;
}
