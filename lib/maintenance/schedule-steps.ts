import { objectUrl, openStore } from "../backup/store.js";
import { UsageError } from "../errors.js";
import { t } from "../i18n/index.js";
import type { Platform } from "../model/index.js";
import type { RunContext, Step } from "../runbook/types.js";
import { announcementMessage, announceSteps } from "./announce.js";
import { calendarText } from "./calendar.js";
import {
  checkNotice,
  scheduledAt,
  scheduleKeys,
  WindowSchedule,
  type ScheduledWindow,
} from "./schedule.js";

/**
 * The steps of `maintenance-window --schedule` (store the window, publish the calendar, announce
 * it), and those an opening adds: find the window in the schedule (or apply the notice rule to an
 * unscheduled one) and remind the receivers that it opens.
 */

/** The schedule at the stack's backup destination, opened once per run. */
export function scheduleOf(ctx: RunContext): () => Promise<WindowSchedule | undefined> {
  let schedule: Promise<WindowSchedule | undefined> | undefined;
  const backups = ctx.platform.backups;
  return () =>
    (schedule ??= backups
      ? openStore(backups.destination).then((store) => new WindowSchedule(store, ctx.platform))
      : Promise.resolve(undefined));
}

export function requireSchedule(platform: Platform): void {
  if (!platform.backups)
    throw new UsageError(
      t`--schedule: windows are kept at the stack's backup destination, and ${platform.name} ${platform.environment} has no \`backups\` section`,
    );
}

function noticeStep(ctx: RunContext, window: ScheduledWindow): Step {
  const hours = ctx.platform.maintenance.noticeHours;
  return {
    title: t`Check the notice: the stack asks ${hours} h before ${window.startsAt}`,
    kind: "read",
    run: async () => {
      checkNotice(ctx.platform, new Date(window.startsAt), new Date(), window.emergency);
      return {
        summary: window.emergency ? t`emergency: ${window.emergency}` : t`enough notice`,
      };
    },
  };
}

function calendarStep(
  ctx: RunContext,
  schedule: () => Promise<WindowSchedule | undefined>,
  without?: string,
): Pick<Step, "run"> {
  return {
    run: async () => {
      const s = (await schedule())!;
      const windows = (await s.list()).filter((w) => w.id !== without);
      await s.store.putSmall(s.calendarKey, await calendarText(ctx.platform, windows));
      return { summary: t`${windows.length} window(s) in ${s.url(s.calendarKey)}` };
    },
  };
}

/** Store, publish, announce: a failure before the announcements takes the window back out. */
export function scheduleSteps(ctx: RunContext, window: ScheduledWindow): Step[] {
  const schedule = scheduleOf(ctx);
  const at = (key: string) => objectUrl(ctx.platform.backups!.destination, key);
  const keys = scheduleKeys(ctx.platform);
  const recordKey = keys.record(window.id);
  const publish = calendarStep(ctx, schedule);
  const republish = calendarStep(ctx, schedule, window.id);
  return [
    noticeStep(ctx, window),
    {
      title: t`Store the window ${window.id}`,
      kind: "change",
      action: () => ({ target: { record: at(recordKey) } }),
      run: async () => {
        await (await schedule())!.create(window);
        return { summary: at(recordKey) };
      },
      rollback: {
        action: () => ({ target: { delete: at(recordKey) } }),
        run: async () => (await schedule())!.remove(window.id),
      },
    },
    {
      title: t`Publish the calendar of scheduled windows`,
      kind: "change",
      action: () => ({ target: { calendar: at(keys.calendar) } }),
      run: publish.run,
      rollback: {
        action: () => ({ target: { calendar: at(keys.calendar), without: window.id } }),
        run: async (step) => {
          await republish.run(step);
        },
      },
    },
    ...announceSteps(ctx.platform, "scheduled", () =>
      announcementMessage(ctx.platform, "scheduled", window, at(keys.calendar)),
    ),
  ];
}

/** What an opening found in the schedule. */
export interface Announced {
  scheduled?: ScheduledWindow;
  /** One line for the window record: scheduled when and by whom, or why it was not. */
  line?: string;
  /** Reminders that did not arrive: "<receiver>: <why>". */
  readonly unsent: string[];
}

/** Finds the scheduled window an opening belongs to; without one, the notice rule applies. */
export function findScheduledStep(
  ctx: RunContext,
  opening: ScheduledWindow,
  announced: Announced,
): Step {
  const schedule = scheduleOf(ctx);
  return {
    title: t`Find the window in the schedule (or check the notice an unscheduled one needs)`,
    kind: "read",
    run: async () => {
      const s = await schedule();
      const found = s && scheduledAt(await s.list(), new Date(opening.startsAt));
      if (found) {
        announced.scheduled = found;
        announced.line = found.emergency
          ? t`scheduled as ${found.id} by ${found.scheduledBy} at ${found.scheduledAt} (emergency: ${found.emergency})`
          : t`scheduled as ${found.id} by ${found.scheduledBy} at ${found.scheduledAt}`;
        return { summary: announced.line };
      }
      checkNotice(ctx.platform, new Date(opening.startsAt), new Date(), opening.emergency);
      announced.line = opening.emergency
        ? t`never scheduled: opened without announcement; emergency: ${opening.emergency}`
        : t`never scheduled: opened without announcement`;
      return { summary: announced.line };
    },
  };
}

export function reminderSteps(
  ctx: RunContext,
  opening: ScheduledWindow,
  announced: Announced,
): Step[] {
  const backups = ctx.platform.backups;
  const calendar = backups && objectUrl(backups.destination, scheduleKeys(ctx.platform).calendar);
  return announceSteps(
    ctx.platform,
    "opens",
    () => announcementMessage(ctx.platform, "opens", announced.scheduled ?? opening, calendar),
    announced.unsent,
  );
}
