import { CronSchedule, type LoadedStack } from "../model/index.js";
import { uptimeAlarmReachesNobody } from "../monitoring/uptime.js";
import { GUARDIA_VERSION } from "../version.js";
import type { RecordedResource } from "./fake-pulumi-engine.js";
import type { RenderedFile } from "./render.js";

/**
 * SUMMARY.md: what a reviewer reads first in a PR — resources per type, every schedule in words,
 * what is kept how long, and how many alerts of each priority the stack defines.
 */
export function summarize(
  stack: LoadedStack,
  files: readonly RenderedFile[],
  components: readonly RecordedResource[],
): string {
  const { platform } = stack;
  return [
    `# guardia render: ${stack.name}`,
    "",
    `Platform **${platform.name}**, environment **${platform.environment}**, namespace \`${platform.namespace}\`, runtime ${platform.runtime}; guardia ${GUARDIA_VERSION}.`,
    "Rendered by the fake Pulumi engine (the SDK's mock runtime): AWS ARNs and ids are placeholders in account 000000000000; secrets read `[secret]`.",
    "",
    ...section(`Resources (${files.length})`, ["type", "count"], resourceCounts(files)),
    ...section(
      `Components (${components.length})`,
      ["component", "name"],
      components.map((c) => [c.type, c.name]),
    ),
    ...section("Schedules", ["object", "cron", "time zone", "in words"], schedules(files)),
    ...section("Retention", ["what", "kept"], retention(stack)),
    ...section("Alerts by priority", ["priority", "rules", "alerts"], alertsByPriority(files)),
    ...section("Warnings", ["what", "why it matters"], warnings(stack)),
  ].join("\n");
}

/** What the render cannot fix but a reviewer must know: alerts that would reach nobody. */
function warnings(stack: LoadedStack): string[][] {
  const { platform } = stack;
  if (platform.runtime === "local") return [];
  const rows: string[][] = [];
  const uptime = uptimeAlarmReachesNobody(platform, stack.name);
  if (uptime) rows.push(["outside uptime alarm", uptime]);
  if (!platform.alerting.deadMansSwitch && platform.alerting.receivers.length > 0) {
    rows.push([
      "no dead man's switch",
      "`alerting.deadMansSwitch` is unset: nothing notices when Prometheus or Alertmanager stops",
    ]);
  }
  if (platform.alerting.receivers.length === 0) rows.push(["no receivers", "alerts reach nobody"]);
  return rows;
}

function section(title: string, header: string[], rows: string[][]): string[] {
  if (rows.length === 0) return [`## ${title}`, "", "None.", ""];
  return [
    `## ${title}`,
    "",
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
    "",
  ];
}

function resourceCounts(files: readonly RenderedFile[]): string[][] {
  const counts = new Map<string, number>();
  for (const file of files)
    counts.set(file.resource.type, (counts.get(file.resource.type) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, n]) => [`\`${type}\``, String(n)]);
}

interface CronJobManifest {
  metadata?: { name?: string };
  spec?: { schedule?: string; timeZone?: string; suspend?: boolean };
}

function schedules(files: readonly RenderedFile[]): string[][] {
  return files
    .filter((f) => f.resource.type === "kubernetes:batch/v1:CronJob")
    .map((f) => {
      const { metadata, spec } = f.content as CronJobManifest;
      const cron = spec?.schedule ?? "";
      const words = CronSchedule.problem(cron) ? "invalid" : CronSchedule.parse(cron).describe();
      return [
        `CronJob \`${metadata?.name}\``,
        `\`${cron}\``,
        spec?.timeZone ?? "controller's",
        words,
      ];
    });
}

function retention(stack: LoadedStack): string[][] {
  const { backups, logs } = stack.platform;
  const rows: string[][] = [];
  for (const schedule of backups?.schedules ?? []) {
    rows.push([
      `backups \`${schedule.name}\` in ${backups!.destination.url}`,
      `${schedule.keepDays} days`,
    ]);
  }
  for (const log of logs) {
    // The rotation CronJob reaches the files through their claim (infra/log-rotation.ts).
    const unrotated =
      stack.platform.runtime === "kubernetes" && log.claim === undefined
        ? " (not rotated: no claim)"
        : "";
    rows.push([
      `log files \`${log.name}\` (${log.paths.join(", ")})${unrotated}`,
      `compressed after ${log.compressAfterDays} days, deleted after ${log.deleteAfterDays} days, rotated at ${log.maxSize}`,
    ]);
  }
  return rows;
}

interface RuleManifest {
  spec?: { groups?: { rules?: { alert?: string; labels?: { priority?: string } }[] }[] };
}

function alertsByPriority(files: readonly RenderedFile[]): string[][] {
  const byPriority = new Map<string, string[]>();
  for (const file of files.filter((f) => f.resource.type.endsWith(":PrometheusRule"))) {
    for (const group of (file.content as RuleManifest).spec?.groups ?? []) {
      for (const rule of group.rules ?? []) {
        if (!rule.alert) continue;
        const priority = rule.labels?.priority ?? "(none)";
        byPriority.set(priority, [...(byPriority.get(priority) ?? []), rule.alert]);
      }
    }
  }
  return [...byPriority.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([priority, alerts]) => [
      priority,
      String(alerts.length),
      [...new Set(alerts)].sort().join(", "),
    ]);
}
