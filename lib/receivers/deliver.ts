import { t } from "../i18n/index.js";
import type { Platform, Receiver, SecretRef } from "../model/index.js";
import type { Secret } from "../secret.js";

/**
 * Messages guardia itself posts to the stack's receivers — routine reports, maintenance
 * announcements — in each one's own format: a Slack incoming-webhook message, a Teams MessageCard
 * (the format Alertmanager's msteams_configs sends, so the same webhook takes both), JSON to a
 * plain webhook, and a plain-text e-mail through the receiver's smarthost. A delivery is data
 * first (what a plan prints: the receiver and its Secret, never the URL), then sent.
 */

export type ChatReceiver = Extract<Receiver, { type: "slack" | "teams" | "webhook" }>;
export type EmailReceiver = Extract<Receiver, { type: "email" }>;
export type MessageReceiver = ChatReceiver | EmailReceiver;

/** A message: a title, its lines, a colour for Teams, and what a plain webhook gets. */
export interface Message {
  readonly title: string;
  readonly lines: readonly string[];
  readonly color: string;
  readonly json: unknown;
}

/** The named receivers, in the order given (the model refused unknown names and SNS topics). */
export function messageReceivers(platform: Platform, names: readonly string[]): MessageReceiver[] {
  return names.flatMap((name) => {
    const receiver = platform.alerting.receivers.find((r) => r.name === name);
    return receiver && receiver.type !== "sns" ? [receiver] : [];
  });
}

export function urlSecretOf(receiver: ChatReceiver): SecretRef {
  return receiver.type === "webhook" ? receiver.urlSecret : receiver.webhookSecret;
}

/** The format a chat receiver gets, in words for a plan. */
function formatOf(type: Exclude<ChatReceiver["type"], "webhook">): string {
  return type === "slack" ? t`Slack message` : t`Teams MessageCard`;
}

/** "POST <URL from Secret mira-alerting/teams-webhook> (Teams MessageCard)": a delivery in a plan. */
export function deliveryCall(receiver: MessageReceiver, what: string): string {
  if (receiver.type === "email")
    return t`SMTP ${receiver.smarthost}: mail to ${receiver.to.join(", ")} from ${receiver.from} (${what})`;
  const ref = urlSecretOf(receiver);
  const format = receiver.type === "webhook" ? what : formatOf(receiver.type);
  return t`POST <URL from Secret ${ref.name}/${ref.key}> (${format})`;
}

export function chatPayload(receiver: ChatReceiver, message: Message): unknown {
  switch (receiver.type) {
    case "slack":
      return {
        channel: receiver.channel,
        text: [`*${message.title}*`, ...message.lines.map(slackEscape)].join("\n"),
      };
    case "teams":
      return {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        summary: `${message.title}: ${message.lines[0] ?? ""}`,
        title: message.title,
        themeColor: message.color,
        // A MessageCard's text is Markdown, where a single newline does not break the line.
        text: message.lines.join("\n\n"),
      };
    case "webhook":
      return message.json;
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
    throw new Error(t`could not post to receiver ${receiver}: ${why}`, { cause: err });
  }
  const text = await response.text().catch(() => "");
  if (!response.ok)
    throw new Error(t`receiver ${receiver} answered ${response.status}: ${text.slice(0, 200)}`);
  return response.status;
}

const SMTP_TIMEOUT_MS = 30_000;

/**
 * One plain-text mail through the receiver's own smarthost (the one Alertmanager's email_configs
 * use), with nodemailer: port 465 is TLS from the start; any other port upgrades with STARTTLS
 * when the server offers it, as Alertmanager does. nodemailer loads only when a mail is sent.
 */
export async function sendMail(
  receiver: EmailReceiver,
  password: Secret | undefined,
  mail: { readonly subject: string; readonly text: string },
  signal: AbortSignal,
): Promise<void> {
  const { createTransport } = await import("nodemailer");
  const [host, port] = receiver.smarthost.split(":") as [string, string];
  const transport = createTransport({
    host,
    port: Number(port),
    secure: port === "465",
    connectionTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
    ...(receiver.authUsername && {
      auth: { user: receiver.authUsername, pass: password?.reveal() ?? "" },
    }),
  });
  const abort = () => transport.close();
  signal.addEventListener("abort", abort);
  try {
    await transport.sendMail({
      from: receiver.from,
      to: receiver.to.join(", "),
      subject: mail.subject,
      text: mail.text,
    });
  } catch (err) {
    throw new Error(
      t`could not mail receiver ${receiver.name} through ${receiver.smarthost}: ${(err as Error).message}`,
      { cause: err },
    );
  } finally {
    signal.removeEventListener("abort", abort);
    transport.close();
  }
}

/** Sends `message` to one receiver, reading its Secrets through `secret`. */
export async function deliver(
  receiver: MessageReceiver,
  message: Message,
  mailText: string,
  step: { secret(ref: SecretRef, why: string): Promise<Secret>; signal: AbortSignal },
): Promise<void> {
  if (receiver.type === "email") {
    const password = receiver.authPasswordSecret
      ? await step.secret(
          receiver.authPasswordSecret,
          t`SMTP password of receiver ${receiver.name}`,
        )
      : undefined;
    const subject = `${message.title}: ${message.lines[0] ?? ""}`;
    await sendMail(receiver, password, { subject, text: mailText }, step.signal);
    return;
  }
  const url = await step.secret(urlSecretOf(receiver), t`webhook URL of receiver ${receiver.name}`);
  await postJson(receiver.name, url, chatPayload(receiver, message), step.signal);
}
