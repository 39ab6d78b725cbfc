import type { RunbookDefinition } from "../lib/runbook/types.js";

/**
 * The registry: every runbook by its CLI name, one line each. `guardia list` and `--help`, the
 * alert contract's runbook names (`RunbookName`), the generated docs and the README's table all
 * read it. A runbook's module loads only when it is needed, so `guardia --help` and a run of one
 * runbook do not load the others and their dependencies.
 */
export const RUNBOOKS = {
  "backup-db": () => import("./backup-db.js"),
  "cleanup-media": () => import("./cleanup-media.js"),
  "export-collections": () => import("./export-collections.js"),
  "health-check": () => import("./health-check.js"),
  incident: () => import("./incident.js"),
  "list-backups": () => import("./list-backups.js"),
  "maintenance-window": () => import("./maintenance-window.js"),
  "recreate-collection": () => import("./recreate-collection.js"),
  "restart-service": () => import("./restart-service.js"),
  "restore-db": () => import("./restore-db.js"),
  "rotate-db-password": () => import("./rotate-db-password.js"),
  "rotate-logs": () => import("./rotate-logs.js"),
  "rotate-tokens": () => import("./rotate-tokens.js"),
  routine: () => import("./routine.js"),
  smoke: () => import("./smoke.js"),
  "support-report": () => import("./support-report.js"),
  "verify-backup": () => import("./verify-backup.js"),
} as const satisfies Record<string, () => Promise<{ default: { readonly name: string } }>>;

export type RunbookName = keyof typeof RUNBOOKS;

export const RUNBOOK_NAMES = Object.keys(RUNBOOKS).sort() as RunbookName[];

export function isRunbook(name: string): name is RunbookName {
  return Object.hasOwn(RUNBOOKS, name);
}

export async function loadRunbook(name: RunbookName): Promise<RunbookDefinition> {
  // Each runbook's params type its own plan; the engine handles them all alike.
  const definition = (await RUNBOOKS[name]()).default as unknown as RunbookDefinition;
  if (definition.name !== name)
    throw new Error(
      `runbooks/index.ts registers "${name}" for a runbook named "${definition.name}"`,
    );
  return definition;
}
