import type { Rule } from "./checks.js";
import type { ModelIssue } from "./resolve.js";
import type { PlatformInput } from "./schema.js";

/**
 * Cross-field rules of the routine checklists, the Celery broker and the data freshness queries:
 * their only copies (checks.ts runs them with the others).
 */

/** Routine reports live beside the backups, under `<platform>/<env>/reports/`. */
export const REPORTS_FOLDER = "reports";

const known = (names: readonly string[]) => names.join(", ") || "none declared";
const inCluster = (input: PlatformInput) => (input.runtime ?? "kubernetes") === "kubernetes";

export const ROUTINE_RULES: readonly Rule[] = [
  { reads: ["routine", "alerting"], check: routineReceiverRules },
  { reads: ["maintenance", "alerting"], check: maintenanceReceiverRules },
  { reads: ["routine", "services", "runtime"], check: routineDependencyRules },
  { reads: ["celery", "services"], check: celeryRules },
  { reads: ["dataFreshness", "databases", "externalDependencies"], check: dataFreshnessRules },
  { reads: ["databases", "backups"], check: reportsFolderRules },
  { reads: ["runtime", "databases", "backups", "dataFreshness"], check: exporterPasswordRules },
];

/** A report goes to chat (slack, teams, webhook) or email; SNS carries no report, and the dead man's switch hears its heartbeat alone. */
export function routineReceiverRules(input: PlatformInput): ModelIssue[] {
  return messageReceiverRules(
    input,
    ["routine", "receivers"],
    input.routine?.receivers,
    "a report",
  );
}

/** An announcement goes where a report can go, for the same reasons. */
export function maintenanceReceiverRules(input: PlatformInput): ModelIssue[] {
  const names = input.maintenance?.receivers;
  return messageReceiverRules(input, ["maintenance", "receivers"], names, "an announcement");
}

function messageReceiverRules(
  input: PlatformInput,
  at: readonly (string | number)[],
  names: readonly string[] | undefined,
  what: string,
): ModelIssue[] {
  const receivers = input.alerting?.receivers ?? [];
  return (names ?? []).flatMap((name, i): ModelIssue[] => {
    const path = [...at, i];
    const receiver = receivers.find((r) => r.name === name);
    if (!receiver) {
      const names = known(receivers.map((r) => r.name));
      return [{ path, message: `unknown receiver "${name}" (receivers: ${names})` }];
    }
    if (receiver.type === "sns")
      return [{ path, message: `receiver "${name}" is an SNS topic, which cannot carry ${what}` }];
    if (name === input.alerting?.deadMansSwitch)
      return [
        {
          path,
          message: `receiver "${name}" is the dead man's switch: ${what} reaching it would pass for a heartbeat`,
        },
      ];
    return [];
  });
}

/** A dependency check runs the service's own tools: in its pod on a cluster, in its directory on a local stack. */
export function routineDependencyRules(input: PlatformInput): ModelIssue[] {
  const services = input.services ?? [];
  return (input.routine?.dependencies ?? []).flatMap((dep, i): ModelIssue[] => {
    const path = ["routine", "dependencies", i, "service"];
    const service = services.find((s) => s.name === dep.service);
    if (!service) {
      const names = known(services.map((s) => s.name));
      return [{ path, message: `unknown service "${dep.service}" (services: ${names})` }];
    }
    if (inCluster(input) && !service.workload)
      return [{ path, message: `service "${dep.service}" has no workload to run ${dep.tool} in` }];
    if (!inCluster(input) && !service.local)
      return [
        { path, message: `service "${dep.service}" has no \`local.cwd\` to run ${dep.tool} in` },
      ];
    return [];
  });
}

export function celeryRules(input: PlatformInput): ModelIssue[] {
  const celery = input.celery;
  if (!celery) return [];
  const services = (input.services ?? []).map((s) => s.name);
  const issues: ModelIssue[] = [];
  if (!services.includes(celery.service)) {
    issues.push({
      path: ["celery", "service"],
      message: `unknown service "${celery.service}" (services: ${known(services)})`,
    });
  }
  (celery.queues ?? []).forEach((queue, i, all) => {
    if (all.indexOf(queue) !== i)
      issues.push({ path: ["celery", "queues", i], message: `queue "${queue}" is listed twice` });
  });
  return issues;
}

/**
 * The query is wrapped as a subquery of postgres_exporter's custom query, so it must be one
 * statement: a `;` would end the wrapper early.
 */
export function dataFreshnessRules(input: PlatformInput): ModelIssue[] {
  const entries = input.dataFreshness ?? [];
  const databases = (input.databases ?? []).map((d) => d.name);
  const dependencies = (input.externalDependencies ?? []).map((d) => d.name);
  return entries.flatMap((entry, i): ModelIssue[] => {
    const at = (field: string) => ["dataFreshness", i, field];
    const issues: ModelIssue[] = [];
    const first = entries.findIndex((e) => e.name === entry.name);
    if (first !== i)
      issues.push({
        path: at("name"),
        message: `duplicate name "${entry.name}" (also at index ${first})`,
      });
    if (!databases.includes(entry.database))
      issues.push({
        path: at("database"),
        message: `unknown database "${entry.database}" (databases: ${known(databases)})`,
      });
    if (entry.dependency !== undefined && !dependencies.includes(entry.dependency))
      issues.push({
        path: at("dependency"),
        message: `unknown external dependency "${entry.dependency}" (externalDependencies: ${known(dependencies)})`,
      });
    if (entry.query.includes(";"))
      issues.push({
        path: at("query"),
        message: "one SELECT without `;`: guardia wraps it as a subquery of the exporter's query",
      });
    return issues;
  });
}

export function reportsFolderRules(input: PlatformInput): ModelIssue[] {
  const clash = (input.databases ?? []).findIndex((d) => d.name === REPORTS_FOLDER);
  if (clash < 0 || !input.backups) return [];
  return [
    {
      path: ["databases", clash, "name"],
      message: `"${REPORTS_FOLDER}" is where routine reports are stored beside the backups; give this database another name`,
    },
  ];
}

/**
 * In a cluster the freshness queries run in a postgres_exporter guardia deploys, which reads the
 * database's password from its Secret. (With backups, backupPasswordRules already asks, once.)
 */
export function exporterPasswordRules(input: PlatformInput): ModelIssue[] {
  if (!inCluster(input) || input.backups) return [];
  const fresh = new Set((input.dataFreshness ?? []).map((f) => f.database));
  return (input.databases ?? []).flatMap((db, i) =>
    db.passwordSecret || !fresh.has(db.name)
      ? []
      : [
          {
            path: ["databases", i, "passwordSecret"],
            message: `required when runtime is kubernetes and dataFreshness queries "${db.name}": guardia's postgres_exporter reads the password from this Secret`,
          },
        ],
  );
}
