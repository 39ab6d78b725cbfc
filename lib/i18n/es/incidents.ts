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
  opened: "abierto",
  note: "nota",
  update: "actualización",
  notified: "notificado",

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
  "{0} resolved to {1}": "resolución de {0} enviada a {1}",
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
  // Maintenance windows: scheduling, announcements, reminders, the calendar
  "Maintenance window scheduled: {0}": "Ventana de mantenimiento programada: {0}",
  "Maintenance window opens now: {0}": "La ventana de mantenimiento se abre ahora: {0}",
  "Calendar: {0}": "Calendario: {0}",
  "Announce the window to {0} receiver {1}": "Anunciar la ventana al receptor {0} {1}",
  "Remind that the window opens to {0} receiver {1}":
    "Recordar al receptor {0} {1} que la ventana se abre",
  "the window as JSON": "la ventana en JSON",
  "NOT sent ({0}): tell them another way": "NO enviado ({0}): avise por otro medio",
  "sent: {0}": "enviado: {0}",
  "a message cannot be unsent: tell receiver {0} the window is off":
    "un mensaje enviado no se puede retirar: avise al receptor {0} que la ventana se cancela",
  "{0} {1} maintenance windows": "Ventanas de mantenimiento de {0} {1}",
  "Maintenance {0} {1}: {2}": "Mantenimiento {0} {1}: {2}",
  "Objective: {0}": "Objetivo: {0}",
  "Services: {0}": "Servicios: {0}",
  all: "todos",
  "From {0} to {1} (UTC)": "Desde {0} hasta {1} (UTC)",
  "Ticket: {0}": "Ticket: {0}",
  "Steps: {0}": "Pasos: {0}",
  "Rollback: {0}": "Reversión: {0}",
  "Success criteria: {0}": "Criterios de éxito: {0}",
  "Scheduled by {0} at {1}": "Programada por {0} el {1}",
  "Emergency, with less notice than usual: {0}":
    "Emergencia, con menos anticipación que la habitual: {0}",
  "--schedule: windows are kept at the stack's backup destination, and {0} {1} has no `backups` section":
    "--schedule: las ventanas se guardan en el destino de backup del stack, y {0} {1} no tiene sección `backups`",
  "Check the notice: the stack asks {0} h before {1}":
    "Verificar la anticipación: el stack pide {0} h antes de {1}",
  "emergency: {0}": "emergencia: {0}",
  "enough notice": "anticipación suficiente",
  "{0} window(s) in {1}": "{0} ventana(s) en {1}",
  "Store the window {0}": "Guardar la ventana {0}",
  "Publish the calendar of scheduled windows": "Publicar el calendario de ventanas programadas",
  "Find the window in the schedule (or check the notice an unscheduled one needs)":
    "Buscar la ventana en la programación (o verificar la anticipación que necesita una no programada)",
  "scheduled as {0} by {1} at {2} (emergency: {3})":
    "programada como {0} por {1} el {2} (emergencia: {3})",
  "scheduled as {0} by {1} at {2}": "programada como {0} por {1} el {2}",
  "never scheduled: opened without announcement; emergency: {0}":
    "nunca programada: abierta sin anuncio; emergencia: {0}",
  "never scheduled: opened without announcement": "nunca programada: abierta sin anuncio",
  "starts now": "empieza ahora",
  "starts in {0} h": "empieza en {0} h",
  '{0} {1} announces maintenance windows {2} h ahead (maintenance.noticeHours); this one {3}: schedule it for {4} or later, or pass --emergency --reason "<why it cannot wait>"':
    '{0} {1} anuncia las ventanas de mantenimiento con {2} h de anticipación (maintenance.noticeHours); esta {3}: prográmela para {4} o después, o use --emergency --reason "<por qué no puede esperar>"',
  "a window starting at {0} is already scheduled ({1})":
    "ya hay una ventana programada que empieza el {0} ({1})",

  // The window record: the INATrace operations manual, 3.1 Formato de Ventana de Mantenimiento
  "none declared in the stack": "ninguno declarado en el stack",
  "# Maintenance window {0} — {1}": "# Ventana de mantenimiento {0} — {1}",
  "- Objective: {0}": "- Objetivo: {0}",
  "- Ticket: {0}": "- Ticket: {0}",
  "- Affected services: {0}": "- Servicios afectados: {0}",
  "- Window: {0} → {1}": "- Ventana: {0} → {1}",
  "- Opened by: {0} at {1}": "- Abierta por: {0} el {1}",
  "- Announced: {0}": "- Anuncio: {0}",
  "- Silence {0}: {1}": "- Silencio {0}: {1}",
  "## Steps": "## Pasos",
  "not given (--steps)": "no indicados (--steps)",
  "not given (--rollback)": "no indicada (--rollback)",
  "## Success criteria": "## Criterios de éxito",
  "- Every health endpoint, external dependency and database answers (health-check green)":
    "- Todos los endpoints de salud, dependencias externas y bases de datos responden (health-check en verde)",
  "- Smoke flows pass: {0}": "- Flujos de humo aprobados: {0}",
  "- No critical or warning alert started during the window":
    "- Ninguna alerta critical o warning comenzó durante la ventana",
  "## Pre-checks at opening": "## Verificaciones previas al abrir",
  "(nothing to check)": "(nada que verificar)",
  "**SUCCESS**: every criterion passed": "**ÉXITO**: se cumplieron todos los criterios",
  "**FAILED**: {0}": "**FALLÓ**: {0}",
  "## Closing ({0}, by {1})": "## Cierre ({0}, por {1})",
  "Smoke flows:": "Flujos de humo:",
  "New critical or warning alerts: {0}": "Alertas critical o warning nuevas: {0}",
  "Verdict: {0}. The silence was expired: alerts reach people again.":
    "Veredicto: {0}. El silencio expiró: las alertas vuelven a llegar a las personas.",

  // Alertmanager silences
  "a silence needs a positive duration, got {0} seconds":
    "un silencio necesita una duración positiva, se recibió {0} segundos",
  "a silence needs `createdBy` (who silences)": "un silencio necesita `createdBy` (quién silencia)",
  "a silence needs a `comment` (why)": "un silencio necesita un `comment` (por qué)",
  'label "{0}" is the stack\'s own scope and cannot be overridden in a silence':
    'la etiqueta "{0}" es el alcance propio del stack y no se puede reemplazar en un silencio',
  "silence {{0}} from {1} to {2} by {3}: {4}": "silencio {{0}} desde {1} hasta {2} por {3}: {4}",
  "{0}: Alertmanager at {1} did not answer ({2}); is monitoring.alertmanagerUrl reachable from here (kubectl port-forward)?":
    "{0}: Alertmanager en {1} no respondió ({2}); ¿se puede llegar a monitoring.alertmanagerUrl desde aquí (kubectl port-forward)?",
  "{0}: Alertmanager at {1} answered {2} {3}": "{0}: Alertmanager en {1} respondió {2} {3}",
  "creating {0}": "al crear {0}",
  "expiring silence {0}": "al expirar el silencio {0}",
  "reading silence {0}": "al leer el silencio {0}",
  "listing silences of {0} {1}": "al listar los silencios de {0} {1}",
  "listing alerts of {0} {1}": "al listar las alertas de {0} {1}",

  // Messages to the stack's receivers
  "Slack message": "mensaje de Slack",
  "Teams MessageCard": "MessageCard de Teams",
  "SMTP {0}: mail to {1} from {2} ({3})": "SMTP {0}: correo a {1} desde {2} ({3})",
  "POST <URL from Secret {0}/{1}> ({2})": "POST <URL del Secret {0}/{1}> ({2})",
  "could not post to receiver {0}: {1}": "no se pudo enviar al receptor {0}: {1}",
  "receiver {0} answered {1}: {2}": "el receptor {0} respondió {1}: {2}",
  "could not mail receiver {0} through {1}: {2}":
    "no se pudo enviar correo al receptor {0} a través de {1}: {2}",
  "SMTP password of receiver {0}": "contraseña SMTP del receptor {0}",
  "webhook URL of receiver {0}": "URL del webhook del receptor {0}",

  // guardia maintenance-window
  '--start: expected an ISO 8601 time such as 2026-11-25T02:00:00Z, got "{0}"':
    '--start: se esperaba una hora ISO 8601 como 2026-11-25T02:00:00Z, se recibió "{0}"',
  "Pre-checks: the stack's health before the work":
    "Verificaciones previas: la salud del stack antes del trabajo",
  "Maintenance window {0} open until {1} (silence {2}).":
    "Ventana de mantenimiento {0} abierta hasta {1} (silencio {2}).",
  "Reminder NOT sent to {0}: tell them another way.":
    "Recordatorio NO enviado a {0}: avise por otro medio.",
  "Close it with: guardia maintenance-window --stack {0} --close":
    "Ciérrela con: guardia maintenance-window --stack {0} --close",
  "--schedule: --start must be in the future, got {0}":
    "--schedule: --start debe estar en el futuro, se recibió {0}",
  "Maintenance window {0} scheduled from {1} to {2}.":
    "Ventana de mantenimiento {0} programada desde {1} hasta {2}.",
  "Open it then with: guardia maintenance-window --stack {0} --objective ...":
    "Ábrala en ese momento con: guardia maintenance-window --stack {0} --objective ...",
  "--emergency needs --reason, and --reason goes with --emergency":
    "--emergency necesita --reason, y --reason va con --emergency",
  "--objective: required to open or schedule a window (or pass --close)":
    "--objective: obligatorio para abrir o programar una ventana (o use --close)",
  "Look for an open maintenance window": "Buscar una ventana de mantenimiento abierta",
  "{0} already has an open window: {1} (silence {2} by {3} until {4}); close it first with --close":
    "{0} ya tiene una ventana abierta: {1} (silencio {2} de {3} hasta {4}); ciérrela primero con --close",
  "none open": "ninguna abierta",
  "Silence {0}'s alerts from {1} to {2}": "Silenciar las alertas de {0} desde {1} hasta {2}",
  "silence {0}": "silencio {0}",
  "Write the window record {0}": "Escribir el registro de la ventana {0}",
  "delete {0}": "borrar {0}",
  "smoke flow {0}": "flujo de humo {0}",
  "Success criteria: health checks": "Criterios de éxito: verificaciones de salud",
  "Expire the window's silence": "Expirar el silencio de la ventana",
  "silence {0} expired: alerts reach people again":
    "silencio {0} expirado: las alertas vuelven a llegar a las personas",
  "create a new window if the work goes on": "abra una nueva ventana si el trabajo continúa",
  "the window closed, but its success criteria failed: {0}":
    "la ventana se cerró, pero sus criterios de éxito fallaron: {0}",
  "every success criterion passed": "se cumplieron todos los criterios de éxito",
  "Find the open maintenance window": "Buscar la ventana de mantenimiento abierta",
  "{0} has no open maintenance window (no active or pending guardia silence)":
    "{0} no tiene una ventana de mantenimiento abierta (ningún silencio de guardia activo o pendiente)",
  "{0}: silence {1} since {2} by {3}": "{0}: silencio {1} desde {2} por {3}",
  "Success criteria: no new critical or warning alerts":
    "Criterios de éxito: ninguna alerta critical o warning nueva",
  "alert {0} ({1}) since {2}": "alerta {0} ({1}) desde {2}",
  "Complete the window record": "Completar el registro de la ventana",
  "- Silence: {0}": "- Silencio: {0}",
  "no HTTP checks": "sin verificaciones HTTP",
  "no new alerts": "ninguna alerta nueva",
  "New critical or warning alerts: none": "Alertas critical o warning nuevas: ninguna",
};
