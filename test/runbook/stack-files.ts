import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";

/** Writes a stack file from a `guardia:platform` object into a temp dir; returns its path. */
export function writeStackFile(platform: Record<string, unknown>, name = "test"): string {
  const dir = mkdtempSync(path.join(tmpdir(), "guardia-stack-"));
  const file = path.join(dir, `Pulumi.${name}.yaml`);
  writeFileSync(file, stringify({ config: { "guardia:platform": platform } }));
  return file;
}
