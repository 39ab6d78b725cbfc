import { readFileSync } from "node:fs";

/**
 * guardia's own version, recorded in every audit record, manifest and default image tag. Read from
 * package.json one or two levels up (lib/ when run from source, dist/lib/ when built).
 */
function readVersion(): string {
  for (const relative of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "guardia" && pkg.version) return pkg.version;
    } catch {
      // Not at this level; try the next one.
    }
  }
  return "0.0.0-unknown";
}

export const GUARDIA_VERSION = readVersion();
