import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../harness/cli.js";

/**
 * `guardia init` in a fresh folder, run from this checkout: what it writes, what it keeps, and
 * bad answers refused before anything is written. (test/package/pack.test.ts runs it from the
 * installed package and takes the result through validate, render and the runbooks.)
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "guardia-init-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const init = (args: string[]) => runCli(["init", ...args], { cwd: dir });

describe("guardia init", () => {
  it("refuses bad answers with every problem at once, and writes nothing", async () => {
    const result = await init([
      ...["--platform", "Shop_1", "--environments", "dev,qa", "--runtime", "vm"],
      ...["--alert-email", "nobody"],
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--platform: expected a lowercase DNS label, got "Shop_1"');
    expect(result.stderr).toContain("--environments: expected some of dev, testing, staging, prod");
    expect(result.stderr).toContain("--runtime: expected kubernetes or local");
    expect(result.stderr).toContain("--alert-email: expected an email address");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("needs --platform without a terminal to ask for it", async () => {
    const result = await init([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("init needs --platform");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("writes each environment's stack with its defaults as comments, and the project around it", async () => {
    const result = await init(["--platform", "shop", "--environments", "dev,staging,prod"]);
    expect(result.code, result.stderr).toBe(0);
    const stack = (env: string) =>
      readFileSync(path.join(dir, "stacks", `Pulumi.shop-${env}.yaml`), "utf8");
    // defaults.ts: dev keeps a daily backup 7 days without drill; staging and prod follow the manuals.
    expect(stack("dev")).toContain('#   - { name: daily, cron: "0 2 * * *", keepDays: 7 }');
    expect(stack("dev")).toContain("# restoreDrill: none in this environment by default");
    expect(stack("prod")).toContain('#   - { name: weekly, cron: "0 3 * * 0", keepDays: 90 }');
    expect(stack("prod")).toContain('# restoreDrill: { cron: "0 5 * * 1" }');
    expect(stack("prod")).toContain("namespace: shop\n");
    expect(stack("staging")).toContain("namespace: shop-staging\n");
    expect(readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")).toMatch(
      /^name: shop$[^]*^main: index\.ts$[^]*^stackConfigDir: stacks$/m,
    );
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
    expect(pkg).toMatchObject({ type: "module", scripts: { validate: "guardia validate" } });
    expect(readFileSync(path.join(dir, "runbooks", "analyze-db.ts"), "utf8")).toContain(
      'from "guardia/runbook"',
    );
    const validate = await runCli(["validate"], { cwd: dir });
    expect(validate.stdout.trim().split("\n")).toEqual([
      "ok  shop-dev",
      "ok  shop-prod",
      "ok  shop-staging",
    ]);
  });

  it("keeps every existing file: a CommonJS package gets index.mts, a README the section once", async () => {
    const pkg = { name: "legacy", type: "commonjs", scripts: { validate: "make validate" } };
    writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg));
    writeFileSync(path.join(dir, "README.md"), "# Legacy\n\nOur notes.\n");
    mkdirSync(path.join(dir, "runbooks"));
    writeFileSync(path.join(dir, "runbooks", "analyze-db.ts"), "// ours\n");
    const first = await init(["--platform", "legacy", "--yes"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/kept +runbooks\/analyze-db\.ts/);
    expect(first.stdout).toMatch(/updated +package\.json +added scripts\.render, scripts\.policy/);
    expect(readFileSync(path.join(dir, "runbooks", "analyze-db.ts"), "utf8")).toBe("// ours\n");
    const written = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
    expect(written.type).toBe("commonjs");
    expect(written.scripts.validate).toBe("make validate");
    expect(existsSync(path.join(dir, "index.mts"))).toBe(true);
    expect(readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")).toContain("main: index.mts");
    await init(["--platform", "legacy", "--yes"]);
    const readme = readFileSync(path.join(dir, "README.md"), "utf8");
    expect(readme.startsWith("# Legacy\n\nOur notes.\n\n<!-- guardia -->\n")).toBe(true);
    expect(readme.match(/## Operations \(guardia\)/g)).toHaveLength(1);
  });
});
