import { openStore, type OpenStoreOptions } from "../backup/store.js";
import { UsageError } from "../errors.js";
import { t } from "../i18n/index.js";
import type { Platform } from "../model/index.js";
import { isPastResponse, type Incident } from "./record.js";
import { IncidentStore } from "./store.js";

/** Incidents: records, timeline, notifications, post-mortems and the support indicators. */

/** The stack's incident records, at its backup destination (bad input when it has none). */
export async function openIncidentStore(
  platform: Platform,
  options: OpenStoreOptions = {},
): Promise<IncidentStore> {
  if (!platform.backups)
    throw new UsageError(
      t`${platform.name} ${platform.environment} has no \`backups\` section: incident records live at its backup destination`,
    );
  return new IncidentStore(await openStore(platform.backups.destination, options), platform);
}

/**
 * The stack's P1/P2 incidents that are not closed and have had no entry for longer than their
 * response time (MIRA operations guide, Gestión de Incidentes: 15 min for P1, 1 hour for P2),
 * oldest first. `incident list` flags them; a routine report includes them by calling this.
 */
export async function openIncidentsPastResponse(
  platform: Platform,
  now: Date = new Date(),
  options: OpenStoreOptions = {},
): Promise<Incident[]> {
  const store = await openIncidentStore(platform, options);
  try {
    return (await store.list()).filter((i) => isPastResponse(i, now));
  } finally {
    store.store.close();
  }
}

export { IncidentStore, incidentsPrefix } from "./store.js";
export * from "./record.js";
