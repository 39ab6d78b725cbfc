import type { Catalogue } from "../index.js";

/**
 * Incidents and communication: incident records, their timeline, the P1/P2 notification, the
 * post-mortem (the MIRA operations guide's own headings), the support report, maintenance
 * windows (records, announcements, reminders, the calendar) and messages to receivers.
 */
export const incidents: Catalogue = {
  // Records
  "{0} {1} has no `backups` section: incident records live at its backup destination":
    "{0} {1} no tiene sección `backups`: los registros de incidentes se guardan en su destino de backup",
  '--id: expected an incident id such as inc-20261201T181300Z-3fa2, got "{0}"':
    '--id: se esperaba un id de incidente como inc-20261201T181300Z-3fa2, se recibió "{0}"',
  "{0} already exists": "{0} ya existe",
  "--id: no incident {0} at {1}": "--id: no hay un incidente {0} en {1}",
  "incident {0} is locked by {1} since {2} ({3}); try again":
    "el incidente {0} tiene un bloqueo de {1} desde {2} ({3}); intente de nuevo",
  someone: "alguien",
  open: "abierto",
  investigating: "en investigación",
  mitigated: "mitigado",
  closed: "cerrado",
  opened: "apertura",
  note: "nota",
  update: "actualización",
  notified: "notificación",
  "{0} minutes": "{0} minutos",
  "1 hour": "1 hora",
  "{0} hours": "{0} horas",

  // The P1/P2 notification
  "Incident {0} ({1}): {2}": "Incidente {0} ({1}): {2}",
  "Owner {0}; opened {1} by {2}; respond by {3}.":
    "Responsable {0}; abierto el {1} por {2}; responder antes de {3}.",
  "Service: {0}.": "Servicio: {0}.",
  "Endpoint: {0}.": "Endpoint: {0}.",
  "notifying through Alertmanager at {0}: it did not answer ({1})":
    "al notificar a través de Alertmanager en {0}: no respondió ({1})",
  "notifying through Alertmanager at {0}: {1} {2}":
    "al notificar a través de Alertmanager en {0}: {1} {2}",

  // The post-mortem: the MIRA operations guide's template, Template de Post-Mortem (P1)
  "**Date**: {0}": "**Fecha**: {0}",
  "**Severity**: {0}": "**Severidad**: {0}",
  "**Duration**: {0} hours ({1} min, {2} → {3})": "**Duración**: {0} horas ({1} min, {2} → {3})",
  "**Incident**: {0} ({1}), owner {2}": "**Incidente**: {0} ({1}), responsable {2}",
  "## Summary": "## Resumen",
  "## Impact": "## Impacto",
  "- Users affected: {0}": "- Usuarios afectados: {0}",
  "- Downtime: {0} hours": "- Downtime: {0} horas",
  "- Functions affected: {0}": "- Funcionalidades afectadas: {0}",
  "[List]": "[Lista]",
  "## Timeline": "## Timeline",
  "- (no entries)": "- (sin entradas)",
  "## Root cause": "## Causa Raíz",
  "[Technical description of the cause]": "[Descripción técnica de la causa]",
  "## Fix": "## Solución",
  "[How it was resolved]": "[Cómo se resolvió]",
  "## Preventive actions": "## Acciones Preventivas",
  "- [ ] Action 1": "- [ ] Acción 1",
  "- [ ] Action 2": "- [ ] Acción 2",
  "## Lessons learned": "## Lecciones Aprendidas",
  "[What we learned]": "[Qué aprendimos]",

  // The timeline
  "Prometheus at {0} answered {1} {2}": "Prometheus en {0} respondió {1} {2}",
  "guardia {0} (exit {1}) on {2}": "guardia {0} (salida {1}) en {2}",
  "guardia {0} (exit {1}: {2}) on {3}": "guardia {0} (salida {1}: {2}) en {3}",
  "window opens: {0}": "se abre la ventana: {0}",
  "window ends: {0}": "termina la ventana: {0}",
  "alert fired: {0}": "alerta disparada: {0}",
  "alert resolved: {0}": "alerta resuelta: {0}",
  "report: {0}": "informe: {0}",
  incident: "incidente",
  runbook: "runbook",
  alert: "alerta",
  maintenance: "mantenimiento",
  gap: "sin datos",
  done: "completado",
  failed: "fallido",
  refused: "rechazado",
  "bad-input": "entrada inválida",

  // guardia incident
  "--id: required to {0} an incident": "--id: obligatorio con la acción {0}",
  "--log-excerpt: {0} is not a readable file": "--log-excerpt: {0} no es un archivo legible",
  "--token-env: the environment variable {0} is not set":
    "--token-env: la variable de entorno {0} no está definida",
  "--priority: required to open an incident (P1..P4)":
    "--priority: obligatorio para abrir un incidente (P1..P4)",
  "--title: required to open an incident": "--title: obligatorio para abrir un incidente",
  "Store incident {0} ({1}, respond by {2})":
    "Guardar el incidente {0} ({1}, responder antes de {2})",
  "Incident {0} open: {1} (respond within {2}, by {3}), owner {4}.":
    "Incidente {0} abierto: {1} (responder en {2}, antes de {3}), responsable {4}.",
  "Record: {0}": "Registro: {0}",
  "Resolve the notification to the priority's receivers through Alertmanager":
    "Resolver la notificación a los receptores de la prioridad a través de Alertmanager",
  "Notify the priority's receivers through Alertmanager":
    "Notificar a los receptores de la prioridad a través de Alertmanager",
  "not notified: {0} is not P1 or P2": "sin notificación: {0} no es P1 ni P2",
  "nobody (no route)": "nadie (sin ruta)",
  "{0} resolved to {1}": "{0} resuelta para {1}",
  "{0} sent to {1}": "{0} enviada a {1}",
  "the notification stays firing until its end (7 days after opening): tell the stakeholders the incident is closed":
    "la notificación sigue activa hasta su fin (7 días después de la apertura): avise a los interesados que el incidente está cerrado",
  "tell the stakeholders by hand (the notification did not go out, or went out by mistake)":
    "avise a los interesados a mano (la notificación no salió, o salió por error)",
  "--text: required for a note": "--text: obligatorio para una nota",
  "Add a note to {0}": "Agregar una nota a {0}",
  "update: give --priority, --owner or --status (and --text for why)":
    "update: indique --priority, --owner o --status (y --text con el motivo)",
  "priority → {0}": "prioridad → {0}",
  "owner → {0}": "responsable → {0}",
  "status → {0}": "estado → {0}",
  "Update: {0} to {1}": "Actualizar {1}: {0}",
  "{0} is closed": "{0} está cerrado",
  "{0} entries": "{0} entradas",
  "--evidence: not a readable file: {0}": "--evidence: no es un archivo legible: {0}",
  "close: --root-cause and --fix are required (the logistics support plan closes with them)":
    "close: --root-cause y --fix son obligatorios (el plan de soporte logístico cierra con ellos)",
  "Read incident {0}": "Leer el incidente {0}",
  "{0} is already closed ({1})": "{0} ya está cerrado ({1})",
  "Incident {0} {1}.": "Incidente {0} {1}.",
  "Post-mortem: {0}": "Post-mortem: {0}",
  "Assemble the timeline: entries, guardia runs, alerts, maintenance windows":
    "Armar el timeline: entradas, ejecuciones de guardia, alertas, ventanas de mantenimiento",
  "alerts not read: {0}": "alertas no leídas: {0}",
  "alerts that already resolved are not shown (no --prometheus-url)":
    "no se muestran las alertas ya resueltas (falta --prometheus-url)",
  "maintenance windows not read: {0}": "ventanas de mantenimiento no leídas: {0}",
  "Close the record with root cause, fix, evidence and timeline":
    "Cerrar el registro con causa raíz, solución, evidencia y timeline",
  none: "ninguna",
  "closed; {0} evidence file(s)": "cerrado; {0} archivo(s) de evidencia",
  "{0} is already closed": "{0} ya está cerrado",
  "root cause: {0}; fix: {1}": "causa raíz: {0}; solución: {1}",
  "Write the post-mortem (MIRA template) for a P1, or when asked":
    "Escribir el post-mortem (template de MIRA) para un P1, o cuando se pida",
  "none: {0} (pass --postmortem for one)": "ninguno: {0} (use --postmortem para generarlo)",
  "List the stack's incidents": "Listar los incidentes del stack",
  "{0} incident(s), {1} past their response time":
    "{0} incidente(s), {1} con el tiempo de respuesta vencido",
  "no incidents": "no hay incidentes",
  ID: "ID",
  PRIORITY: "PRIORIDAD",
  STATUS: "ESTADO",
  OWNER: "RESPONSABLE",
  "LAST ENTRY": "ÚLTIMA ENTRADA",
  TITLE: "TÍTULO",
  "PAST RESPONSE TIME ({0})": "TIEMPO DE RESPUESTA VENCIDO ({0})",

  // The support report: the logistics support plan, Indicadores de soporte
  "# Support indicators — {0}": "# Indicadores de soporte — {0}",
  "{0} → {1}: {2} incident(s).": "{0} → {1}: {2} incidente(s).",
  "## Time to acknowledge and to resolve, per priority":
    "## Tiempo de atención y de resolución, por prioridad",
  "| Priority | Incidents | Acknowledged | Mean to acknowledge | Resolved | Mean to resolve |":
    "| Prioridad | Incidentes | Atendidos | Promedio de atención | Resueltos | Promedio de resolución |",
  "## Closed with a root cause identified": "## Cerrados con causa raíz identificada",
  "{0} ({1} of {2} closed)": "{0} ({1} de {2} cerrados)",
  "## Regressions after changes (began within {0} h of a maintenance window, restart or restore)":
    "## Regresiones después de cambios (comenzaron dentro de {0} h tras una ventana de mantenimiento, un reinicio o una restauración)",
  "{0} of {1} incident(s)": "{0} de {1} incidente(s)",
  "- {0} after {1} ({2})": "- {0} después de {1} ({2})",
  "## Not counted": "## No contabilizado",
  "Read the incident records": "Leer los registros de incidentes",
  "{0} record(s)": "{0} registro(s)",
  "Read the changes: maintenance windows, restarts and restores":
    "Leer los cambios: ventanas de mantenimiento, reinicios y restauraciones",
  "maintenance window {0}": "ventana de mantenimiento {0}",
  "maintenance windows in Alertmanager: {0}": "ventanas de mantenimiento en Alertmanager: {0}",
  "{0} change(s)": "{0} cambio(s)",
  "guardia {0} by {1}": "guardia {0} por {1}",
};
