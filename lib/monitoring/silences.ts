import { t } from "../i18n/index.js";
import type { Platform } from "../model/index.js";
import { WATCHDOG_ALERT } from "./alerts/cluster.js";
import { stackLabels } from "./contract.js";

/**
 * Alertmanager v2 silences scoped to one stack: every silence guardia makes matches the stack's
 * `platform`, `environment` and `namespace` labels (which every guardia alert carries), optionally
 * narrowed further (`service="nocobase"`), and never the dead man's switch
 * (`alertname!="GuardiaWatchdog"`): the watchdog carries the stack's labels too, and silencing it
 * for a window would stop the heartbeat, so the dead man's switch would page for a pipeline that
 * works. The maintenance-window runbook builds on this.
 *
 * A silence is a plan before it is a request (`silencePlan`), so a dry run can print exactly what
 * would be sent.
 */

export interface Matcher {
  readonly name: string;
  readonly value: string;
  readonly isRegex: boolean;
  readonly isEqual: boolean;
}

/** What POST /api/v2/silences takes (postableSilence). */
export interface SilencePlan {
  readonly matchers: readonly Matcher[];
  readonly startsAt: string;
  readonly endsAt: string;
  readonly createdBy: string;
  readonly comment: string;
}

/** What GET /api/v2/silences returns (gettableSilence), the fields guardia reads. */
export interface Silence extends SilencePlan {
  readonly id: string;
  readonly status: { readonly state: "active" | "pending" | "expired" };
  readonly updatedAt: string;
}

export interface SilenceRequest {
  readonly platform: Platform;
  /** Who silences: shown in Alertmanager's UI (`--operator`). */
  readonly createdBy: string;
  /** Why: the maintenance window's ticket or description. */
  readonly comment: string;
  /** @default now */
  readonly startsAt?: Date;
  /** Length of the silence in seconds. */
  readonly durationSeconds: number;
  /** Narrows the silence beyond the stack, e.g. { service: "nocobase" }. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Options of every call that talks to Alertmanager. */
export interface AlertmanagerApi {
  /** Base URL, e.g. the stack's `monitoring.alertmanagerUrl`. */
  readonly url: string;
  /** @default 10000 */
  readonly timeoutMs?: number;
}

function equal(name: string, value: string): Matcher {
  return { name, value, isRegex: false, isEqual: true };
}

function notEqual(name: string, value: string): Matcher {
  return { name, value, isRegex: false, isEqual: false };
}

/** The matcher that keeps every guardia silence off the dead man's switch. */
export const SPARE_WATCHDOG: Matcher = notEqual("alertname", WATCHDOG_ALERT);

export function stackMatchers(platform: Platform): Matcher[] {
  return Object.entries(stackLabels(platform)).map(([k, v]) => equal(k, v));
}

/** The silence as it would be posted; throws on a request Alertmanager would refuse or misread. */
export function silencePlan(request: SilenceRequest): SilencePlan {
  const { durationSeconds, createdBy, comment } = request;
  if (!(durationSeconds > 0)) {
    throw new Error(t`a silence needs a positive duration, got ${durationSeconds} seconds`);
  }
  if (createdBy.trim() === "") throw new Error(t`a silence needs \`createdBy\` (who silences)`);
  if (comment.trim() === "") throw new Error(t`a silence needs a \`comment\` (why)`);
  const scope = stackLabels(request.platform);
  const clash = Object.keys(request.labels ?? {}).find((k) => k in scope);
  if (clash) {
    throw new Error(
      t`label "${clash}" is the stack's own scope and cannot be overridden in a silence`,
    );
  }
  const starts = request.startsAt ?? new Date();
  const ends = new Date(starts.getTime() + durationSeconds * 1000);
  return {
    matchers: [
      ...stackMatchers(request.platform),
      ...Object.entries(request.labels ?? {}).map(([k, v]) => equal(k, v)),
      SPARE_WATCHDOG,
    ],
    startsAt: starts.toISOString(),
    endsAt: ends.toISOString(),
    createdBy,
    comment,
  };
}

/** `platform="mira", environment="prod", ... from 02:00 to 04:00 UTC by ana: comment`. */
export function describeSilence(plan: SilencePlan): string {
  const matchers = plan.matchers.map(
    (m) => `${m.name}${m.isEqual ? "=" : "!="}${JSON.stringify(m.value)}`,
  );
  return t`silence {${matchers.join(", ")}} from ${plan.startsAt} to ${plan.endsAt} by ${plan.createdBy}: ${plan.comment}`;
}

async function call(
  api: AlertmanagerApi,
  path: string,
  what: string,
  init?: RequestInit,
): Promise<Response> {
  const url = `${api.url.replace(/\/+$/, "")}/api/v2${path}`;
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(api.timeoutMs ?? 10_000) });
  } catch (err) {
    throw new Error(
      t`${what}: Alertmanager at ${api.url} did not answer (${(err as Error).message}); is monitoring.alertmanagerUrl reachable from here (kubectl port-forward)?`,
      { cause: err },
    );
  }
  if (!res.ok) {
    const body = (await res.text()).trim();
    throw new Error(t`${what}: Alertmanager at ${api.url} answered ${res.status} ${body}`);
  }
  return res;
}

/** Creates the silence and returns its id. */
export async function createSilence(api: AlertmanagerApi, plan: SilencePlan): Promise<string> {
  const res = await call(api, "/silences", t`creating ${describeSilence(plan)}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(plan),
  });
  const { silenceID } = (await res.json()) as { silenceID: string };
  return silenceID;
}

/** Ends a silence now. Expiring one that already expired is not an error (a rerun is harmless). */
export async function expireSilence(api: AlertmanagerApi, id: string): Promise<void> {
  const silence = await getSilence(api, id);
  if (silence.status.state === "expired") return;
  await call(api, `/silence/${encodeURIComponent(id)}`, t`expiring silence ${id}`, {
    method: "DELETE",
  });
}

export async function getSilence(api: AlertmanagerApi, id: string): Promise<Silence> {
  const res = await call(api, `/silence/${encodeURIComponent(id)}`, t`reading silence ${id}`);
  return (await res.json()) as Silence;
}

/**
 * The stack's silences (all of its equality matchers present, whatever else they match: windows
 * opened before silences spared the watchdog count too), newest first; `states` filters by state.
 */
export async function listSilences(
  api: AlertmanagerApi,
  platform: Platform,
  states: readonly Silence["status"]["state"][] = ["active", "pending", "expired"],
): Promise<Silence[]> {
  const res = await call(
    api,
    "/silences",
    t`listing silences of ${platform.name} ${platform.environment}`,
  );
  const all = (await res.json()) as Silence[];
  return all
    .filter((s) => states.includes(s.status.state) && coversStack(s, platform))
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

function coversStack(silence: Silence, platform: Platform): boolean {
  return stackMatchers(platform).every((m) =>
    silence.matchers.some(
      (s) => s.name === m.name && s.value === m.value && !s.isRegex && (s.isEqual ?? true),
    ),
  );
}

/** What GET /api/v2/alerts returns (gettableAlert), the fields guardia reads. */
export interface FiringAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly status: { readonly state: "active" | "suppressed" | "unprocessed" };
}

/** The stack's alerts Alertmanager holds now, silenced ones included (a window silences them). */
export async function listStackAlerts(
  api: AlertmanagerApi,
  platform: Platform,
): Promise<FiringAlert[]> {
  const filters = stackMatchers(platform).map(
    (m) => `filter=${encodeURIComponent(`${m.name}="${m.value}"`)}`,
  );
  const query = [
    "active=true",
    "silenced=true",
    "inhibited=true",
    "unprocessed=true",
    ...filters,
  ].join("&");
  const res = await call(
    api,
    `/alerts?${query}`,
    t`listing alerts of ${platform.name} ${platform.environment}`,
  );
  return (await res.json()) as FiringAlert[];
}
