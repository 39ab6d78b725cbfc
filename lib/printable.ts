/**
 * Text that came from a user, a stack file or a manifest, made safe to print: control characters
 * (C0 and C1, DEL) and the bidirectional overrides that reorder what a terminal shows are written
 * as escapes (\x1b, \u202e, \n), so such text can never clear a screen, set a title or forge a line.
 */

// Controls (Cc: C0, DEL, C1) and the bidi embeddings, overrides and isolates.
const UNSAFE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

const NAMED: Record<string, string> = { "\n": "\\n", "\t": "\\t", "\r": "\\r" };

function escape(char: string): string {
  if (NAMED[char]) return NAMED[char];
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`;
}

/** Multi-line text (a plan, an error): newlines and tabs stay, every other control is escaped. */
export function printable(text: string): string {
  return text.replace(UNSAFE, (char) => (char === "\n" || char === "\t" ? char : escape(char)));
}

/** One line (a table cell): newlines and tabs are escaped too, and at most `max` characters. */
export function printableLine(text: string, max = 200): string {
  const line = text.replace(UNSAFE, escape);
  return line.length > max ? `${line.slice(0, max)}… (${text.length} characters)` : line;
}
