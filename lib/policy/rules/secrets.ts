import { parse } from "yaml";
import { isRecord, type Finding, type PolicyFile, type PolicyInput } from "../input.js";

/**
 * No secret value in rendered output: every string outside a Secret's data is checked for the
 * shapes of known credentials and for high-entropy tokens; Alertmanager receivers must read their
 * URLs and keys from mounted files. Messages say what kind of value was found, never the value.
 */

const KNOWN_SHAPES: readonly [RegExp, string][] = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{22,}/, "a GitHub token"],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, "a Slack token"],
  [/hooks\.slack\.com\/(services|workflows)\/[A-Za-z0-9/_-]{20,}/, "a Slack webhook URL"],
  [/webhook\.office\.com\/webhookb2\/|outlook\.office\.com\/webhook\//, "a Teams webhook URL"],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, "a Google API key"],
  [/\b[rs]k_live_[0-9A-Za-z]{20,}/, "a Stripe key"],
  [/\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, "a JSON Web Token"],
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s:/@]+@/i, "a password inside a URL"],
];

/**
 * Random tokens: 20+ characters of base64/base64url (split at "/", so paths and type tokens fall
 * apart into words), with upper and lower case and digits, and 4+ bits of entropy a character.
 * Identifiers (camelCase words) lack the digits; ids in hex lack the mixed case.
 */
const TOKEN = /[A-Za-z0-9+=_-]{20,}/g;
const MIN_ENTROPY_BITS = 4;
const AT_LEAST_TWO = { lower: /[a-z].*[a-z]/, upper: /[A-Z].*[A-Z]/, digit: /[0-9].*[0-9]/ };

/** What kind of secret `text` seems to hold, or undefined. */
export function secretShape(text: string): string | undefined {
  for (const [pattern, kind] of KNOWN_SHAPES) if (pattern.test(text)) return kind;
  const tokens = text.match(TOKEN) ?? [];
  return tokens.some(isHighEntropy) ? "a high-entropy string (a key or token?)" : undefined;
}

function isHighEntropy(token: string): boolean {
  if (!Object.values(AT_LEAST_TWO).every((pattern) => pattern.test(token))) return false;
  return shannonEntropy(token) >= MIN_ENTROPY_BITS;
}

export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

const isSecretObject = (f: PolicyFile) => f.type === "kubernetes:core/v1:Secret";

/** Every string leaf of a rendered file with its YAML path; a Secret's data and stringData are skipped. */
function stringLeaves(file: PolicyFile): [string, string][] {
  const leaves: [string, string][] = [];
  const walk = (value: unknown, field: string) => {
    if (typeof value === "string") leaves.push([field, value]);
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${field}[${i}]`));
    else if (isRecord(value))
      for (const [k, v] of Object.entries(value)) walk(v, field ? `${field}.${k}` : k);
  };
  const content = isSecretObject(file)
    ? Object.fromEntries(
        Object.entries(file.content).filter(([k]) => k !== "data" && k !== "stringData"),
      )
    : file.content;
  walk(content, "");
  return leaves;
}

export function noPlaintextSecret(input: PolicyInput): Finding[] {
  return input.files.flatMap((file) =>
    stringLeaves(file).flatMap(([field, value]) => {
      const kind = secretShape(value);
      return kind
        ? [
            {
              rule: "no-plaintext-secret" as const,
              resource: file.resource,
              field,
              message: `${field} holds ${kind}`,
            },
          ]
        : [];
    }),
  );
}

/** Receiver fields that carry a credential; each has a `*_file` twin Alertmanager reads instead. */
const INLINE_CREDENTIALS = new Set([
  "api_url",
  "webhook_url",
  "url",
  "auth_password",
  "auth_secret",
  "routing_key",
  "service_key",
  "api_key",
  "bot_token",
  "token",
  "user_key",
  "password",
  "credentials",
  "bearer_token",
]);

const ALERTMANAGER_KEY = /^alertmanager\.ya?ml$/;

export function receiverSecretByReference(input: PolicyInput): Finding[] {
  return input.files.flatMap((file) =>
    alertmanagerConfigs(file).flatMap(({ key, config }) =>
      inlineCredentials(config.receivers, "receivers").map((field) => ({
        rule: "receiver-secret-by-reference" as const,
        resource: file.resource,
        field: `${key}: ${field}`,
        message: `${field} is written inline; use its *_file twin`,
      })),
    ),
  );
}

/** Alertmanager configurations a Secret or ConfigMap carries (a Secret's `data` is base64). */
function alertmanagerConfigs(file: PolicyFile): { key: string; config: Record<string, unknown> }[] {
  if (!/^kubernetes:core\/v1:(Secret|ConfigMap)$/.test(file.type)) return [];
  return (["stringData", "data"] as const).flatMap((section) =>
    Object.entries(isRecord(file.content[section]) ? file.content[section] : {})
      .filter(([key, value]) => ALERTMANAGER_KEY.test(key) && typeof value === "string")
      .flatMap(([key, value]) => {
        const text =
          section === "data" && isSecretObject(file)
            ? Buffer.from(value as string, "base64").toString("utf8")
            : (value as string);
        try {
          const config: unknown = parse(text);
          return isRecord(config) ? [{ key: `${section}.${key}`, config }] : [];
        } catch {
          return [];
        }
      }),
  );
}

function inlineCredentials(value: unknown, field: string): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => inlineCredentials(v, `${field}[${i}]`));
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([k, v]) =>
    INLINE_CREDENTIALS.has(k) && v !== "" && v !== null
      ? [`${field}.${k}`]
      : inlineCredentials(v, `${field}.${k}`),
  );
}
