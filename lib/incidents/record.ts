import { createHash, randomBytes } from "node:crypto";
import { compactUtc } from "../backup/stamp.js";
import { t } from "../i18n/index.js";
import type { Priority } from "../model/index.js";
import { RESPONSE_MINUTES } from "../monitoring/contract.js";
import type { TimelineEntry } from "./timeline.js";

/**
 * One incident as stored at the backup destination (`incidents/<platform>/<env>/<id>.json`). Its
 * fields are the minimum record of the INATrace operations manual (5.2 Flujo de Atención: date
 * and time, user and area affected, description and steps to reproduce; 5.3: environment,
 * relevant log excerpts, steps already taken) and of the logistics support plan (Flujos de
 * atencion: endpoint and token affected; evidence attached on closing), plus the MIRA operations
 * guide's priority, owner and response time (Gestión de Incidentes, Clasificación de Severidad).
 */

export const INCIDENT_STATUSES = ["open", "investigating", "mitigated", "closed"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export interface IncidentEntry {
  readonly time: string;
  readonly author: string;
  /** opened, note, update (priority/owner/status), notified, closed. */
  readonly kind: "opened" | "note" | "update" | "notified" | "closed";
  readonly text: string;
}

export interface Evidence {
  readonly name: string;
  /** Where it is stored, beside the record at the destination. */
  readonly key: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface Incident {
  readonly type: "guardia.incident.v1";
  readonly id: string;
  readonly stack: string;
  readonly platform: string;
  readonly environment: string;
  title: string;
  priority: Priority;
  status: IncidentStatus;
  owner: string;
  readonly reporter: string;
  readonly service: string | undefined;
  /** User and area affected (INATrace 5.2). */
  readonly affected: string | undefined;
  readonly endpoint: string | undefined;
  /** A fingerprint of the affected token, never the token: `sha256:<12 hex>`. */
  readonly tokenFingerprint: string | undefined;
  readonly description: string | undefined;
  readonly reproduce: string | undefined;
  /** An excerpt of the relevant logs (secrets masked, cut to LOG_EXCERPT_MAX characters). */
  readonly logExcerpt: string | undefined;
  readonly stepsTaken: string | undefined;
  readonly openedAt: string;
  /** openedAt + the priority's response time, recomputed when the priority changes. */
  responseDue: string;
  /** The first note or update after opening: when someone took it up. */
  acknowledgedAt: string | undefined;
  closedAt: string | undefined;
  rootCause: string | undefined;
  fix: string | undefined;
  evidence: Evidence[];
  entries: IncidentEntry[];
  /** The assembled timeline, stored on closing (see timeline.ts). */
  timeline: TimelineEntry[] | undefined;
  /** Where the post-mortem is stored at the destination, when one was written. */
  postmortem: string | undefined;
}

export const LOG_EXCERPT_MAX = 4000;

/** A status as people read it; the record stores the English value. */
export function statusText(status: IncidentStatus): string {
  switch (status) {
    case "open":
      return t`open`;
    case "investigating":
      return t`investigating`;
    case "mitigated":
      return t`mitigated`;
    case "closed":
      return t`closed`;
  }
}

/** An entry's kind as people read it in a timeline. */
export function entryKindText(kind: IncidentEntry["kind"]): string {
  switch (kind) {
    case "opened":
      return t`opened`;
    case "note":
      return t`note`;
    case "update":
      return t`update`;
    case "notified":
      return t`notified`;
    case "closed":
      return t`closed`;
  }
}

/** `inc-20261201T181300Z-3fa2`: sorts by opening time; the suffix keeps two openings apart. */
export function incidentId(openedAt: Date): string {
  return `inc-${compactUtc(openedAt)}-${randomBytes(2).toString("hex")}`;
}

export const INCIDENT_ID = /^inc-\d{8}T\d{6}Z-[0-9a-f]{4}$/;

export function responseDue(openedAt: string, priority: Priority): string {
  return new Date(Date.parse(openedAt) + RESPONSE_MINUTES[priority] * 60_000).toISOString();
}

/** Enough to tell tokens apart in a ticket, nothing that authenticates. */
export function tokenFingerprint(token: string): string {
  return `sha256:${createHash("sha256").update(token).digest("hex").slice(0, 12)}`;
}

/** When the incident last showed a sign of life: its newest entry by a person. */
export function lastActivity(incident: Incident): string {
  const times = incident.entries.filter((e) => e.kind !== "notified").map((e) => e.time);
  return times.sort().at(-1) ?? incident.openedAt;
}

/**
 * A P1 or P2 that is not closed and has had no entry for longer than its response time: nobody
 * acknowledged it in time, or nobody has said anything since. `incident list` flags it and the
 * routine report reads it through `openIncidentsPastResponse`.
 */
export function isPastResponse(incident: Incident, now: Date): boolean {
  if (incident.status === "closed" || !["P1", "P2"].includes(incident.priority)) return false;
  const silentMs = now.getTime() - Date.parse(lastActivity(incident));
  return silentMs > RESPONSE_MINUTES[incident.priority] * 60_000;
}

/** Minutes between two ISO times, one decimal. */
export function minutesBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 6_000) / 10;
}
