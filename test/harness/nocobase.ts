import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.js";
import type { PgServer } from "./postgres.js";
import { run, startProcess, type LongRunning } from "./process.js";
import { repoRoot } from "./tools.js";

/**
 * A real NocoBase server (open-source edition) as the MIRA platform runs it: the app that
 * scripts/install-nocobase.sh installed into .tools/nocobase/app, installed into a fresh database of
 * a throwaway PostgreSQL and started on loopback. Its own settings file holds placeholders only;
 * everything that matters comes from the environment here.
 */

export const NOCOBASE_APP = join(repoRoot, ".tools", "nocobase", "app");

export interface NocoBaseServer {
  /** API base, e.g. http://127.0.0.1:PORT/api */
  readonly apiUrl: string;
  /** The root user's sign-in token (a JWT valid for a day). */
  readonly token: string;
  /** The database NocoBase keeps its collections and records in. */
  readonly database: string;
  /** GET/POST an action of the API as root, e.g. api("POST", "collections:create", {...}). */
  api<T = unknown>(method: "GET" | "POST", action: string, body?: unknown): Promise<T>;
  outputTail(): string;
  stop(): Promise<void>;
}

/** The root account `nocobase install` creates (a test signs in with it as a smoke user would). */
export const ROOT = {
  email: "admin@example.org",
  username: "admin",
  password: "guardia-test-root",
};

export function nocobaseInstalled(): boolean {
  return existsSync(join(NOCOBASE_APP, "node_modules", ".bin", "nocobase"));
}

export async function startNocoBase(pg: PgServer, database = "nocobase"): Promise<NocoBaseServer> {
  if (!nocobaseInstalled())
    throw new Error(
      `NocoBase is not installed in ${NOCOBASE_APP}; run scripts/install-nocobase.sh`,
    );
  await pg.createDatabase(database);
  const port = await freePort();
  // NocoBase's CLI hands a command to whatever server listens on its IPC socket, by default
  // storage/gateway.sock inside the shared install: `nocobase install` would then install
  // nothing here and answer for another test's server. Each server gets a socket of its own.
  const own = mkdtempSync(join(tmpdir(), "guardia-nocobase-"));
  const env = {
    ...process.env,
    SOCKET_PATH: join(own, "gateway.sock"),
    APP_ENV: "production",
    APP_HOST: "127.0.0.1",
    APP_PORT: String(port),
    APP_LAUNCH_MODE: "node",
    DISABLE_PKG_DOWNLOAD: "true",
    DB_DIALECT: "postgres",
    DB_HOST: "127.0.0.1",
    DB_PORT: String(pg.port),
    DB_DATABASE: database,
    DB_USER: pg.user,
    DB_PASSWORD: pg.password,
    INIT_ROOT_EMAIL: ROOT.email,
    INIT_ROOT_USERNAME: ROOT.username,
    INIT_ROOT_PASSWORD: ROOT.password,
  };
  const yarn = join(NOCOBASE_APP, "node_modules", ".bin", "nocobase");
  const removeOwn = () => rmSync(own, { recursive: true, force: true });
  let server: LongRunning;
  const apiUrl = `http://127.0.0.1:${port}/api`;
  try {
    // About a minute alone; on two cores shared with other suites it took over three, three
    // times in a row, so the limit is the hook's own less the start below.
    await run(yarn, ["install", "--lang=en-US"], { cwd: NOCOBASE_APP, env, timeoutMs: 420_000 });
    server = await startProcess({
      name: "nocobase",
      cmd: yarn,
      args: ["start"],
      cwd: NOCOBASE_APP,
      env,
      timeoutMs: 120_000,
      ready: async () => (await fetch(`${apiUrl}/__health_check`)).ok,
    });
  } catch (err) {
    removeOwn();
    throw err;
  }
  const stop = async () => {
    await server.stop();
    removeOwn();
  };
  try {
    const token = await signIn(apiUrl);
    return {
      apiUrl,
      token,
      database,
      ...client(apiUrl, token),
      outputTail: server.outputTail,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function signIn(apiUrl: string): Promise<string> {
  const res = await fetch(`${apiUrl}/auth:signIn`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-authenticator": "basic" },
    body: JSON.stringify({ account: ROOT.username, password: ROOT.password }),
  });
  const body = (await res.json()) as { data?: { token?: string } };
  if (!res.ok || !body.data?.token)
    throw new Error(`NocoBase sign-in failed (HTTP ${res.status}): ${JSON.stringify(body)}`);
  return body.data.token;
}

function client(apiUrl: string, token: string): Pick<NocoBaseServer, "api"> {
  return {
    async api<T>(method: "GET" | "POST", action: string, body?: unknown): Promise<T> {
      const res = await fetch(`${apiUrl}/${action}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`NocoBase ${method} ${action}: HTTP ${res.status}: ${text}`);
      return (text ? (JSON.parse(text) as { data: T }).data : undefined) as T;
    },
  };
}
