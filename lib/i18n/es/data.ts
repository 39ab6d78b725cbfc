import type { Catalogue } from "../index.js";

/** Backups, restores, restore drills, NocoBase collections and media: steps, progress, tables, errors. */
export const data: Catalogue = {
  "Find backup {0} of {1} in {2}": "Buscar el backup {0} de {1} en {2}",
  " (stack {0})": " (stack {0})",
  "{0}{1}: {2}, {3} old, by {4}, schedule {5}; {6}":
    "{0}{1}: {2}, antigüedad {3}, por {4}, programación {5}; {6}",
  "skipped {0}: {1}": "omitido {0}: {1}",
  "Download and decompress the dump into {0} (pg_restore -j reads a file, not a pipe)":
    "Descargar y descomprimir el dump en {0} (pg_restore -j lee un archivo, no un pipe)",
  "{0} bytes read, sha256 {1}…": "{0} bytes leídos, sha256 {1}…",
  "Compare the dump's sha256 with the manifest, before any database is created":
    "Comparar el sha256 del dump con el manifiesto, antes de crear cualquier base de datos",
  "sha256 {0}… matches ({1}/{2})": "sha256 {0}… coincide ({1}/{2})",
  "Restore into {0} with parallel pg_restore": "Restaurar en {0} con pg_restore en paralelo",
  "restored with {0} jobs ({1})": "restaurada con {0} procesos ({1})",
  "{0} was dropped; the live database was not touched":
    "se eliminó {0}; la base de datos en uso no se tocó",
  "also: dropping {0} failed ({1}); the next restore-db drops it, or drop it by hand; the live database was not touched":
    "además: eliminar {0} falló ({1}); el próximo restore-db la elimina, o elimínela a mano; la base de datos en uso no se tocó",
  "Count the server's cores for pg_restore -j and vacuumdb -j":
    "Contar los núcleos del servidor para pg_restore -j y vacuumdb -j",
  "{0} jobs ({1})": "{0} procesos ({1})",
  "ANALYZE {0}, so the first queries after the swap are not slow":
    "ANALYZE {0}, para que las primeras consultas después del intercambio no sean lentas",
  "statistics collected": "estadísticas recogidas",
  "nothing to undo: statistics of the scratch database, dropped with it":
    "nada que deshacer: estadísticas de la base de datos temporal, que se elimina con ella",
  "Verify {0}: critical-table counts, structure, 1 smoke query":
    "Verificar {0}: conteos de las tablas críticas, estructura, 1 consulta de humo",
  "Verify {0}: critical-table counts, structure, {1} smoke queries":
    "Verificar {0}: conteos de las tablas críticas, estructura, {1} consultas de humo",
  "{0}; {1}; 1 smoke query answered": "{0}; {1}; 1 consulta de humo respondió",
  "no critical tables": "sin tablas críticas",
  "{0}; {1}; {2} smoke queries answered": "{0}; {1}; {2} consultas de humo respondieron",
  "the server's /proc/cpuinfo": "/proc/cpuinfo del servidor",
  "the server's max_parallel_workers": "max_parallel_workers del servidor",
  "table {0}: {1} rows restored, {2} in the manifest":
    "tabla {0}: {1} filas restauradas, {2} en el manifiesto",
  "no schema fingerprint in the manifest (an older backup): structure not compared":
    "el manifiesto no tiene huella del esquema (un backup más antiguo): la estructura no se comparó",
  "structure matches the manifest ({0} tables)":
    "la estructura coincide con el manifiesto ({0} tablas)",
  'smoke query "{0}": no rows': 'consulta de humo "{0}": sin filas',
  'smoke query "{0}": {1}': 'consulta de humo "{0}": {1}',
  "the restored copy {0} differs from backup {1}:\n  {2}":
    "la copia restaurada {0} difiere del backup {1}:\n  {2}",
  "no kept copies of {0}": "no hay copias conservadas de {0}",
  NAME: "NOMBRE",
  KIND: "TIPO",
  SIZE: "TAMAÑO",
  AGE: "ANTIGÜEDAD",
  "--drop-kept: {0} is not a copy kept by restore-db for {1} ({2}__pre_restore_<time> or {3}__pre_rollback_<time>; --list-kept shows them)":
    "--drop-kept: {0} no es una copia conservada por restore-db para {1} ({2}__pre_restore_<time> o {3}__pre_rollback_<time>; --list-kept las muestra)",
  "Check that {0} is kept on the server": "Comprobar que {0} está conservada en el servidor",
  "{0} is not on the server (--list-kept shows the kept copies)":
    "{0} no está en el servidor (--list-kept muestra las copias conservadas)",
  "{0}: {1}, {2} old": "{0}: {1}, antigüedad {2}",
  "Drop {0}": "Eliminar {0}",
  "{0} dropped": "{0} eliminada",
  "{0} is gone; the backup it was made from, or restored from, still exists":
    "{0} ya no existe; el backup del que se hizo, o desde el que se restauró, sigue existiendo",
  "Choose the kept copy of {0} to bring back":
    "Elegir la copia conservada de {0} que se vuelve a poner en uso",
  "none: the repair above brings back the database as it was before the interrupted run":
    "ninguna: la reparación anterior devuelve la base de datos al estado previo a la ejecución interrumpida",
  "no kept copy of {0} on the server: nothing to roll back to":
    "no hay copia conservada de {0} en el servidor: no hay a qué revertir",
  "{0} ({1}, {2} old)": "{0} ({1}, antigüedad {2})",
  "database name {0} would be longer than PostgreSQL's {1} bytes: restore into --target <shorter name>":
    "el nombre de base de datos {0} superaría los {1} bytes de PostgreSQL: restaure en --target <nombre más corto>",
  " (RTO {0}: within)": " (RTO {0}: dentro)",
  " (RTO {0}: EXCEEDED)": " (RTO {0}: EXCEDIDO)",
  "; downtime {0}": "; tiempo fuera de servicio {0}",
  "phases: {0}{1}; total {2}{3}": "fases: {0}{1}; total {2}{3}",
  "repaired: {0}": "reparado: {0}",
  "{0} was NOT swapped for {1}: after the swap, smoke flow(s) failed ({2}); the run undid the swap (the state after the failure says what each step left)":
    "{0} NO se intercambió por {1}: después del intercambio fallaron flujos de humo ({2}); la ejecución deshizo el intercambio (el estado tras la falla dice qué dejó cada paso)",
  "{0} was NOT restored from backup {1}: after the swap, smoke flow(s) failed ({2}); the run undid the swap (the state after the failure says what each step left)":
    "{0} NO se restauró desde el backup {1}: después del intercambio fallaron flujos de humo ({2}); la ejecución deshizo el intercambio (el estado tras la falla dice qué dejó cada paso)",
  "{0} is {1} again": "{0} vuelve a ser {1}",
  "{0} restored from backup {1} ({2})": "{0} restaurada desde el backup {1} ({2})",
  "{0} session(s) did not end within {1} s": "{0} sesión(es) no terminaron en {1} s",
  "database {0} does not exist": "la base de datos {0} no existe",
  "{0} is a restored copy whose swap did not complete ({1} is the database it replaced)":
    "{0} es una copia restaurada cuyo intercambio no terminó ({1} es la base de datos que reemplazó)",
  "{0} does not exist: a run died between its renames; {1} is the newest kept copy":
    "{0} no existe: una ejecución murió entre sus renombres; {1} es la copia conservada más reciente",
  "{0} does not allow connections: a run died before it allowed them again":
    "{0} no admite conexiones: una ejecución murió antes de volver a permitirlas",
  "{0}: a restored copy left by a run that died (a copy of a backup that still exists)":
    "{0}: una copia restaurada que dejó una ejecución que murió (copia de un backup que sigue existiendo)",
  "Survey the server: {0}, copies kept by earlier restores, anything a killed run left":
    "Revisar el servidor: {0}, las copias conservadas por restauraciones anteriores, lo que haya dejado una ejecución interrumpida",
  "{0}: {1} MiB in tablespace {2}": "{0}: {1} MiB en el tablespace {2}",
  "{0} does not exist": "{0} no existe",
  "1 kept copy": "1 copia conservada",
  "{0} kept copies": "{0} copias conservadas",
  "nothing left by a killed run": "nada dejado por una ejecución interrumpida",
  "found: {0}": "encontrado: {0}",
  "kept: {0} ({1}, {2} old)": "conservada: {0} ({1}, antigüedad {2})",
  "Repair what an interrupted restore or rollback left, if anything":
    "Reparar lo que haya dejado una restauración o reversión interrumpida",
  "nothing to repair": "nada que reparar",
  "found and repaired: {0}": "encontrado y reparado: {0}",
  "nothing to undo: it brought back the database as it was before the interrupted run":
    "nada que deshacer: devolvió la base de datos al estado previo a la ejecución interrumpida",
  "Read {0}'s replicas": "Leer las réplicas de {0}",
  "; an interrupted run left {0} remembered": "; una ejecución interrumpida dejó anotadas {0}",
  "{0} replica(s){1}": "{0} réplica(s){1}",
  "Start {0} again if an interrupted run left it stopped":
    "Volver a iniciar {0} si una ejecución interrumpida la dejó detenida",
  "{0} was left at {1} replica(s): scaled back to {2}":
    "{0} había quedado en {1} réplica(s): se volvió a escalar a {2}",
  "scaled back to {0}": "se volvió a escalar a {0}",
  "nothing to undo: it started what an interrupted run had stopped":
    "nada que deshacer: inició lo que una ejecución interrumpida había detenido",
  "Read {0}'s owner, grants and settings, to apply them to the restored copy":
    "Leer el dueño, los permisos y la configuración de {0}, para aplicarlos a la copia restaurada",
  "owner {0}, {1} grant(s), {2} setting(s)": "dueño {0}, {1} permiso(s), {2} parámetro(s)",
  default: "por defecto",
  "no workloads to stop (usedBy has none in the cluster)":
    "ninguna carga de trabajo que detener (usedBy no tiene ninguna en el clúster)",
  "plus stopping {0} and their rollout when they start again (up to 5 min each)":
    "más detener {0} y su despliegue al volver a iniciar (hasta 5 min cada una)",
  "Expected downtime": "Tiempo fuera de servicio previsto",
  "the swap alone: about a second of renames (up to 30 s while sessions end), {0}; download, restore and verification happen before it, with the application running":
    "solo el intercambio: cerca de un segundo de renombres (hasta 30 s mientras terminan las sesiones), {0}; la descarga, la restauración y la verificación ocurren antes, con la aplicación funcionando",
  "nothing to undo on its own: the steps around it undo the swap":
    "nada que deshacer por sí solo: los pasos que lo rodean deshacen el intercambio",
  "Fence {0}: no new connections": "Aislar {0}: sin conexiones nuevas",
  "End the sessions left on {0}": "Terminar las sesiones que quedan en {0}",
  "Rename {0} → {1}": "Renombrar {0} → {1}",
  "Rename the incoming copy → {0}": "Renombrar la copia entrante → {0}",
  "Apply {0}'s owner, grants and settings":
    "Aplicar el dueño, los permisos y la configuración de {0}",
  "Allow connections to {0}": "Permitir conexiones a {0}",
  "Write {0}'s replica count on it": "Anotar en {0} su número de réplicas",
  "{0} replica(s) remembered": "{0} réplica(s) anotadas",
  "nothing to undo: the annotation is removed when the workload starts again":
    "nada que deshacer: la anotación se quita cuando la carga de trabajo vuelve a iniciar",
  "Scale {0} to 0": "Escalar {0} a 0",
  "Scale {0} back to its replicas": "Volver a escalar {0} a sus réplicas",
  "Remove {0}'s remembered replica count": "Quitar el número de réplicas anotado en {0}",
  "nothing to undo: a note guardia no longer needs":
    "nada que deshacer: una nota que guardia ya no necesita",
  "Wait for {0}'s rollout": "Esperar el despliegue de {0}",
  "Health-check {0} and the services that use it":
    "Revisar la salud de {0} y de los servicios que la usan",
  "health check failed after the swap:\n{0}":
    "la revisión de salud falló después del intercambio:\n{0}",
  "{0} check(s) passed": "{0} verificación(es) aprobada(s)",
  "service {0} uses database {1} but runs as a DaemonSet, which cannot be scaled to 0 for the swap":
    "el servicio {0} usa la base de datos {1} pero corre como DaemonSet, que no se puede escalar a 0 para el intercambio",
  "backup {0} of {1}: {2} in {3} s → {4}": "backup {0} de {1}: {2} en {3} s → {4}",
  '--schedule: no schedule "{0}" in this stack (schedules: {1}, or manual)':
    '--schedule: no hay programación "{0}" en este stack (programaciones: {1}, o manual)',
  "Check the destination {0}": "Revisar el destino {0}",
  "latest {0} ({1}, {2} old)": "último {0} ({1}, antigüedad {2})",
  "no backup yet": "aún no hay backups",
  "{0} backup(s); {1}{2}": "{0} backup(s); {1}{2}",
  "{0} free{1}": "{0} libres{1}",
  " ({0} once the partial objects are removed)": " ({0} una vez quitados los objetos parciales)",
  "only {0} at {1}; the last backup took {2} ({3}× needed)":
    "solo {0} en {1}; el último backup ocupó {2} (se necesita {3}×)",
  "; {0} in {1} partial object(s) of runs that died":
    "; {0} en {1} objeto(s) parcial(es) de ejecuciones que murieron",
  "; no partial object of a run that died": "; ningún objeto parcial de una ejecución que murió",
  "; {0} partial object(s) being written": "; {0} objeto(s) parcial(es) en escritura",
  "remove {0}: {1}": "quitar {0}: {1}",
  "keep   {0}: {1}": "conservar {0}: {1}",
  "Remove partial objects left by runs that died":
    "Quitar los objetos parciales que dejaron ejecuciones que murieron",
  "left {0}: {1}": "quedó {0}: {1}",
  "nothing to remove": "nada que quitar",
  "removed {0} ({1}){2}": "quitados {0} ({1}){2}",
  ", could not remove {0}": ", no se pudieron quitar {0}",
  "nothing to undo: partial objects are never backups":
    "nada que deshacer: los objetos parciales nunca son backups",
  "Check that pg_dump is not older than the server":
    "Comprobar que pg_dump no sea más antiguo que el servidor",
  "Back up {0} ({1} on {2})": "Hacer backup de {0} ({1} en {2})",
  "nothing to undo: a backup only adds objects to the destination":
    "nada que deshacer: un backup solo agrega objetos al destino",
  "the last backup": "el último backup",
  "the database's size on disk, a ceiling": "el tamaño de la base de datos en disco, un máximo",
  "Read the new backup back and compare its sha256": "Releer el backup nuevo y comparar su sha256",
  "; it is marked failed and never listed as restorable":
    "; queda marcado como fallido y nunca se lista como restaurable",
  "; marking it failed also failed: {0}": "; marcarlo como fallido también falló: {0}",
  "every object matches the manifest": "cada objeto coincide con el manifiesto",
  "Plan retention": "Planificar la retención",
  "Delete expired backups": "Borrar los backups vencidos",
  "deleted backups are gone; only expired ones whose newer backups are complete are deleted":
    "los backups borrados no se recuperan; solo se borran los vencidos cuyos backups más nuevos están completos",
  "delete {0}: {1}": "borrar {0}: {1}",
  "blocked: {0}": "bloqueada: {0}",
  "List backups of {0} in {1}": "Listar los backups de {0} en {1}",
  "{0} restorable; latest: {1}": "{0} restaurable(s); último: {1}",
  "Check that every listed backup matches its manifest":
    "Comprobar que cada backup listado coincide con su manifiesto",
  "{0} backup(s) do not match their manifests:\n{1}":
    "{0} backup(s) no coinciden con sus manifiestos:\n{1}",
  "{0} backup(s) read in full, each matches its manifest":
    "{0} backup(s) leídos completos, cada uno coincide con su manifiesto",
  " (skipped {0})": " (omitidos {0})",
  "{0}: --backup latest is {1}{2}": "{0}: --backup latest es {1}{2}",
  "none: no restorable backup": "ninguno: no hay backup restaurable",
  "no backups": "no hay backups",
  DATABASE: "BASE DE DATOS",
  BACKUP: "BACKUP",
  SCHEDULE: "PROGRAMACIÓN",
  OPERATOR: "OPERADOR",
  "--rollback, --list-kept, --drop-kept and --target go one at a time":
    "--rollback, --list-kept, --drop-kept y --target se usan de a una por vez",
  "--from-stack chooses a backup: it goes with a restore, not with kept copies":
    "--from-stack elige un backup: va con una restauración, no con copias conservadas",
  "--from-stack {0}: it has no database named {1}":
    "--from-stack {0}: no tiene una base de datos llamada {1}",
  "Check that {0} exists": "Comprobar que {0} existe",
  "Check that {0} does not exist yet": "Comprobar que {0} aún no existe",
  "{0} does not exist on the server: restore it with --target {1}":
    "{0} no existe en el servidor: restáurela con --target {1}",
  "--target {0} already exists on the server": "--target {0} ya existe en el servidor",
  "{0} is there": "{0} existe",
  "{0} is free": "{0} está libre",
  "skipped: nothing to roll back": "omitido: no hay nada que revertir",
  "{0} holds backup {1}": "{0} contiene el backup {1}",
  "Find backup {0} of {1}": "Buscar el backup {0} de {1}",
  "{0}: {1}, {2} old, by {3}, sha256 checked{4}":
    "{0}: {1}, antigüedad {2}, por {3}, sha256 comprobado{4}",
  "Restore drill of {0} on {1}": "Simulacro de restauración de {0} en {1}",
  "guardia_drill_<time>_<random> (dropped at the end)":
    "guardia_drill_<time>_<random> (se elimina al final)",
  "WARNING: scratch database {0} was left (the next drill drops it)":
    "ADVERTENCIA: quedó la base de datos temporal {0} (el próximo simulacro la elimina)",
  "scratch database {0} dropped": "base de datos temporal {0} eliminada",
  "checksums match; {0}; total {1}{2}; {3}":
    "las sumas de verificación coinciden; {0}; total {1}{2}; {3}",
  "nothing to undo: the scratch database is dropped even when the drill fails":
    "nada que deshacer: la base de datos temporal se elimina aunque el simulacro falle",
  "password of drill server {0}": "contraseña del servidor de simulacros {0}",
  "Find scratch databases left by earlier drills on {0}":
    "Buscar bases de datos temporales que dejaron simulacros anteriores en {0}",
  "drop {0}: {1}": "eliminar {0}: {1}",
  "keep {0}: {1}": "conservar {0}: {1}",
  "Drop scratch databases left by earlier drills":
    "Eliminar las bases de datos temporales que dejaron simulacros anteriores",
  "dropped {0}{1}": "eliminadas {0}{1}",
  "; could not drop {0}: {1}": "; no se pudieron eliminar {0}: {1}",
  "; kept {0} in use": "; se conservan {0} en uso",
  "nothing to undo: they were copies of backups that still exist":
    "nada que deshacer: eran copias de backups que siguen existiendo",
  "found none": "no se encontró ninguna",
  "{0} of drills that are gone (dropped next: {1})":
    "{0} de simulacros que ya no existen (se eliminan a continuación: {1})",
  "kept {0} ({1})": "se conservan {0} ({1})",
  "found {0}: {1}": "encontradas {0}: {1}",
  "backup {0} of {1} verified: checksums {2}, restored and counted in {3}, total {4}{5}; counts match":
    "backup {0} de {1} verificado: sumas de verificación {2}, restaurado y contado en {3}, total {4}{5}; los conteos coinciden",
  "{0}: {1} rows restored, {2} in the manifest": "{0}: {1} filas restauradas, {2} en el manifiesto",
  "{0} was cancelled ({1})": "{0} se canceló ({1})",
  "zstd level {0} is out of range: use 1 (fastest) to 19":
    "el nivel de zstd {0} está fuera de rango: use de 1 (el más rápido) a 19",
  "backup {0} of {1} to {2}": "el backup {0} de {1} a {2}",
  "backup {0}": "el backup {0}",
  "{0} failed: {1}": "{0} falló: {1}",
  "{0} already holds objects": "{0} ya contiene objetos",
  "its read-back failed ({0}): {1}": "su relectura falló ({0}): {1}",
  "it is marked failed ({0} beside its manifest)":
    "está marcado como fallido ({0} junto a su manifiesto)",
  "table {0} is missing": "falta la tabla {0}",
  "table {0} is not in the backup's manifest": "la tabla {0} no está en el manifiesto del backup",
  "table {0}: columns, indexes or constraints differ":
    "tabla {0}: las columnas, los índices o las restricciones difieren",
  "{0} has no `backups` section": "{0} no tiene sección `backups`",
  "backup {0} ({1}) does not match its manifest:\n{2}":
    "el backup {0} ({1}) no coincide con su manifiesto:\n{2}",
  "{0} {1}: {2} expected {3}, got {4}": "{0} {1}: {2} esperado {3}, obtenido {4}",
  "backup location: {0} {1} is not a safe path segment":
    "ubicación del backup: {0} {1} no es un segmento de ruta seguro",
  'schedule name {0} cannot go into a backup id: use lowercase letters, digits and "-"':
    'el nombre de programación {0} no puede ir en el id de un backup: use minúsculas, dígitos y "-"',
  "{0} is not a backup id (expected e.g. 20261123T020000Z-daily_3f9a1c)":
    "{0} no es un id de backup (se espera p. ej. 20261123T020000Z-daily_3f9a1c)",
  "no {0} (still running, or the run died)": "no hay {0} (aún en curso, o la ejecución murió)",
  "{0} is missing": "falta {0}",
  "{0} has {1} bytes, the manifest says {2}": "{0} tiene {1} bytes, el manifiesto dice {2}",
  "skipped none": "ninguno omitido",
  ", and {0} more": ", y {0} más",
  "skipped {0} newer: {1}{2}": "omitidos {0} más recientes: {1}{2}",
  "database {0} in {1}": "base de datos {0} en {1}",
  "no backup {0} of {1} (newest: {2})": "no hay backup {0} de {1} (más recientes: {2})",
  "backup {0} of {1} is not restorable: {2}": "el backup {0} de {1} no es restaurable: {2}",
  "no backup of {0}": "no hay backups de {0}",
  "  … and {0} more": "  … y {0} más",
  "no restorable backup of {0}; every one was skipped:\n{1}":
    "no hay backup restaurable de {0}; se omitieron todos:\n{1}",
  "backup {0} is incomplete: {1} does not exist": "el backup {0} está incompleto: {1} no existe",
  "manifest {0} cannot be trusted: {1}": "no se puede confiar en el manifiesto {0}: {1}",
  "not JSON ({0})": "no es JSON ({0})",
  '{0} is "{1}", but it is stored under "{2}"': '{0} es "{1}", pero está guardado bajo "{2}"',
  "it has no manifestSha256 (its own checksum)":
    "no tiene manifestSha256 (su propia suma de verificación)",
  "its manifestSha256 does not match its content: the manifest changed after it was written":
    "su manifestSha256 no coincide con su contenido: el manifiesto cambió después de escribirse",
  "WARNING: no byte has moved for {0} s ({1} so far): pg_dump may wait for a lock, or the database or the destination has stalled":
    "ADVERTENCIA: no se ha movido ningún byte en {0} s ({1} hasta ahora): pg_dump puede estar esperando un bloqueo, o la base de datos o el destino se detuvo",
  "{0} stored, {1}/s": "{0} guardados, {1}/s",
  ", about {0} s left": ", faltan unos {0} s",
  "{0}; about {1}% of {2} ({3}){4}": "{0}; cerca del {1}% de lo estimado según {2} ({3}){4}",
  "upload started {0} ago": "subida iniciada hace {0}",
  "last written {0} ago": "última escritura hace {0}",
  "{0}, {1}: longer than a backup job may run ({2})":
    "{0}, {1}: más de lo que puede durar un job de backup ({2})",
  "{0}, its writer (pid {1} on this host) is gone":
    "{0}, su escritor (pid {1} en este host) ya no existe",
  "{0}, pid {1} on this host may still write it":
    "{0}, el pid {1} en este host aún puede escribirlo",
  " by {0} pid {1}": " por {0} pid {1}",
  "{0}, {1}{2}: may still be running": "{0}, {1}{2}: puede seguir en curso",
  "{0} may still be written; not removed": "{0} aún puede estar escribiéndose; no se quitó",
  "cannot read a PostgreSQL version from {0}": "no se puede leer una versión de PostgreSQL de {0}",
  'cannot read a major version from "{0}"': 'no se puede leer una versión mayor de "{0}"',
  "pg_dump {0} at {1} is older than the server it would dump (PostgreSQL {2} at {3}): pg_dump cannot dump a newer major version. Install the PostgreSQL {4} client (Debian/Ubuntu: apt-get install postgresql-client-{5}) and put /usr/lib/postgresql/{6}/bin first on PATH.":
    "pg_dump {0} en {1} es más antiguo que el servidor que respaldaría (PostgreSQL {2} en {3}): pg_dump no puede respaldar una versión mayor más nueva. Instale el cliente de PostgreSQL {4} (Debian/Ubuntu: apt-get install postgresql-client-{5}) y ponga /usr/lib/postgresql/{6}/bin primero en el PATH.",
  "pg_dump {0} ({1}) can dump PostgreSQL {2} at {3}":
    "pg_dump {0} ({1}) puede respaldar PostgreSQL {2} en {3}",
  "in {0}": "en {0}",
  "on PATH": "en el PATH",
  "{0} not found {1}; install it (Debian: {2})": "{0} no se encontró {1}; instálelo (Debian: {2})",
  "could not run {0}: {1}": "no se pudo ejecutar {0}: {1}",
  "was killed by {0}": "fue terminado por {0}",
  "exited {0}": "terminó con código {0}",
  " (no output on stderr)": " (sin salida en stderr)",
  "kept: retention is blocked": "conservado: la retención está bloqueada",
  'schedule "{0}" is not in the stack, so it has no keepDays':
    'la programación "{0}" no está en el stack, así que no tiene keepDays',
  "within keepDays {0} of schedule {1}": "dentro de keepDays {0} de la programación {1}",
  "older than {0} days, but the newest complete {1} backup":
    "más antiguo que {0} días, pero es el backup {1} completo más reciente",
  "older than keepDays {0} of schedule {1}": "más antiguo que keepDays {0} de la programación {1}",
  "{0} and older than keepDays {1} of schedule {2}":
    "{0} y más antiguo que keepDays {1} de la programación {2}",
  "newest backup {0} {1}; nothing is deleted until a newer backup is complete and verified":
    "el backup más reciente {0} {1}; no se borra nada hasta que un backup más nuevo esté completo y verificado",
  "is {0} ({1})": "está en estado {0} ({1})",
  "fails its checksum: {0}": "no pasa su suma de verificación: {0}",
  "retention plan of {0} is a preview that did not check the newest backup's dump; plan again with the checksum before deleting":
    "el plan de retención de {0} es una vista previa que no revisó el dump del backup más reciente; planifique de nuevo con la suma de verificación antes de borrar",
  "nothing deleted: {0}": "no se borró nada: {0}",
  " (preview: checked after the new export is made)":
    " (vista previa: se revisa después de hacer la nueva exportación)",
  " (preview: checked after the new backup is made)":
    " (vista previa: se revisa después de hacer el nuevo backup)",
  "{0} kept{1}": "{0} conservados{1}",
  "nothing expired; {0}": "nada vencido; {0}",
  "{0} expired ({1}); {2}": "{0} vencidos ({1}); {2}",
  "creating scratch database {0} on {1} failed: {2} (the restore drill needs a user with CREATEDB)":
    "crear la base de datos temporal {0} en {1} falló: {2} (el simulacro de restauración necesita un usuario con CREATEDB)",
  "a session": "una sesión",
  "scratch database {0} on {1}": "base de datos temporal {0} en {1}",
  "it is in use by {0}; {1} may terminate only its own sessions: that needs membership in their role or in pg_signal_backend (GRANT pg_signal_backend TO {2}), or end them and drop it by hand":
    "está en uso por {0}; {1} solo puede terminar sus propias sesiones: para eso necesita ser miembro de su rol o de pg_signal_backend (GRANT pg_signal_backend TO {2}), o termínelas y elimínela a mano",
  "{0} (pid {1}, role {2})": "{0} (pid {1}, rol {2})",
  "dropping {0} failed: {1} (DROP DATABASE {2})": "eliminar {0} falló: {1} (DROP DATABASE {2})",
  "its drill is running (it holds the drill's lock)":
    "su simulacro está en curso (tiene el bloqueo del simulacro)",
  "its drill is gone, but in use by {0}": "su simulacro ya no existe, pero está en uso por {0}",
  "; its {0} leftover session(s) are ended first":
    "; primero se terminan sus {0} sesión(es) restantes",
  "its drill is gone (the drill's lock is free){0}":
    "su simulacro ya no existe (el bloqueo del simulacro está libre){0}",
  "{0} is not a restore drill's scratch database":
    "{0} no es una base de datos temporal de un simulacro de restauración",
  "counting rows of critical table {0} in {1} failed: {2} (check the database's criticalTables in the stack)":
    "contar las filas de la tabla crítica {0} en {1} falló: {2} (revise criticalTables de la base de datos en el stack)",
  "checking sha256 of backup {0}": "revisando el sha256 del backup {0}",
  "checking backup {0}": "la revisión del backup {0}",
  "restore drill of backup {0}": "el simulacro de restauración del backup {0}",
  "restoring {0} into {1}": "restaurando {0} en {1}",
  "restore drill of backup {0} into {1}": "el simulacro de restauración del backup {0} en {1}",
  "\n(also: {0})": "\n(además: {0})",
  "; {0} was dropped": "; se eliminó {0}",
  "backup {0} ({1}) has no {2} in its manifest":
    "el backup {0} ({1}) no tiene {2} en su manifiesto",
  "restoring {0} into {1} failed: {2}": "restaurar {0} en {1} falló: {2}",
  "{0} is no longer a regular file": "{0} ya no es un archivo regular",
  "quarantine batch {0} already exists": "el lote de cuarentena {0} ya existe",
  "{0} is not a directory (a link?); not followed":
    "{0} no es un directorio (¿un enlace?); no se sigue",
  "its manifest names batch {0}": "su manifiesto nombra el lote {0}",
  "Read the quarantine of {0} (batch {1})": "Leer la cuarentena de {0} (lote {1})",
  "Read the quarantine of {0}": "Leer la cuarentena de {0}",
  "no quarantine batch {0} in {1}/{2}": "no hay lote de cuarentena {0} en {1}/{2}",
  "; left alone: {0}": "; sin tocar: {0}",
  "{0} file(s) in {1} batch(es){2}": "{0} archivo(s) en {1} lote(s){2}",
  "Put the quarantined files back": "Devolver los archivos en cuarentena a su lugar",
  "left in the quarantine, another file is at their path now: {0}":
    "quedan en la cuarentena, ahora hay otro archivo en su ruta: {0}",
  "put back {0} file(s)": "{0} archivo(s) devueltos a su lugar",
  "run cleanup-media again: whatever is still unreferenced goes back to the quarantine":
    "ejecute cleanup-media de nuevo: lo que siga sin referencias vuelve a la cuarentena",
  "Check the restored files against the manifests (size, modification time)":
    "Comprobar los archivos restaurados contra los manifiestos (tamaño, fecha de modificación)",
  "not as the manifest says: {0}": "no coinciden con el manifiesto: {0}",
  "{0} file(s) as the manifests say": "{0} archivo(s) tal como dicen los manifiestos",
  "media root {0} cannot be read: {1}": "no se puede leer la raíz de medios {0}: {1}",
  "media root {0} is not a directory": "la raíz de medios {0} no es un directorio",
  "symbolic link, not followed": "enlace simbólico, no se sigue",
  "not a regular file": "no es un archivo regular",
  "{0} is not a path inside the media root": "{0} no es una ruta dentro de la raíz de medios",
  "{0} goes through a symbolic link ({1}); not followed":
    "{0} pasa por un enlace simbólico ({1}); no se sigue",
  "{0} is not a directory (a link or a file); not followed":
    "{0} no es un directorio (un enlace o un archivo); no se sigue",
  "{0}: no answer ({1})": "{0}: sin respuesta ({1})",
  "{0}: not JSON: {1}": "{0}: no es JSON: {1}",
  "{0}/app:getInfo did not name a version": "{0}/app:getInfo no indicó una versión",
  "field {0}.{1}": "campo {0}.{1}",
  "collection {0}": "colección {0}",
  "{0}.{1}: export {2}, now {3}": "{0}.{1}: exportación {2}, ahora {3}",
  "(absent)": "(ausente)",
  "{0}: not in NocoBase after the run": "{0}: no está en NocoBase después de la ejecución",
  "{0} fields: export [{1}], now [{2}]": "campos de {0}: exportación [{1}], ahora [{2}]",
  "{0}: missing": "{0}: falta",
  "collections.include names {0}, which NocoBase at {1} does not have (it has: {2})":
    "collections.include nombra {0}, que NocoBase en {1} no tiene (tiene: {2})",
  "export {0} is incomplete: {1} does not exist":
    "la exportación {0} está incompleta: {1} no existe",
  "it names {0}/{1}/{2}, but is stored under {3}":
    "nombra {0}/{1}/{2}, pero está guardado bajo {3}",
  "export {0} ({1}) has no {2}": "la exportación {0} ({1}) no tiene {2}",
  "{0}{1} is not an export guardia reads: {2}": "{0}{1} no es una exportación que guardia lea: {2}",
  "copying rows failed: {0}": "copiar las filas falló: {0}",
  "--collection: the export has no collection {0} (it has: {1})":
    "--collection: la exportación no tiene la colección {0} (tiene: {1})",
  'collection "{0}" exists in NocoBase; pass --replace to destroy and recreate it':
    'la colección "{0}" existe en NocoBase; use --replace para destruirla y recrearla',
  'relation {0}.{1} needs collection "{2}", which is neither in NocoBase nor in the export':
    'la relación {0}.{1} necesita la colección "{2}", que no está ni en NocoBase ni en la exportación',
  'collection "{0}" uses template "{1}", whose creation adds fields of its own; guardia recreates general collections only':
    'la colección "{0}" usa la plantilla "{1}", cuya creación agrega campos propios; guardia solo recrea colecciones generales',
  'collection "{0}" belongs to the plugin {1}; reinstall the plugin instead':
    'la colección "{0}" pertenece al plugin {1}; reinstale el plugin en su lugar',
  'collection "{0}" inherits from {1}; not supported':
    'la colección "{0}" hereda de {1}; no soportado',
  "Find the newest backup of {0} that holds the table":
    "Buscar el backup más reciente de {0} que contiene la tabla",
  'no complete backup of {0} holds table "{1}" (looked at: {2})':
    'ningún backup completo de {0} contiene la tabla "{1}" (revisados: {2})',
  '{0} ({1}, {2} old) holds "{3}"': '{0} ({1}, antigüedad {2}) contiene "{3}"',
  "Restore the backup side by side into a scratch database on {0}":
    "Restaurar el backup aparte, en una base de datos temporal en {0}",
  "guardia_drill_<time> (dropped at the end)": "guardia_drill_<time> (se elimina al final)",
  "checksums match; restored into {0} in {1} s":
    "las sumas de verificación coinciden; restaurado en {0} en {1} s",
  "Set id sequences past every id still referenced":
    "Llevar las secuencias de id más allá de todo id aún referenciado",
  "no sequence to set": "ninguna secuencia que ajustar",
  "nothing to undo: a higher sequence only skips ids":
    "nada que deshacer: una secuencia más alta solo salta ids",
  "the backup's rows": "las filas del backup",
  "{0}.{1} past {2}": "{0}.{1} más allá de {2}",
  "its own rows": "sus propias filas",
  "Copy the rows of {0} from the scratch database, ids included":
    "Copiar las filas de {0} desde la base de datos temporal, con sus ids",
  "the scratch database": "la base de datos temporal",
  "{0} has {1} row(s) after the copy, the backup {2}":
    "{0} tiene {1} fila(s) después de la copia, el backup {2}",
  "{0} row(s) copied; counts match the backup":
    "{0} fila(s) copiadas; los conteos coinciden con el backup",
  "the rows go with the collection when its creation is undone":
    "las filas se van con la colección cuando se deshace su creación",
  'the backup\'s "{0}" has column(s) the recreated collection lacks: {1} (is the export older than the backup?); nothing was copied':
    '"{0}" del backup tiene columna(s) que la colección recreada no tiene: {1} (¿la exportación es más antigua que el backup?); no se copió nada',
  "Drop the scratch database on {0}": "Eliminar la base de datos temporal en {0}",
  "dropped {0}": "se eliminó {0}",
  "nothing to undo: it was a copy of a backup that still exists":
    "nada que deshacer: era una copia de un backup que sigue existiendo",
  "{0} has no `collections` section": "{0} no tiene sección `collections`",
  "{0}: `collections.database` must name the database NocoBase keeps its tables in (recreate-collection sets id sequences there)":
    "{0}: `collections.database` debe nombrar la base de datos donde NocoBase guarda sus tablas (recreate-collection ajusta ahí las secuencias de id)",
  "this stack has no `media` section (the media root)":
    "este stack no tiene sección `media` (la raíz de medios)",
  "--batch: only with --restore-quarantine": "--batch: solo con --restore-quarantine",
  "Read which media files the database {0} references":
    "Leer qué archivos de medios referencia la base de datos {0}",
  "; Django's {0} missing from media.references: the CronJob does not read them":
    "; faltan {0} de Django en media.references: el CronJob no los lee",
  "; {0} value(s) lead outside the root": "; {0} valor(es) apuntan fuera de la raíz",
  "{0} referenced file(s) in {1}{2}{3}": "{0} archivo(s) referenciados en {1}{2}{3}",
  "no column": "ninguna columna",
  "Scan {0} (links not followed)": "Recorrer {0} (sin seguir enlaces)",
  "; {0} link(s) or special file(s) skipped": "; {0} enlace(s) o archivo(s) especiales omitidos",
  "{0} orphan(s), {1}, of {2} file(s); {3} unreferenced but younger than {4}{5}":
    "{0} huérfano(s), {1}, de {2} archivo(s); {3} sin referencias pero más nuevos que {4}{5}",
  "orphan  {0} ({1})": "huérfano {0} ({1})",
  "Read the quarantine (batches older than {0} expire)":
    "Leer la cuarentena (vencen los lotes con más de {0})",
  "{0} batch(es); {1} expired file(s) to delete{2}":
    "{0} lote(s); {1} archivo(s) vencidos que borrar{2}",
  "Move the orphans of {0} into a new quarantine batch":
    "Mover los huérfanos de {0} a un nuevo lote de cuarentena",
  "nothing to move": "nada que mover",
  "moved {0} file(s) into {1}/{2}{3}": "{0} archivo(s) movidos a {1}/{2}{3}",
  "; {0} referenced since the scan stayed": "; {0} referenciados desde el recorrido se quedaron",
  "Delete quarantined files older than {0} that are still unreferenced":
    "Borrar los archivos en cuarentena con más de {0} que siguen sin referencias",
  "deleted {0} file(s); put back {1}": "{0} archivo(s) borrados; {1} devueltos a su lugar",
  "deleted files are gone: each had been unreferenced in the quarantine for {0}":
    "los archivos borrados no se recuperan: cada uno estuvo sin referencias en la cuarentena durante {0}",
  "quarantined {0}": "en cuarentena {0}",
  stayed: "se quedó",
  ORPHAN: "HUÉRFANO",
  NOW: "AHORA",
  "no orphans": "no hay huérfanos",
  "deleted from the quarantine: {0}": "borrados de la cuarentena: {0}",
  "put back: {0}": "devueltos a su lugar: {0}",
  "export {0}: {1} collection(s) of NocoBase {2} → {3}":
    "exportación {0}: {1} colección(es) de NocoBase {2} → {3}",
  "no export yet": "aún no hay exportaciones",
  "{0} export(s); {1}": "{0} exportación(es); {1}",
  "Store the export at {0}<id>/": "Guardar la exportación en {0}<id>/",
  "nothing to undo: an export only adds objects to the destination":
    "nada que deshacer: una exportación solo agrega objetos al destino",
  "Read the export back and compare its sha256": "Releer la exportación y comparar su sha256",
  "{0} collection(s) read back; sha256 matches": "{0} colección(es) releídas; el sha256 coincide",
  "Read the collections of NocoBase at {0}": "Leer las colecciones de NocoBase en {0}",
  "NocoBase {0}: {1} collection(s), {2} field(s)": "NocoBase {0}: {1} colección(es), {2} campo(s)",
  "Delete expired exports": "Borrar las exportaciones vencidas",
  "deleted exports are gone; only expired ones older than a newer complete export":
    "las exportaciones borradas no se recuperan; solo se borran las vencidas más antiguas que una exportación completa más nueva",
  "{0} recreated from export {1}: {2}{3}": "{0} recreada desde la exportación {1}: {2}{3}",
  "; {0} row(s) from backup {1}": "; {0} fila(s) del backup {1}",
  "Find collections export {0}": "Buscar la exportación de colecciones {0}",
  "no complete collections export {0} in {1} (newest: {2})":
    "no hay exportación de colecciones completa {0} en {1} (más recientes: {2})",
  "{0} ({1} old, NocoBase {2}, {3} collections); sha256 matches":
    "{0} (antigüedad {1}, NocoBase {2}, {3} colecciones); el sha256 coincide",
  "Pre-flight: NocoBase at {0} and database {1}":
    "Revisión previa: NocoBase en {0} y base de datos {1}",
  "the version export {0} was taken from": "la versión de la que se tomó la exportación {0}",
  "NocoBase at {0} answers as version {1}, expected {2} ({3}); nothing was changed":
    "NocoBase en {0} responde como versión {1}, se esperaba {2} ({3}); no se cambió nada",
  "NocoBase {0}; replace {1}; {2} API call(s)":
    "NocoBase {0}; reemplazar {1}; {2} llamada(s) a la API",
  "NocoBase {0}; create {1}; {2} API call(s)": "NocoBase {0}; crear {1}; {2} llamada(s) a la API",
  "not in the export, so --replace loses it: {0}":
    "no está en la exportación, así que --replace lo pierde: {0}",
  'collection "{0}" holds {1} row(s); --replace only destroys an empty collection (guardia deletes no data it has not seen elsewhere): empty it, or back it up and destroy it yourself':
    'la colección "{0}" tiene {1} fila(s); --replace solo destruye una colección vacía (guardia no borra datos que no haya visto en otro lugar): vacíela, o haga un backup y destrúyala usted mismo',
  'table "{0}" exists in database {1} without a collection "{2}"; rename or drop it first':
    'la tabla "{0}" existe en la base de datos {1} sin una colección "{2}"; renómbrela o elimínela primero',
  "Destroy the existing collection {0} (--replace)":
    "Destruir la colección existente {0} (--replace)",
  "nothing: NocoBase does not have it": "nada: NocoBase no la tiene",
  "nothing to destroy": "nada que destruir",
  "destroyed {0} (it held no rows)": "se destruyó {0} (no tenía filas)",
  "{0} held no rows; recreate it with guardia recreate-collection --collection {1}":
    "{0} no tenía filas; recréela con guardia recreate-collection --collection {1}",
  "Create {0} and its relations through the API": "Crear {0} y sus relaciones mediante la API",
  "created {0}": "creado: {0}",
  "could not undo: {0}": "no se pudo deshacer: {0}",
  "{0}; nothing had been created": "{0}; no se había creado nada",
  "created before the failure: {0}": "creado antes de la falla: {0}",
  "undone: {0}": "deshecho: {0}",
  "NOT undone, left in NocoBase: {0}; send that call (or delete it in the collection manager) by hand":
    "NO deshecho, quedó en NocoBase: {0}; envíe esa llamada (o bórrelo en el administrador de colecciones) a mano",
  "NocoBase is as it was before this step": "NocoBase quedó como estaba antes de este paso",
  "Read {0} back and compare it with the export": "Releer {0} y compararla con la exportación",
  "{0} difference(s) from export {1}:\n{2}": "{0} diferencia(s) con la exportación {1}:\n{2}",
  "{0} collection(s) and {1} relation(s) match the export; each relation reads both ways":
    "{0} colección(es) y {1} relación(es) coinciden con la exportación; cada relación se lee en ambos sentidos",
  "{0}.{1} cannot be read: {2}": "no se puede leer {0}.{1}: {2}",
  "phases: none{0}; total {1}{2}": "fases: ninguna{0}; total {1}{2}",
};
