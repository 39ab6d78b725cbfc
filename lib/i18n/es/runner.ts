import type { Catalogue } from "../index.js";

/** The runbook engine and the CLI: plans, confirmation, progress, reports, errors. */
export const runner: Catalogue = {
  "{0} received: stopping the current step and rolling back (again to exit at once)":
    "{0} recibida: se detiene el paso en curso y se deshace lo hecho (otra vez para salir ya)",

  // Confirmation (lib/runbook/confirm.ts)
  "refusing to run {0} mutating step(s) without confirmation: no terminal to ask on; pass --yes to confirm, or --dry-run to see the plan":
    "no se ejecutan {0} paso(s) que cambian el sistema sin confirmación: no hay una terminal donde preguntar; use --yes para confirmar, o --dry-run para ver el plan",
  "No answer within {0} means no": "Sin respuesta en {0} se entiende que no",
  "{0}\n{1}.\nThis is PRODUCTION. Type the target's name ({2}) to continue: ":
    "{0}\n{1}.\nEsto es PRODUCCIÓN. Escriba el nombre del destino ({2}) para continuar: ",
  'not confirmed ("{0}" is not "{1}")': 'no confirmado ("{0}" no es "{1}")',
  "{0}\n{1}.\nProceed? [y/N] ": "{0}\n{1}.\n¿Continuar? [s/N] ",
  "not confirmed": "no confirmado",
  "no answer within {0}: not confirmed": "sin respuesta en {0}: no confirmado",
  "interrupted at the confirmation prompt ({0}): not confirmed":
    "interrumpido en la pregunta de confirmación ({0}): no confirmado",

  // The run's context (lib/runbook/context.ts, operator.ts, params.ts)
  "--service: no service {0} in this stack (services: {1})":
    "--service: no hay un servicio {0} en este stack (servicios: {1})",
  "--database: no database {0} in this stack (databases: {1})":
    "--database: no hay una base de datos {0} en este stack (bases de datos: {1})",
  "{0} contains a control character ({1} at position {2})":
    "{0} contiene un carácter de control ({1} en la posición {2})",
  "{0} is {1} characters long": "{0} tiene {1} caracteres",
  "{0}: it must be a name or e-mail of printable characters, at most {1} long":
    "{0}: debe ser un nombre o correo electrónico de caracteres imprimibles, de {1} como máximo",
  "a whole number": "un número entero",
  "a number": "un número",
  "{0} from {1} to {2}": "{0} de {1} a {2}",
  "greater than {0}": "mayor que {0}",
  "of at least {0}": "de al menos {0}",
  "less than {0}": "menor que {0}",
  "of at most {0}": "de {0} como máximo",
  "{0} {1} and {2}": "{0} {1} y {2}",
  "{0}: expected {1}, got {2}": "{0}: se esperaba {1}, se recibió {2}",
  required: "obligatorio",
  "expected one of {0}": "se esperaba uno de {0}",

  // Commands (lib/runbook/exec.ts)
  "`{0}` exited with {1}:\n{2}": "`{0}` terminó con código {1}:\n{2}",
  "`{0}` exited with {1}": "`{0}` terminó con código {1}",

  // The run (lib/runbook/executor.ts, steps.ts)
  'interrupted ({0}) before "{1}"': 'interrumpido ({0}) antes de "{1}"',
  "could not compute the result: {0}": "no se pudo calcular el resultado: {0}",
  "attempt {0} failed: {1}; retrying": "el intento {0} falló: {1}; se reintenta",
  'step {0} "{1}" failed: {2}': 'el paso {0} "{1}" falló: {2}',
  "check failed: {0}": "la verificación falló: {0}",
  "timed out after {0}": "se agotó el tiempo tras {0}",
  "interrupted ({0})": "interrumpido ({0})",
  "{0}; the step did not stop within {1} and may still be running":
    "{0}; el paso no se detuvo en {1} y puede seguir ejecutándose",
  "no automatic rollback": "sin reversión automática",
  "↺ rolling back: {0}": "↺ deshaciendo: {0}",
  "State after the failure: nothing was changed.": "Estado tras la falla: no se cambió nada.",
  "  rolled back: {0}": "  deshecho: {0}",
  "  ROLLBACK FAILED: {0}: {1}": "  FALLÓ LA REVERSIÓN: {0}: {1}",
  "  left as is: {0} (to undo: {1})": "  quedó así: {0} (para deshacerlo: {1})",
  "  did not complete: {0} (to undo what it did: {1})":
    "  no terminó: {0} (para deshacer lo que hizo: {1})",
  "  did not complete: {0}": "  no terminó: {0}",
  "State after the failure:\n{0}": "Estado tras la falla:\n{0}",

  // The gate: confirmation, then the lock (lib/runbook/gate.ts)
  'stopped before "{0}": {1}': 'detenido antes de "{0}": {1}',
  "About to change {0} ({1}, namespace {2}, {3}):\n{4}":
    "Se va a cambiar {0} ({1}, namespace {2}, {3}):\n{4}",
  "Reading again under the lock: the changes must still be the ones confirmed":
    "Se lee de nuevo con el bloqueo tomado: los cambios deben seguir siendo los confirmados",
  "  {0}\n    confirmed: {1}\n    now:       {2}":
    "  {0}\n    confirmado: {1}\n    ahora:      {2}",
  "what the plan read changed while the confirmation waited; the changes are no longer the ones confirmed:\n{0}\nRun it again to see the new plan.":
    "lo que leyó el plan cambió mientras se esperaba la confirmación; los cambios ya no son los confirmados:\n{0}\nEjecútelo de nuevo para ver el plan nuevo.",
  "stack {0} ({1})": "el stack {0} ({1})",
  "{0} on {1}:{2} as {3}": "{0} en {1}:{2} como {3}",
  "could not take the lock {0} on database {1} of {2}: {3}: {4}. Check that the server is running and reachable from here, and the database's host, port, user and password in the stack file.":
    "no se pudo tomar el bloqueo {0} en la base de datos {1} de {2}: {3}: {4}. Verifique que el servidor esté en marcha y se alcance desde aquí, y el host, puerto, usuario y contraseña de la base de datos en el archivo del stack.",
  "could not take the Lease for lock {0} in namespace {1} of {2}: {3}. Check kubectl's current context and that it may create and update Leases in {4}.":
    "no se pudo tomar el Lease del bloqueo {0} en el namespace {1} de {2}: {3}. Verifique el contexto actual de kubectl y que pueda crear y actualizar Leases en {4}.",
  "could not take the lock file for {0} of {1}: {2}. Check that guardia's state directory ($XDG_STATE_HOME/guardia) is writable.":
    "no se pudo tomar el archivo de bloqueo de {0} de {1}: {2}. Verifique que se pueda escribir en el directorio de estado de guardia ($XDG_STATE_HOME/guardia).",

  // Locks (lib/runbook/locks.ts, lock-*.ts)
  "lock file {0}": "archivo de bloqueo {0}",
  "an unreadable lock file {0} (remove it if no guardia run is active)":
    "un archivo de bloqueo ilegible {0} (bórrelo si no hay ninguna ejecución de guardia activa)",
  "could not take lock file {0} after {1} attempts":
    "no se pudo tomar el archivo de bloqueo {0} tras {1} intentos",
  "could not create Lease {0}: {1}": "no se pudo crear el Lease {0}: {1}",
  "Lease {0}": "Lease {0}",
  "could not update Lease {0}: {1}": "no se pudo actualizar el Lease {0}: {1}",
  "the session holding {0} ended: {1}": "terminó la sesión que tenía {0}: {1}",
  "another session": "otra sesión",
  "shared advisory lock {0} on {1}": "bloqueo consultivo compartido {0} en {1}",
  "advisory lock {0} on {1}": "bloqueo consultivo {0} en {1}",
  'lock "{0}" is held by {1} since {2}; try again when it is done':
    'el bloqueo "{0}" lo tiene {1} desde {2}; inténtelo de nuevo cuando termine',
  'lock "{0}" is held by {1}; try again when it is done':
    'el bloqueo "{0}" lo tiene {1}; inténtelo de nuevo cuando termine',

  // The plan, the Markdown plan and the evidence report (lib/runbook/report.ts)
  "Plan: {0} on {1} ({2}, {3}) — dry run, nothing was changed":
    "Plan: {0} en {1} ({2}, {3}) — simulación, no se cambió nada",
  "Plan: {0} on {1} ({2}, {3})": "Plan: {0} en {1} ({2}, {3})",
  ran: "ejecutado",
  "error: {0}": "error: {0}",
  "Lock: {0}": "Bloqueo: {0}",
  read: "lectura",
  change: "cambio",
  planned: "planificado",
  "rolled-back": "deshecho",
  "not-run": "no ejecutado",
  "rollback-failed": "reversión fallida",
  "target: {0}": "destino: {0}",
  "# Plan: `{0}` on `{1}`": "# Plan: `{0}` en `{1}`",
  "# Evidence: `{0}` on `{1}` — {2}": "# Evidencia: `{0}` en `{1}` — {2}",
  "- Finished: {0} ({1}), exit code {2}": "- Terminó: {0} ({1}), código de salida {2}",
  "- Error: {0}": "- Error: {0}",
  "## Result": "## Resultado",
  succeeded: "exitoso",
  unknown: "desconocido",
  "- Stack: `{0}` ({1}), environment **{2}**": "- Stack: `{0}` ({1}), entorno **{2}**",
  "- Operator: {0}; started {1}; guardia {2}": "- Operador: {0}; inicio {1}; guardia {2}",
  "- Parameters: {0}": "- Parámetros: {0}",
  "- Mode: {0}": "- Modo: {0}",
  "dry run (read-only steps ran; nothing was changed)":
    "simulación (se ejecutaron solo los pasos de lectura; no se cambió nada)",
  execution: "ejecución",
  "- Lock: {0}": "- Bloqueo: {0}",
  "| # | step | kind | status | time | summary |":
    "| # | paso | tipo | estado | tiempo | resumen |",
  "- API call: `{0}`": "- Llamada a la API: `{0}`",
  "Target: {0}": "Destino: {0}",
  "Ran, exit {0} ({1}):": "Ejecutado, código {0} ({1}):",
  "Error:": "Error:",
  "Check: passed{0}": "Verificación: correcta{0}",
  "Check: FAILED{0}": "Verificación: FALLÓ{0}",
  // The command line (lib/cli/)
  "unknown command {0}; see guardia --help": "comando desconocido {0}; vea guardia --help",
  "--{0} is given {1} times ({2}); give it once":
    "--{0} aparece {1} veces ({2}); úselo una sola vez",
  "{0} needs --stack <name or path>": "{0} necesita --stack <nombre o ruta>",
  "--{0}: cannot write {1}: directory {2} does not exist":
    "--{0}: no se puede escribir {1}: el directorio {2} no existe",
  "--{0}: {1} already exists; pass --force to overwrite it, or name another file":
    "--{0}: {1} ya existe; use --force para sobrescribirlo, o indique otro archivo",
  "--plan and --report name the same file {0}": "--plan y --report indican el mismo archivo {0}",
  "WARNING: the plan was not written to {0}: {1}":
    "ADVERTENCIA: el plan no se escribió en {0}: {1}",
  "WARNING: the report was not written to {0}: {1}":
    "ADVERTENCIA: el informe no se escribió en {0}: {1}",
  "WARNING: {0} was not copied beside the report: {1}":
    "ADVERTENCIA: {0} no se copió junto al informe: {1}",
  "WARNING: the audit record was not written: {0}":
    "ADVERTENCIA: el registro de auditoría no se escribió: {0}",
  "done: {0} on {1} ({2})": "listo: {0} en {1} ({2})",
  "diff needs --base <git ref> (e.g. origin/main, HEAD~1)":
    "diff necesita --base <ref de git> (p. ej. origin/main, HEAD~1)",
  "--format: expected one of {0}, got {1}": "--format: se esperaba uno de {0}, se recibió {1}",
  "render takes --stack <s> or --all, not both": "render acepta --stack <s> o --all, no ambos",
  "render needs --stack <name or path>": "render necesita --stack <nombre o ruta>",
  "rendered {0} from {1}: {2} resources in {3}/ (see {4}/SUMMARY.md)":
    "se generó {0} a partir de {1}: {2} recursos en {3}/ (vea {4}/SUMMARY.md)",
  "no stack files (Pulumi.<stack>.yaml) in {0}":
    "no hay archivos de stack (Pulumi.<stack>.yaml) en {0}",
  "{0} of {1} stack file(s) have problems": "{0} de {1} archivo(s) de stack tienen problemas",
  "changes to make by hand (those files were not written):\n{0}":
    "cambios para hacer a mano (esos archivos no se escribieron):\n{0}",

  // Commands, secrets and adapters (lib/command.ts, lib/secrets.ts, lib/adapters/)
  "refusing to run {0}: a secret value is in its arguments (pass it in secretEnv)":
    "no se ejecuta {0}: hay un valor secreto en sus argumentos (páselo en secretEnv)",
  "{0}: {1} is not one of its declared secretEnv":
    "{0}: {1} no está entre sus secretEnv declarados",
  " or ": " o ",
  "no value for the {0}: set {1}, or give kubectl read access to Secret {2}":
    "sin valor para {0}: defina {1}, o dé a kubectl acceso de lectura al Secret {2}",
  "no value for the {0}: set {1}": "sin valor para {0}: defina {1}",
  'Secret {0}/{1} has no key "{2}"': 'el Secret {0}/{1} no tiene la clave "{2}"',
  "no login role for database {0}: set {1}":
    "no hay rol de acceso para la base de datos {0}: defina {1}",
  'Secret {0} names login role "{1}" for database {2}, which is not one of its users ({3})':
    'el Secret {0} indica el rol de acceso "{1}" para la base de datos {2}, que no es uno de sus usuarios ({3})',
  "guardia init in {0}:": "guardia init en {0}:",
  "Next:": "Siguientes pasos:",
  "already current": "ya está al día",
  "would migrate": "se migraría",

  // The team's own runbooks (lib/runbook/team.ts)
  "the team's runbooks in {0}:\n{1}": "los runbooks del equipo en {0}:\n{1}",
  '  {0}: a runbook\'s file name is its command: lowercase words joined by "-"':
    '  {0}: el nombre del archivo de un runbook es su comando: palabras en minúsculas unidas por "-"',
  '  {0}: "{1}" is a built-in guardia runbook; give the team\'s runbook another name':
    '  {0}: "{1}" es un runbook propio de guardia; dé otro nombre al runbook del equipo',
  '  {0}: another file in the folder is already runbook "{1}"':
    '  {0}: otro archivo de la carpeta ya es el runbook "{1}"',
  "  line {0}: {1}": "  línea {0}: {1}",
  "{0} does not build:\n{1}": "{0} no compila:\n{1}",
  '"{0}" is not part of guardia\'s public API: import guardia/model, guardia/infra or guardia/runbook':
    '"{0}" no es parte de la API pública de guardia: importe guardia/model, guardia/infra o guardia/runbook',
  '{0}: its default export must be a runbook: export default defineRunbook({ name: "{1}", ... }) with defineRunbook from "guardia/runbook"':
    '{0}: su export por defecto debe ser un runbook: export default defineRunbook({ name: "{1}", ... }) con defineRunbook de "guardia/runbook"',
  "{0} defines runbook \"{1}\": the file's name and the runbook's must be the same":
    '{0} define el runbook "{1}": el nombre del archivo y el del runbook deben ser iguales',
};
