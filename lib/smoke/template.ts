/**
 * The `${name}` placeholders of smoke flows: a flow's secret, a value an earlier step captured, or
 * `runId`. A plan shows each as `<name>`, the run fills it in; so the plan prints the request that
 * runs, with every value known only at run time (and every secret) as its name.
 */

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** A short random id of this run, for the names of what a writing step creates. */
export const RUN_ID = "runId";

/** The names `text` refers to, in order, without repeats. */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** Every string inside a JSON value, for placeholders in a body. */
export function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/** `text` with each placeholder replaced by its value; a name without one is an error. */
export function fill(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = values.get(name);
    if (value === undefined) throw new Error(`no value for \${${name}}`);
    return value;
  });
}

/** A JSON value with placeholders filled in every string (keys stay as written). */
export function fillJson(value: unknown, values: ReadonlyMap<string, string>): unknown {
  if (typeof value === "string") return fill(value, values);
  if (Array.isArray(value)) return value.map((v) => fillJson(v, values));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillJson(v, values)]));
  return value;
}

/** `Token ${token}` → `Token <token>`: how plans print a value known only at run time. */
export function shown(text: string): string {
  return text.replace(PLACEHOLDER, (_, name: string) => `<${name}>`);
}

/**
 * Why `url` is not a usable smoke URL, or undefined. Placeholders may sit in the path and the
 * query only: the scheme and host must be known when the plan is printed, since that is where
 * the run sends credentials.
 */
export function smokeUrlProblem(url: string): string | undefined {
  const origin = /^https?:\/\/[^/?#]*/.exec(url)?.[0];
  if (!origin) return "expected an http(s) URL";
  if (origin.includes("${")) return "the scheme and host may not hold a placeholder";
  if (/\$\{(?![A-Za-z_][A-Za-z0-9_]*\})/.test(url)) return "a placeholder is `${name}`";
  try {
    new URL(url.replace(PLACEHOLDER, "x"));
    return undefined;
  } catch {
    return "expected an http(s) URL";
  }
}
