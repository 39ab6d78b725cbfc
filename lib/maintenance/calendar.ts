import { currentLanguage, tr, type Language } from "../i18n/index.js";
import type { Platform } from "../model/index.js";
import type { ScheduledWindow } from "./schedule.js";

/**
 * The feed, the announcements and the incident notifications are read by the whole team, so they
 * speak the stack's language, not the language of whoever ran the command last.
 *
 * The scheduled windows as an iCalendar feed (RFC 5545) that people subscribe to in their own
 * calendar: one VEVENT per window, its UID stable across rebuilds so a calendar updates the event
 * instead of adding a copy. ical.js (Mozilla's) writes it — escaping, UTC times and 75-octet line
 * folding — and loads only when a window is scheduled.
 */

export async function calendarText(
  platform: Pick<Platform, "name" | "environment" | "language">,
  windows: readonly ScheduledWindow[],
): Promise<string> {
  const { default: ICAL } = await import("ical.js");
  const t = tr(platform.language);
  const calendar = new ICAL.Component(["vcalendar", [], []]);
  calendar.updatePropertyWithValue("prodid", "-//guardia//maintenance windows//EN");
  calendar.updatePropertyWithValue("version", "2.0");
  calendar.updatePropertyWithValue("calscale", "GREGORIAN");
  calendar.updatePropertyWithValue(
    "x-wr-calname",
    t`${platform.name} ${platform.environment} maintenance windows`,
  );
  const utc = (iso: string) => ICAL.Time.fromJSDate(new Date(iso), true);
  for (const window of windows) {
    const component = new ICAL.Component("vevent");
    const event = new ICAL.Event(component);
    event.uid = `${window.id}@${platform.name}.${platform.environment}.guardia`;
    event.summary = t`Maintenance ${platform.name} ${platform.environment}: ${window.objective}`;
    event.description = windowDescription(window, platform.language).join("\n");
    event.startDate = utc(window.startsAt);
    event.endDate = utc(window.endsAt);
    component.updatePropertyWithValue("dtstamp", utc(window.scheduledAt));
    calendar.addSubcomponent(component);
  }
  return `${calendar.toString()}\r\n`;
}

/** What a window's announcement and its calendar event say, one line each. */
export function windowDescription(
  window: ScheduledWindow,
  language: Language = currentLanguage(),
): string[] {
  const t = tr(language);
  return [
    t`Objective: ${window.objective}`,
    t`Services: ${window.services.join(", ") || t`all`}`,
    t`From ${window.startsAt} to ${window.endsAt} (UTC)`,
    ...(window.ticket ? [t`Ticket: ${window.ticket}`] : []),
    ...(window.steps.length > 0 ? [t`Steps: ${window.steps.join("; ")}`] : []),
    ...(window.rollback.length > 0 ? [t`Rollback: ${window.rollback.join("; ")}`] : []),
    ...(window.criteria.length > 0 ? [t`Success criteria: ${window.criteria.join("; ")}`] : []),
    t`Scheduled by ${window.scheduledBy} at ${window.scheduledAt}`,
    ...(window.emergency ? [t`Emergency, with less notice than usual: ${window.emergency}`] : []),
  ];
}
