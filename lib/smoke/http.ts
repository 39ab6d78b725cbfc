import type { SmokeExpect, SmokeRequest, SmokeRequestStep } from "../model/index.js";
import { maskSecrets, Secret } from "../secret.js";
import { printable } from "../user-text.js";
import { asText, valueAt } from "./json-path.js";
import { fill, fillJson, shown } from "./template.js";
import { t } from "../i18n/index.js";

/**
 * One HTTP request of a smoke flow: the line a plan prints for it (placeholders as `<name>`), the
 * request itself with the flow's values filled in, what its answer must show, and the values a
 * later step uses. Cookies an answer sets go back with the next requests to the same origin,
 * as a browser would, so a login that sets a session cookie (INATrace's `inatrace-accessToken`)
 * needs nothing more. Every captured value and cookie is a `Secret` from the moment it arrives.
 */

export interface FlowValues {
  /** Secrets' values, captures and runId, by name. */
  readonly values: Map<string, string>;
  /** Cookies by origin, then name. */
  readonly cookies: Map<string, Map<string, string>>;
}

export interface Answer {
  readonly status: number;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
  readonly durationMs: number;
}

/** `POST https://h/api/login json {"user":"<user>"}`: the request as a plan prints it. */
export function requestLine(request: SmokeRequest): string {
  const headers = Object.entries(request.headers).map(([k, v]) => `${k}: ${shown(v)}`);
  const body =
    request.json !== undefined
      ? `json ${shown(JSON.stringify(request.json))}`
      : request.form
        ? `form ${Object.entries(request.form)
            .map(([k, v]) => `${k}=${shown(v)}`)
            .join("&")}`
        : undefined;
  return [
    `${request.method} ${shown(request.url)}`,
    ...(headers.length > 0 ? [`[${headers.join("; ")}]`] : []),
    ...(body ? [body] : []),
  ].join(" ");
}

/** What the answer must show and what is kept from it, for the plan: "expect 200, token present". */
export function expectLine(step: SmokeRequestStep): string {
  const { expect } = step;
  const parts = [
    `expect ${expect.status}`,
    ...expect.json.map((c) =>
      c.equals !== undefined
        ? `${c.path} = ${shown(JSON.stringify(c.equals))}`
        : c.nonEmpty
          ? `${c.path} not empty`
          : `${c.path} present`,
    ),
    ...(expect.contains ? [`body contains ${JSON.stringify(expect.contains)}`] : []),
  ];
  const kept = Object.entries(step.capture).map(
    ([name, c]) => `${name} ← ${c.json}${c.secret ? " (secret)" : ""}`,
  );
  return `${parts.join(", ")}${kept.length > 0 ? `; capture ${kept.join(", ")}` : ""}`;
}

/** Sends `request` with the flow's values; a network failure or a timeout throws. */
export async function send(
  request: SmokeRequest,
  flow: FlowValues,
  signal: AbortSignal,
): Promise<Answer> {
  const url = new URL(fill(request.url, flow.values));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    headers[name.toLowerCase()] = fill(value, flow.values);
  const cookies = flow.cookies.get(url.origin);
  if (cookies?.size && !headers.cookie)
    headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  let body: string | undefined;
  if (request.json !== undefined) {
    body = JSON.stringify(fillJson(request.json, flow.values));
    headers["content-type"] ??= "application/json";
  } else if (request.form) {
    const form = Object.entries(request.form).map(([k, v]): [string, string] => [
      k,
      fill(v, flow.values),
    ]);
    body = new URLSearchParams(form).toString();
    headers["content-type"] ??= "application/x-www-form-urlencoded";
  }
  const started = performance.now();
  const response = await fetch(url, {
    method: request.method,
    headers,
    body,
    // The answer as the service gives it: a login that redirects is checked by its own status.
    redirect: "manual",
    signal: AbortSignal.any([signal, AbortSignal.timeout(request.timeoutMs)]),
  });
  keepCookies(flow, url.origin, response.headers.getSetCookie());
  const text = await response.text();
  return {
    status: response.status,
    text,
    json: parseJson(text),
    durationMs: Math.round(performance.now() - started),
  };
}

function keepCookies(flow: FlowValues, origin: string, setCookies: readonly string[]): void {
  for (const header of setCookies) {
    const pair = header.split(";", 1)[0]!;
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const [name, value] = [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
    const jar = flow.cookies.get(origin) ?? new Map<string, string>();
    flow.cookies.set(origin, jar);
    if (value === "" || /;\s*max-age=0\b/i.test(header)) {
      jar.delete(name);
      continue;
    }
    new Secret(value, `cookie ${name}`); // masked from here on
    jar.set(name, value);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Why the answer does not show what it must: each problem on its own, empty when it does. The
 * body of an answer with the wrong status is quoted (masked, cut short): it usually says why.
 */
export function answerProblems(
  answer: Answer,
  expect: SmokeExpect,
  values: ReadonlyMap<string, string>,
): string[] {
  if (answer.status !== expect.status) {
    const excerpt = printable(maskSecrets(answer.text.trim()), 200);
    return [t`HTTP ${answer.status}, expected ${expect.status}${excerpt ? `: ${excerpt}` : ""}`];
  }
  const problems: string[] = [];
  if (expect.json.length > 0 && answer.json === undefined)
    return [t`HTTP ${answer.status} but the answer is not JSON`];
  for (const check of expect.json) {
    const found = valueAt(answer.json, check.path);
    if (!found.found || found.value === null) {
      problems.push(t`${check.path} is missing from the answer`);
      continue;
    }
    if (check.nonEmpty && !isNonEmpty(found.value)) problems.push(t`${check.path} is empty`);
    if (check.equals !== undefined) {
      const wanted = typeof check.equals === "string" ? fill(check.equals, values) : check.equals;
      if (found.value !== wanted)
        problems.push(
          maskSecrets(
            t`${check.path} is ${JSON.stringify(found.value)}, expected ${JSON.stringify(wanted)}`,
          ),
        );
    }
  }
  if (expect.contains !== undefined && !answer.text.includes(expect.contains))
    problems.push(t`the body does not contain ${JSON.stringify(expect.contains)}`);
  return problems;
}

function isNonEmpty(value: unknown): boolean {
  if (Array.isArray(value) || typeof value === "string") return value.length > 0;
  if (value !== null && typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

/**
 * Keeps the step's captures in `values` (secret ones registered for masking first); returns the
 * problems, one per value the answer does not hold.
 */
export function captureValues(
  answer: Answer,
  step: SmokeRequestStep,
  values: Map<string, string>,
): string[] {
  const problems: string[] = [];
  for (const [name, capture] of Object.entries(step.capture)) {
    const found = valueAt(answer.json, capture.json);
    if (!found.found || found.value === null || found.value === undefined) {
      problems.push(t`capture ${name}: ${capture.json} is missing from the answer`);
      continue;
    }
    const text = asText(found.value);
    if (capture.secret) new Secret(text, `captured ${name}`);
    values.set(name, text);
  }
  return problems;
}
