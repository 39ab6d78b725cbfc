import type { RunbookName } from "../../runbooks/index.js";
import type { Platform, Priority } from "../model/index.js";
import { commandLine } from "../naming.js";
import { tr, type Language } from "../i18n/index.js";

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

export const PRIORITIES: readonly Priority[] = ["P1", "P2", "P3", "P4"];

/** The same in words, in one language: alert descriptions and incident records. */
export function responseTime(priority: Priority, language: Language): string {
  const minutes = RESPONSE_MINUTES[priority];
  if (minutes < 60) return tr(language)`${minutes} minutes`;
  if (minutes === 60) return tr(language)`1 hour`;
  return tr(language)`${minutes / 60} hours`;
}

/** The closing sentence of every alert description. */
export function respondWithin(priority: Priority, language: Language): string {
  return tr(language)`Priority ${priority}: respond within ${responseTime(priority, language)}.`;
}

/**
 * In English, whatever the run's language: the generated docs. A text for the operator takes
 * `responseTime(priority, currentLanguage())` instead.
 */
export const RESPONSE_TIME = Object.fromEntries(
  PRIORITIES.map((p) => [p, responseTime(p, "en")]),
) as Readonly<Record<Priority, string>>;

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
