import type { Secret } from "../secret.js";
import type { EmailReceiver } from "./notify.js";
import { countsLine, reportMarkdown, reportTitle, type RoutineReport } from "./report.js";

/**
 * The report by e-mail, through the receiver's own smarthost (the one Alertmanager's
 * email_configs use), with nodemailer: the Markdown report as the plain-text body. Port 465 is
 * TLS from the start; any other port upgrades with STARTTLS when the server offers it, as
 * Alertmanager does. nodemailer loads only when a report is mailed.
 */

const SMTP_TIMEOUT_MS = 30_000;

export async function sendReportMail(
  receiver: EmailReceiver,
  password: Secret | undefined,
  report: RoutineReport,
  reportUrl: string | undefined,
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
      subject: `${reportTitle(report)}: ${countsLine(report)}`,
      text: `${reportMarkdown(report)}${reportUrl ? `\nFull report: ${reportUrl}\n` : ""}`,
    });
  } catch (err) {
    throw new Error(
      `could not mail receiver ${receiver.name} through ${receiver.smarthost}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  } finally {
    signal.removeEventListener("abort", abort);
    transport.close();
  }
}
