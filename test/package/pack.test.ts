import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliResult } from "../harness/cli.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { run } from "../harness/process.js";
import { repoRoot } from "../harness/tools.js";

/**
 * guardia as a team adopts it: `npm pack`, a fresh repository in a temp folder, `npm install` of
 * the tarball (its dependencies from the npm cache or the registry), then `guardia init`,
 * `validate`, `render`, a built-in runbook's dry run and the example team runbook for real
 * against a throwaway PostgreSQL — all from that folder, none of guardia's example stacks near.
 * Most of its time is the package build (esbuild and the declarations) and the install.
 */

const PLATFORM = "shop";
const ROLE_PASSWORD = "shop-Secret-4711";

let work: string;
let project: string;
let pg: PgServer;

/** The installed package's `guardia`, run in the project as `npx guardia` would. */
function guardia(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const bin = path.join(project, "node_modules", ".bin", "guardia");
  return runCli([], {
    direct: true,
    wrapper: [bin, ...args],
    cwd: project,
    env: { XDG_STATE_HOME: path.join(work, "state"), ...env },
    timeoutMs: 240_000,
  });
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "guardia-pack-"));
  project = path.join(work, PLATFORM);
  const packed = await run("npm", ["pack", "--pack-destination", work], {
    cwd: repoRoot,
    timeoutMs: 600_000,
  });
  const tarball = path.join(work, packed.stdout.trim().split("\n").at(-1)!);
  await run("mkdir", [project]);
  writeFileSync(path.join(project, "package.json"), `{ "name": "${PLATFORM}", "private": true }\n`);
  const npm = ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball];
  await run("npm", npm, { cwd: project, timeoutMs: 900_000 });
  pg = await startPostgres();
  await pg.createRole(PLATFORM, ROLE_PASSWORD);
  await pg.createDatabase(PLATFORM, PLATFORM);
  const table = "CREATE TABLE orders (id int PRIMARY KEY, total numeric)";
  await run("psql", ["-X", "-v", "ON_ERROR_STOP=1", "-c", table, "-c", SEED], {
    env: { ...process.env, ...pg.env(PLATFORM), PGUSER: PLATFORM, PGPASSWORD: ROLE_PASSWORD },
  });
}, 1_500_000);

const SEED = "INSERT INTO orders SELECT g, g * 1.5 FROM generate_series(1, 500) g";

afterAll(async () => {
  await pg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("guardia installed from its tarball", () => {
  it("ships the build and declarations, not the TypeScript sources", () => {
    const installed = path.join(project, "node_modules", "guardia");
    expect(readdirSync(installed).sort()).toEqual(
      expect.arrayContaining(["bin", "dist", "package.json"]),
    );
    for (const sources of ["lib", "infra", "runbooks"])
      expect(existsSync(path.join(installed, sources)), sources).toBe(false);
    expect(existsSync(path.join(installed, "dist", "types", "lib", "api", "runbook.d.ts"))).toBe(
      true,
    );
  });

  it("exports guardia/model, guardia/infra and guardia/runbook, and nothing else", async () => {
    const probe = `
      const tryImport = (s) => import(s).then((m) => Object.keys(m).length, (e) => e.code);
      const specifiers = ["guardia/model", "guardia/infra", "guardia/runbook",
        "guardia/lib/model/index.js", "guardia/dist/package/main.js", "guardia/package.json"];
      console.log(JSON.stringify(await Promise.all(specifiers.map(tryImport))));`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", probe], {
      cwd: project,
    });
    const [model, infra, runbook, ...internal] = JSON.parse(stdout) as (number | string)[];
    expect([model, infra, runbook].every((n) => typeof n === "number" && n > 0)).toBe(true);
    expect(internal).toEqual(Array(3).fill("ERR_PACKAGE_PATH_NOT_EXPORTED"));
  });

  it("init writes the project without a terminal, and a second init overwrites nothing", async () => {
    const args = [
      "init",
      ...["--platform", PLATFORM, "--environments", "dev,prod", "--services", "api"],
      ...["--database", PLATFORM, "--database-host", "127.0.0.1", "--database-port"],
      ...[String(pg.port), "--alert-email", "ops@shop.example.org"],
    ];
    const first = await guardia(args);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const files = [
      "Pulumi.yaml",
      `stacks/Pulumi.${PLATFORM}-dev.yaml`,
      `stacks/Pulumi.${PLATFORM}-prod.yaml`,
      "index.ts",
      "runbooks/analyze-db.ts",
      "README.md",
    ];
    for (const file of files) expect(first.stdout).toMatch(new RegExp(`written +${file}`));
    const pkg = JSON.parse(readFileSync(path.join(project, "package.json"), "utf8"));
    expect(pkg.scripts).toMatchObject({ validate: "guardia validate" });
    expect(pkg.type).toBe("module");
    expect(pkg.dependencies.guardia).toMatch(/\.tgz$/);
    const before = files.map((f) => readFileSync(path.join(project, f), "utf8"));
    const again = await guardia(args);
    expect(again.code).toBe(0);
    for (const file of files) expect(again.stdout).toMatch(new RegExp(`kept +${file}`));
    expect(files.map((f) => readFileSync(path.join(project, f), "utf8"))).toEqual(before);
  });

  it("validates and renders the new stacks, none of guardia's examples", async () => {
    const validate = await guardia(["validate"]);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout.trim().split("\n")).toEqual([
      `ok  ${PLATFORM}-dev`,
      `ok  ${PLATFORM}-prod`,
    ]);
    const render = await guardia(["render", "--stack", `${PLATFORM}-prod`]);
    expect(render.code, render.stderr).toBe(0);
    const summary = readFileSync(
      path.join(project, "out", `${PLATFORM}-prod`, "SUMMARY.md"),
      "utf8",
    );
    expect(summary).toContain(`Platform **${PLATFORM}**, environment **prod**`);
    expect(summary).toContain(`CronJob \`${PLATFORM}-backup-${PLATFORM}-daily\``);
    expect(summary).not.toMatch(/mira|inatrace|logistica/);
    // Nothing was transpiled in node_modules: the package's own build is all there is.
    const dist = readdirSync(path.join(project, "node_modules", "guardia", "dist"));
    expect(dist.sort()).toEqual(["package", "types"]);
  });

  it("dry-runs a built-in runbook against the new stack's database", async () => {
    const dry = await guardia(
      ["backup-db", "--stack", `${PLATFORM}-dev`, "--database", PLATFORM, "--dry-run"],
      {
        PGPASSWORD: ROLE_PASSWORD,
      },
    );
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`Plan: backup-db on ${PLATFORM}-dev`);
    expect(dry.stdout).toContain(`PGPORT=${pg.port}`);
    expect(dry.stdout).toMatch(/pg_dump/);
  });

  it("lists the team's runbook and runs it for real with the engine: lock, audit, result", async () => {
    const list = await guardia(["list"]);
    expect(list.stdout).toMatch(
      /analyze-db +Refresh a database's planner statistics.*\(runbooks\/analyze-db\.ts\)/,
    );
    expect(list.stdout).toMatch(/^backup-db /m);
    const stats = () =>
      pg.query<{ analyzed: boolean }>(
        "SELECT last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE relname = 'orders'",
        PLATFORM,
      );
    expect(await stats()).toEqual([{ analyzed: false }]);
    const env = { PGPASSWORD: ROLE_PASSWORD };
    const dry = await guardia(["analyze-db", "--stack", `${PLATFORM}-dev`, "--dry-run"], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("vacuumdb --analyze-only --dbname shop");
    expect(await stats()).toEqual([{ analyzed: false }]);
    const refused = await guardia(["analyze-db", "--stack", `${PLATFORM}-dev`], env);
    expect(refused.code).toBe(3);
    const real = await guardia(
      ["analyze-db", "--stack", `${PLATFORM}-dev`, "--yes", "--json"],
      env,
    );
    expect(real.code, real.stderr).toBe(0);
    const result = JSON.parse(real.stdout) as { outcome: string; steps: { title: string }[] };
    expect(result.outcome).toBe("done");
    expect(result.steps).toHaveLength(3);
    expect(await stats()).toEqual([{ analyzed: true }]);
    const audit = readFileSync(path.join(work, "state", "guardia", "audit.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { runbook: string; outcome: string });
    expect(audit.filter((r) => r.runbook === "analyze-db").map((r) => r.outcome)).toEqual([
      "planned",
      "refused",
      "done",
    ]);
  });

  it("renders the team's Pulumi program under the mock runtime: guardia's resources and its own", async () => {
    const script = `
      import * as pulumi from "@pulumi/pulumi";
      import { loadStack, PLATFORM_KEY } from "guardia/model";
      const created = [];
      await pulumi.runtime.setMocks({
        newResource: (r) => {
          created.push(r.type + " " + (r.inputs.metadata?.name ?? r.name));
          return { id: r.name + "-id", state: r.inputs };
        },
        call: (c) => c.inputs,
      }, "${PLATFORM}", "${PLATFORM}-prod", false);
      const { input } = loadStack("${PLATFORM}-prod");
      pulumi.runtime.setAllConfig({ [PLATFORM_KEY]: JSON.stringify(input) });
      const { default: program } = await import("./index.ts");
      program();
      await pulumi.runtime.disconnect();
      console.log(JSON.stringify(created));`;
    writeFileSync(path.join(project, "render-program.mjs"), script);
    const { stdout } = await run(process.execPath, ["--import", "tsx", "render-program.mjs"], {
      cwd: project,
      timeoutMs: 240_000,
    });
    const created = JSON.parse(stdout.trim().split("\n").at(-1)!) as string[];
    expect(created).toEqual(
      expect.arrayContaining([
        // guardia's
        "guardia:index:Foundation shop",
        "kubernetes:core/v1:ServiceAccount shop-guardia",
        "kubernetes:batch/v1:CronJob shop-backup-shop-daily",
        // the team's own, and its runbook scheduled by guardia's CronJob builder
        "kubernetes:core/v1:ConfigMap shop-on-call",
        "kubernetes:batch/v1:CronJob shop-analyze-db",
      ]),
    );
  });

  it("type-checks the team's program and runbook against the package's declarations", async () => {
    const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");
    const checked = await run(process.execPath, [tsc, "-p", "tsconfig.json"], {
      cwd: project,
      timeoutMs: 300_000,
    }).catch((err: Error & { stdout: string }) => err.stdout || err.message);
    expect(checked).toEqual({ stdout: "", stderr: "" });
  });
});
