import { objectUrl } from "../backup/store.js";
import type { Step } from "../runbook/types.js";
import type { RoutineRun } from "./check-step.js";
import { pingCall, sendPing, checkSlug, type Ping } from "./dead-mans-switch.js";
import { deliver } from "../receivers/deliver.js";
import { deliveryCall, reportMessage, reportReceivers } from "./notify.js";
import { reportMarkdown, countsLine, periodName, type RoutineReport } from "./report.js";
import { reportKey, writeReport } from "./store.js";
import { t } from "../i18n/index.js";

/**
 * The steps around the checks that change something outside: the dead man's switch pings, the
 * report written to the destination, and its posts to the receivers. The start ping is the first
 * change; its rollback is the failure ping, so a run that dies after it (a failed post, an
 * interruption) pings `/fail` on its way out.
 */

export interface Delivered {
  /** The report's Markdown at the destination, once written. */
  url?: string;
}

export function pingStep(
  run: RoutineRun,
  ping: Exclude<Ping, "fail">,
  body: () => string,
): Step | undefined {
  const dms = run.platform.routine?.deadMansSwitch;
  if (!dms) return undefined;
  const slug = checkSlug(run.platform, run.period);
  const send = (kind: Ping, text: string) => async (step: RoutineRun["ctx"]) => {
    const base = await step.secret(dms.urlSecret, "routine dead man's switch URL");
    await sendPing(base, slug, kind, text, step.signal);
  };
  return {
    title:
      ping === "start"
        ? t`Tell the dead man's switch the ${periodName(run.period)} routine started`
        : t`Tell the dead man's switch the ${periodName(run.period)} routine finished`,
    kind: "change",
    timeoutMs: 60_000,
    retries: 2,
    action: () => ({ call: pingCall(dms.urlSecret, slug, ping) }),
    run: async (step) => {
      await send(ping, body())(step);
      return { summary: t`pinged ${slug}${ping === "start" ? "/start" : ""}` };
    },
    ...(ping === "start" && {
      rollback: {
        action: () => ({ call: pingCall(dms.urlSecret, slug, "fail") }),
        run: (step) =>
          send("fail", t`the routine run failed or was interrupted; see its audit record`)(step),
      },
    }),
  };
}

export function writeReportStep(
  run: RoutineRun,
  report: () => RoutineReport,
  delivered: Delivered,
): Step | undefined {
  const backups = run.platform.backups;
  if (!backups || !run.store) return undefined;
  const key = reportKey(run.platform, run.period);
  return {
    title: t`Write the report to ${objectUrl(backups.destination, `${key}.md`)} (and .json)`,
    kind: "change",
    timeoutMs: 120_000,
    action: () => ({
      target: {
        markdown: objectUrl(backups.destination, `${key}.md`),
        json: objectUrl(backups.destination, `${key}.json`),
      },
    }),
    run: async () => {
      const made = report();
      const where = await writeReport(await run.store!(), run.platform, made, reportMarkdown(made));
      delivered.url = where.markdown;
      return { summary: t`written: ${where.markdown}, ${where.json}` };
    },
    manualUndo: t`nothing to undo: a report is a record; the next run compares with it`,
  };
}

export function postSteps(
  run: RoutineRun,
  report: () => RoutineReport,
  delivered: Delivered,
): Step[] {
  return reportReceivers(run.platform).map((receiver) => ({
    title: t`Post the report to ${receiver.type} receiver ${receiver.name}`,
    kind: "change",
    timeoutMs: 60_000,
    retries: 1,
    action: () => ({ call: deliveryCall(receiver) }),
    run: async (step) => {
      const made = report();
      const mailText = `${reportMarkdown(made)}${delivered.url ? t`\nFull report: ${delivered.url}\n` : ""}`;
      await deliver(receiver, reportMessage(made, delivered.url), mailText, step);
      return { summary: t`posted (${countsLine(made)})` };
    },
    manualUndo: t`nothing to undo: a message cannot be unsent`,
  }));
}
