import type { Catalogue } from "../index.js";

/** The runbook engine and the CLI: plans, confirmation, progress, reports, errors. */
export const runner: Catalogue = {
  "{0} received: stopping the current step and rolling back (again to exit at once)":
    "{0} recibida: se detiene el paso en curso y se deshace lo hecho (otra vez para salir ya)",
};
