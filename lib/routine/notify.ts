import type { Platform, Receiver, SecretRef } from "../model/index.js";
import type { Secret } from "../secret.js";
import {
  changedText,
  countsLine,
  isChanged,
  reportTitle,
  verdictLabel,
  type RoutineReport,
} from "./report.js";

/**
 * The report posted to the stack's receivers for routine reports, in each one's own format: a
 * Slack incoming-webhook message, a Teams MessageCard (the format Alertmanager's msteams_configs
 * sends, so the same webhook takes both), the JSON report to a plain webhook, and a Markdown
 * e-mail. Each delivery is data first (what the plan prints: the receiver, its Secret, never the
 * URL), then sent.
 */

export type ChatReceiver = Extract<Receiver, { type: "slack" | "teams" | "webhook" }>;
export type EmailReceiver = Extract<Receiver, { type: "email" }>;

/** The routine's receivers, in the order the stack lists them. */
export function reportReceivers(platform: Platform): (ChatReceiver | EmailReceiver)[] {
  const names = platform.routine?.receivers ?? [];
  return names.flatMap((name) => {
    const receiver = platform.alerting.receivers.find((r) => r.name === name);
    // The model refused unknown names and SNS topics (routine-checks.ts).
    return receiver && receiver.type !== "sns" ? [receiver] : [];
  });
}

export function urlSecretOf(receiver: ChatReceiver): SecretRef {
  return receiver.type === "webhook" ? receiver.urlSecret : receiver.webhookSecret;
}

const FORMAT: Readonly<Record<ChatReceiver["type"], string>> = {
  slack: "Slack message",
  teams: "Teams MessageCard",
  webhook: "the JSON report",
};

/** "POST <URL from Secret mira-alerting/teams-webhook> (Teams MessageCard)": a delivery in a plan. */
export function deliveryCall(receiver: ChatReceiver | EmailReceiver): string {
  if (receiver.type === "email") {
    return `SMTP ${receiver.smarthost}: mail to ${receiver.to.join(", ")} from ${receiver.from} (the Markdown report)`;
  }
  const ref = urlSecretOf(receiver);
  return `POST <URL from Secret ${ref.name}/${ref.key}> (${FORMAT[receiver.type]})`;
}

/** The lines a chat message carries: counts, every problem and manual item, then the rest. */
export function chatLines(report: RoutineReport, reportUrl: string | undefined): string[] {
  const changed = report.items.filter(isChanged).length;
  const head = `${countsLine(report)}${report.previous ? `; ${changed} changed since the last run` : ""}`;
  const items = report.items.map((item) => {
    const note = changedText(item);
    return `${verdictLabel(item.verdict)}: ${item.title}: ${item.summary}${note ? ` (${note})` : ""}`;
  });
  return [head, ...items, ...(reportUrl ? [`Full report: ${reportUrl}`] : [])];
}

const COLOR = { failed: "D13438", attention: "FFB900", clean: "2EB886" } as const;

export function chatPayload(
  receiver: ChatReceiver,
  report: RoutineReport,
  reportUrl: string | undefined,
): unknown {
  const lines = chatLines(report, reportUrl);
  const title = reportTitle(report);
  switch (receiver.type) {
    case "slack":
      return {
        channel: receiver.channel,
        text: [`*${title}*`, ...lines.map(slackEscape)].join("\n"),
      };
    case "teams":
      return {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        summary: `${title}: ${lines[0]}`,
        title,
        themeColor:
          report.counts.failed > 0
            ? COLOR.failed
            : report.counts.attention > 0
              ? COLOR.attention
              : COLOR.clean,
        // A MessageCard's text is Markdown, where a single newline does not break the line.
        text: lines.join("\n\n"),
      };
    case "webhook":
      return report;
  }
}

/** Slack's mrkdwn reads <, > and & as markup. */
function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const POST_TIMEOUT_MS = 15_000;

/** Sends one payload; the URL is a secret, so an error names the receiver, never the URL. */
export async function postJson(
  receiver: string,
  url: Secret,
  payload: unknown,
  signal: AbortSignal,
): Promise<number> {
  const timeout = AbortSignal.timeout(POST_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(url.reveal(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
      signal: AbortSignal.any([signal, timeout]),
    });
  } catch (err) {
    const why = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new Error(`could not post to receiver ${receiver}: ${why}`, { cause: err });
  }
  const text = await response.text().catch(() => "");
  if (!response.ok)
    throw new Error(`receiver ${receiver} answered ${response.status}: ${text.slice(0, 200)}`);
  return response.status;
}
