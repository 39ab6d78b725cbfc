import type { IncomingMessage, ServerResponse } from "node:http";
import { startHttpServer, type HttpServer } from "../harness/http.js";

/**
 * A fake of GitHub's REST API (GitHub cannot run here): the three calls a PR comment job makes,
 * listing, creating and updating an issue's comments, behind a bearer token.
 */

export interface Comment {
  readonly id: number;
  body: string;
}

export interface GitHubApiFake {
  readonly server: HttpServer;
  readonly comments: Comment[];
  /** "METHOD /path" of every request, and whether it carried the token. */
  readonly calls: { readonly call: string; readonly authorized: boolean }[];
}

const LIST_OR_CREATE = /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments(\?.*)?$/;
const UPDATE = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/;

export async function startGitHubApiFake(token: string): Promise<GitHubApiFake> {
  const comments: Comment[] = [];
  const calls: GitHubApiFake["calls"][number][] = [];
  const send = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const authorized = req.headers.authorization === `Bearer ${token}`;
    calls.push({ call: `${req.method} ${req.url}`, authorized });
    if (!authorized) return send(res, 401, { message: "Bad credentials" });
    const url = req.url ?? "";
    if (req.method === "GET" && LIST_OR_CREATE.test(url)) return send(res, 200, comments);
    const body = (await readJson(req)) as { body?: string };
    if (req.method === "POST" && LIST_OR_CREATE.test(url)) {
      const comment = { id: 1000 + comments.length, body: body.body ?? "" };
      comments.push(comment);
      return send(res, 201, comment);
    }
    const existing = comments.find((c) => c.id === Number(UPDATE.exec(url)?.[1]));
    if (req.method === "PATCH" && existing) {
      existing.body = body.body ?? "";
      return send(res, 200, existing);
    }
    return send(res, 404, { message: "Not Found" });
  };
  const server = await startHttpServer((req, res) => void handle(req, res));
  return { server, comments, calls };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = "";
  for await (const chunk of req) text += String(chunk);
  return JSON.parse(text || "{}") as unknown;
}
