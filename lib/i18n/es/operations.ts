import type { Catalogue } from "../index.js";

/**
 * Service operations and the routine: restart-service, health-check, rotate-logs, rotate-tokens,
 * rotate-db-password, smoke and the routine's checks, report, checklist and messages.
 */
export const operations: Catalogue = {
  // The routine: its report, checklist and messages (lib/routine/, runbooks/routine.ts).
  daily: "diaria",
  weekly: "semanal",
  monthly: "mensual",
  "guardia routine, {0}: {1} {2}": "guardia, rutina {0}: {1} {2}",
  "{0} failed, {1} attention, {2} manual, {3} ok":
    "{0} fallidos, {1} requieren atención, {2} manuales, {3} ok",
  "new since the last run": "nuevo desde la ejecución anterior",
  "changed since the last run (was {0})": "cambió desde la ejecución anterior (era {0})",
  attention: "atención",
  FAILED: "FALLIDO",
  ATTENTION: "ATENCIÓN",
  MANUAL: "MANUAL",
  "{0} changed since the last run ({1}).": "{0} cambiaron desde la ejecución anterior ({1}).",
  "First report of this period: nothing to compare with.":
    "Primer informe de este período: no hay con qué comparar.",
  "{0} · stack {1} · by {2} · guardia {3}": "{0} · stack {1} · por {2} · guardia {3}",
  "Checklists: {0}.": "Listas de verificación: {0}.",
  "## Problems": "## Problemas",
  "None.": "Ninguno.",
  "## The rest": "## El resto",
  "the Markdown report": "el informe en Markdown",
  "the JSON report": "el informe en JSON",
  "; {0} changed since the last run": "; {0} cambiaron desde la ejecución anterior",
  "Full report: {0}": "Informe completo: {0}",
  "\nFull report: {0}\n": "\nInforme completo: {0}\n",
  "could not check: {0}": "no se pudo verificar: {0}",
  "{0} is not a routine report": "{0} no es un informe de rutina",
  "Prometheus at {0} did not answer: {1}": "Prometheus en {0} no respondió: {1}",
  "Prometheus refused {0}: {1}": "Prometheus rechazó {0}: {1}",
  "no data": "sin datos",
  "Update the operations documentation": "Actualizar la documentación operacional",
  "Review the usage metrics (cases per day, active users, requests, database growth)":
    "Revisar las métricas de uso (casos por día, usuarios activos, solicitudes, crecimiento de la base de datos)",
  "Plan optimizations": "Planificar optimizaciones",
  "Review the architecture and scalability; evaluate the need for more hardware":
    "Revisar la arquitectura y la escalabilidad; evaluar la necesidad de hardware adicional",
  "Update the runbooks": "Actualizar los runbooks",
  "Train the support team": "Capacitar al equipo de soporte",
  "Tell the dead man's switch the {0} routine started":
    "Avisar al dead man's switch que comenzó la rutina {0}",
  "Tell the dead man's switch the {0} routine finished":
    "Avisar al dead man's switch que terminó la rutina {0}",
  "pinged {0}{1}": "aviso enviado a {0}{1}",
  "the routine run failed or was interrupted; see its audit record":
    "la ejecución de la rutina falló o fue interrumpida; vea su registro de auditoría",
  "Write the report to {0} (and .json)": "Escribir el informe en {0} (y .json)",
  "written: {0}, {1}": "escrito: {0}, {1}",
  "nothing to undo: a report is a record; the next run compares with it":
    "nada que deshacer: un informe es un registro; la próxima ejecución se compara con él",
  "Post the report to {0} receiver {1}": "Publicar el informe en el receptor {0} {1}",
  "posted ({0})": "publicado ({0})",
  "nothing to undo: a message cannot be unsent":
    "nada que deshacer: un mensaje enviado no se puede retirar",
  "{0} has no routine checklists (off by default in dev and testing, or `routine: null`): add `routine: {}` to its stack file to run them":
    "{0} no tiene listas de verificación de rutina (desactivadas por omisión en dev y testing, o `routine: null`): agregue `routine: {}` a su archivo de stack para ejecutarlas",
  "--note goes with --ack <item>: it says what was done":
    "--note va con --ack <ítem>: dice qué se hizo",
  "{0} routine of {1} started": "Comenzó la rutina {0} de {1}",
  "Read the previous {0} report": "Leer el informe anterior de la rutina {0}",
  "none yet: this is the first report of the period":
    "ninguno todavía: este es el primer informe del período",
  "{0} ({1} items)": "{0} ({1} ítems)",
  '--ack: "{0}" is no manual item of the {1} checklist (manual items: {2})':
    '--ack: "{0}" no es un ítem manual de la lista {1} (ítems manuales: {2})',
  "audit log {0}": "registro de auditoría {0}",
  "Record that {0} ({1}) was done by {2}": "Registrar que {2} hizo {0} ({1})",
  "recorded in the {0}": "registrado en el {0}",
  "recorded at {0} (and in the audit log)": "registrado en {0} (y en el registro de auditoría)",
  "an acknowledgement is a record: a wrong one is superseded by the next":
    "una confirmación es un registro: una equivocada queda reemplazada por la siguiente",
  "{0} acknowledged: {1}": "{0} confirmado: {1}",
  "{0} acknowledged in the audit log": "{0} confirmado en el registro de auditoría",

  // The routine's checks (lib/routine/checks/).
  "Newest complete backup of {0}": "Backup completo más reciente de {0}",
  "Last backup of {0}": "Último backup de {0}",
  "; the newest attempt {0} is {1}": "; el intento más reciente {0} está en estado {1}",
  "no complete backup of {0}{1}": "no hay un backup completo de {0}{1}",
  "{0}, {1} old (limit {2}){3}": "{0}, con {1} de antigüedad (límite {2}){3}",
  "Backups of {0} in the last 7 days, per schedule":
    "Backups de {0} en los últimos 7 días, por programación",
  "Backups of {0} this week": "Backups de {0} esta semana",
  "; {0} incomplete or damaged": "; {0} incompletos o dañados",
  "Last successful restore drill of {0}": "Último simulacro de restauración exitoso de {0}",
  "Last restore drill of {0}": "Último simulacro de restauración de {0}",
  "no successful restore drill recorded ({0})":
    "no hay ningún simulacro de restauración exitoso registrado ({0})",
  "{0}Z, {1} ago (limit {2}; {3})": "{0}Z, hace {1} (límite {2}; {3})",
  "pip list --outdated in {0}": "pip list --outdated en {0}",
  "npm audit in {0}": "npm audit en {0}",
  "Outdated Python packages of {0}": "Paquetes de Python desactualizados de {0}",
  "Vulnerable npm packages of {0}": "Paquetes npm vulnerables de {0}",
  "every package is up to date": "todos los paquetes están al día",
  "{0} outdated package(s): {1}{2}": "{0} paquete(s) desactualizado(s): {1}{2}",
  "npm audit gave no JSON: {0}": "npm audit no devolvió JSON: {0}",
  "npm audit failed: {0}": "npm audit falló: {0}",
  "no known vulnerabilities": "sin vulnerabilidades conocidas",
  "{0} vulnerable package(s): {1}": "{0} paquete(s) vulnerable(s): {1}",
  "not growing": "no crece",
  "full in {0} at {1}/day": "lleno en {0} a {1}/día",
  "{0} of {1} used ({2} % free), {3}": "{0} de {1} en uso ({2} % libre), {3}",
  "Volumes of namespace {0}: use and growth over 7 days (Prometheus)":
    "Volúmenes del namespace {0}: uso y crecimiento en 7 días (Prometheus)",
  "Volumes of {0}": "Volúmenes de {0}",
  "no volume stats in Prometheus for this namespace":
    "no hay estadísticas de volúmenes en Prometheus para este namespace",
  "{0} claim(s){1}": "{0} claim(s){1}",
  ", all with room": ", todos con espacio",
  "Disk space of {0} ({1})": "Espacio en disco de {0} ({1})",
  "Disk of {0} ({1})": "Disco de {0} ({1})",
  " (growth: no previous report)": " (crecimiento: no hay informe anterior)",
  "Size of database {0}": "Tamaño de la base de datos {0}",
  ", {0}{1} since the previous report": ", {0}{1} desde el informe anterior",
  "Error lines in the logs of {0}'s pods, last {1}":
    "Líneas de error en los logs de los pods de {0}, período de {1}",
  "Error lines of {0} (pods)": "Líneas de error de {0} (pods)",
  "Error lines in the {0} log files, last {1}":
    "Líneas de error en los archivos de log {0}, período de {1}",
  "Error lines of the {0} log files": "Líneas de error de los archivos de log {0}",
  " ({0} in the previous report)": " ({0} en el informe anterior)",
  "in the last {0}": "en el período de {0}",
  "no error lines {0}{1}": "sin líneas de error {0}{1}",
  "{0} error line(s) {1}, {2} most frequent below{3}":
    "{0} línea(s) de error {1}; los mensajes más frecuentes, abajo ({2}){3}",
  "no backup destination": "sin destino de backup",
  "Open incidents past their response time": "Incidentes abiertos fuera de su tiempo de respuesta",
  "no incident records ({0}): check the incident tool for open incidents past their response time":
    "no hay registros de incidentes ({0}): revise en la herramienta de incidentes los abiertos fuera de su tiempo de respuesta",
  "{0} {1}: {2}, no update for {3}": "{0} {1}: {2}, sin actualización desde hace {3}",
  "{0} open incident(s), each updated within its response time":
    "{0} incidente(s) abierto(s), cada uno actualizado dentro de su tiempo de respuesta",
  "{0} of {1} open incident(s) past their response time":
    "{0} de {1} incidente(s) abierto(s) fuera de su tiempo de respuesta",
  "unexpected answer from redis-cli: {0}": "respuesta inesperada de redis-cli: {0}",
  "Read the depth and oldest task of the Celery queues ({0}) from the broker":
    "Leer del broker la profundidad y la tarea más antigua de las colas de Celery ({0})",
  "password of the Celery broker": "contraseña del broker de Celery",
  "could not read the broker: {0}": "no se pudo leer el broker: {0}",
  "Judge Celery queue {0} (oldest task at most {1})":
    "Evaluar la cola de Celery {0} (tarea más antigua de {1} como máximo)",
  "Celery queue {0}": "Cola de Celery {0}",
  "the broker {0} could not be read": "no se pudo leer el broker {0}",
  empty: "vacía",
  "{0} waiting, oldest task's age not recorded (guardia's redis_exporter records it)":
    "{0} en espera, edad de la tarea más antigua no registrada (la registra el redis_exporter de guardia)",
  "{0} waiting, the oldest for {1}": "{0} en espera, la más antigua desde hace {1}",
  " ({0} at the previous report)": " ({0} en el informe anterior)",
  "{0}, over {1}: are the workers of {2} consuming?{3}":
    "{0}, más de {1}: ¿están consumiendo los workers de {2}?{3}",
  "{0}: growing{1}": "{0}: creciendo{1}",
  "Log retention of {0} (delete after {1} days)":
    "Retención de logs de {0} (borrar después de {1} días)",
  "Oldest rotated file of the {0} logs against deleteAfterDays {1}":
    "Archivo rotado más antiguo de los logs {0} frente a deleteAfterDays {1}",
  "{0} rotated file(s), the oldest {1} days old; {2} in all":
    "{0} archivo(s) rotado(s), el más antiguo de {1} días; {2} en total",
  "; {0} past {1} days: retention is not applied (guardia rotate-logs)":
    "; {0} con más de {1} días: la retención no se está aplicando (guardia rotate-logs)",
  "; {0} live file(s) over {1}× maxSize {2}: not rotating":
    "; {0} archivo(s) activo(s) por encima de {1}× maxSize {2}: no se están rotando",
  "{0}: {1}, {2} days": "{0}: {1}, {2} días",
  "Log retention of {0}: its files are out of reach":
    "Retención de logs de {0}: sus archivos están fuera de alcance",
  "the files ({0}) are on no claim this job mounts: check by hand that none is older than {1} days":
    "los archivos ({0}) no están en ningún claim que monte este job: verifique a mano que ninguno tenga más de {1} días",
  "Manual items of the {0} checklist and who last did them":
    "Ítems manuales de la lista {0} y quién los hizo por última vez",
  "{0} manual item(s), {1} ever acknowledged":
    "{0} ítem(s) manual(es), {1} confirmado(s) alguna vez",
  "done by {0} on {1}{2}": "hecho por {0} el {1}{2}",
  "last done by {0} on {1}; ": "hecho por última vez por {0} el {1}; ",
  "{0}due every {1} days; when done: {2}": "{0}corresponde cada {1} días; una vez hecho: {2}",
  "Availability and latency of {0} over the last {1} (Prometheus)":
    "Disponibilidad y latencia de {0} en el período de {1} (Prometheus)",
  "SLO of {0}, last {1}": "SLO de {0}, período de {1}",
  "no probe data in Prometheus for the last {0}: is {1} probed?":
    "no hay datos de sondeo en Prometheus en el período de {0}: ¿se sondea {1}?",
  "availability {0} (target {1}), average {2} (target {3} ms), p95 {4} (target {5} ms)":
    "disponibilidad {0} (objetivo {1}), promedio {2} (objetivo {3} ms), p95 {4} (objetivo {5} ms)",
  "Is pg_stat_statements installed in {0}?": "¿Está instalado pg_stat_statements en {0}?",
  "could not ask: {0}": "no se pudo consultar: {0}",
  "installed and loaded": "instalado y cargado",
  "not installed or not loaded": "no instalado o no cargado",
  "Statements of {0} slower than {1} ms on average":
    "Sentencias de {0} más lentas que {1} ms en promedio",
  "Slow queries of {0}": "Queries lentas de {0}",
  "could not ask {0} about pg_stat_statements": "no se pudo consultar a {0} por pg_stat_statements",
  "pg_stat_statements is not installed in {0}: review slow queries by hand, or add it to shared_preload_libraries and CREATE EXTENSION pg_stat_statements":
    "pg_stat_statements no está instalado en {0}: revise las queries lentas a mano, o agréguelo a shared_preload_libraries y ejecute CREATE EXTENSION pg_stat_statements",
  "{0} ms avg × {1} calls ({2} ms in all): {3}":
    "{0} ms prom. × {1} llamadas ({2} ms en total): {3}",
  "no statement over {0} ms on average": "ninguna sentencia supera {0} ms en promedio",
  "{0} statement(s) over {1} ms on average, the slowest {2} ms":
    "{0} sentencia(s) de más de {1} ms en promedio, la más lenta {2} ms",
  "Smoke flow {0} of {1}": "Flujo de humo {0} de {1}",
  "Smoke flow {0}": "Flujo de humo {0}",
  "Smoke flow {0} ({1})": "Flujo de humo {0} ({1})",
  "; the browser step(s) went unchecked: no Chromium at {0}":
    "; los pasos de navegador quedaron sin verificar: no hay Chromium en {0}",
  "Login roles and superusers of {0}, and which application's users it holds":
    "Roles con login y superusuarios de {0}, y de qué aplicación son sus usuarios",
  "{0} login role(s); application users: {1}": "{0} rol(es) con login; usuarios de aplicación: {1}",
  "none found": "no se encontraron",
  "Users of {0} with no login for {1} days": "Usuarios de {0} sin iniciar sesión en {1} días",
  "User access of {0}": "Accesos de usuarios de {0}",
  "could not read the roles of {0}": "no se pudieron leer los roles de {0}",
  "login roles: {0}; superusers: {1}": "roles con login: {0}; superusuarios: {1}",
  "{0} login role(s), no application users here":
    "{0} rol(es) con login, sin usuarios de aplicación aquí",
  "{0}{1}: last login {2}": "{0}{1}: último inicio de sesión {2}",
  " (superuser)": " (superusuario)",
  " (staff/admin)": " (staff/admin)",
  "every active {0} user logged in within {1} days":
    "todos los usuarios activos de {0} iniciaron sesión en los últimos {1} días",
  "{0} active {1} user(s) without a login for {2} days{3}: deactivate or confirm":
    "{0} usuario(s) activo(s) de {1} sin iniciar sesión en {2} días{3}: desactivar o confirmar",
  ", {0} of them privileged": ", {0} de ellos con privilegios",
  // Health checks and restarts (runbooks/health-check.ts, restart-service.ts, lib/checks/).
  "no answer within {0} ms": "sin respuesta en {0} ms",
  "service {0} has no `local.cwd` in this local stack":
    "el servicio {0} no tiene `local.cwd` en este stack local",
  "service {0} has no workload to exec into":
    "el servicio {0} no tiene una carga de trabajo donde ejecutar",
  "exit {0}: {1}": "salida {0}: {1}",
  "{0} worker(s) answered pong": "{0} worker(s) respondieron pong",
  "no pong from {0}": "sin pong de {0}",
  "no worker answered within {0} s": "ningún worker respondió en {0} s",
  "HTTP {0}, expected {1}": "HTTP {0}, se esperaba {1}",
  'HTTP {0} without "{1}" in the body': 'HTTP {0} sin "{1}" en el cuerpo',
  "Probe {0} endpoint(s) and {1} database(s)": "Sondear {0} endpoint(s) y {1} base(s) de datos",
  "no HTTP endpoints": "sin endpoints HTTP",
  "{0} ok": "{0} ok",
  "{0} of {1} failing": "{0} de {1} con fallas",
  endpoint: "endpoint",
  dependency: "dependencia",
  database: "base de datos",
  diagnostic: "diagnóstico",
  "Django manage.py check of {0}": "Django manage.py check de {0}",
  "Celery worker ping of {0}": "Ping a los workers de Celery de {0}",
  "{0} of {1} check(s) failed: {2}": "{0} de {1} verificación(es) fallaron: {2}",
  "all {0} check(s) passed": "las {0} verificación(es) pasaron",
  "--service: {0} has no `workload` to restart in this stack":
    "--service: {0} no tiene `workload` que reiniciar en este stack",
  "Restart {0}": "Reiniciar {0}",
  "restart requested": "reinicio solicitado",
  "a rollout restart replaces the pods with the same spec; there is nothing to undo":
    "un rollout restart reemplaza los pods con la misma especificación; no hay nada que deshacer",
  "Read {0}": "Leer {0}",
  "{0}/{1} ready": "{0}/{1} listos",
  "Wait for the rollout of {0}": "Esperar el rollout de {0}",
  "the rollout did not finish: {0}\n{1}": "el rollout no terminó: {0}\n{1}",
  "--service: {0} has no `local.restart` command in this local stack":
    "--service: {0} no tiene un comando `local.restart` en este stack local",
  "restart command succeeded": "el comando de reinicio terminó bien",
  "a restart cannot be undone; start the service by hand if it stays down":
    "un reinicio no se puede deshacer; inicie el servicio a mano si sigue caído",
  "Health-check {0}": "Verificar la salud de {0}",
  "no health endpoints declared": "no hay endpoints de salud declarados",
  "{0} in {1} ms": "{0} en {1} ms",
  "no endpoints to check": "no hay endpoints que verificar",
  "attempt {0}: {1}; next in {2} s": "intento {0}: {1}; el siguiente en {2} s",
  Pods: "Pods",
  "Recent events": "Eventos recientes",
  "Last log lines": "Últimas líneas de log",

  // Smoke flows (runbooks/smoke.ts, lib/smoke/).
  "{0} declares no smoke flows: add them under smokeFlows.flows in the stack file":
    "{0} no declara flujos de humo: agréguelos en smokeFlows.flows del archivo de stack",
  "--service: {0} has no smoke flows (flows by service: {1})":
    "--service: {0} no tiene flujos de humo (flujos por servicio: {1})",
  "the stack": "el stack",
  "{0} is visible": "{0} es visible",
  "{0} answered HTTP {1}": "{0} respondió HTTP {1}",
  "{0} was not visible within {1} ms ({2})": "{0} no fue visible en {1} ms ({2})",
  "console errors: {0}": "errores de consola: {0}",
  "failed requests: {0}": "solicitudes fallidas: {0}",
  "HTTP {0}, expected {1}{2}": "HTTP {0}, se esperaba {1}{2}",
  "HTTP {0} but the answer is not JSON": "HTTP {0} pero la respuesta no es JSON",
  "{0} is missing from the answer": "falta {0} en la respuesta",
  "{0} is empty": "{0} está vacío",
  "{0} is {1}, expected {2}": "{0} es {1}, se esperaba {2}",
  "the body does not contain {0}": "el cuerpo no contiene {0}",
  "capture {0}: {1} is missing from the answer": "captura {0}: falta {1} en la respuesta",
  '--service: no service "{0}" in this stack (services: {1})':
    '--service: no hay un servicio "{0}" en este stack (servicios: {1})',
  '--flow: no smoke flow "{0}" in this stack (flows: {1})':
    '--flow: no hay un flujo de humo "{0}" en este stack (flujos: {1})',
  "it writes, and this stack has smokeFlows.allowWrites: false":
    "escribe, y este stack tiene smokeFlows.allowWrites: false",
  "{0}/{1}: ok — {2}": "{0}/{1}: ok — {2}",
  "{0}/{1}: FAILED — {2}": "{0}/{1}: FALLÓ — {2}",
  "step {0}: {1}": "paso {0}: {1}",
  "cleanup of {0}: {1}": "limpieza de {0}: {1}",
  "{0} of smoke flow {1}": "{0} del flujo de humo {1}",
  "secret ${{0}} (Secret {1}, key {2}): {3}": "secreto ${{0}} (Secret {1}, clave {2}): {3}",
  "no cleanup declared: what it wrote stays": "sin limpieza declarada: lo que escribió se queda",
  "HTTP {0}: undone": "HTTP {0}: deshecho",
  "HTTP {0}: what {1} wrote may remain": "HTTP {0}: lo que escribió {1} puede quedar",
  "what it wrote may remain": "lo que escribió puede quedar",
  "not run (--steps api)": "no ejecutado (--steps api)",
  "Verdict: every smoke flow passed": "Veredicto: todos los flujos de humo pasaron",
  "{0} smoke flow(s) failed: {1}": "{0} flujo(s) de humo fallaron: {1}",
  "{0} flow(s) passed": "{0} flujo(s) pasaron",
  "the flow's cleanup requests ran at its end, whatever happened; where the evidence shows one FAILED, undo by hand: {0}":
    "las solicitudes de limpieza del flujo se ejecutaron al final, pasara lo que pasara; donde la evidencia muestre FALLÓ, deshaga a mano: {0}",
  "skipped: {0}": "omitido: {0}",
  "{0} step(s) passed{1} in {2}": "{0} paso(s) pasaron{1} en {2}",
  ", {0} not run": ", {0} sin ejecutar",
  "FAILED at {0} ({1})": "FALLÓ en {0} ({1})",
  "an unknown step": "un paso desconocido",
  "{0} (cleanup)": "{0} (limpieza)",

  // Log rotation (runbooks/rotate-logs.ts, lib/logs/).
  "the compressed copy does not read back as the original":
    "la copia comprimida no se lee igual que el original",
  "it changed while it was being compressed; left as it is":
    "cambió mientras se comprimía; se deja como está",
  "compressing {0}: {1}": "al comprimir {0}: {1}",
  "{0} already exists with other content; both left as they are":
    "{0} ya existe con otro contenido; ambos se dejan como están",
  "past maxSize {0}": "supera maxSize {0}",
  "{0} live file(s)": "{0} archivo(s) activo(s)",
  "{0} to rotate": "{0} por rotar",
  "{0} to compress": "{0} por comprimir",
  "{0} to delete": "{0} por borrar",
  "{0} rotated kept": "{0} rotados conservados",
  "{0} other file(s) left alone": "{0} archivo(s) ajeno(s) sin tocar",
  "leave (live, not due)": "dejar (activo, no corresponde)",
  keep: "conservar",
  "leave (not this entry's)": "dejar (no es de esta entrada)",
  "delete (logrotate maxage/rotate)": "borrar (logrotate maxage/rotate)",
  "compress (logrotate)": "comprimir (logrotate)",
  "compress (gzip)": "comprimir (gzip)",
  delete: "borrar",
  "rotate → {0} ({1})": "rotar → {0} ({1})",
  leave: "dejar",
  "no files": "sin archivos",
  "listing {0}: {1}": "al listar {0}: {1}",
  "deleting {0}: {1}": "al borrar {0}: {1}",
  "logrotate not found on PATH nor in /usr/sbin: install it (apt-get install logrotate)":
    "logrotate no está en el PATH ni en /usr/sbin: instálelo (apt-get install logrotate)",
  "{0} has no `logs` section": "{0} no tiene una sección `logs`",
  '--logs: no logs entry "{0}" in this stack (logs: {1})':
    '--logs: no hay una entrada de logs "{0}" en este stack (logs: {1})',
  "{0} is not a directory": "{0} no es un directorio",
  "directory {0} is not writable": "no se puede escribir en el directorio {0}",
  "is not a regular file (logrotate's state file goes there)":
    "no es un archivo regular (ahí va el archivo de estado de logrotate)",
  "is not readable and writable": "no se puede leer y escribir",
  'is not a logrotate state file (it starts with neither "logrotate state" nor nothing), and logrotate would overwrite it':
    'no es un archivo de estado de logrotate (no empieza con "logrotate state" ni está vacío), y logrotate lo sobrescribiría',
  'List the "{0}" log files and what will happen to them':
    'Listar los archivos de log "{0}" y lo que pasará con ellos',
  'logrotate refuses the configuration of "{0}":\n{1}':
    'logrotate rechaza la configuración de "{0}":\n{1}',
  "; not on this machine: {0}{1}": "; no están en esta máquina: {0}{1}",
  " (the CronJob mounts claim {0})": " (el CronJob monta el claim {0})",
  'Rotate the "{0}" log files with logrotate': 'Rotar los archivos de log "{0}" con logrotate',
  "nothing was due": "no correspondía rotar nada",
  "rotated {0}; logrotate deleted {1}, compressed {2}":
    "rotados {0}; logrotate borró {1}, comprimió {2}",
  "nothing to undo: logrotate copies each file, fsyncs the copy, then truncates the original":
    "nada que deshacer: logrotate copia cada archivo, hace fsync de la copia y luego trunca el original",
  'Gzip "{0}" files rotated more than {1} days ago':
    'Comprimir con gzip los archivos "{0}" rotados hace más de {1} días',
  "{0} file(s): {1} → {2}": "{0} archivo(s): {1} → {2}",
  "nothing old enough": "nada lo bastante antiguo",
  "gunzip the .gz files listed in the result (their content is byte-identical)":
    "aplicar gunzip a los archivos .gz listados en el resultado (su contenido es idéntico byte a byte)",
  'Delete "{0}" files rotated more than {1} days ago':
    'Borrar los archivos "{0}" rotados hace más de {1} días',
  "deleted {0} file(s) ({1})": "borrados {0} archivo(s) ({1})",
  "deleted log files are gone; only rotated files older than {0} days are deleted":
    "los archivos de log borrados no se recuperan; solo se borran archivos rotados de más de {0} días",
  "{0}: rotated {1}, compressed {2}, deleted {3}":
    "{0}: rotados {1}, comprimidos {2}, borrados {3}",

  // DRF tokens (runbooks/rotate-tokens.ts, lib/tokens/).
  "created {0} days ago": "creado hace {0} días",
  "no login for {0} days": "sin iniciar sesión en {0} días",
  "{0} tokens is more than maxCount ({1})": "{0} tokens es más que maxCount ({1})",
  "{0} of {1} tokens ({2} %) is more than maxFraction ({3} %)":
    "{0} de {1} tokens ({2} %) es más que maxFraction ({3} %)",
  "{0}; nothing was deleted (--allow-over-cap to delete them)":
    "{0}; no se borró nada (--allow-over-cap para borrarlos)",
  "service {0} has no `diagnostics.django` (manage.py)":
    "el servicio {0} no tiene `diagnostics.django` (manage.py)",
  "drf_create_token did not print a new token (its output is not shown: it may hold one)":
    "drf_create_token no imprimió un token nuevo (su salida no se muestra: podría contener uno)",
  "new DRF token of {0}": "nuevo token DRF de {0}",
  "\nNew DRF token for {0} (shown once, never recorded; give it to the user now):\n{1}\n\n":
    "\nNuevo token DRF de {0} (se muestra una sola vez y no se registra; entrégueselo al usuario ahora):\n{1}\n\n",
  "this stack has no `tokens` section (the DRF token policy)":
    "este stack no tiene una sección `tokens` (la política de tokens DRF)",
  "--reissue: needs --user <username> (whose token to reissue)":
    "--reissue: requiere --user <usuario> (de quién reemitir el token)",
  "Apply the token policy ({0}) to authtoken_token in {1}":
    "Aplicar la política de tokens ({0}) a authtoken_token en {1}",
  "{0} of {1} token(s) named by the policy": "{0} de {1} token(s) alcanzados por la política",
  "over the cap: {0}; nothing was deleted (--allow-over-cap to delete them)":
    "sobre el límite: {0}; no se borró nada (--allow-over-cap para borrarlos)",
  "; over the cap: {0}{1}": "; sobre el límite: {0}{1}",
  ", so the run refuses without --allow-over-cap":
    ", así que la ejecución se niega sin --allow-over-cap",
  "Delete those tokens in one transaction that applies the policy again":
    "Borrar esos tokens en una transacción que vuelve a aplicar la política",
  "nothing to delete": "nada que borrar",
  "; kept {0} (no longer named by the policy)":
    "; se conservan {0} (la política ya no los alcanza)",
  "deleted the tokens of {0} user(s): ids {1}{2}":
    "borrados los tokens de {0} usuario(s): ids {1}{2}",
  "a deleted token cannot come back: its user logs in again, or gets a new one with --user <name> --reissue":
    "un token borrado no se recupera: su usuario inicia sesión de nuevo, u obtiene uno nuevo con --user <nombre> --reissue",
  "Find user {0} and their token in {1}": "Buscar al usuario {0} y su token en {1}",
  '--user: no user "{0}" in auth_user of {1}':
    '--user: no hay un usuario "{0}" en auth_user de {1}',
  "--reissue shows the new token on your terminal only, and there is none here (a pipe, a CronJob): run it from a terminal":
    "--reissue muestra el token nuevo solo en su terminal, y aquí no hay ninguna (un pipe, un CronJob): ejecútelo desde una terminal",
  "token created {0}": "token creado el {0}",
  "no token": "sin token",
  "user {0} {1}: {2}": "usuario {0} {1}: {2}",
  "Revoke the token of {0} and make a new one through Django":
    "Revocar el token de {0} y crear uno nuevo con Django",
  "drf_create_token exited with {0}: {1}": "drf_create_token terminó con {0}: {1}",
  "old token revoked; the new one was shown on the terminal only":
    "token anterior revocado; el nuevo se mostró solo en la terminal",
  "the old token is gone for good; the new one was shown once (run again for another)":
    "el token anterior desapareció para siempre; el nuevo se mostró una vez (ejecute de nuevo para otro)",
  "Revoke the token of {0}": "Revocar el token de {0}",
  "token of user {0} revoked": "token del usuario {0} revocado",
  "there was no token": "no había token",
  "a revoked token cannot come back; make a new one with --reissue":
    "un token revocado no se recupera; cree uno nuevo con --reissue",
  "Check the token of {0}": "Verificar el token de {0}",
  "user {0} still has a token (created {1})":
    "el usuario {0} todavía tiene un token (creado el {1})",
  "user {0} has no token made by this run":
    "el usuario {0} no tiene un token creado por esta ejecución",
  "a new token, created {0}": "un token nuevo, creado el {0}",
  "no token left": "no queda ningún token",

  // Database passwords (runbooks/rotate-db-password.ts, lib/db-password/).
  "{0} (removed)": "{0} (eliminada)",
  "{0} (set)": "{0} (asignada)",
  "rotate-db-password changes the database's Kubernetes Secret: this stack runs locally (change its password by hand)":
    "rotate-db-password cambia el Secret de Kubernetes de la base de datos: este stack corre localmente (cambie su contraseña a mano)",
  "--database: {0} has no passwordSecret to rotate":
    "--database: {0} no tiene un passwordSecret que rotar",
  "service {0} uses database {1} but has no `workload` to restart onto the new password":
    "el servicio {0} usa la base de datos {1} pero no tiene `workload` que reiniciar con la contraseña nueva",
  'Secret {0} has no key "{1}"': 'el Secret {0} no tiene la clave "{1}"',
  "Secret {0}'s {1}{2} should name one of {3}":
    "{1}{2} del Secret {0} debería nombrar a uno de {3}",
  "{0} with {1}: {2}": "{0} con {1}: {2}",
  "Secret {0} still has the keys of a rotation that did not finish, and PostgreSQL accepts neither value ({1}). Put the value PostgreSQL accepts under {2}, remove the {3} keys, then run again":
    "el Secret {0} todavía tiene las claves de una rotación que no terminó, y PostgreSQL no acepta ninguno de los valores ({1}). Ponga bajo {2} el valor que PostgreSQL acepta, elimine las claves {3} y ejecute de nuevo",
  "Read Secret {0} and log in to {1} with it": "Leer el Secret {0} e iniciar sesión en {1} con él",
  "; {0} left by a rotation that did not finish: this run starts from {1} and removes them":
    "; {0} quedaron de una rotación que no terminó: esta ejecución parte de {1} y las elimina",
  "; role {0} (idle) gets the new password": "; el rol {0} (inactivo) recibe la contraseña nueva",
  "{0} logs in with the Secret's {1}{2}; password_encryption {3}{4}":
    "{0} inicia sesión con {1} del Secret{2}; password_encryption {3}{4}",
  "Keep the current value in Secret {0} under {1}{2}":
    "Guardar el valor actual en el Secret {0} bajo {1}{2}",
  "kept: {0}": "guardado: {0}",
  "Set a new password for the idle login role in {0}":
    "Asignar una contraseña nueva al rol de login inactivo en {0}",
  "Set a new password for role {0} in {1}": "Asignar una contraseña nueva al rol {0} en {1}",
  "password of {0} changed": "contraseña de {0} cambiada",
  "{0} logs in with the new password": "{0} inicia sesión con la contraseña nueva",
  "{0} (the old password again)": "{0} (otra vez la contraseña anterior)",
  "nothing to undo: {0} keep working with what the Secret holds; the idle role's new password is in no Secret":
    "nada que deshacer: {0} siguen funcionando con lo que tiene el Secret; la contraseña nueva del rol inactivo no está en ningún Secret",
  "ALTER ROLE back to the value under {0}{1}": "ALTER ROLE de vuelta al valor bajo {0}{1}",
  "{0} does not log in with the new password: {1}":
    "{0} no inicia sesión con la contraseña nueva: {1}",
  "its old password was put back": "se restituyó su contraseña anterior",
  "putting its old password back failed too ({0})":
    "restituir su contraseña anterior también falló ({0})",
  "password of {0}: {1}": "contraseña de {0}: {1}",
  "Put the new password and role in Secret {0}":
    "Poner la contraseña nueva y el rol en el Secret {0}",
  "Put the new password in Secret {0}": "Poner la contraseña nueva en el Secret {0}",
  "Secret {0} changed": "Secret {0} cambiado",
  "Secret {0}: {1}": "Secret {0}: {1}",
  "{0} (the old values)": "{0} (los valores anteriores)",
  "the Secret has its old values again, but restarting {0} onto them failed: {1}":
    "el Secret tiene otra vez sus valores anteriores, pero reiniciar {0} con ellos falló: {1}",
  "Restart {0} onto the new password": "Reiniciar {0} con la contraseña nueva",
  "the Secret's rollback restarts it again, onto the old value":
    "la reversión del Secret lo reinicia otra vez, con el valor anterior",
  "Wait for {0} to roll out": "Esperar el rollout de {0}",
  "pg_stat_activity: no session with the old credentials":
    "pg_stat_activity: ninguna sesión con las credenciales anteriores",
  "sessions of {0} from before the change remain: {1}; a client not in usedBy still uses the old credentials":
    "quedan sesiones de {0} anteriores al cambio: {1}; un cliente que no está en usedBy todavía usa las credenciales anteriores",
  "{0} of {1} from {2}": "{0} de {1} desde {2}",
  "none: every client logged in again since":
    "ninguna: todos los clientes iniciaron sesión de nuevo desde entonces",
  "Remove {0}{1} from Secret {2}": "Eliminar {0}{1} del Secret {2}",
  "{0}{1} removed": "{0}{1} eliminada",
  "the rotation of {0} is complete": "la rotación de {0} está completa",
};
