/**
 * Text that came from a user, a stack file or a manifest, made safe to print inside a message:
 * control characters (which can clear a screen, retitle a terminal or forge a line) become
 * visible escapes, and a long value is cut, so an error about a 100 KB value stays one line.
 */

/** How much of a value a message repeats. */
export const MAX_QUOTED = 80;

/** C0 and C1 control characters and DEL: none of them belongs in a name, a host or a flag. */
export const CONTROL_CHARACTER = /\p{Cc}/u;
/**
 * Those, the Unicode line and paragraph separators (which end a line like `\n` does), and the
 * bidirectional embeddings, overrides and isolates (which reorder what a terminal shows).
 */
const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** `text` with every control character as an escape (`\n`, `\u001b`), cut to `max` characters. */
export function printable(text: string, max = Number.POSITIVE_INFINITY): string {
  return cut(text, max).replace(CONTROL_CHARACTERS, escape);
}

/** Multi-line text (a plan, an error): newlines and tabs stay, every other control is escaped. */
export function printableText(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => (c === "\n" || c === "\t" ? c : escape(c)));
}

function escape(c: string): string {
  return NAMED[c] ?? `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`;
}

/**
 * A value as a message quotes it: JSON (strings in double quotes), at most `max` characters of
 * it, control characters escaped. Never throws (a YAML alias can make a value refer to itself).
 */
export function quoted(value: unknown, max = MAX_QUOTED): string {
  if (typeof value === "string") return printable(JSON.stringify(cut(value, max)));
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  return printable(json ?? String(value), max);
}

/** The first `max` characters (code points, so no emoji is split) and "…" when there were more. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  // Code points take one or two code units: 2 * max units hold at least `max` of them.
  const head = [...text.slice(0, 2 * max)];
  return head.length > max || text.length > 2 * max ? `${head.slice(0, max).join("")}…` : text;
}
