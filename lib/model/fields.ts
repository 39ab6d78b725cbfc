import { z } from "zod";
import { CONTROL_CHARACTER, printable, quoted } from "../user-text.js";
import { CronSchedule } from "./cron.js";
import { Duration } from "./duration.js";

/**
 * Small zod building blocks shared by the model's sections: strict objects that name the keys they
 * accept, DNS names, cron expressions, durations and Secret references.
 */

/** An object that rejects unknown keys, suggesting the nearest allowed one (`scheduel` → `schedules`). */
export function strictObject<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? issue.keys.map((key) => unknownKeyMessage(key, allowed)).join("\n")
        : undefined,
  });
}

const SECRET_LOOKING_KEY = /(password|passwd|secret|token|apikey|api_key|webhook)$/i;

export function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const shown = printable(key, 40);
  if (SECRET_LOOKING_KEY.test(key)) {
    return `unknown key \`${shown}\`: secrets never go in a stack file; reference a Kubernetes Secret instead (e.g. \`${shown}Secret: { name, key }\`)`;
  }
  const nearest = closest(key, allowed);
  const hint = nearest ? ` (did you mean \`${nearest}\`?)` : "";
  return `unknown key \`${shown}\`${hint}; allowed here: ${allowed.join(", ")}`;
}

/** Longer than any key plus a typo: not worth the edit distance's time. */
const MAX_TYPO_LENGTH = 64;

/** The allowed key within edit distance 3 of `key`, if there is one. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  if (key.length > MAX_TYPO_LENGTH) return undefined;
  const scored = allowed.map((candidate) => ({
    candidate,
    distance: editDistance(key, candidate),
  }));
  scored.sort((a, b) => a.distance - b.distance);
  const best = scored[0];
  return best && best.distance <= 3 ? best.candidate : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * One line of text: a host, a user, a command, a name. Control characters are refused: a NUL
 * cuts a C string short (libpq would connect as someone else), and an escape sequence printed in
 * a plan or an alert rewrites the terminal of whoever reads it.
 */
export const line = z.string().refine(withoutControlCharacters, {
  abort: true,
  error: (issue) => `must not contain control characters, got ${quoted(issue.input)}`,
});

function withoutControlCharacters(value: string): boolean {
  return !CONTROL_CHARACTER.test(value);
}

/** Free text (a description): line breaks and tabs allowed, other control characters not. */
export const text = z
  .string()
  .refine((value) => withoutControlCharacters(value.replace(/[\n\t]/g, "")), {
    error: (issue) =>
      `must not contain control characters other than line breaks and tabs, got ${quoted(issue.input)}`,
  });

/** A DNS-1123 label: Kubernetes object names, namespaces, and our own names that end up in them. */
export const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
    error: (issue) =>
      `expected a lowercase DNS label (a-z, 0-9, "-"; starts and ends alphanumeric), got ${quoted(issue.input)}`,
  })
  .max(40, { error: "must be at most 40 characters (it becomes part of Kubernetes names)" });

/** How much of a parser's own message about a value a problem repeats. */
const MAX_PROBLEM = 160;

/** A DNS-1123 subdomain, as Kubernetes object names such as a StorageClass's are. */
export const dnsSubdomain = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
    error: (issue) =>
      `expected a lowercase DNS name (a-z, 0-9, "-" and "."), got ${quoted(issue.input)}`,
  });

/** A Kubernetes label name: an optional DNS-subdomain prefix and "/", then at most 63 characters. */
export const LABEL_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A Kubernetes label value: empty, or at most 63 of A-Z a-z 0-9 - _ . starting and ending alphanumeric. */
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** Labels guardia puts on objects as they are: they must be labels the API server accepts. */
export const labels = z.record(
  z.string().regex(LABEL_NAME, {
    error: (issue) =>
      `expected a Kubernetes label name (e.g. release or app.kubernetes.io/part-of), got ${quoted(issue.input)}`,
  }),
  z.string().regex(LABEL_VALUE, {
    error: (issue) =>
      `expected a Kubernetes label value (at most 63 of A-Z, a-z, 0-9, "-", "_", "."; starts and ends alphanumeric), got ${quoted(issue.input)}`,
  }),
);

/**
 * An IANA time zone, as the CronJob controller (Go's time package) reads it. Node's Intl knows the
 * same database but forgives case, which Go does not: "america/santiago" is refused by name.
 */
export const timeZone = z.string().superRefine((zone, ctx) => {
  let resolved: string | undefined;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    resolved = undefined;
  }
  if (resolved === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `expected an IANA time zone such as "UTC" or "America/Santiago", got ${quoted(zone)}`,
    });
  } else if (resolved !== zone && resolved.toLowerCase() === zone.toLowerCase()) {
    ctx.addIssue({ code: "custom", message: `time zones are case-sensitive: write "${resolved}"` });
  }
});

/** A five-field cron expression, checked by cron-parser. */
export const cron = z.string().superRefine((expression, ctx) => {
  const problem = CronSchedule.problem(expression);
  if (problem)
    ctx.addIssue({
      code: "custom",
      message: `invalid cron ${quoted(expression)}: ${printable(problem, MAX_PROBLEM)}`,
    });
});

/**
 * The directory a file:// destination names: `file:///backups/mira/` → `/backups/mira`, dot
 * segments and %-escapes resolved as URLs do. Undefined when an escape is malformed (`%zz`).
 */
export function fileUrlPath(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).pathname).replace(/\/+$/, "") || "/";
  } catch {
    return undefined;
  }
}

/** A Prometheus duration such as "15m". */
export const duration = z.string().superRefine((text, ctx) => {
  const problem = Duration.problem(text);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** A reference to one key of a Kubernetes Secret in the stack's namespace. */
export const secretRef = strictObject({
  /** Secret name. */
  name: dnsLabel,
  /** Key inside the Secret's data. */
  key: z
    .string()
    .regex(/^[-._a-zA-Z0-9]+$/, { error: "expected a Secret data key ([-._a-zA-Z0-9]+)" }),
  /** Environment variable that holds the value when a runbook runs outside the cluster. */
  env: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, { error: "expected an environment variable name (A-Z, 0-9, _)" })
    .optional(),
});
export type SecretRef = z.infer<typeof secretRef>;

/** A fraction in (0, 1): availability targets such as 0.995. */
export const ratio = z
  .number()
  .gt(0, { error: "must be greater than 0 (a fraction such as 0.995)" })
  .lt(1, {
    error: "must be less than 1 (a fraction such as 0.995; 1 would leave no error budget)",
  });

export const positiveInt = (what: string) =>
  z
    .number()
    .int({ error: `${what} must be a whole number` })
    .min(1, { error: (issue) => `${what} (${quoted(issue.input)}) must be at least 1` });

export const priority = z.enum(["P1", "P2", "P3", "P4"]);
export type Priority = z.infer<typeof priority>;

export const httpUrl = z
  .url({
    protocol: /^https?$/,
    error: (issue) =>
      issue.input === undefined ? undefined : `expected an http(s) URL, got ${quoted(issue.input)}`,
  })
  .refine(withoutControlCharacters, {
    error: (issue) => `must not contain control characters, got ${quoted(issue.input)}`,
  });
