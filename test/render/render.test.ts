import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CronSchedule, loadStack } from "../../lib/model/index.js";
import {
  renderStack,
  writeRender,
  type Render,
  type RenderedFile,
} from "../../lib/render/render.js";
import { summarize } from "../../lib/render/summary.js";
import { runCli } from "../harness/cli.js";
import { repoRoot } from "../harness/tools.js";

const STACKS = readdirSync(path.join(repoRoot, "stacks"))
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((name): name is string => name !== undefined)
  .sort();

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "guardia-render-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A fresh directory path under the test's scratch directory (not created). */
let dirs = 0;
const freshDir = () => path.join(scratch, `out-${++dirs}`);

/** Every file under `dir`, relative, sorted, with its bytes. */
function tree(dir: string): Map<string, Buffer> {
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => statSync(path.join(dir, f)).isFile())
    .sort();
  return new Map(files.map((f) => [f, readFileSync(path.join(dir, f))]));
}

describe("every example stack", () => {
  it("finds the example stacks of all three manuals' platforms", () => {
    expect(STACKS).toEqual(
      expect.arrayContaining(["inatrace-prod", "logistica-prod", "mira-prod"]),
    );
  });

  it.each(STACKS)("renders %s", async (name) => {
    const render = await renderStack(name, repoRoot);
    expect(render.stack.name).toBe(name);
    if (render.stack.platform.runtime === "local") {
      expect(render.files).toEqual([]);
    } else {
      const paths = render.files.map((f) => f.path);
      expect(paths).toContain(
        `kubernetes/ServiceAccount/${render.stack.platform.name}-guardia.yaml`,
      );
      expect(paths).toContain(
        `kubernetes/ConfigMap/${render.stack.platform.name}-guardia-stack.yaml`,
      );
    }
    expect(render.summary).toMatch(new RegExp(`^# guardia render: ${name}\n`));
  });
});

describe("determinism", () => {
  it.each(["mira-prod", "inatrace-prod"])("renders %s byte-identically twice", async (name) => {
    const [a, b] = [freshDir(), freshDir()];
    writeRender(await renderStack(name, repoRoot), a);
    writeRender(await renderStack(name, repoRoot), b);
    const [first, second] = [tree(a), tree(b)];
    expect([...second.keys()]).toEqual([...first.keys()]);
    expect([...first.keys()]).toContain("SUMMARY.md");
    for (const [file, bytes] of first) {
      expect(second.get(file)?.equals(bytes), file).toBe(true);
    }
  });
});

describe("guardia render --stack mira-prod", () => {
  let render: Render;
  beforeAll(async () => {
    render = await renderStack("mira-prod", repoRoot);
  });

  it("exits 0 and writes SUMMARY.md and the kubernetes/ tree", async () => {
    const out = freshDir();
    const result = await runCli(["render", "--stack", "mira-prod", "--out", out]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const files = [...tree(out).keys()];
    const resources = files.filter((f) => /^(kubernetes|aws)\//.test(f));
    expect(result.stdout).toBe(
      `rendered mira-prod from ${render.stack.file}: ${resources.length} resources in ${path.relative(repoRoot, out)}/ (see ${path.relative(repoRoot, out)}/SUMMARY.md)\n`,
    );
    expect(files).toEqual(expect.arrayContaining(["SUMMARY.md", ".guardia-render"]));
    expect(resources).toContain("kubernetes/ServiceAccount/mira-guardia.yaml");
    expect(resources).toEqual(render.files.map((f) => f.path));
    // Another process renders the very same bytes as this one.
    const here = freshDir();
    writeRender(render, here);
    for (const [file, bytes] of tree(here)) {
      expect(readFileSync(path.join(out, file)).equals(bytes), file).toBe(true);
    }
  });

  it("summarizes the resources in a table", () => {
    const lines = render.summary.split("\n");
    expect(lines).toContain(`## Resources (${render.files.length})`);
    expect(lines).toContain("| type | count |");
    expect(lines).toContain("| `kubernetes:core/v1:ServiceAccount` | 1 |");
    const types = [...new Set(render.files.map((f) => f.resource.type))].sort();
    const table = lines.slice(lines.indexOf("| type | count |") + 2);
    expect(table.slice(0, types.length + 1)).toEqual([
      ...types.map(
        (t) => `| \`${t}\` | ${render.files.filter((f) => f.resource.type === t).length} |`,
      ),
      "",
    ]);
    expect(render.summary).toContain(
      "Platform **mira**, environment **prod**, namespace `mira`, runtime kubernetes",
    );
  });

  it("describes every CronJob's schedule in words, in the stack's time zone", () => {
    const cronJobs = render.files.filter((f) => f.resource.type === "kubernetes:batch/v1:CronJob");
    expect(cronJobs.length).toBeGreaterThanOrEqual(3);
    for (const file of cronJobs) {
      const { metadata, spec } = file.content as {
        metadata: { name: string };
        spec: { schedule: string };
      };
      const words = CronSchedule.parse(spec.schedule).describe();
      expect(render.summary).toContain(
        `| CronJob \`${metadata.name}\` | \`${spec.schedule}\` | America/Santiago | ${words} |`,
      );
    }
    for (const words of ["At 02:00", "At 03:00, only on Sunday", "At 05:00, only on Monday"]) {
      expect(render.summary).toContain(` | ${words} |`);
    }
  });

  it("says how long backups and logs are kept", () => {
    expect(render.summary).toContain(
      [
        "## Retention",
        "",
        "| what | kept |",
        "|---|---|",
        "| backups `daily` in file:///backups/mira | 30 days |",
        "| backups `weekly` in file:///backups/mira | 90 days |",
        "| log files `mira` (/var/log/mira/*.log) | compressed after 30 days, deleted after 90 days, rotated at 100M |",
        "",
      ].join("\n"),
    );
  });
});

describe("SUMMARY.md alerts", () => {
  it("counts alert rules per priority and lists their names once", () => {
    const rule = (alert: string | undefined, priority?: string) => ({
      ...(alert ? { alert } : { record: "job:up:avg" }),
      labels: priority ? { priority } : {},
    });
    const prometheusRule: RenderedFile = {
      path: "kubernetes/PrometheusRule/mira-alerts.yaml",
      resource: {
        type: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
        name: "r",
        inputs: {},
      },
      content: {
        spec: {
          groups: [
            { rules: [rule("ServiceDown", "P1"), rule("ServiceDown", "P1"), rule(undefined)] },
            { rules: [rule("BackupTooOld", "P2"), rule("BackupFailed", "P2"), rule("Odd")] },
          ],
        },
      },
    };
    const summary = summarize(loadStack("mira-prod", repoRoot), [prometheusRule], []);
    expect(summary).toContain(
      [
        "## Alerts by priority",
        "",
        "| priority | rules | alerts |",
        "|---|---|---|",
        "| (none) | 1 | Odd |",
        "| P1 | 2 | ServiceDown |",
        "| P2 | 2 | BackupFailed, BackupTooOld |",
      ].join("\n"),
    );
    expect(summary).toContain("## Components (0)\n\nNone.\n");
  });
});

describe("writeRender", () => {
  const tiny = async (): Promise<Render> => ({
    ...(await renderStack("mira-local", repoRoot)),
    summary: "# tiny\n",
  });

  it("refuses to overwrite a non-empty directory it did not write", async () => {
    const out = freshDir();
    mkdirSync(out);
    writeFileSync(path.join(out, "notes.txt"), "mine");
    const render = await tiny();
    expect(() => writeRender(render, out)).toThrow(
      `${out} exists and was not written by guardia render; choose another --out`,
    );
    expect(readFileSync(path.join(out, "notes.txt"), "utf8")).toBe("mine");
  });

  it("writes into an empty directory, and replaces a render it wrote", async () => {
    const out = freshDir();
    mkdirSync(out);
    writeRender(await tiny(), out);
    writeFileSync(path.join(out, "stale.yaml"), "from an earlier render");
    writeRender(await tiny(), out);
    expect([...tree(out).keys()]).toEqual([".guardia-render", "SUMMARY.md"]);
    expect(readFileSync(path.join(out, ".guardia-render"), "utf8")).toBe("mira-local\n");
    expect(readdirSync(scratch).filter((f) => f.includes(".tmp-"))).toEqual([]);
    expect(existsSync(path.join(out, "stale.yaml"))).toBe(false);
  });

  it("replaces its own render when the directory is given with a trailing slash", async () => {
    const out = `${freshDir()}/`;
    writeRender(await tiny(), out);
    writeRender(await tiny(), out);
    expect([...tree(out).keys()]).toEqual([".guardia-render", "SUMMARY.md"]);
  });
});
