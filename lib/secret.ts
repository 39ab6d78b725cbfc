import { inspect } from "node:util";

/**
 * A secret value that cannot be printed by accident: String(), JSON.stringify and console.log
 * all show "[secret:<label>]". Every value ever wrapped is remembered so that `maskSecrets` can
 * scrub it (and its base64 form, as Kubernetes stores it) from any text before it is written.
 */
const knownValues = new Set<string>();

/** Shorter values would turn masking into noise ("a" everywhere); such secrets are too weak anyway. */
const MIN_MASKED_LENGTH = 4;
export const MASK = "********";

export class Secret {
  readonly #value: string;

  constructor(
    value: string,
    /** What it is, for messages: "password of database mira". */
    readonly label: string,
  ) {
    this.#value = value;
    rememberSecret(value);
  }

  /** The plain value: only for a child process's environment or a client library's config. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return `[secret:${this.label}]`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** Masks `value` from now on, though it was never wrapped: a secret the run has not read yet. */
export function rememberSecret(value: string): void {
  if (value.length < MIN_MASKED_LENGTH) return;
  knownValues.add(value);
  knownValues.add(Buffer.from(value).toString("base64"));
  knownValues.add(encodeURIComponent(value));
}

/** Replaces every known secret value in `text`, longest first so no fragment survives. */
export function maskSecrets(text: string): string {
  if (knownValues.size === 0) return text;
  let masked = text;
  for (const value of [...knownValues].sort((a, b) => b.length - a.length)) {
    if (masked.includes(value)) masked = masked.split(value).join(MASK);
  }
  return masked;
}

/**
 * Masks secrets inside any JSON-able value (audit records, --json results), string by string:
 * masking the serialized text instead would miss a password with quotes or backslashes (JSON
 * escapes them) and could corrupt numbers that happen to contain a short secret.
 */
export function maskDeep<T>(value: T): T {
  return maskValue(JSON.parse(JSON.stringify(value) ?? "null")) as T;
}

function maskValue(value: unknown): unknown {
  if (typeof value === "string") return maskSecrets(value);
  if (Array.isArray(value)) return value.map(maskValue);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [maskSecrets(k), maskValue(v)]));
}

/** True when `text` contains a known secret value: such text must never become a command argument. */
export function containsSecret(text: string): boolean {
  for (const value of knownValues) if (text.includes(value)) return true;
  return false;
}
