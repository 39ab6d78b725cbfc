import { objectUrl, readText, type ObjectStore } from "../backup/store.js";
import { RefusedError } from "../errors.js";
import { t } from "../i18n/index.js";
import type { Platform } from "../model/index.js";

/**
 * Announced maintenance windows (logistics support plan, Comunicaciones: a shared calendar of
 * maintenance windows with at least 48 hours' notice). `maintenance-window --schedule` stores
 * each window at the stack's backup destination, where every engineer and the calendar feed read
 * it: `maintenance/<platform>/<env>/<window id>.json`, created only if absent, beside the feed
 * `windows.ics` that is rebuilt from them.
 */

export interface ScheduledWindow {
  readonly id: string;
  readonly stack: string;
  readonly objective: string;
  readonly ticket: string | undefined;
  readonly services: readonly string[];
  readonly startsAt: string;
  readonly endsAt: string;
  readonly steps: readonly string[];
  readonly rollback: readonly string[];
  /** Success criteria the team adds to guardia's own (health, smoke flows, no new alerts). */
  readonly criteria: readonly string[];
  readonly scheduledBy: string;
  readonly scheduledAt: string;
  /** Why it was scheduled with less notice than the stack asks, when it was. */
  readonly emergency: string | undefined;
}

/** A window opened up to this long before its scheduled start is still that window. */
const EARLY_OPEN_MS = 60 * 60_000;

/** `mw-20261205T020000Z`: a window is named by its start, to the second. */
export function windowId(start: Date): string {
  return `mw-${start
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}`;
}

const WINDOW_ID = /^mw-\d{8}T\d{6}Z$/;

/** Where a stack's scheduled windows and their calendar live, under its backup destination. */
export function scheduleKeys(platform: Pick<Platform, "name" | "environment">) {
  const prefix = `maintenance/${platform.name}/${platform.environment}/`;
  return {
    prefix,
    record: (id: string) => `${prefix}${id}.json`,
    calendar: `${prefix}windows.ics`,
  };
}

/**
 * Refuses a window that gives less notice than the stack asks (`maintenance.noticeHours`), unless
 * the operator declares an emergency with a reason, which the record keeps.
 */
export function checkNotice(
  platform: Platform,
  start: Date,
  now: Date,
  emergency: string | undefined,
): void {
  const hours = platform.maintenance.noticeHours;
  const given = (start.getTime() - now.getTime()) / 3_600_000;
  if (hours === 0 || given >= hours || emergency !== undefined) return;
  const starts = given <= 0 ? t`starts now` : t`starts in ${given.toFixed(1)} h`;
  const earliest = new Date(now.getTime() + hours * 3_600_000).toISOString();
  throw new RefusedError(
    t`${platform.name} ${platform.environment} announces maintenance windows ${hours} h ahead (maintenance.noticeHours); this one ${starts}: schedule it for ${earliest} or later, or pass --emergency --reason "<why it cannot wait>"`,
  );
}

/** The scheduled window a window opened at `start` belongs to, if any. */
export function scheduledAt(
  windows: readonly ScheduledWindow[],
  start: Date,
): ScheduledWindow | undefined {
  const t = start.getTime();
  return windows.find(
    (w) => Date.parse(w.startsAt) - EARLY_OPEN_MS <= t && t < Date.parse(w.endsAt),
  );
}

export class WindowSchedule {
  readonly #keys: ReturnType<typeof scheduleKeys>;

  constructor(
    readonly store: ObjectStore,
    platform: Pick<Platform, "name" | "environment">,
  ) {
    this.#keys = scheduleKeys(platform);
  }

  key(id: string): string {
    return this.#keys.record(id);
  }

  get calendarKey(): string {
    return this.#keys.calendar;
  }

  url(key: string): string {
    return objectUrl(this.store, key);
  }

  /** Stores a new window; refuses one that has the same start as a window already scheduled. */
  async create(window: ScheduledWindow): Promise<void> {
    if (
      !(await this.store.putIfAbsent(this.key(window.id), `${JSON.stringify(window, null, 2)}\n`))
    )
      throw new RefusedError(
        t`a window starting at ${window.startsAt} is already scheduled (${this.store.describe(this.key(window.id))})`,
      );
  }

  async remove(id: string): Promise<void> {
    await this.store.delete(this.key(id));
  }

  /** Every scheduled window of the stack, by start. */
  async list(): Promise<ScheduledWindow[]> {
    const { prefix } = this.#keys;
    const keys = (await this.store.list(prefix))
      .map((o) => o.key)
      .filter((k) => k.endsWith(".json") && WINDOW_ID.test(k.slice(prefix.length, -5)))
      .sort();
    const texts = await Promise.all(keys.map((k) => readText(this.store, k)));
    return texts.map((t) => JSON.parse(t) as ScheduledWindow);
  }
}
