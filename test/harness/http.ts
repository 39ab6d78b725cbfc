import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A real HTTP server on loopback whose behaviour a test sets: healthy, failing, or hanging. */
export interface HttpServer {
  readonly url: string;
  /** Requests seen so far, by path. */
  readonly requests: string[];
  stop(): Promise<void>;
}

export type Behaviour =
  "ok" | "error" | "hang" | ((req: IncomingMessage, res: ServerResponse) => void);

export async function startHttpServer(behaviour: Behaviour): Promise<HttpServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? "/");
    if (typeof behaviour === "function") return behaviour(req, res);
    if (behaviour === "ok") return void res.writeHead(200).end("ok");
    if (behaviour === "error") return void res.writeHead(500).end("boom");
    // "hang": accept the request and never answer.
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
