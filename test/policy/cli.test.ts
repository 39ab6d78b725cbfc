import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { problemsOf, stackText } from "../model/builders.js";
import { runCli } from "../harness/cli.js";
import { writeStackFile } from "../harness/stacks.js";
import { repoRoot } from "../harness/tools.js";

/**
 * `guardia policy` as a user runs it: every example stack passes; a prod stack with a short
 * retention and a `latest` image fails naming each rule and resource; waivers in the stack file
 * let it pass while they are in force and fail it once they expire.
 */

interface Waiver {
  rule: string;
  resource: string;
  reason: string;
  owner: string;
  expires: string;
}

function brokenMiraProd(waivers: Waiver[] = []): string {
  const text = readFileSync(path.join(repoRoot, "stacks", "Pulumi.mira-prod.yaml"), "utf8");
  const platform = (parse(text) as { config: Record<string, Record<string, unknown>> }).config[
    "guardia:platform"
  ]! as {
    backups: { schedules: { keepDays: number }[] };
    jobs: { image: string };
    policy?: object;
  };
  platform.backups.schedules[0]!.keepDays = 14;
  platform.jobs.image = "registry.hospitaldeovalle.cl/ops/guardia:latest";
  if (waivers.length > 0) platform.policy = { waivers };
  const file = writeStackFile(platform, "mira-prod");
  written.push(path.dirname(file));
  return file;
}

const written: string[] = [];
afterAll(() => written.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface JsonVerdict {
  stack: string;
  violations: { rule: string; resource: string; severity: string; fix: string }[];
}

describe("guardia policy", () => {
  it("passes every example stack (exit 0), one verdict per stack", async () => {
    const result = await runCli(["policy"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("policy mira-prod: passes: 0 violations");
    expect(result.stdout).toContain("policy logistica-prod: passes: 0 violations, 2 waived");
    expect(result.stdout).toContain(
      "  waiver    prod-service-probe on services/worker, owner soporte@logistica.example.com, until 2027-06-30:",
    );
  });

  const resources = new Map<string, string[]>();

  it("fails a prod stack with a 14-day retention and a latest image, naming rule and resource (exit 1)", async () => {
    const result = await runCli(["policy", "--stack", brokenMiraProd(), "--format", "json"]);
    expect(result.code).toBe(1);
    const [verdict] = JSON.parse(result.stdout) as JsonVerdict[];
    expect(verdict!.violations.map((v) => `${v.rule} ${v.resource}`)).toEqual([
      "prod-backup-retention databases/mira",
      "image-pinned kubernetes/CronJob/mira-backup-mira-daily",
      "image-pinned kubernetes/CronJob/mira-backup-mira-weekly",
      "image-pinned kubernetes/CronJob/mira-export-collections",
      "image-pinned kubernetes/CronJob/mira-restore-drill-mira",
      "image-pinned kubernetes/CronJob/mira-rotate-logs-mira",
      "image-pinned kubernetes/CronJob/mira-routine-daily",
      "image-pinned kubernetes/CronJob/mira-routine-monthly",
      "image-pinned kubernetes/CronJob/mira-routine-weekly",
      "image-pinned kubernetes/CronJob/mira-smoke",
    ]);
    expect(verdict!.violations[0]).toMatchObject({
      severity: "critical",
      fix: expect.stringContaining("keepDays: 30"),
    });
    for (const v of verdict!.violations)
      resources.set(v.rule, [...(resources.get(v.rule) ?? []), v.resource]);
  });

  const waiversUntil = (expires: string): Waiver[] =>
    [...resources].flatMap(([rule, list]) =>
      list.map((resource) => ({
        rule,
        resource,
        reason: "accepted until the registry tags releases and storage grows",
        owner: "ops@hospitaldeovalle.cl",
        expires,
      })),
    );

  it("passes the same stack with unexpired waivers, and lists them", async () => {
    expect(resources.size).toBe(2);
    const result = await runCli(["policy", "--stack", brokenMiraProd(waiversUntil("2999-12-31"))]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("policy mira-prod: passes: 0 violations, 10 waived");
    expect(result.stdout).toContain(
      "  waiver    prod-backup-retention on databases/mira, owner ops@hospitaldeovalle.cl, until 2999-12-31: accepted until the registry tags releases and storage grows",
    );
  });

  it("fails it again once the waivers have expired", async () => {
    const result = await runCli(["policy", "--stack", brokenMiraProd(waiversUntil("2020-01-31"))]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("policy mira-prod: FAILS: 20 violations");
    expect(result.stdout).toContain(
      "violation [high] waiver-expired databases/mira (guardia:platform.policy.waivers[0].expires): the waiver of prod-backup-retention on databases/mira (owner ops@hospitaldeovalle.cl) expired on 2020-01-31",
    );
    expect(result.stdout).toContain("violation [critical] prod-backup-retention databases/mira");
  });

  it("rejects an unknown format (exit 2)", async () => {
    const result = await runCli(["policy", "--format", "xml"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('guardia: --format: expected one of text, md, json, got "xml"\n');
  });
});

describe("waivers in the stack file", () => {
  const waivers = (...entries: string[]) => `
    policy:
      waivers:
${entries.map((e) => `        - ${e}`).join("\n")}
  `;
  const entry = (rule: string, expires = "2027-01-31", resource = "services/worker") =>
    `{ rule: ${rule}, resource: ${resource}, reason: r, owner: o, expires: ${expires} }`;

  it("name a rule that exists and may be waived, a real date, and waive a pair once", () => {
    const text = stackText(
      waivers(
        entry("no-such-rule"),
        entry("waiver-expired"),
        entry("prod-service-slo", "2027-02-30"),
        entry("prod-service-probe"),
        entry("prod-service-probe"),
      ),
    );
    expect(problemsOf(text).map((p) => `${p.path}: ${p.message}`)).toEqual([
      expect.stringMatching(
        /^guardia:platform\.policy\.waivers\[0\]\.rule: unknown rule "no-such-rule" \(rules: pod-restricted, /,
      ),
      'guardia:platform.policy.waivers[1].rule: rule "waiver-expired" cannot be waived',
      'guardia:platform.policy.waivers[2].expires: "2027-02-30" is not a calendar date',
      "guardia:platform.policy.waivers[4].resource: a second waiver of prod-service-probe on services/worker (also at index 3)",
    ]);
  });

  it("need every field, with the date as YYYY-MM-DD", () => {
    const text = stackText(
      waivers("{ rule: prod-service-probe, resource: services/worker, expires: tomorrow }"),
    );
    expect(problemsOf(text).map((p) => `${p.path}: ${p.message}`)).toEqual([
      "guardia:platform.policy.waivers[0].reason: required (string)",
      "guardia:platform.policy.waivers[0].owner: required (string)",
      'guardia:platform.policy.waivers[0].expires: expected a date YYYY-MM-DD, got "tomorrow"',
    ]);
  });
});
