import type { RunbookDefinition } from "../lib/runbook/types.js";

/**
 * Every runbook by CLI name (DESIGN.md contract). Each loads on demand, so starting one runbook
 * does not parse the others.
 */
export const RUNBOOKS: Readonly<Record<string, () => Promise<RunbookDefinition>>> = {
  "backup-db": async () => (await import("./backup-db.js")).default as RunbookDefinition,
  "export-collections": async () =>
    (await import("./export-collections.js")).default as RunbookDefinition,
  "health-check": async () => (await import("./health-check.js")).default as RunbookDefinition,
  "list-backups": async () => (await import("./list-backups.js")).default as RunbookDefinition,
  "maintenance-window": async () =>
    (await import("./maintenance-window.js")).default as RunbookDefinition,
  "recreate-collection": async () =>
    (await import("./recreate-collection.js")).default as RunbookDefinition,
  "restart-service": async () =>
    (await import("./restart-service.js")).default as RunbookDefinition,
  "rotate-logs": async () => (await import("./rotate-logs.js")).default as RunbookDefinition,
  "verify-backup": async () => (await import("./verify-backup.js")).default as RunbookDefinition,
};
