import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startGitHubApiFake, type GitHubApiFake } from "../fakes/github-api-fake.js";
import { throwawayRepo, type ThrowawayRepo } from "../harness/throwaway-repo.js";
import { repoRoot } from "../harness/tools.js";

/**
 * The script of examples/ci/github-pr.yml, run as GitHub Actions runs it (bash -eo pipefail) on a
 * throwaway repository whose `origin` has the base branch and whose checkout is the PR: guardia
 * diff against origin/main, posted as one comment that the next push updates.
 */

interface Workflow {
  jobs: { diff: { steps: { name?: string; run?: string; env?: Record<string, string> }[] } };
}

const workflow = parse(
  readFileSync(path.join(repoRoot, "examples", "ci", "github-pr.yml"), "utf8"),
) as Workflow;
const step = workflow.jobs.diff.steps.find((s) => s.run?.includes("guardia diff"))!;

const TOKEN = "ghs_FakeTokenForTheTestOnly0123456789ab";

let repo: ThrowawayRepo;
let origin: string;
let github: GitHubApiFake;

function runStep(): Promise<{ code: number; output: string }> {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_TOKEN: TOKEN,
    API_URL: github.server.url,
    REPOSITORY: "hospital-ovalle/mira-ops",
    PR_NUMBER: "7",
    BASE_REF: "main",
  };
  const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!], {
    cwd: repo.dir,
    env,
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, output }));
  });
}

beforeAll(async () => {
  github = await startGitHubApiFake(TOKEN);
  repo = throwawayRepo();
  repo.commit("base");
  origin = mkdtempSync(path.join(tmpdir(), "guardia-origin-"));
  repo.git("init", "-q", "--bare", origin);
  repo.git("remote", "add", "origin", origin);
  repo.git("push", "-q", "origin", "main");
  repo.git("checkout", "-q", "-b", "shorter-retention");
}, 120_000);

afterAll(async () => {
  await github?.server.stop();
  repo?.remove();
  rmSync(origin, { recursive: true, force: true });
});

describe("examples/ci/github-pr.yml", () => {
  it("names the env its script reads, from GitHub's context", () => {
    expect(Object.keys(step.env ?? {}).sort()).toEqual(
      ["API_URL", "BASE_REF", "GITHUB_TOKEN", "PR_NUMBER", "REPOSITORY"].sort(),
    );
  });

  // Each run renders every stack twice (the first also builds the base's worktree): minutes.
  it("posts one comment with the diff and fails the job on a new violation", async () => {
    repo.edit("stacks/Pulumi.mira-prod.yaml", "keepDays: 30 }", "keepDays: 14 }");
    repo.commit("keep daily backups 14 days");
    const { code, output } = await runStep();
    expect(code, output).toBe(1);
    expect(github.calls.map((c) => c.call)).toEqual([
      "GET /repos/hospital-ovalle/mira-ops/issues/7/comments?per_page=100",
      "POST /repos/hospital-ovalle/mira-ops/issues/7/comments",
    ]);
    expect(github.calls.every((c) => c.authorized)).toBe(true);
    expect(github.comments).toHaveLength(1);
    const body = github.comments[0]!.body;
    expect(body).toBe(readFileSync(path.join(repo.dir, "guardia-diff.md"), "utf8"));
    expect(body).toContain("## guardia diff against `origin/main`");
    expect(body).toContain(
      "| `mira-prod` | `prod-backup-retention` | critical | `databases/mira` |",
    );
    expect(body).not.toContain(TOKEN);
  }, 900_000);

  it("updates that same comment on the next push, and passes once the violation is gone", async () => {
    repo.edit("stacks/Pulumi.mira-prod.yaml", "keepDays: 14 }", "keepDays: 45 }");
    repo.commit("keep daily backups 45 days");
    const { code, output } = await runStep();
    expect(code, output).toBe(0);
    expect(github.calls.slice(2).map((c) => c.call)).toEqual([
      "GET /repos/hospital-ovalle/mira-ops/issues/7/comments?per_page=100",
      "PATCH /repos/hospital-ovalle/mira-ops/issues/comments/1000",
    ]);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain("**Policy: no new violation.**");
    expect(github.comments[0]!.body).toContain("- backups `daily`: kept 30 days → 45 days");
  }, 900_000);
});
