import { maskSecrets, type Secret } from "../secret.js";
import { t } from "../i18n/index.js";

/**
 * The NocoBase HTTP API as guardia uses it: every call is data first (method, path, body and a
 * one-line summary), so a plan prints exactly the calls a run sends. The API key travels in the
 * Authorization header only; error messages are masked.
 */

export interface ApiCall {
  readonly method: "GET" | "POST";
  /** Path under the API base, with its query: "collections/pacientes/fields:create". */
  readonly path: string;
  readonly body?: unknown;
  /** What the body holds, for plans: "pacientes: id, createdAt, rut". */
  readonly summary?: string;
}

/** "POST /api/collections:create pacientes: id, rut": one line of a plan. */
export function callLine(apiUrl: string, call: ApiCall): string {
  const base = new URL(apiUrl).pathname.replace(/\/+$/, "");
  return `${call.method} ${base}/${call.path}${call.summary ? ` ${call.summary}` : ""}`;
}

/** A call NocoBase answered with an error status, or did not answer. */
export class NocoBaseError extends Error {
  override name = "NocoBaseError";
  constructor(
    readonly call: ApiCall,
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

export interface NocoBase {
  readonly apiUrl: string;
  /** Sends one call and returns the response's `data`. */
  send<T = unknown>(call: ApiCall, signal?: AbortSignal): Promise<T>;
}

/** Long enough for `collections:create`, which alters tables and reloads NocoBase's models. */
const CALL_TIMEOUT_MS = 120_000;

export function nocobaseClient(apiUrl: string, token: Secret | undefined): NocoBase {
  const base = apiUrl.replace(/\/+$/, "");
  return {
    apiUrl: base,
    async send<T>(call: ApiCall, signal?: AbortSignal): Promise<T> {
      const line = callLine(base, { method: call.method, path: call.path });
      const timeout = AbortSignal.timeout(CALL_TIMEOUT_MS);
      let res: Response;
      try {
        res = await fetch(`${base}/${call.path}`, {
          method: call.method,
          headers: {
            ...(token && { authorization: `Bearer ${token.reveal()}` }),
            ...(call.body !== undefined && { "content-type": "application/json" }),
          },
          ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (err) {
        const why = (err as Error).cause ?? err;
        throw new NocoBaseError(call, undefined, t`${line}: no answer (${String(why)})`);
      }
      const text = await res.text();
      if (!res.ok) {
        throw new NocoBaseError(call, res.status, `${line}: HTTP ${res.status}: ${reason(text)}`);
      }
      try {
        return (text ? (JSON.parse(text) as { data: T }).data : undefined) as T;
      } catch {
        throw new NocoBaseError(call, res.status, t`${line}: not JSON: ${text.slice(0, 200)}`);
      }
    },
  };
}

/** NocoBase's own message ("errors": [{ "message" }]) when it gives one, else the body's start. */
function reason(text: string): string {
  try {
    const body = JSON.parse(text) as { errors?: { message?: string }[] };
    const messages = (body.errors ?? []).map((e) => e.message).filter(Boolean);
    if (messages.length > 0) return maskSecrets(messages.join("; "));
  } catch {
    // Not JSON (a proxy's error page): the text itself says more.
  }
  return maskSecrets(text.slice(0, 300).trim() || "(empty body)");
}

/** `GET /app:getInfo`: the version NocoBase answers with ("2.2.15"). */
export async function serverVersion(api: NocoBase, signal?: AbortSignal): Promise<string> {
  const info = await api.send<{ version?: string }>(READ.info, signal);
  if (!info?.version) throw new Error(t`${api.apiUrl}/app:getInfo did not name a version`);
  return info.version;
}

const name = (collection: string) => encodeURIComponent(collection);

/** The read calls, as data too: a plan's read steps name them. */
export const READ = {
  info: { method: "GET", path: "app:getInfo" },
  collections: { method: "GET", path: "collections:list?paginate=false&sort=sort" },
  collectionsWithFields: {
    method: "GET",
    path: "collections:list?paginate=false&sort=sort&appends[]=fields",
  },
  /** An unknown name answers `data: null`. */
  collection: (collection: string): ApiCall => ({
    method: "GET",
    path: `collections:get?filterByTk=${name(collection)}`,
  }),
  fields: (collection: string): ApiCall => ({
    method: "GET",
    path: `collections/${name(collection)}/fields:list?paginate=false&sort=sort`,
  }),
  records: (collection: string, appends?: string): ApiCall => ({
    method: "GET",
    path: `${name(collection)}:list?pageSize=1${appends ? `&appends[]=${name(appends)}` : ""}`,
  }),
} as const satisfies Record<string, ApiCall | ((...args: string[]) => ApiCall)>;

export const WRITE = {
  createCollection: (body: unknown, summary: string): ApiCall => ({
    method: "POST",
    path: "collections:create",
    body,
    summary,
  }),
  createField: (collection: string, body: unknown, summary: string): ApiCall => ({
    method: "POST",
    path: `collections/${name(collection)}/fields:create`,
    body,
    summary,
  }),
  destroyCollection: (collection: string): ApiCall => ({
    method: "POST",
    path: `collections:destroy?filterByTk=${name(collection)}`,
  }),
  destroyField: (collection: string, field: string): ApiCall => ({
    method: "POST",
    path: `collections/${name(collection)}/fields:destroy?filterByTk=${name(field)}`,
  }),
} as const;
