import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** Alertmanager's webhook payload (version 4), the fields tests read. */
export interface WebhookAlert {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
export interface WebhookNotification {
  receiver: string;
  status: "firing" | "resolved";
  alerts: WebhookAlert[];
}

export interface WebhookReceiver {
  readonly url: string;
  /** Every notification received so far, in order. */
  readonly notifications: WebhookNotification[];
  /** When each of them arrived (Date.now()), in the same order. */
  readonly receivedAt: number[];
  stop(): Promise<void>;
}

/** A local HTTP endpoint that records what Alertmanager's webhook_configs send it. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const notifications: WebhookNotification[] = [];
  const receivedAt: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      notifications.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as WebhookNotification);
      receivedAt.push(Date.now());
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    notifications,
    receivedAt,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
