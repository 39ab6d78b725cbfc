import { t } from "../i18n/index.js";
import { minutesBetween, type Incident } from "./record.js";
import { timelineLines, type TimelineEntry } from "./timeline.js";

/**
 * The post-mortem in the MIRA operations guide's template (Gestión de Incidentes, Template de
 * Post-Mortem (P1)): in Spanish its headings as the template has them, in English the same
 * sections in English; prefilled from the record: date, severity, duration, summary, affected
 * functions, the assembled timeline, root cause and fix. What only people know (users affected,
 * preventive actions, lessons) is left as the template's prompts, ready to edit.
 */
export function postmortemMarkdown(incident: Incident, timeline: readonly TimelineEntry[]): string {
  const end = incident.closedAt ?? new Date().toISOString();
  const minutes = minutesBetween(incident.openedAt, end);
  const hours = (minutes / 60).toFixed(1);
  const until = incident.closedAt ?? t`open`;
  const affected = [incident.service, incident.endpoint].filter(Boolean).join(", ");
  return [
    `# Post-Mortem: ${incident.title}`,
    "",
    t`**Date**: ${incident.openedAt.slice(0, 10)}`,
    t`**Severity**: ${incident.priority}`,
    t`**Duration**: ${hours} hours (${minutes} min, ${incident.openedAt} → ${until})`,
    t`**Incident**: ${incident.id} (${incident.stack}), owner ${incident.owner}`,
    "",
    t`## Summary`,
    incident.description ?? incident.title,
    "",
    t`## Impact`,
    t`- Users affected: ${incident.affected ?? "X"}`,
    t`- Downtime: ${hours} hours`,
    t`- Functions affected: ${affected || t`[List]`}`,
    "",
    t`## Timeline`,
    ...(timeline.length > 0 ? timelineLines(timeline) : [t`- (no entries)`]),
    "",
    t`## Root cause`,
    incident.rootCause ?? t`[Technical description of the cause]`,
    "",
    t`## Fix`,
    incident.fix ?? t`[How it was resolved]`,
    "",
    t`## Preventive actions`,
    t`- [ ] Action 1`,
    t`- [ ] Action 2`,
    "",
    t`## Lessons learned`,
    t`[What we learned]`,
    "",
  ].join("\n");
}
