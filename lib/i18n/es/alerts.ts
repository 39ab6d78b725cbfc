import type { Catalogue } from "../index.js";

/**
 * Alerts and what `guardia render` writes for operators: alert summaries and descriptions (Go
 * template references such as `{{ $labels.instance }}` stay verbatim), the notifications'
 * subject and body, the Grafana dashboard's titles, the outside uptime alarm.
 */
export const alerts: Catalogue = {
  // The failed run of a guardia CronJob (lib/jobs.ts, lib/monitoring/alerts/jobs.ts)
  "The restore drill of {0} failed": "Falló el simulacro de restauración de {0}",
  "the latest backup could not be restored and verified, it may not be restorable":
    "no se pudo restaurar ni verificar el último backup; puede que no sea restaurable",
  "The {0} backup of {1} failed": "Falló el backup {0} de {1}",
  "the newest backup grows older with every hour": "el backup más reciente envejece con cada hora",
  "The log rotation of {0} failed": "Falló la rotación de logs de {0}",
  "its log files grow until the volume is full":
    "sus archivos de log crecen hasta llenar el volumen",
  "The export of the NocoBase collections failed":
    "Falló la exportación de las colecciones de NocoBase",
  "the newest export of the collections' definitions grows older every day":
    "la exportación más reciente de las definiciones de las colecciones envejece cada día",
  "The rotation of the API tokens failed": "Falló la rotación de los tokens de la API",
  "tokens past the stack's policy stay valid":
    "los tokens que exceden la política del stack siguen siendo válidos",
  "The cleanup of orphaned media files failed":
    "Falló la limpieza de los archivos multimedia huérfanos",
  "orphaned files stay on the media volume and keep using its space":
    "los archivos huérfanos quedan en el volumen de medios y siguen ocupando su espacio",
  "The {0} routine checklist of {1} failed": "Falló la lista de verificación de rutina {0} de {1}",
  "its report was not written or not posted": "su informe no se escribió o no se publicó",
  "The newest Job of CronJob {0} failed and no run succeeded since: {1}.":
    "El Job más reciente del CronJob {0} falló y ninguna ejecución ha tenido éxito desde entonces: {1}.",
  "Run {0} by hand and read the failed Job's logs.":
    "Ejecute {0} a mano y lea los logs del Job fallido.",

  // Notifications (lib/monitoring/alertmanager-config.ts): ASCII only in the subject, for SNS
  FIRING: "ACTIVA",
  RESOLVED: "RESUELTA",
  "Run first: {0}": "Ejecutar primero: {0}",
  "Runbook: {0}": "Procedimiento: {0}",

  // Response times (lib/monitoring/contract.ts)
  "Priority {0}: respond within {1}.": "Prioridad {0}: responder dentro de {1}.",

  // Backups and restore drills
  "The last {0} backup of {1} is older than its schedule allows":
    "El último backup {0} de {1} es más antiguo de lo que permite su programación",
  "CronJob {0} has not completed a backup for more than {1} hours (its schedule runs at most {2} hours apart).":
    "El CronJob {0} no ha completado un backup en más de {1} horas (su programación deja como máximo {2} horas entre ejecuciones).",
  "Run the backup by hand, then look at the CronJob's last Jobs.":
    "Ejecute el backup a mano y luego revise los últimos Jobs del CronJob.",
  "The last restore drill of {0} took longer than its RTO ({1})":
    "El último simulacro de restauración de {0} tardó más que su RTO ({1})",
  "The newest Job of CronJob {0} that completed ran for more than {1}, the recovery time objective of {2}: restoring its backup in an emergency would take longer than promised.":
    "El Job más reciente del CronJob {0} que terminó duró más de {1}, el objetivo de tiempo de recuperación de {2}: restaurar su backup en una emergencia tomaría más de lo comprometido.",
  "Run the drill by hand and read its times (checksum, restore) in its result; then make the restore faster (a faster server or disk for it) or agree on a longer rto.":
    "Ejecute el simulacro a mano y lea sus tiempos (suma de verificación, restauración) en su resultado; luego haga más rápida la restauración (un servidor o un disco más rápido) o acuerde un rto más largo.",

  // Logs and volumes
  "The logs of {0} keep growing despite rotation":
    "Los logs de {0} siguen creciendo a pesar de la rotación",
  "Claim {0} (logs entry {1}) grows at a rate that passes the entry's size cap of {2} GB within 4 days, judged over the last {3}.":
    "El claim {0} (entrada de logs {1}) crece a un ritmo que supera en menos de 4 días el tope de tamaño de la entrada, {2} GB, según los últimos {3}.",
  "Check that the rotation CronJob runs and what writes so much (maxSize {0}, deleteAfterDays {1}).":
    "Verifique que el CronJob de rotación se ejecute y qué escribe tanto (maxSize {0}, deleteAfterDays {1}).",
  "Volume {{ $labels.persistentvolumeclaim }} is filling up: full within 4 days":
    "El volumen {{ $labels.persistentvolumeclaim }} se está llenando: estará lleno en menos de 4 días",
  "PersistentVolumeClaim {{ $labels.persistentvolumeclaim }} in {0} has less than {1} % free and, at the rate of the last {2}, fills up within 4 days.":
    "El PersistentVolumeClaim {{ $labels.persistentvolumeclaim }} en {0} tiene menos de {1} % libre y, al ritmo de los últimos {2}, se llenará en menos de 4 días.",
  "Backups and logs stop when it does: check retention (keepDays, log rotation) or grow the claim.":
    "Cuando se llene, los backups y los logs se detienen: revise la retención (keepDays, rotación de logs) o amplíe el claim.",

  // The watchdog
  "guardia's alerting pipeline for {0} is alive":
    "La cadena de alertas de guardia para {0} funciona",
  "Always firing. It proves that Prometheus evaluates {0}'s rules and that Alertmanager routes them; a dead man's switch that stops receiving it must page. Priority P4: nobody acts on it.":
    "Siempre activa. Demuestra que Prometheus evalúa las reglas de {0} y que Alertmanager las enruta; un dead man's switch que deja de recibirla debe avisar a la guardia de turno. Prioridad P4: nadie actúa sobre ella.",

  // Databases, dependencies, data freshness
  "Database {0} is down: postgres_exporter cannot connect":
    "La base de datos {0} está caída: postgres_exporter no logra conectarse",
  "postgres_exporter (job {0}) has not reached {1} on {2}:{3} for {4}; {5} cannot work.":
    "postgres_exporter (job {0}) no ha llegado a {1} en {2}:{3} durante {4}; los servicios que la usan ({5}) no pueden funcionar.",
  "postgres_exporter (job {0}) has not reached {1} on {2}:{3} for {4}; its services cannot work.":
    "postgres_exporter (job {0}) no ha llegado a {1} en {2}:{3} durante {4}; sus servicios no pueden funcionar.",
  "Alert the DBA immediately.": "Avise de inmediato al DBA.",
  "{0} answered under {1} of probes over {2}": "{0} respondió a menos del {1} de las sondas en {2}",
  "{0} ({1}) was available for less than its {2} target over the last {3} ({4} probes, {5} apart).":
    "{0} ({1}) estuvo disponible menos que su objetivo de {2} en los últimos {3} ({4} sondas, cada {5}).",
  "Check the VPN and contact the provider's IT.":
    "Revise la VPN y contacte al área de TI del proveedor.",
  "The newest row of {0}": "La fila más reciente de {0}",
  "The data from {0} in {1} is stale: nothing newer than {2} ({3})":
    "Los datos de {0} en {1} están desactualizados: nada más reciente que {2} ({3})",
  "The data in {0} is stale: nothing newer than {1} ({2})":
    "Los datos en {0} están desactualizados: nada más reciente que {1} ({2})",
  "{0} is older than {1}, or its query returned nothing: the synchronisation from {2} has stopped.":
    "{0} tiene más de {1} de antigüedad, o su consulta no devolvió nada: la sincronización desde {2} se detuvo.",
  "{0} is older than {1}, or its query returned nothing: the synchronisation has stopped.":
    "{0} tiene más de {1} de antigüedad, o su consulta no devolvió nada: la sincronización se detuvo.",
  "Check the dependency and the sync's logs, then run it again.":
    "Revise la dependencia y los logs de la sincronización; luego vuelva a ejecutarla.",
  "Query: {0}.": "Consulta: {0}.",

  // Celery queues
  "Celery queue {0} keeps growing and never empties":
    "La cola de Celery {0} sigue creciendo y nunca se vacía",
  "Queue {0} has not been empty for {1} and has grown over it: the workers of {2} are not keeping up, or not consuming.":
    "La cola {0} no ha estado vacía durante {1} y ha crecido en ese lapso: los workers de {2} no dan abasto o no están consumiendo.",
  "Check them (health-check --deep pings the workers), then the oldest waiting task.":
    "Revíselos (health-check --deep hace ping a los workers) y luego la tarea más antigua en espera.",
  "A task has waited in Celery queue {0} for more than {1}":
    "Una tarea lleva más de {1} esperando en la cola de Celery {0}",
  "The oldest task of queue {0} has waited more than {1} (as guardia's redis_exporter saw it first): the workers of {2} are stuck or gone.":
    "La tarea más antigua de la cola {0} lleva más de {1} esperando (desde que el redis_exporter de guardia la vio por primera vez): los workers de {2} están atascados o no están.",
  "Ping them (health-check --deep), read their logs, restart them.":
    "Hágales ping (health-check --deep), lea sus logs y reinícielos.",

  // Services: health endpoints, SLO, latency, TLS
  "{0} is down: {{ $labels.instance }} fails its health check":
    "{0} está caído: {{ $labels.instance }} no pasa su health check",
  "The blackbox probe of {{ $labels.instance }} has failed for {0} (every probe, {1} apart).":
    "La sonda blackbox de {{ $labels.instance }} ha fallado durante {0} (todas las sondas, una cada {1}).",
  "If the health check confirms it, restart: {0}": "Si el health check lo confirma, reinicie: {0}",
  "{0} burns its {1} availability budget {2}x too fast":
    "{0} consume su presupuesto de disponibilidad de {1} {2} veces más rápido de lo sostenible",
  "Over the last {0} and {1}, more than {2} % of {3}'s health probes failed: at this rate the {4} SLO's error budget is gone in {5} days.":
    "En los últimos {0} y {1} falló más del {2} % de las sondas de salud de {3}: a este ritmo, el presupuesto de error del SLO de {4} se agota en {5} días.",
  "{0} responds slowly: average over {1} ms": "{0} responde lento: promedio sobre {1} ms",
  "{0} responds slowly: 95th percentile over {1} ms":
    "{0} responde lento: percentil 95 sobre {1} ms",
  "The average response time of {0}'s health probes over {1} has been above its {2} ms target for {3}.":
    "El tiempo de respuesta promedio de las sondas de salud de {0} en {1} ha estado sobre su objetivo de {2} ms durante {3}.",
  "The 95th percentile response time of {0}'s health probes over {1} has been above its {2} ms target for {3}.":
    "El percentil 95 del tiempo de respuesta de las sondas de salud de {0} en {1} ha estado sobre su objetivo de {2} ms durante {3}.",
  "Review slow queries and endpoints.": "Revise las consultas y los endpoints lentos.",
  "The TLS certificate of {{ $labels.instance }} expires in less than {0} days":
    "El certificado TLS de {{ $labels.instance }} vence en menos de {0} días",
  "The certificate chain served by {{ $labels.instance }} ({0}) has a certificate that expires within {1} days; renew it (cert-manager, the load balancer or the CA) before users see errors.":
    "La cadena de certificados que sirve {{ $labels.instance }} ({0}) tiene un certificado que vence en menos de {1} días; renuévelo (cert-manager, el balanceador de carga o la CA) antes de que los usuarios vean errores.",
  "{0} ({1}) fails Route 53 health checks from outside the cluster.":
    "{0} ({1}) no pasa los health checks de Route 53 desde fuera del clúster.",

  // Smoke flows
  "The smoke flows of {0} failed in two runs in a row":
    "Los flujos de humo de {0} fallaron en dos ejecuciones seguidas",
  "CronJob {0} has not completed a smoke run for more than {1} minutes (it runs at least every {2} minutes): two runs in a row failed, so a login or a business flow is broken even if the health endpoints answer.":
    "El CronJob {0} no ha completado una ejecución de humo en más de {1} minutos (se ejecuta al menos cada {2} minutos): dos ejecuciones seguidas fallaron, así que un inicio de sesión o un flujo de negocio está roto aunque los endpoints de salud respondan.",
  "Run the flows to see which step fails and why; each failed Job's log holds its run's JSON result.":
    "Ejecute los flujos para ver qué paso falla y por qué; el log de cada Job fallido contiene el resultado JSON de su ejecución.",

  // The Grafana dashboard (lib/monitoring/dashboard.ts)
  "Service {0}": "Servicio {0}",
  Probes: "Sondas",
  "External dependencies": "Dependencias externas",
  "Databases and backups": "Bases de datos y backups",
  availability: "disponibilidad",
  "{0}: availability (SLO {1} %)": "{0}: disponibilidad (SLO {1} %)",
  "{0}: availability per hour against the SLO": "{0}: disponibilidad por hora frente al SLO",
  "{0}: latency (targets: avg {1} ms, p95 {2} ms)":
    "{0}: latencia (objetivos: promedio {1} ms, p95 {2} ms)",
  average: "promedio",
  "Probe status per endpoint": "Estado de las sondas por endpoint",
  "{0}: availability (target {1} %)": "{0}: disponibilidad (objetivo {1} %)",
  "{0}: database up": "{0}: base de datos disponible",
  "{0}: age of last {1} backup": "{0}: antigüedad del último backup {1}",
  "{0}: age of last restore drill": "{0}: antigüedad del último simulacro de restauración",
};
