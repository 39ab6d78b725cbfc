import type { RunbookName } from "../../runbooks/index.js";
import type { Platform, Priority } from "../model/index.js";
import { commandLine } from "../naming.js";

/**
 * The alert contract (docs/alerts.md): every rule carries `priority` and `severity` labels, the
 * stack's `platform`/`environment`/`namespace` (so routes and silences can scope to a stack), and
 * the annotations `summary`, `description`, `runbook_url` and `guardia_command`.
 */

export type Severity = "critical" | "warning" | "info";

/** kube-prometheus' severities, so its inhibition rules and dashboards keep working. */
export const SEVERITY: Readonly<Record<Priority, Severity>> = {
  P1: "critical",
  P2: "critical",
  P3: "warning",
  P4: "info",
};

/** Response times per priority in minutes (MIRA operations guide, Gestión de Incidentes, Clasificación de Severidad). */
export const RESPONSE_MINUTES: Readonly<Record<Priority, number>> = {
  P1: 15,
  P2: 60,
  P3: 240,
  P4: 1440,
};

/** The same in words, for alert descriptions and incident records. */
export const RESPONSE_TIME = Object.fromEntries(
  Object.entries(RESPONSE_MINUTES).map(([p, m]) => [
    p,
    m < 60 ? `${m} minutes` : m === 60 ? "1 hour" : `${m / 60} hours`,
  ]),
) as Readonly<Record<Priority, string>>;

export const PRIORITIES: readonly Priority[] = ["P1", "P2", "P3", "P4"];

/** Alerts name only registered runbooks: their names come from the registry (runbooks/index.ts). */
export type { RunbookName };

/** One priority lower, for the slower signal of the same symptom (P4 stays P4). */
export function demote(priority: Priority): Priority {
  return PRIORITIES[Math.min(PRIORITIES.indexOf(priority) + 1, PRIORITIES.length - 1)]!;
}

/** The labels that scope an alert, a route or a silence to one stack. */
export function stackLabels(
  platform: Platform,
): Record<"platform" | "environment" | "namespace", string> {
  return {
    platform: platform.name,
    environment: platform.environment,
    namespace: platform.namespace,
  };
}

/** What an engineer runs first: `guardia <runbook> --stack <stack> [--flag value ...]`. */
export interface FirstCommand {
  readonly runbook: RunbookName;
  /** Flags after `--stack`, in order, e.g. { service: "nocobase" }. */
  readonly flags?: Readonly<Record<string, string>>;
}

export function guardiaCommand(stack: string, command: FirstCommand): string {
  const flags = Object.entries(command.flags ?? {}).flatMap(([k, v]) => [`--${k}`, v]);
  return commandLine(["guardia", command.runbook, "--stack", stack, ...flags]);
}

export function runbookUrl(platform: Platform, runbook: RunbookName): string {
  return `${platform.monitoring.runbookBaseUrl}/${runbook}.md`;
}
