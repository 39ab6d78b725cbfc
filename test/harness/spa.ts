import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { startHttpServer, type HttpServer } from "./http.js";

/**
 * A small single-page app on loopback, like the INATrace frontend: the page is an empty shell
 * with a login form, and the dashboard appears only after its script has logged in
 * (`POST /api/login`) and fetched the summary (`GET /api/summary`, bearer token). A test breaks
 * the script (a bundle that throws, still served with 200) or the summary endpoint, and the
 * shell keeps answering 200, as a broken Angular or React build does.
 */

export interface SpaServer {
  readonly url: string;
  /** Every token `/api/login` handed out: none may appear in any output. */
  readonly tokens: readonly string[];
  /** What the next requests get: the working app, a script that throws, or a failing API. */
  mode: "ok" | "broken-script" | "broken-api";
  stop(): Promise<void>;
}

const PAGE = `<!doctype html>
<html><head><title>Trace</title><script src="/app.js" defer></script></head>
<body>
  <form id="login" onsubmit="return false">
    <input id="username" name="username"><input id="password" name="password" type="password">
    <button id="sign-in" type="button">Sign in</button>
  </form>
  <main id="root"></main>
</body></html>`;

const SCRIPT = `
async function signIn() {
  const credentials = {
    username: document.getElementById("username").value,
    password: document.getElementById("password").value,
  };
  const login = await fetch("/api/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(credentials),
  });
  if (!login.ok) throw new Error("login refused: HTTP " + login.status);
  const { token } = await login.json();
  const summary = await fetch("/api/summary", { headers: { authorization: "Bearer " + token } });
  if (!summary.ok) throw new Error("summary failed: HTTP " + summary.status);
  const { products } = await summary.json();
  document.getElementById("login").hidden = true;
  document.getElementById("root").innerHTML =
    '<section id="dashboard"><h1>Dashboard</h1><p>' + products + " products</p></section>";
}
document.getElementById("sign-in").addEventListener("click", () => {
  signIn().catch((err) => console.error(err.message));
});
`;

/** A bundle built wrong: it calls what it never defined, so nothing is wired. */
const BROKEN_SCRIPT = `const api = createApiClient("/api");\n${SCRIPT}`;

export async function startSpa(username: string, password: string): Promise<SpaServer> {
  const tokens: string[] = [];
  const body = async (req: IncomingMessage) => {
    let text = "";
    for await (const chunk of req) text += String(chunk);
    return text;
  };
  const send = (res: ServerResponse, status: number, type: string, content: string) =>
    void res.writeHead(status, { "content-type": type }).end(content);
  const spa: { server?: HttpServer } & Omit<SpaServer, "url" | "stop"> = { tokens, mode: "ok" };
  spa.server = await startHttpServer((req, res) => {
    const route = `${req.method} ${req.url}`;
    if (route === "GET /app.js")
      return send(
        res,
        200,
        "text/javascript",
        spa.mode === "broken-script" ? BROKEN_SCRIPT : SCRIPT,
      );
    if (route === "POST /api/login")
      return void body(req).then((text) => {
        const given = JSON.parse(text || "{}") as { username?: string; password?: string };
        if (given.username !== username || given.password !== password)
          return send(res, 401, "application/json", '{"error":"bad credentials"}');
        const token = randomBytes(16).toString("hex");
        tokens.push(token);
        send(res, 200, "application/json", JSON.stringify({ token }));
      });
    if (route === "GET /api/summary") {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      if (!token || !tokens.includes(token)) return send(res, 401, "application/json", "{}");
      if (spa.mode === "broken-api") return send(res, 500, "application/json", '{"error":"db"}');
      return send(res, 200, "application/json", '{"products":12}');
    }
    if (req.method === "GET") return send(res, 200, "text/html", PAGE);
    send(res, 404, "text/plain", "not found");
  });
  const server = spa.server;
  return Object.assign(spa, { url: server.url, stop: () => server.stop() }) as SpaServer;
}
