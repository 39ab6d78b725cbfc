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
  failed: "fallido",
  attention: "atención",
  manual: "manual",
  ok: "ok",
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
  none: "ninguno",

  // The routine's checks (lib/routine/checks/).
  "Newest complete backup of {0}": "Backup completo más reciente de {0}",
  "Last backup of {0}": "Último backup de {0}",
  "; the newest attempt {0} is {1}": "; el intento más reciente {0} está {1}",
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
    "Líneas de error en los logs de los pods de {0}, últimas {1}",
  "Error lines of {0} (pods)": "Líneas de error de {0} (pods)",
  "Error lines in the {0} log files, last {1}":
    "Líneas de error en los archivos de log {0}, últimas {1}",
  "Error lines of the {0} log files": "Líneas de error de los archivos de log {0}",
  " ({0} in the previous report)": " ({0} en el informe anterior)",
  "in the last {0}": "en las últimas {0}",
  "no error lines {0}{1}": "sin líneas de error {0}{1}",
  "{0} error line(s) {1}, {2} most frequent below{3}":
    "{0} línea(s) de error {1}, las {2} más frecuentes abajo{3}",
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
    "Disponibilidad y latencia de {0} en las últimas {1} (Prometheus)",
  "SLO of {0}, last {1}": "SLO de {0}, últimas {1}",
  "no probe data in Prometheus for the last {0}: is {1} probed?":
    "no hay datos de sondeo en Prometheus de las últimas {0}: ¿se sondea {1}?",
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
  "Smoke flow {0} of {1}": "Flujo smoke {0} de {1}",
  "Smoke flow {0}": "Flujo smoke {0}",
  "Smoke flow {0} ({1})": "Flujo smoke {0} ({1})",
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
};
