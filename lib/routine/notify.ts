import type { Platform } from "../model/index.js";
import {
  deliveryCall as messageDeliveryCall,
  messageReceivers,
  type ChatReceiver,
  type EmailReceiver,
  type Message,
} from "../receivers/deliver.js";
import {
  changedText,
  countsLine,
  isChanged,
  reportTitle,
  verdictLabel,
  type RoutineReport,
} from "./report.js";
import { t } from "../i18n/index.js";

/**
 * The routine report as a message to the stack's receivers for routine reports
 * (lib/receivers/deliver.ts sends it): a Slack message, a Teams MessageCard, the JSON report to a
 * plain webhook, the Markdown report by e-mail.
 */

/** The routine's receivers, in the order the stack lists them. */
export function reportReceivers(platform: Platform): (ChatReceiver | EmailReceiver)[] {
  return messageReceivers(platform, platform.routine?.receivers ?? []);
}

/** "POST <URL from Secret mira-alerting/teams-webhook> (Teams MessageCard)": a delivery in a plan. */
export function deliveryCall(receiver: ChatReceiver | EmailReceiver): string {
  return messageDeliveryCall(
    receiver,
    receiver.type === "email" ? t`the Markdown report` : t`the JSON report`,
  );
}

/** The lines a chat message carries: counts, every problem and manual item, then the rest. */
export function chatLines(report: RoutineReport, reportUrl: string | undefined): string[] {
  const changed = report.items.filter(isChanged).length;
  const head = `${countsLine(report)}${report.previous ? t`; ${changed} changed since the last run` : ""}`;
  const items = report.items.map((item) => {
    const note = changedText(item);
    return `${verdictLabel(item.verdict)}: ${item.title}: ${item.summary}${note ? ` (${note})` : ""}`;
  });
  return [head, ...items, ...(reportUrl ? [t`Full report: ${reportUrl}`] : [])];
}

const COLOR = { failed: "D13438", attention: "FFB900", clean: "2EB886" } as const;

export function reportMessage(report: RoutineReport, reportUrl: string | undefined): Message {
  return {
    title: reportTitle(report),
    lines: chatLines(report, reportUrl),
    color:
      report.counts.failed > 0
        ? COLOR.failed
        : report.counts.attention > 0
          ? COLOR.attention
          : COLOR.clean,
    json: report,
  };
}
