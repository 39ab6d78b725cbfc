import { createHash } from "node:crypto";
import type { Platform } from "./model/index.js";

/**
 * Names and labels every guardia object shares, so that `kubectl get all -l
 * app.kubernetes.io/managed-by=guardia` finds them and runbooks can find what infra created.
 */

export const MANAGED_BY = "guardia";

/** Where in-cluster jobs find the stack's model (the ConfigMap is mounted here). */
export const STACK_MOUNT_DIR = "/etc/guardia";
export const STACK_FILE_IN_CLUSTER = `${STACK_MOUNT_DIR}/stack.yaml`;

/** The writable emptyDir of every guardia pod (HOME and TMPDIR), beside a read-only root. */
export const SCRATCH_MOUNT = "/scratch";

/** Kubernetes names are DNS labels (63); CronJob names leave 11 characters for the Job suffix. */
export const MAX_NAME = 63;
export const MAX_CRONJOB_NAME = 52;

export type Component =
  | "foundation"
  | "backup"
  | "restore-drill"
  | "collections-export"
  | "monitoring"
  | "alerting"
  | "log-rotation"
  | "blackbox-exporter"
  | "smoke"
  | "token-rotation"
  | "media-cleanup"
  | "routine"
  | "postgres-exporter"
  | "redis-exporter"
  /** A team's own resource or job, next to guardia's (guardia/infra). */
  | "team";

export function standardLabels(platform: Platform, component: Component): Record<string, string> {
  return {
    "app.kubernetes.io/managed-by": MANAGED_BY,
    "app.kubernetes.io/part-of": platform.name,
    "app.kubernetes.io/component": component,
    "guardia.io/environment": platform.environment,
  };
}

/**
 * `<platform>-<part>-<part>`, shortened to `max` with a stable hash suffix when too long, so two
 * long names never collide and a render is byte-identical every time.
 */
export function objectName(platform: Platform, parts: readonly string[], max = MAX_NAME): string {
  const full = [platform.name, ...parts].join("-").toLowerCase();
  if (full.length <= max) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 6);
  return `${full.slice(0, max - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/**
 * Marks a Secret whose values are not secret, so renders show them (the Alertmanager configuration
 * holds file paths only; it is a Secret because prometheus-operator's `configSecret` reads one).
 */
export const HOLDS_NO_SECRET_VALUES = "guardia.io/holds-no-secret-values";

/** The one ServiceAccount that every guardia job in the namespace runs as. */
export function jobServiceAccountName(platform: Platform): string {
  return objectName(platform, ["guardia"]);
}

/** The ConfigMap carrying the stack's model into the cluster. */
export function stackConfigMapName(platform: Platform): string {
  return objectName(platform, ["guardia", "stack"]);
}

/**
 * A runbook as a CronJob runs it, argv after `guardia`: the stack file the Foundation mounts, the
 * runbook's flags in order, no prompt (`--yes`: the schedule is the confirmation) and a JSON
 * result for the pod's log.
 */
export function cronJobArgs(runbook: string, flags: Readonly<Record<string, string>>): string[] {
  const given = Object.entries(flags).flatMap(([flag, value]) => [`--${flag}`, value]);
  return [runbook, "--stack", STACK_FILE_IN_CLUSTER, ...given, "--yes", "--json"];
}

/** The tags of every AWS resource guardia creates: which platform and environment it serves. */
export function awsTags(platform: Platform): Record<string, string> {
  return {
    "guardia:platform": platform.name,
    "guardia:environment": platform.environment,
    "managed-by": MANAGED_BY,
  };
}

/** Quotes an argument for display in a shell command line only when it needs it. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The exact command line an engineer (or a CronJob) runs, as one string for alerts and plans. */
export function commandLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}
