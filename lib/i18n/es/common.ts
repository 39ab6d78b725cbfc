import type { Catalogue } from "../index.js";

/** Words more than one area prints on their own (a table cell, a value that is absent). */
export const common: Catalogue = {
  none: "ninguno",
  STATUS: "ESTADO",
  failed: "fallido",
  refused: "rechazado",
  "bad-input": "entrada inválida",
  "## Rollback": "## Reversión",
  "{0} minutes": "{0} minutos",
  "1 hour": "1 hora",
  "{0} hours": "{0} horas",
  DOWN: "CAÍDO",
  UP: "DISPONIBLE",
  "nothing expired": "nada vencido",
  Verdict: "Veredicto",
  manual: "manual",
  ok: "ok",
  nothing: "nada",
};
