import type { Platform, RoutinePeriod, SecretRef, Service } from "../model/index.js";
import { ROUTINE_PERIODS } from "../model/schema.js";
import { cronJobArgs, MAX_CRONJOB_NAME, objectName } from "../naming.js";
import { secretEnvName } from "../secrets.js";
import { podLogServices, readableLogEntries } from "./checks/error-logs.js";
import { urlSecretOf } from "../receivers/deliver.js";
import { reportReceivers } from "./notify.js";

/**
 * The routine CronJobs as data, free of Pulumi (infra/routine.ts builds them; the job-failed
 * alerts and tests read the same): one per scheduled period, the Secrets their checks read, the
 * log claims they mount, and the Kubernetes API permissions their kubectl commands need.
 */

/** On the CronJob and its pods, for `kubectl get pods -l guardia.io/routine=daily`. */
export const PERIOD_LABEL = "guardia.io/routine";

/** Every check has its own, shorter timeout; the dependency checks are the longest (10 min). */
export const ROUTINE_JOB_DEADLINE_SECONDS = 1800;

export interface RoutineJob {
  readonly period: RoutinePeriod;
  /** The CronJob's metadata.name. */
  readonly cronJob: string;
  readonly cron: string;
}

/** `<platform>-routine-<period>`. */
export function routineCronJobName(platform: Platform, period: RoutinePeriod): string {
  return objectName(platform, ["routine", period], MAX_CRONJOB_NAME);
}

/** The scheduled periods of a cluster stack; none on a local stack or without `routine`. */
export function routineJobs(platform: Platform): RoutineJob[] {
  const routine = platform.routine;
  if (!routine || platform.runtime !== "kubernetes") return [];
  return ROUTINE_PERIODS.flatMap((period) => {
    const schedule = routine.schedules[period];
    return schedule
      ? [{ period, cronJob: routineCronJobName(platform, period), cron: schedule.expression }]
      : [];
  });
}

/** `routine --period daily` as its CronJob runs it (argv after `guardia`). */
export function routineArgs(period: RoutinePeriod): string[] {
  return cronJobArgs("routine", { period });
}

/** Every Secret a routine run reads, under the variable it reads it from (`secretEnvName`). */
export function routineSecrets(platform: Platform): { name: string; ref: SecretRef }[] {
  const refs: SecretRef[] = [
    ...platform.databases.flatMap((db) => (db.passwordSecret ? [db.passwordSecret] : [])),
    ...(platform.celery?.passwordSecret ? [platform.celery.passwordSecret] : []),
    ...reportReceivers(platform).flatMap((r) =>
      r.type === "email" ? (r.authPasswordSecret ? [r.authPasswordSecret] : []) : [urlSecretOf(r)],
    ),
    ...(platform.routine?.deadMansSwitch ? [platform.routine.deadMansSwitch.urlSecret] : []),
    // The daily run's smoke flows log in with the smoke user's credentials.
    ...platform.smoke.flows.flatMap((flow) => Object.values(flow.secrets)),
  ];
  const byName = new Map(refs.map((ref) => [secretEnvName(ref), ref]));
  return [...byName].map(([name, ref]) => ({ name, ref }));
}

/** The `logs` entries whose claims a period's job mounts (read-only): daily errors, monthly retention. */
export function mountedLogEntries(platform: Platform, period: RoutinePeriod) {
  return period === "weekly" ? [] : readableLogEntries(platform);
}

/** Services whose pods a period's checks exec into: the dependency checks'. */
export function execServices(platform: Platform, period: RoutinePeriod): Service[] {
  const names = new Set(
    (platform.routine?.dependencies ?? []).filter((d) => d.period === period).map((d) => d.service),
  );
  return platform.services.filter((s) => names.has(s.name));
}

export interface PolicyRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly resourceNames?: string[];
  readonly verbs: string[];
}

const API_GROUP = { deployment: "apps", statefulset: "apps", daemonset: "apps" } as const;
const RESOURCE = {
  deployment: "deployments",
  statefulset: "statefulsets",
  daemonset: "daemonsets",
} as const;

/**
 * Exactly what the scheduled checks' kubectl commands need, and nothing else: `kubectl logs
 * <kind>/<name> --all-pods` and `kubectl exec <kind>/<name>` read the workload (by name) for its
 * selector, list and get its pods, then read pods/log or create pods/exec. No Secrets: the job
 * gets its Secrets' values in its environment.
 */
export function routineRoleRules(platform: Platform): PolicyRule[] {
  const periods = routineJobs(platform).map((j) => j.period);
  const logs = periods.includes("daily") ? podLogServices(platform) : [];
  const exec = periods.flatMap((p) => execServices(platform, p));
  const workloads = [...logs, ...exec].map((s) => s.workload!);
  if (workloads.length === 0) return [];
  const kinds = [...new Set(workloads.map((w) => w.kind))].sort();
  return [
    { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
    ...(logs.length > 0 ? [{ apiGroups: [""], resources: ["pods/log"], verbs: ["get"] }] : []),
    ...(exec.length > 0 ? [{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }] : []),
    ...kinds.map((kind) => ({
      apiGroups: [API_GROUP[kind]],
      resources: [RESOURCE[kind]],
      resourceNames: [
        ...new Set(workloads.filter((w) => w.kind === kind).map((w) => w.name)),
      ].sort(),
      verbs: ["get"],
    })),
  ];
}

/** Whether a period's pod talks to the Kubernetes API at all (and so mounts its token). */
export function usesKubernetesApi(platform: Platform, period: RoutinePeriod): boolean {
  return (
    (period === "daily" && podLogServices(platform).length > 0) ||
    execServices(platform, period).length > 0
  );
}

/** The Role and its binding: `<platform>-routine`. */
export function routineRoleName(platform: Platform): string {
  return objectName(platform, ["routine"]);
}
