import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliResult } from "../harness/cli.js";
import { throwawayRepo, type ThrowawayRepo } from "../harness/throwaway-repo.js";

/**
 * `guardia diff --base HEAD~1` on a throwaway copy of this repository with two commits: stack
 * edits (a retention, a schedule, an alert target, a receiver's secret, an image), code edits
 * (a schedule in lib/, a restore drill gone, a Secret's value) and model edits that change runbook
 * plans. The base is rendered by the first commit's own code, the head by the second's.
 */

const SECRET_BEFORE = "Tok-Before-8fQ2zX7vLp3Rn6Wd";
const SECRET_AFTER = "Tok-After-5kM9yH2cJt4Bs7Qe";
const MIRA_PROD = "stacks/Pulumi.mira-prod.yaml";
const MIRA_DEV = "stacks/Pulumi.mira-dev.yaml";

/** A Secret holding a real value, created by the program itself (only infra code can do that). */
function addSecret(repo: ThrowawayRepo, value: string) {
  repo.edit(
    "infra/index.ts",
    "  return composeStack(platform, input);",
    `  if (platform.runtime === "kubernetes") {
    new k8s.core.v1.Secret("test-token", {
      metadata: { name: \`\${platform.name}-test-token\`, namespace: platform.namespace },
      stringData: { token: "${value}" },
    });
  }
  return composeStack(platform, input);`,
  );
  repo.edit(
    "infra/index.ts",
    "import { composeStack",
    'import * as k8s from "@pulumi/kubernetes";\nimport { composeStack',
  );
}

function stackEdits(repo: ThrowawayRepo) {
  repo.edit(
    MIRA_PROD,
    '{ name: daily, cron: "0 2 * * *", keepDays: 30 }',
    '{ name: daily, cron: "0 2 * * *", keepDays: 14 }',
  );
  repo.edit(
    MIRA_PROD,
    '{ name: weekly, cron: "0 3 * * 0", keepDays: 90 }',
    '{ name: weekly, cron: "0 4 * * 0", keepDays: 90 }',
  );
  repo.edit(
    MIRA_PROD,
    "      deadMansSwitch: heartbeat\n",
    "      deadMansSwitch: heartbeat\n      routes:\n        P1: [ops-teams, oncall-sms]\n",
  );
  repo.edit(
    MIRA_PROD,
    "{ name: mira-alerting, key: teams-webhook }",
    "{ name: mira-alerting, key: teams-webhook-2027 }",
  );
  repo.edit(MIRA_PROD, "ops/guardia:0.1.0", "ops/guardia:latest");
  repo.edit(MIRA_DEV, "workload: deployment/nocobase", "workload: deployment/nocobase-v2");
  repo.edit(
    MIRA_DEV,
    "        criticalTables: [onco_casos, onco_episodios]\n",
    "        criticalTables: [onco_casos, onco_episodios]\n      - { name: analytics, engine: postgres, host: reports-pg.mira-dev.svc, database: reports, user: reports, passwordSecret: { name: reports-db, key: password } }\n",
  );
}

function codeEdits(repo: ThrowawayRepo) {
  repo.edit(
    "lib/logs/job-names.ts",
    'CronSchedule.parse("30 0 * * *")',
    'CronSchedule.parse("45 0 * * *")',
  );
  repo.edit(
    "infra/backup/cronjobs.ts",
    "return backupJobsOf(args.platform, args.database).map(",
    'return backupJobsOf(args.platform, args.database).filter((j) => j.kind === "backup").map(',
  );
  repo.edit("infra/index.ts", SECRET_BEFORE, SECRET_AFTER);
}

let repo: ThrowawayRepo;
const run = (...args: string[]) =>
  runCli([], {
    cwd: repo.dir,
    direct: true,
    wrapper: [
      process.execPath,
      path.join(repo.dir, "bin", "guardia.js"),
      "diff",
      "--base",
      "HEAD~1",
      ...args,
    ],
    timeoutMs: 600_000,
  });
let first: CliResult;
let second: CliResult;
let md: string;

// Two commits of the whole repository, then the first diff: a worktree, two bundles and every
// stack rendered twice. The one hook that needs minutes, not seconds.
beforeAll(async () => {
  repo = throwawayRepo();
  addSecret(repo, SECRET_BEFORE);
  repo.commit("base");
  stackEdits(repo);
  codeEdits(repo);
  repo.commit("head");
  first = await run("--format", "md", "--out", "diff.md");
  expect(existsSync(path.join(repo.dir, "diff.md")), first.stderr).toBe(true);
  md = readFileSync(path.join(repo.dir, "diff.md"), "utf8");
  second = await run("--format", "md", "--out", "again.md");
}, 1_200_000);
afterAll(() => repo?.remove());

const detailsOf = (stack: string) => {
  const start = md.indexOf(`<details><summary><b>${stack}</b>`);
  expect(start, `no details for ${stack}`).toBeGreaterThanOrEqual(0);
  return md.slice(start, md.indexOf("</details>", start));
};

describe("guardia diff --base HEAD~1 --format md", () => {
  it("exits 1: the head violates rules the base did not", () => {
    expect(first.stderr).toContain("rendering the base");
    expect(first.code).toBe(1);
    expect(md.startsWith("<!-- guardia-diff -->\n## guardia diff against `HEAD~1` (")).toBe(true);
    expect(md).toContain(
      "**Policy: 12 new violations**: the change breaks rules the base did not.",
    );
  });

  it("puts prod first in the summary, one line per changed stack, and names the unchanged ones", () => {
    const lines = md.split("\n");
    const header = lines.indexOf("| stack | environment | resources | policy |");
    const rows = lines.slice(header + 2, lines.indexOf("", header));
    expect(rows.map((r) => r.split(" | ")[0])).toEqual([
      "| `inatrace-prod`",
      "| `logistica-prod`",
      "| `mira-prod`",
      "| `inatrace-testing`",
      "| `inatrace-dev`",
      "| `logistica-dev`",
      "| `mira-dev`",
    ]);
    expect(md).toMatch(
      /\| `mira-prod` \| prod \| 11 changed, 2 removed \| \*\*10 new violations\*\* \|/,
    );
    expect(md).toContain("Unchanged: `inatrace-local`, `logistica-local`, `mira-local`.");
  });

  it("lists each new violation with its rule, resource and fix", () => {
    for (const line of [
      "| `mira-prod` | `prod-backup-retention` | critical | `databases/mira` |",
      "| `mira-prod` | `prod-restore-drill` | high | `databases/mira` |",
      "| `mira-prod` | `image-pinned` | high | `kubernetes/CronJob/mira-backup-mira-daily` |",
      "| `inatrace-prod` | `prod-restore-drill` | high | `databases/inatrace` |",
      "| `logistica-prod` | `prod-restore-drill` | high | `databases/logistica` |",
    ]) {
      expect(md).toContain(line);
    }
  });

  it("shows each stack edit with its field, old and new, and what it means", () => {
    const mira = detailsOf("mira-prod");
    for (const line of [
      "- backups `daily`: kept 30 days → 14 days",
      "- CronJob `mira-backup-mira-weekly`: At 03:00, only on Sunday → At 04:00, only on Sunday",
      "  - `spec.schedule`: `0 3 * * 0` → `0 4 * * 0`",
      "- P1 alerts reach ops-teams, oncall-sms (were ops-teams, ops-email, oncall-sms)",
      "- receiver `ops-teams`: its secret (`webhookSecret`) changed",
      "  - `stringData.alertmanager.yaml`: changed (secret: the value is never shown)",
      "- image `registry.hospitaldeovalle.cl/ops/guardia:0.1.0` → `registry.hospitaldeovalle.cl/ops/guardia:latest` (8 containers)",
      "-          keepDays: 30",
      "+          keepDays: 14",
    ]) {
      expect(mira).toContain(line);
    }
  });

  it("shows the code edits, rendered by each commit's own code", () => {
    const mira = detailsOf("mira-prod");
    expect(mira).toContain("- CronJob `mira-rotate-logs-mira`: At 00:30 → At 00:45");
    expect(mira).toContain("  - `spec.schedule`: `30 0 * * *` → `45 0 * * *`");
    expect(mira).toContain(
      "- CronJob `mira-restore-drill-mira` removed (ran At 05:00, only on Monday)",
    );
    expect(mira).toContain("- removed `kubernetes/CronJob/mira-restore-drill-mira`");
    expect(detailsOf("inatrace-prod")).toContain(
      "- CronJob `inatrace-rotate-logs-backend`: At 00:30 → At 00:45",
    );
  });

  it("says a secret changed, and never shows a secret value", () => {
    expect(detailsOf("mira-prod")).toContain(
      "- changed `kubernetes/Secret/mira-test-token`\n  - `stringData.token`: changed (secret: the value is never shown)",
    );
    expect(md).not.toContain(SECRET_BEFORE);
    expect(md).not.toContain(SECRET_AFTER);
  });

  it("shows the runbooks whose plans change: new targets, and a renamed workload", () => {
    const dev = detailsOf("mira-dev");
    expect(dev).toContain("- `backup-db --database analytics`: a new target");
    expect(dev).toContain("- `verify-backup --database analytics`: a new target");
    expect(dev).toContain("- `restart-service --service nocobase`: its plan changes");
    expect(dev).toContain(
      "-    $ kubectl --namespace mira-dev rollout restart deployment/nocobase",
    );
    expect(dev).toContain(
      "+    $ kubectl --namespace mira-dev rollout restart deployment/nocobase-v2",
    );
  });

  it("leaves unchanged resources out", () => {
    expect(md).not.toContain("kubernetes/ServiceAccount/mira-guardia");
    expect(md).not.toContain("kubernetes/PersistentVolumeClaim/mira-backups");
    expect(md).not.toContain("kubernetes/Probe/mira-probe-nocobase");
    expect(detailsOf("mira-prod")).not.toContain("kubernetes/Deployment/mira-blackbox-exporter");
  });

  it("prints the same bytes on a second run, from the cache", () => {
    expect(second.code).toBe(1);
    expect(second.stderr).not.toContain("rendering the base");
    expect(readFileSync(path.join(repo.dir, "again.md"), "utf8")).toBe(md);
  });
});

describe("guardia diff in its other formats, and its cache", () => {
  it("--format json and text carry the same changes and no secret value either", async () => {
    const json = await run("--format", "json");
    const text = await run("--format", "text");
    expect([json.code, text.code]).toEqual([1, 1]);
    const result = JSON.parse(json.stdout) as {
      stacks: { name: string; changes: { path: string }[] }[];
    };
    expect(result.stacks[0]?.name).toBe("inatrace-prod");
    expect(result.stacks.find((s) => s.name === "mira-prod")?.changes.map((c) => c.path)).toContain(
      "kubernetes/Secret/mira-test-token.yaml",
    );
    expect(text.stdout).toContain(
      "mira-prod (prod): 11 changed, 2 removed; policy 10 new violations",
    );
    for (const output of [json.stdout, text.stdout]) {
      expect(output).not.toContain(SECRET_BEFORE);
      expect(output).not.toContain(SECRET_AFTER);
    }
  }, 600_000);

  it("--stack compares one stack, and exits 0 when it breaks no new rule", async () => {
    const result = await run("--stack", "mira-dev", "--format", "text");
    expect(result.code).toBe(0);
    const summaries = result.stdout
      .split("\n")
      .filter((l) => /^[a-z-]+ \((prod|staging|testing|dev)\): /.test(l));
    expect(summaries).toEqual([
      "mira-dev (dev): 5 changed, 4 added; policy passes: 0 violations (19 rules)",
    ]);
    expect(result.stdout).toContain("- `restart-service --service nocobase`: its plan changes");
  }, 600_000);

  it("keeps the base render per commit, with no secret value in it, out of git", () => {
    const cache = path.join(repo.dir, ".guardia-cache");
    const base = repo.git("rev-parse", "HEAD~1");
    expect(existsSync(path.join(cache, "renders", base, "mira-prod", "SUMMARY.md"))).toBe(true);
    expect(repo.git("status", "--porcelain", "--untracked-files=all")).not.toContain(
      ".guardia-cache",
    );
    const files = readdirSync(cache, { recursive: true, encoding: "utf8" }).filter((f) =>
      statSync(path.join(cache, f)).isFile(),
    );
    for (const file of files) {
      const text = readFileSync(path.join(cache, file), "utf8");
      expect(text, file).not.toContain(SECRET_BEFORE);
    }
    expect(readdirSync(path.join(cache, "worktrees"))).toEqual([]);
  });

  it("refuses a ref that names no commit (exit 2)", async () => {
    const result = await runCli(["diff", "--base", "no-such-ref"], {
      cwd: repo.dir,
      direct: true,
      wrapper: [
        process.execPath,
        path.join(repo.dir, "bin", "guardia.js"),
        "diff",
        "--base",
        "no-such-ref",
      ],
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`guardia: --base: "no-such-ref" names no commit in ${repo.dir}\n`);
  });
});
