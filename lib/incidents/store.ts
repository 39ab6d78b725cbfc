import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { ObjectNotFoundError, readText, type ObjectStore } from "../backup/store.js";
import type { Platform } from "../model/index.js";
import { UsageError } from "../errors.js";
import { t } from "../i18n/index.js";
import { INCIDENT_ID, type Incident } from "./record.js";

/**
 * Incident records at the stack's backup destination, where they survive a pod and a laptop:
 * `incidents/<platform>/<env>/<id>.json`, one JSON object each, written whole (file:// renames a
 * fsynced file into place, an S3 PUT is atomic). Every change reads, changes and writes the
 * record under a lock object of its own (`<id>.lock`, created only if absent), so two operators
 * adding notes at once both keep theirs.
 */

/** A lock older than this was left by a process that died: changes take milliseconds. */
const STALE_LOCK_MS = 60_000;
/** How long a change waits for another one on the same incident. */
const LOCK_WAIT_MS = 20_000;

export function incidentsPrefix(platform: Pick<Platform, "name" | "environment">): string {
  return `incidents/${platform.name}/${platform.environment}/`;
}

interface LockContent {
  readonly holder: string;
  readonly since: string;
  readonly host: string;
  readonly pid: number;
}

export class IncidentStore {
  readonly #prefix: string;

  constructor(
    readonly store: ObjectStore,
    platform: Pick<Platform, "name" | "environment">,
  ) {
    this.#prefix = incidentsPrefix(platform);
  }

  key(id: string, suffix = ".json"): string {
    if (!INCIDENT_ID.test(id))
      throw new UsageError(
        t`--id: expected an incident id such as inc-20261201T181300Z-3fa2, got "${id}"`,
      );
    return `${this.#prefix}${id}${suffix}`;
  }

  describe(id: string): string {
    return this.store.describe(this.key(id));
  }

  /** Stores a new incident; refuses to overwrite one with the same id. */
  async create(incident: Incident): Promise<void> {
    if (!(await this.store.putIfAbsent(this.key(incident.id), serialize(incident))))
      throw new Error(t`${this.describe(incident.id)} already exists`);
  }

  async read(id: string): Promise<Incident> {
    try {
      return JSON.parse(await readText(this.store, this.key(id))) as Incident;
    } catch (err) {
      if (err instanceof ObjectNotFoundError)
        throw new UsageError(t`--id: no incident ${id} at ${this.store.describe(this.#prefix)}`);
      throw err;
    }
  }

  /** Every incident of the stack, oldest first (ids sort by opening time). */
  async list(): Promise<Incident[]> {
    const keys = (await this.store.list(this.#prefix))
      .map((o) => o.key)
      .filter((k) => k.endsWith(".json") && INCIDENT_ID.test(k.slice(this.#prefix.length, -5)))
      .sort();
    return Promise.all(keys.map((k) => this.read(k.slice(this.#prefix.length, -5))));
  }

  /** Reads the newest version under the incident's lock, applies `change`, writes it back. */
  async change(
    id: string,
    holder: string,
    change: (incident: Incident) => void,
  ): Promise<Incident> {
    const release = await this.#lock(id, holder);
    try {
      const incident = await this.read(id);
      change(incident);
      await this.store.putSmall(this.key(id), serialize(incident));
      return incident;
    } finally {
      await release();
    }
  }

  async #lock(id: string, holder: string): Promise<() => Promise<void>> {
    const key = this.key(id, ".lock");
    const mine: LockContent = {
      holder,
      since: new Date().toISOString(),
      host: hostname(),
      pid: process.pid,
    };
    const text = JSON.stringify(mine);
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      if (await this.store.putIfAbsent(key, text)) return () => this.#release(key, text);
      const held = await this.#readLock(key);
      if (held && Date.now() - Date.parse(held.since) > STALE_LOCK_MS) {
        await this.store.delete(key);
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(
          t`incident ${id} is locked by ${held?.holder ?? t`someone`} since ${held?.since ?? "?"} (${this.store.describe(key)}); try again`,
        );
      await sleep(20 + Math.random() * 30 * Math.min(attempt + 1, 10));
    }
  }

  async #readLock(key: string): Promise<LockContent | undefined> {
    try {
      return JSON.parse(await readText(this.store, key)) as LockContent;
    } catch {
      return undefined; // released meanwhile, or being written
    }
  }

  async #release(key: string, text: string): Promise<void> {
    const held = await this.#readLock(key);
    if (held && JSON.stringify(held) === text) await this.store.delete(key);
  }
}

function serialize(incident: Incident): string {
  return `${JSON.stringify(incident, null, 2)}\n`;
}
