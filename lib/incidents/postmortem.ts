import { minutesBetween, type Incident } from "./record.js";
import { timelineLines, type TimelineEntry } from "./timeline.js";

/**
 * The post-mortem in the MIRA operations guide's template (Gestión de Incidentes, Template de
 * Post-Mortem (P1)), its headings as the template has them, prefilled from the record: date,
 * severity, duration, summary, affected functions, the assembled timeline, root cause and fix.
 * What only people know (users affected, preventive actions, lessons) is left as the template's
 * prompts, ready to edit.
 */
export function postmortemMarkdown(incident: Incident, timeline: readonly TimelineEntry[]): string {
  const end = incident.closedAt ?? new Date().toISOString();
  const minutes = minutesBetween(incident.openedAt, end);
  const duration = `${(minutes / 60).toFixed(1)} horas (${minutes} min, ${incident.openedAt} → ${incident.closedAt ?? "abierto"})`;
  const affected = [incident.service, incident.endpoint].filter(Boolean).join(", ");
  return [
    `# Post-Mortem: ${incident.title}`,
    "",
    `**Fecha**: ${incident.openedAt.slice(0, 10)}`,
    `**Severidad**: ${incident.priority}`,
    `**Duración**: ${duration}`,
    `**Incidente**: ${incident.id} (${incident.stack}), responsable ${incident.owner}`,
    "",
    "## Resumen",
    incident.description ?? incident.title,
    "",
    "## Impacto",
    `- Usuarios afectados: ${incident.affected ?? "X"}`,
    `- Downtime: ${(minutes / 60).toFixed(1)} horas`,
    `- Funcionalidades afectadas: ${affected || "[Lista]"}`,
    "",
    "## Timeline",
    ...(timeline.length > 0 ? timelineLines(timeline) : ["- (sin entradas)"]),
    "",
    "## Causa Raíz",
    incident.rootCause ?? "[Descripción técnica de la causa]",
    "",
    "## Solución",
    incident.fix ?? "[Cómo se resolvió]",
    "",
    "## Acciones Preventivas",
    "- [ ] Acción 1",
    "- [ ] Acción 2",
    "",
    "## Lecciones Aprendidas",
    "[Qué aprendimos]",
    "",
  ].join("\n");
}
