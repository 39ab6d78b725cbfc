import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { renderStack, type Render } from "../../lib/render/render.js";

/** Stack files written by tests: a `guardia:platform` object as `Pulumi.<name>.yaml` in a temp dir. */
export function writeStackFile(platform: object, name = "test"): string {
  const dir = mkdtempSync(path.join(tmpdir(), "guardia-stack-"));
  const file = path.join(dir, `Pulumi.${name}.yaml`);
  writeFileSync(file, stringify({ config: { "guardia:platform": platform } }));
  return file;
}

/** Renders a `guardia:platform` object written inline, as `guardia render` would. */
export async function renderInline(platform: object, name = "inline"): Promise<Render> {
  const file = writeStackFile(platform, name);
  try {
    return await renderStack(file, path.dirname(file));
  } finally {
    rmSync(path.dirname(file), { recursive: true, force: true });
  }
}
