import type { ModelIssue } from "./resolve.js";
import type { PlatformInput } from "./schema.js";
import { waiverRules } from "./waiver-checks.js";

/**
 * Rules that span several fields of a schema-valid stack: names that must be unique, references
 * that must resolve, and what prod may not leave out. Each returns every problem it finds.
 */
export function crossCheck(input: PlatformInput): ModelIssue[] {
  return [
    ...uniqueNames(input),
    ...references(input),
    ...backupRules(input),
    ...awsRules(input),
    ...productionRules(input),
    ...backupPasswordRules(input),
    ...deadMansSwitchRules(input),
    ...waiverRules(input),
  ];
}

function uniqueNames(input: PlatformInput): ModelIssue[] {
  const lists: [string, readonly { name: string }[] | undefined][] = [
    ["services", input.services],
    ["databases", input.databases],
    ["logs", input.logs],
    ["externalDependencies", input.externalDependencies],
    ["smokeChecks", input.smokeChecks],
    ["alerting.receivers", input.alerting?.receivers],
  ];
  const issues = lists.flatMap(([where, items]) => duplicates(where.split("."), items ?? []));
  return [...issues, ...duplicates(["backups", "schedules"], input.backups?.schedules ?? [])];
}

function duplicates(path: (string | number)[], items: readonly { name: string }[]): ModelIssue[] {
  const seen = new Map<string, number>();
  return items.flatMap((item, index) => {
    const first = seen.get(item.name);
    seen.set(item.name, first ?? index);
    return first === undefined
      ? []
      : [
          {
            path: [...path, index, "name"],
            message: `duplicate name "${item.name}" (also at index ${first})`,
          },
        ];
  });
}

function references(input: PlatformInput): ModelIssue[] {
  const services = new Set((input.services ?? []).map((s) => s.name));
  const receivers = new Set((input.alerting?.receivers ?? []).map((r) => r.name));
  const known = (names: Set<string>) => [...names].join(", ") || "none declared";
  const issues: ModelIssue[] = [];
  (input.databases ?? []).forEach((db, i) =>
    (db.usedBy ?? []).forEach((name, j) => {
      if (!services.has(name)) {
        issues.push({
          path: ["databases", i, "usedBy", j],
          message: `unknown service "${name}" (services: ${known(services)})`,
        });
      }
    }),
  );
  for (const [priority, names] of Object.entries(input.alerting?.routes ?? {})) {
    (names ?? []).forEach((name, j) => {
      if (!receivers.has(name)) {
        issues.push({
          path: ["alerting", "routes", priority, j],
          message: `unknown receiver "${name}" (receivers: ${known(receivers)})`,
        });
      }
    });
  }
  if (input.tokens && !services.has(input.tokens.service)) {
    issues.push({
      path: ["tokens", "service"],
      message: `unknown service "${input.tokens.service}" (services: ${known(services)})`,
    });
  }
  return issues;
}

function backupRules(input: PlatformInput): ModelIssue[] {
  const backups = input.backups;
  const lockDays = backups?.destination.objectLock?.days;
  if (!backups || lockDays === undefined) return [];
  const issues: ModelIssue[] = [];
  if (!backups.destination.url.startsWith("s3://")) {
    issues.push({
      path: ["backups", "destination", "objectLock"],
      message: "Object Lock applies to s3:// destinations only",
    });
  }
  const shortest = Math.min(...(backups.schedules ?? []).map((s) => s.keepDays));
  if (Number.isFinite(shortest) && lockDays > shortest) {
    issues.push({
      path: ["backups", "destination", "objectLock", "days"],
      message: `Object Lock days (${lockDays}) must not exceed the shortest keepDays (${shortest}): locked backups could not expire on time`,
    });
  }
  return issues;
}

/** AWS resources (bucket and IRSA role, Route 53 checks) need a region and the cluster's OIDC provider. */
function awsRules(input: PlatformInput): ModelIssue[] {
  if ((input.runtime ?? "kubernetes") === "local") return [];
  const issues: ModelIssue[] = [];
  const destination = input.backups?.destination;
  if (
    destination?.url.startsWith("s3://") &&
    !destination.endpoint &&
    !input.aws?.oidcProviderArn
  ) {
    issues.push({
      path: ["backups", "destination", "url"],
      message:
        "an s3:// destination on AWS needs `aws.region` and `aws.oidcProviderArn` for the bucket and its IRSA role; set `endpoint` for an S3-compatible store",
    });
  }
  if (input.monitoring?.externalUptimeChecks && !input.aws) {
    issues.push({
      path: ["monitoring", "externalUptimeChecks"],
      message: "Route 53 uptime checks need the stack's `aws` section",
    });
  }
  return issues;
}

/** Seed 000 §4.1 and seed 004: production keeps backups and someone hears its alerts. */
function productionRules(input: PlatformInput): ModelIssue[] {
  if (input.environment !== "prod") return [];
  const issues: ModelIssue[] = [];
  if ((input.databases ?? []).length > 0 && !input.backups) {
    issues.push({
      path: ["backups"],
      message: "required in prod when the stack has databases (seed 000 §4.1: daily backups)",
    });
  }
  if ((input.alerting?.receivers ?? []).length === 0) {
    issues.push({
      path: ["alerting", "receivers"],
      message: "prod needs at least one receiver, or its alerts reach nobody",
    });
  }
  if (input.backups?.restoreDrill === null) {
    issues.push({
      path: ["backups", "restoreDrill"],
      message: "prod may not turn off the restore drill (seed 000 §4.3: periodic test restores)",
    });
  }
  return issues;
}

/** In a cluster the backup CronJobs read each password from its Secret; there is no PGPASSWORD. */
function backupPasswordRules(input: PlatformInput): ModelIssue[] {
  if ((input.runtime ?? "kubernetes") !== "kubernetes" || !input.backups) return [];
  return (input.databases ?? []).flatMap((db, i) =>
    db.passwordSecret
      ? []
      : [
          {
            path: ["databases", i, "passwordSecret"],
            message: `required when runtime is kubernetes and backups are configured: the backup CronJobs of "${db.name}" read the password from this Secret`,
          },
        ],
  );
}

/**
 * The dead man's switch names a receiver, and hears the watchdog alone: another alert reaching the
 * heartbeat service would count as a heartbeat and hide a watchdog that stopped.
 */
function deadMansSwitchRules(input: PlatformInput): ModelIssue[] {
  const name = input.alerting?.deadMansSwitch;
  if (name === undefined) return [];
  const receivers = (input.alerting?.receivers ?? []).map((r) => r.name);
  if (!receivers.includes(name)) {
    return [
      {
        path: ["alerting", "deadMansSwitch"],
        message: `unknown receiver "${name}" (receivers: ${receivers.join(", ") || "none declared"})`,
      },
    ];
  }
  const issues: ModelIssue[] = [];
  for (const [priority, names] of Object.entries(input.alerting?.routes ?? {})) {
    (names ?? []).forEach((routed, j) => {
      if (routed === name) {
        issues.push({
          path: ["alerting", "routes", priority, j],
          message: `receiver "${name}" is the dead man's switch: it hears GuardiaWatchdog alone, or other alerts would stand in for a heartbeat that stopped`,
        });
      }
    });
  }
  if (input.environment === "prod" && receivers.every((r) => r === name)) {
    issues.push({
      path: ["alerting", "receivers"],
      message: `prod needs a receiver besides the dead man's switch "${name}", or its alerts reach nobody`,
    });
  }
  return issues;
}
