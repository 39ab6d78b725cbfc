import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  alertCatalogue,
  ruleGroupName,
  ruleGroups,
  type RuleGroup,
} from "../../lib/monitoring/catalogue.js";
import { ruleTestFiles } from "../../lib/monitoring/rule-tests.js";
import { renderStack } from "../../lib/render/render.js";
import { repoRoot } from "../harness/tools.js";
import {
  CLUSTER_STACKS,
  exampleContext,
  manifestsOfKind,
  runTool,
  tempDir,
  tool,
} from "./helpers/stacks.js";

/**
 * The rendered PrometheusRule of every example stack, checked by the real promtool: the rules
 * parse, and the unit tests generated from the catalogue's examples pass — each alert silent one
 * evaluation before its `for`, firing with its contract labels after it, never on its blip.
 */

const RUNBOOKS = [
  "health-check",
  "restart-service",
  "backup-db",
  "verify-backup",
  "restore-db",
  "export-collections",
  "recreate-collection",
  "rotate-logs",
  "rotate-tokens",
  "rotate-logs",
  "maintenance-window",
  "incident",
  "smoke",
  "routine",
];
const SEVERITY = { P1: "critical", P2: "critical", P3: "warning", P4: "info" } as const;

let scratch: ReturnType<typeof tempDir>;
/** Rendered one after the other: the fake Pulumi engine is one global runtime per process. */
const rendered = new Map<string, RuleGroup[]>();
beforeAll(async () => {
  scratch = tempDir("rules");
  for (const name of CLUSTER_STACKS) rendered.set(name, await renderedGroups(name));
});
afterAll(() => scratch.remove());

interface RuleManifest {
  spec: { groups: RuleGroup[] };
}

/**
 * Writes the stack's rendered rules (all of them, and each group on its own for the unit tests)
 * and the generated promtool tests; returns the test file names.
 */
function writeRuleFiles(name: string, dir: string, groups?: RuleGroup[]): string[] {
  const { ctx } = exampleContext(name);
  const all = groups ?? rendered.get(name)!;
  const write = (file: string, content: object) =>
    writeFileSync(path.join(dir, file), stringify(content, { lineWidth: 0 }));
  write("rules.yaml", { groups: all });
  all.forEach((group) => write(`${group.name}.yaml`, { groups: [group] }));
  const files = ruleTestFiles(
    ctx,
    alertCatalogue(ctx),
    (area) => `${ruleGroupName(ctx, area)}.yaml`,
  );
  return files.map((file, i) => {
    write(`test-${i}.yaml`, file);
    return `test-${i}.yaml`;
  });
}

async function renderedGroups(name: string): Promise<RuleGroup[]> {
  const render = await renderStack(name, repoRoot);
  const rules = manifestsOfKind<RuleManifest>(render, "PrometheusRule");
  expect(rules).toHaveLength(1);
  return rules[0]!.spec.groups;
}

describe.concurrent("promtool on every example stack's rendered rules", () => {
  it.each(CLUSTER_STACKS)("%s: check rules and the generated unit tests pass", async (name) => {
    const dir = path.join(scratch.dir, name);
    mkdirSync(dir);
    const tests = writeRuleFiles(name, dir);
    const check = await tool("promtool", ["check", "rules", "rules.yaml"], dir);
    expect(check).toMatch(/SUCCESS: \d+ rules found/);
    const result = await tool("promtool", ["test", "rules", ...tests], dir);
    expect(result).not.toContain("FAILED");
    expect(result.match(/SUCCESS/g)).toHaveLength(tests.length);
  });
});

describe("the generated unit tests catch a broken rule", () => {
  let mutants = 0;
  async function failureOf(mutate: (groups: RuleGroup[]) => void): Promise<string> {
    const dir = path.join(scratch.dir, `mutant-${mutants++}`);
    mkdirSync(dir);
    const groups = structuredClone(rendered.get("mira-prod")!);
    mutate(groups);
    const tests = writeRuleFiles("mira-prod", dir, groups);
    const { code, output } = await runTool("promtool", ["test", "rules", ...tests], dir);
    expect(code).toBe(1);
    return output;
  }
  const rule = (groups: RuleGroup[], alert: string) =>
    groups.flatMap((g) => g.rules).find((r) => r.alert === alert) as {
      expr: string;
      for?: string;
      labels: Record<string, string>;
    };

  it("fails when EndpointDown loses its `for` (a blip would page)", async () => {
    const failure = await failureOf((groups) => delete rule(groups, "EndpointDown").for);
    // Fires one evaluation early, and on the blip.
    expect(failure).toMatch(
      /name: EndpointDown nocobase fires after its for \(300s\),\s+alertname: EndpointDown, time: 4m/,
    );
    expect(failure).toMatch(/name: EndpointDown nocobase does not fire on a short blip/);
  });

  it("fails when an alert carries the wrong priority", async () => {
    const failure = await failureOf((groups) => {
      rule(groups, "DatabaseDown").labels.priority = "P3";
    });
    expect(failure).toMatch(
      /name: DatabaseDown mira fires after its for \(180s\)[^]*priority="P3"/,
    );
    expect(failure).not.toMatch(/name: EndpointDown/);
  });

  it("fails when the drill's RTO alert judges every kept drill Job, not the newest", async () => {
    const failure = await failureOf((groups) => {
      const drill = rule(groups, "RestoreDrillSlowerThanRto");
      drill.expr = drill.expr.replace(/\n {2}and on \(namespace, job_name\)\n[^]*\n\) >/, "\n) >");
      expect(drill.expr).not.toContain(" and ");
    });
    expect(failure).toMatch(/name: RestoreDrillSlowerThanRto [^\n]* does not fire on a short blip/);
    expect(failure).not.toMatch(/fires after its for/);
  });
});

describe("RestoreDrillSlowerThanRto", () => {
  it("compares the newest completed drill Job's run time with the database's rto", () => {
    const { ctx } = exampleContext("mira-prod");
    const [drill] = alertCatalogue(ctx).filter((d) => d.alert === "RestoreDrillSlowerThanRto");
    expect(drill!.expr).toMatch(/\) > 14400$/);
    expect(drill!.expr).toContain('owner_name="mira-restore-drill-mira"');
    expect(drill!.expr).toContain("kube_job_status_completion_time");
    // mira-prod speaks Spanish (`language: es`).
    expect(drill!.description).toContain("duró más de 4h");
    // A stack with a restore drill but no rto gets no such alert.
    const inatrace = exampleContext("inatrace-prod").ctx;
    expect(inatrace.backupJobs.map((j) => j.kind)).toContain("restore-drill");
    const alerts = alertCatalogue(inatrace).map((d) => d.alert);
    expect(alerts).toContain("RestoreDrillFailed");
    expect(alerts).not.toContain("RestoreDrillSlowerThanRto");
  });
});

describe("the alert contract", () => {
  it.each(CLUSTER_STACKS)("%s: every rule has the contract's labels and annotations", (name) => {
    const { stack, ctx } = exampleContext(name);
    const rules = ruleGroups(ctx).flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThan(5);
    for (const rule of rules) {
      const { labels, annotations } = rule;
      const where = `${name} ${rule.alert}`;
      expect(labels.priority, where).toMatch(/^P[1-4]$/);
      expect(labels.severity, where).toBe(SEVERITY[labels.priority as keyof typeof SEVERITY]);
      expect(labels, where).toMatchObject({
        platform: stack.platform.name,
        environment: stack.platform.environment,
        namespace: stack.platform.namespace,
      });
      expect(annotations.summary, where).not.toBe("");
      expect(annotations.description, where).not.toBe("");
      const command = new RegExp(
        `^guardia (${RUNBOOKS.join("|")}) --stack ${name}( --[a-z]+ [\\w.-]+)*$`,
      );
      expect(annotations.guardia_command, where).toMatch(command);
      const runbook = annotations.guardia_command!.split(" ")[1];
      expect(annotations.runbook_url, where).toBe(
        `${stack.platform.monitoring.runbookBaseUrl}/${runbook}.md`,
      );
    }
  });

  it("gives mira-prod the whole catalogue, with the MIRA operations guide's priorities and `for`s", () => {
    const { ctx } = exampleContext("mira-prod");
    const table = alertCatalogue(ctx).map((d) => [
      d.alert,
      Object.values(d.subject).join("/"),
      d.priority,
      d.forSeconds,
    ]);
    expect(table).toEqual([
      ["EndpointDown", "nocobase", "P1", 300],
      ["ErrorBudgetBurnFast", "nocobase", "P1", 120],
      ["ErrorBudgetBurnSlow", "nocobase", "P2", 900],
      ["LatencyAverageHigh", "nocobase", "P3", 900],
      ["LatencyP95High", "nocobase", "P3", 900],
      ["TlsCertificateExpiring", "nocobase", "P3", 900],
      ["DependencyUnavailable", "alma-sidra", "P2", 900],
      ["DatabaseDown", "mira", "P1", 180],
      ["DataStale", "mira/alma-sync/alma-sidra", "P2", 300],
      ["BackupTooOld", "mira/daily/mira-backup-mira-daily", "P2", 300],
      ["BackupTooOld", "mira/weekly/mira-backup-mira-weekly", "P2", 300],
      ["RestoreDrillSlowerThanRto", "mira/restore-drill/mira-restore-drill-mira", "P3", 60],
      ["SmokeFlowsFailing", "mira-smoke", "P2", 60],
      ["LogsGrowingPastCap", "mira", "P3", 3600],
      ["BackupJobFailed", "mira/daily/mira-backup-mira-daily", "P2", 900],
      ["BackupJobFailed", "mira/weekly/mira-backup-mira-weekly", "P2", 900],
      ["RestoreDrillFailed", "mira/restore-drill/mira-restore-drill-mira", "P3", 900],
      ["LogRotationFailed", "mira/mira-rotate-logs-mira", "P3", 900],
      ["CollectionsExportFailed", "mira-export-collections", "P3", 900],
      ["RoutineJobFailed", "mira-routine-daily/daily", "P3", 900],
      ["RoutineJobFailed", "mira-routine-weekly/weekly", "P3", 900],
      ["RoutineJobFailed", "mira-routine-monthly/monthly", "P3", 900],
      ["VolumeFillingUp", "", "P3", 3600],
      ["GuardiaWatchdog", "", "P4", 0],
    ]);
  });

  it("names the exact first command of each kind of alert", () => {
    const { ctx } = exampleContext("mira-prod");
    const commands = Object.fromEntries(
      ruleGroups(ctx)
        .flatMap((g) => g.rules)
        .map((r) => [
          `${r.alert} ${r.labels.schedule ?? ""}`.trim(),
          r.annotations.guardia_command,
        ]),
    );
    expect(commands).toMatchObject({
      EndpointDown: "guardia health-check --stack mira-prod --service nocobase",
      "BackupTooOld daily": "guardia backup-db --stack mira-prod --database mira --schedule daily",
      "RestoreDrillFailed restore-drill":
        "guardia verify-backup --stack mira-prod --database mira --backup latest",
      LogRotationFailed: "guardia rotate-logs --stack mira-prod --logs mira",
      CollectionsExportFailed: "guardia export-collections --stack mira-prod",
    });
  });

  it("scales every `for` with the probe interval (dev probes every 5m)", () => {
    const { ctx } = exampleContext("mira-dev");
    const forOf = (alert: string) => alertCatalogue(ctx).find((d) => d.alert === alert)?.forSeconds;
    expect(forOf("EndpointDown")).toBe(25 * 60);
    expect(forOf("LatencyP95High")).toBe(75 * 60);
    expect(
      ruleGroups(ctx)
        .flatMap((g) => g.rules)
        .find((r) => r.alert === "EndpointDown")?.expr,
    ).toContain("[10m]");
  });
});
