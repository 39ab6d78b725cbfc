import type { Platform, RoutinePeriod, SecretRef } from "../model/index.js";
import { Secret } from "../secret.js";
import { postJson } from "../receivers/deliver.js";

/**
 * The dead man's switch of routine runs, Healthchecks-style: one check per period, addressed by
 * slug under the stack's ping URL (`<url>/<slug>`, as hc-ping.com's project ping keys do). A run
 * pings `/start` first, the check itself when it is done, and `/fail` when it dies; a run that
 * never starts misses its schedule, and the service pages after the grace time.
 */

export type Ping = "start" | "success" | "fail";

/** The check of one period: what to create in the heartbeat service (render shows it). */
export interface SwitchCheck {
  readonly slug: string;
  readonly schedule: string;
  readonly timeZone: string;
  /** How late the success ping may come: the CronJob may start late, then run to its deadline. */
  readonly graceSeconds: number;
  readonly urlSecret: SecretRef;
}

export function checkSlug(platform: Platform, period: RoutinePeriod): string {
  return `${platform.name}-${platform.environment}-routine-${period}`;
}

export function switchCheck(
  platform: Platform,
  period: RoutinePeriod,
  graceSeconds: number,
): SwitchCheck | undefined {
  const routine = platform.routine;
  const schedule = routine?.schedules[period];
  if (!routine?.deadMansSwitch || !schedule) return undefined;
  return {
    slug: checkSlug(platform, period),
    schedule: schedule.expression,
    timeZone: platform.jobs.timeZone,
    graceSeconds,
    urlSecret: routine.deadMansSwitch.urlSecret,
  };
}

/** "healthchecks check mira-prod-routine-daily: cron "0 7 * * *" in America/Santiago, grace 90 min; URL from Secret …". */
export function describeCheck(check: SwitchCheck): string {
  return (
    `Healthchecks-style check ${check.slug}: cron "${check.schedule}" in ${check.timeZone}, ` +
    `grace ${Math.round(check.graceSeconds / 60)} min; pinged at <URL from Secret ` +
    `${check.urlSecret.name}/${check.urlSecret.key}>/${check.slug} with /start, then success or /fail`
  );
}

const SUFFIX: Readonly<Record<Ping, string>> = { start: "/start", success: "", fail: "/fail" };

/** "POST <URL from Secret mira-routine/ping-url>/mira-prod-routine-daily/start": a ping in a plan. */
export function pingCall(ref: SecretRef, slug: string, ping: Ping): string {
  return `POST <URL from Secret ${ref.name}/${ref.key}>/${slug}${SUFFIX[ping]}`;
}

export function pingUrl(base: Secret, slug: string, ping: Ping): Secret {
  const url = `${base.reveal().replace(/\/+$/, "")}/${slug}${SUFFIX[ping]}`;
  return new Secret(url, `${base.label}/${slug}${SUFFIX[ping]}`);
}

/** The ping; its body is what the heartbeat service logs beside it (the counts, or the error). */
export async function sendPing(
  base: Secret,
  slug: string,
  ping: Ping,
  body: string,
  signal: AbortSignal,
): Promise<void> {
  await postJson(`dead man's switch ${slug}`, pingUrl(base, slug, ping), { message: body }, signal);
}
