import { CronSchedule } from "../../model/index.js";
import { asArray, isRecord, type Finding, type PolicyInput } from "../input.js";
import { containersOf } from "./pods.js";

/**
 * What the operations manuals ask of production: backups kept long enough, restore drills, and
 * services that are probed and have SLO alerts. Judged from what the render would run (the
 * CronJobs' guardia commands, the Probes, the alert rules) against the model that names the
 * databases and services.
 */

const DAY = 24 * 3600;
/** A daylight-saving change in `jobs.timeZone` can stretch one gap by an hour. */
const DST_SLACK = 3600;

/** Retention the INATrace and MIRA manuals ask: daily kept 30 days, weekly kept 90. */
const RETENTION = [
  { every: "daily", maxInterval: DAY, keepDays: 30 },
  { every: "weekly", maxInterval: 7 * DAY, keepDays: 90 },
] as const;

interface GuardiaJob {
  readonly resource: string;
  readonly runbook: string;
  readonly flags: ReadonlyMap<string, string>;
  readonly cron: string;
}

/** The CronJobs that run a guardia runbook, with the runbook and its flags. */
export function guardiaJobs(input: PolicyInput): GuardiaJob[] {
  return containersOf(input)
    .filter((ref) => asArray(ref.container.command)[0] === "guardia")
    .flatMap((ref) => {
      const file = input.files.find((f) => f.resource === ref.resource)!;
      const spec = file.content.spec as { schedule?: string } | undefined;
      const [runbook, ...rest] = asArray(ref.container.args).map(String);
      if (!runbook || !spec?.schedule) return [];
      const flags = new Map<string, string>();
      rest.forEach((arg, i) => {
        if (arg.startsWith("--") && rest[i + 1] && !rest[i + 1]!.startsWith("--"))
          flags.set(arg.slice(2), rest[i + 1]!);
      });
      return [{ resource: ref.resource, runbook, flags, cron: spec.schedule }];
    });
}

function prodDatabases(input: PolicyInput) {
  const platform = input.stack?.platform;
  if (platform?.environment !== "prod" || platform.runtime !== "kubernetes") return [];
  return platform.databases.map((database) => ({ platform, database }));
}

export function prodBackupRetention(input: PolicyInput): Finding[] {
  const jobs = guardiaJobs(input).filter((j) => j.runbook === "backup-db");
  return prodDatabases(input).flatMap(({ platform, database }) => {
    const backups = jobs
      .filter((j) => j.flags.get("database") === database.name)
      .map((job) => {
        const schedule = job.flags.get("schedule") ?? "manual";
        const keepDays = platform.backups?.schedules.find((s) => s.name === schedule)?.keepDays;
        const interval = CronSchedule.problem(job.cron)
          ? Infinity
          : CronSchedule.parse(job.cron).maxIntervalSeconds();
        return { schedule, keepDays: keepDays ?? 0, interval };
      });
    const have = backups.map((b) => `${b.schedule} kept ${b.keepDays} days`).join(", ") || "none";
    const missing = RETENTION.filter(
      (need) =>
        !backups.some(
          (b) => b.interval <= need.maxInterval + DST_SLACK && b.keepDays >= need.keepDays,
        ),
    );
    return missing.map((need) => ({
      rule: "prod-backup-retention" as const,
      resource: `databases/${database.name}`,
      field: "guardia:platform.backups.schedules",
      message: `database ${database.name} has no ${need.every} backup kept at least ${need.keepDays} days (backups: ${have})`,
    }));
  });
}

export function prodRestoreDrill(input: PolicyInput): Finding[] {
  const drills = guardiaJobs(input).filter((j) => j.runbook === "verify-backup");
  return prodDatabases(input)
    .filter(({ database }) => !drills.some((j) => j.flags.get("database") === database.name))
    .map(({ database }) => ({
      rule: "prod-restore-drill" as const,
      resource: `databases/${database.name}`,
      field: "guardia:platform.backups.restoreDrill",
      message: `database ${database.name} has no restore drill CronJob`,
    }));
}

function prodServices(input: PolicyInput) {
  const platform = input.stack?.platform;
  if (platform?.environment !== "prod" || platform.runtime !== "kubernetes") return [];
  return platform.services.map((service, index) => ({ service, index }));
}

/** Labels of what the Probes target and of the alert rules, per rendered object. */
function probedServices(input: PolicyInput): Set<string> {
  const names = input.files
    .filter((f) => f.content.kind === "Probe")
    .map((f) => {
      const spec = f.content.spec as {
        targets?: { staticConfig?: { labels?: Record<string, string> } };
      };
      return spec?.targets?.staticConfig?.labels?.service;
    });
  return new Set(names.filter((n): n is string => n !== undefined));
}

export function prodServiceProbe(input: PolicyInput): Finding[] {
  const probed = probedServices(input);
  return prodServices(input)
    .filter(({ service }) => !probed.has(service.name))
    .map(({ service, index }) => ({
      rule: "prod-service-probe" as const,
      resource: `services/${service.name}`,
      field: `guardia:platform.services[${index}].health`,
      message: `service ${service.name} has no health probe`,
    }));
}

/** Rule groups named `guardia.<stack>.slo` hold the burn-rate alerts (lib/monitoring/alerts/services.ts). */
function servicesWithSloAlerts(input: PolicyInput): Set<string> {
  const services = new Set<string>();
  for (const file of input.files.filter((f) => f.content.kind === "PrometheusRule")) {
    const groups = asArray((file.content.spec as { groups?: unknown } | undefined)?.groups);
    for (const group of groups.filter(isRecord)) {
      if (!String(group.name).endsWith(".slo")) continue;
      for (const rule of asArray(group.rules).filter(isRecord)) {
        const service = (rule.labels as Record<string, string> | undefined)?.service;
        if (rule.alert && service) services.add(service);
      }
    }
  }
  return services;
}

export function prodServiceSlo(input: PolicyInput): Finding[] {
  const covered = servicesWithSloAlerts(input);
  return prodServices(input)
    .filter(({ service }) => !covered.has(service.name))
    .map(({ service, index }) => ({
      rule: "prod-service-slo" as const,
      resource: `services/${service.name}`,
      field: `guardia:platform.services[${index}].slo`,
      message: `service ${service.name} has no SLO alerts (they need a health probe)`,
    }));
}
