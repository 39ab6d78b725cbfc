import { t, tr, type Language } from "../i18n/index.js";
import type { Platform, Priority } from "../model/index.js";
import { guardiaCommand, runbookUrl, SEVERITY, stackLabels } from "../monitoring/contract.js";
import type { AlertmanagerApi } from "../monitoring/silences.js";
import type { Incident } from "./record.js";

/**
 * An incident's notification to the stakeholders (MIRA operations guide, Gestión de Incidentes,
 * 2. Clasificación: notify stakeholders if P1 or P2), sent as an alert to the stack's
 * Alertmanager: the stack's routing then delivers it to that priority's receivers in exactly the
 * formats the alerts use (Slack, Teams, email, webhook; lib/monitoring/alertmanager-config.ts),
 * with the secrets Alertmanager already holds. It fires while the incident is open (the priority's
 * repeat interval reminds) and resolves when it closes. An open maintenance window's silence
 * mutes it like any other alert of the stack.
 */

export const INCIDENT_ALERT = "GuardiaIncident";

/** Priorities whose incidents notify the stakeholders. */
export const NOTIFIED: readonly Priority[] = ["P1", "P2"];

/** An open incident's alert ends after a week if nobody closes it (Alertmanager needs an end). */
const OPEN_ALERT_DAYS = 7;

export function incidentAlert(platform: Platform, incident: Incident, endsAt?: Date) {
  const ends = endsAt ?? new Date(Date.parse(incident.openedAt) + OPEN_ALERT_DAYS * 86_400_000);
  return {
    labels: {
      alertname: INCIDENT_ALERT,
      priority: incident.priority,
      severity: SEVERITY[incident.priority],
      ...stackLabels(platform),
      incident: incident.id,
      ...(incident.service && { service: incident.service }),
    },
    annotations: {
      summary: tr(
        platform.language,
      )`Incident ${incident.id} (${incident.priority}): ${incident.title}`,
      description: notificationText(incident, platform.language),
      runbook_url: runbookUrl(platform, "incident"),
      guardia_command: `${guardiaCommand(incident.stack, { runbook: "incident" })} note --id ${incident.id} --text ...`,
    },
    startsAt: incident.openedAt,
    endsAt: ends.toISOString(),
  };
}

/** The notification's description: who, when, by when, and what is affected. */
function notificationText(incident: Incident, language: Language): string {
  // Read by the whole team: the stack's language, not the operator's.
  const t = tr(language);
  return [
    t`Owner ${incident.owner}; opened ${incident.openedAt} by ${incident.reporter}; respond by ${incident.responseDue}.`,
    ...(incident.service ? [t`Service: ${incident.service}.`] : []),
    ...(incident.endpoint ? [t`Endpoint: ${incident.endpoint}.`] : []),
  ].join(" ");
}

export function notifyCall(am: AlertmanagerApi): string {
  return `POST ${am.url.replace(/\/+$/, "")}/api/v2/alerts`;
}

export async function postIncidentAlert(
  am: AlertmanagerApi,
  alert: ReturnType<typeof incidentAlert>,
): Promise<void> {
  const url = `${am.url.replace(/\/+$/, "")}/api/v2/alerts`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([alert]),
      signal: AbortSignal.timeout(am.timeoutMs ?? 10_000),
    });
  } catch (err) {
    throw new Error(
      t`notifying through Alertmanager at ${am.url}: it did not answer (${(err as Error).message})`,
      { cause: err },
    );
  }
  if (!res.ok)
    throw new Error(
      t`notifying through Alertmanager at ${am.url}: ${res.status} ${await res.text()}`,
    );
}
