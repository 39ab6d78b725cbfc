import { t, tr } from "../i18n/index.js";
import type { Platform } from "../model/index.js";
import { deliver, deliveryCall, messageReceivers, type Message } from "../receivers/deliver.js";
import type { Step } from "../runbook/types.js";
import { windowDescription } from "./calendar.js";
import type { ScheduledWindow } from "./schedule.js";

/**
 * The window told to the people it affects, through the stack's receivers for announcements
 * (`maintenance.receivers`): when it is scheduled, and again when it opens (the reminder). One
 * step per receiver, so the plan names every message that goes out; a message cannot be unsent,
 * so a later failure leaves it sent and the run says so.
 */

export type Announcement = "scheduled" | "opens";

function title(kind: Announcement, platform: Platform): string {
  // Read by the whole team: the stack's language, not the operator's.
  const t = tr(platform.language);
  const stack = `${platform.name} ${platform.environment}`;
  return kind === "scheduled"
    ? t`Maintenance window scheduled: ${stack}`
    : t`Maintenance window opens now: ${stack}`;
}

const COLOR: Record<Announcement, string> = { scheduled: "0078D4", opens: "FFB900" };

export function announcementMessage(
  platform: Platform,
  kind: Announcement,
  window: ScheduledWindow,
  calendarUrl: string | undefined,
): Message {
  // Read by the whole team: the stack's language, not the operator's.
  const t = tr(platform.language);
  const lines = [
    ...windowDescription(window, platform.language),
    ...(calendarUrl ? [t`Calendar: ${calendarUrl}`] : []),
  ];
  return {
    title: title(kind, platform),
    lines,
    color: COLOR[kind],
    json: {
      event: `maintenance-window-${kind}`,
      platform: platform.name,
      environment: platform.environment,
      window,
      calendarUrl,
    },
  };
}

/**
 * One step per announcement receiver; `message` is built when the step runs. An announcement that
 * does not arrive fails the scheduling (which takes the window back out); a reminder that does
 * not arrive is written into `unsent` instead, because undoing an opened window (its silence)
 * for a chat outage would page people in the middle of the work.
 */
export function announceSteps(
  platform: Platform,
  kind: Announcement,
  message: () => Message,
  unsent?: string[],
): Step[] {
  return messageReceivers(platform, platform.maintenance.receivers).map((receiver) => ({
    title:
      kind === "scheduled"
        ? t`Announce the window to ${receiver.type} receiver ${receiver.name}`
        : t`Remind that the window opens to ${receiver.type} receiver ${receiver.name}`,
    kind: "change",
    timeoutMs: 60_000,
    retries: 1,
    action: () => ({ call: deliveryCall(receiver, t`the window as JSON`) }),
    run: async (step) => {
      const made = message();
      try {
        await deliver(receiver, made, [made.title, "", ...made.lines].join("\n"), step);
      } catch (err) {
        if (!unsent) throw err;
        unsent.push(`${receiver.name}: ${(err as Error).message}`);
        return { summary: t`NOT sent (${(err as Error).message}): tell them another way` };
      }
      return { summary: t`sent: ${made.title}` };
    },
    manualUndo: t`a message cannot be unsent: tell receiver ${receiver.name} the window is off`,
  }));
}
