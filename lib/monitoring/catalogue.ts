import { Duration, type Platform, type Priority } from "../model/index.js";
import type { BackupJob } from "../backup/job-names.js";
import { guardiaJobs, type GuardiaJob } from "../jobs.js";
import { backupAlerts } from "./alerts/backups.js";
import { choreAlerts } from "./alerts/chores.js";
import { jobFailedAlerts } from "./alerts/jobs.js";
import { databaseAlerts } from "./alerts/databases.js";
import { dependencyAlerts } from "./alerts/dependencies.js";
import { clusterAlerts } from "./alerts/cluster.js";
import { freshnessAlerts } from "./alerts/freshness.js";
import { queueAlerts } from "./alerts/queues.js";
import { restoreDrillAlerts } from "./alerts/restore-drill.js";
import { serviceAlerts } from "./alerts/services.js";
import { smokeAlerts } from "./alerts/smoke.js";
import {
  guardiaCommand,
  runbookUrl,
  SEVERITY,
  stackLabels,
  type FirstCommand,
} from "./contract.js";
import type { Labels } from "./promql.js";
import { alertTiming, type AlertTiming } from "./timing.js";

/**
 * The alert catalogue as data: each alert of a stack with its expression, `for`, priority, texts,
 * first command, and its own example input — one series that must fire after `for` and one short
 * blip that must not — so `promtool test rules` files come from the very same definitions.
 */

export interface MonitoringContext {
  readonly platform: Platform;
  /** Stack name as `--stack` takes it ("mira-prod"). */
  readonly stack: string;
  /** The stack's backup and restore-drill CronJobs (lib/backup/job-names.ts). */
  readonly backupJobs: readonly BackupJob[];
  /** Every guardia CronJob of the stack, those above included (lib/jobs.ts). */
  readonly jobs: readonly GuardiaJob[];
  readonly timing: AlertTiming;
}

export function monitoringContext(
  platform: Platform,
  stack: string,
  backupJobs: readonly BackupJob[],
): MonitoringContext {
  return {
    platform,
    stack,
    backupJobs,
    jobs: guardiaJobs(platform),
    timing: alertTiming(platform.monitoring.probeInterval),
  };
}

/** Input series in promtool's notation: one sample per `step` seconds from time 0. */
export interface ExampleSeries {
  readonly series: string;
  readonly values: readonly (number | undefined)[];
}

export interface AlertExample {
  /** Seconds between samples. */
  readonly step: number;
  readonly series: readonly ExampleSeries[];
}

export interface FiringExample extends AlertExample {
  /** First evaluation (seconds) at which the expression is true; the alert fires `for` later. */
  readonly trueFrom: number;
  /** Labels the firing alert takes from the input series (instance, job...), beyond the rule's. */
  readonly seriesLabels: Labels;
}

export interface BlipExample extends AlertExample {
  /** Evaluations from here to the end of the series must find the alert not firing. */
  readonly checkFrom: number;
}

export interface AlertDefinition {
  readonly alert: string;
  /** Rule group ("endpoints", "slo", ...). */
  readonly group: string;
  readonly expr: string;
  /** Seconds; 0 for none. */
  readonly forSeconds: number;
  readonly priority: Priority;
  /** What the alert is about: { service }, { database, schedule }, { dependency }... */
  readonly subject: Labels;
  readonly summary: string;
  readonly description: string;
  readonly first: FirstCommand;
  readonly fires: readonly FiringExample[];
  /** Absent only where "a blip" has no meaning (the always-firing watchdog). */
  readonly blip: BlipExample | undefined;
}

export function alertCatalogue(ctx: MonitoringContext): AlertDefinition[] {
  return [
    ...serviceAlerts(ctx),
    ...dependencyAlerts(ctx),
    ...databaseAlerts(ctx),
    ...freshnessAlerts(ctx),
    ...queueAlerts(ctx),
    ...backupAlerts(ctx),
    ...restoreDrillAlerts(ctx),
    ...smokeAlerts(ctx),
    ...choreAlerts(ctx),
    ...jobFailedAlerts(ctx),
    ...clusterAlerts(ctx),
  ];
}

/** A Prometheus alerting rule as the rule file (and a PrometheusRule's spec) holds it. */
export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertingRule[];
}

export function ruleLabels(ctx: MonitoringContext, def: AlertDefinition): Record<string, string> {
  return {
    ...stackLabels(ctx.platform),
    ...def.subject,
    priority: def.priority,
    severity: SEVERITY[def.priority],
  };
}

export function ruleAnnotations(
  ctx: MonitoringContext,
  def: AlertDefinition,
): Record<string, string> {
  return {
    summary: def.summary,
    description: def.description,
    runbook_url: runbookUrl(ctx.platform, def.first.runbook),
    guardia_command: guardiaCommand(ctx.stack, def.first),
  };
}

export function toRule(ctx: MonitoringContext, def: AlertDefinition): AlertingRule {
  return {
    alert: def.alert,
    expr: def.expr,
    ...(def.forSeconds > 0 && { for: Duration.ofSeconds(def.forSeconds).toString() }),
    labels: ruleLabels(ctx, def),
    annotations: ruleAnnotations(ctx, def),
  };
}

/** The rule group an area's alerts go to, named after the stack so groups never clash. */
export function ruleGroupName(ctx: MonitoringContext, area: string): string {
  return `guardia.${ctx.stack}.${area}`;
}

/** Rule groups in catalogue order, one per area. */
export function ruleGroups(ctx: MonitoringContext, defs = alertCatalogue(ctx)): RuleGroup[] {
  const groups = new Map<string, AlertingRule[]>();
  for (const def of defs) {
    const name = ruleGroupName(ctx, def.group);
    groups.set(name, [...(groups.get(name) ?? []), toRule(ctx, def)]);
  }
  return [...groups.entries()].map(([name, rules]) => ({ name, rules }));
}
