import { t } from "../i18n/index.js";
import { describeSilence, type SilencePlan } from "./silences.js";

/**
 * Every window's silence comment starts with this: how `maintenance-window --close` finds the
 * open window and how an incident's timeline finds the windows that overlap it.
 */
export const WINDOW_COMMENT_PREFIX = "guardia maintenance-window ";

/**
 * The maintenance window record in the INATrace operations manual's format (3.1, Formato de Ventana de Mantenimiento) (objective, affected services, start and
 * end, steps, rollback, success criteria), written when the window opens and completed when it
 * closes. It is the document the team attaches to the change ticket.
 */
export interface WindowRecord {
  readonly id: string;
  readonly stack: string;
  readonly objective: string;
  readonly ticket: string | undefined;
  readonly services: readonly string[];
  readonly silence: SilencePlan;
  readonly steps: readonly string[];
  readonly rollback: readonly string[];
  /** Success criteria the team adds to guardia's own. */
  readonly criteria: readonly string[];
  /** The smoke flows the close runs (names). */
  readonly smokeFlows: readonly string[];
  readonly openedBy: string;
}

function numbered(items: readonly string[], empty: string): string[] {
  return items.length === 0 ? [`_${empty}_`] : items.map((item, i) => `${i + 1}. ${item}`);
}

export function windowHeader(
  record: WindowRecord,
  silenceId: string,
  preChecks: string,
  announced: string | undefined,
): string {
  const smoke =
    record.smokeFlows.length > 0 ? record.smokeFlows.join(", ") : t`none declared in the stack`;
  return [
    t`# Maintenance window ${record.id} — ${record.stack}`,
    "",
    t`- Objective: ${record.objective}`,
    ...(record.ticket ? [t`- Ticket: ${record.ticket}`] : []),
    t`- Affected services: ${record.services.join(", ") || t`none`}`,
    t`- Window: ${record.silence.startsAt} → ${record.silence.endsAt}`,
    t`- Opened by: ${record.openedBy} at ${new Date().toISOString()}`,
    ...(announced ? [t`- Announced: ${announced}`] : []),
    t`- Silence ${silenceId}: ${describeSilence(record.silence)}`,
    "",
    t`## Steps`,
    "",
    ...numbered(record.steps, t`not given (--steps)`),
    "",
    t`## Rollback`,
    "",
    ...numbered(record.rollback, t`not given (--rollback)`),
    "",
    t`## Success criteria`,
    "",
    t`- Every health endpoint, external dependency and database answers (health-check green)`,
    t`- Smoke flows pass: ${smoke}`,
    t`- No critical or warning alert started during the window`,
    ...record.criteria.map((c) => `- ${c}`),
    "",
    t`## Pre-checks at opening`,
    "",
    "```",
    preChecks || t`(nothing to check)`,
    "```",
    "",
  ].join("\n");
}

export function windowClosing(closing: {
  readonly closedBy: string;
  readonly health: string;
  /** The smoke flows' table, when the stack has flows. */
  readonly smoke?: string;
  readonly newAlerts: readonly string[];
  readonly failed: readonly string[];
}): string {
  const verdict =
    closing.failed.length === 0
      ? t`**SUCCESS**: every criterion passed`
      : t`**FAILED**: ${closing.failed.join("; ")}`;
  const newAlerts =
    closing.newAlerts.length === 0
      ? t`New critical or warning alerts: none`
      : t`New critical or warning alerts: ${closing.newAlerts.join("; ")}`;
  return [
    t`## Closing (${new Date().toISOString()}, by ${closing.closedBy})`,
    "",
    "```",
    closing.health || t`(nothing to check)`,
    "```",
    "",
    ...(closing.smoke ? [t`Smoke flows:`, "", "```", closing.smoke, "```", ""] : []),
    newAlerts,
    "",
    t`Verdict: ${verdict}. The silence was expired: alerts reach people again.`,
    "",
  ].join("\n");
}
