import { UsageError } from "../errors.js";
import { quoted } from "../user-text.js";
import { DEFAULTS } from "../model/defaults.js";
import { SPANISH } from "./es/index.js";

/**
 * The operators' language. guardia's texts are written in English in the code, inside the `t`
 * tag; the English text is the key of its translation, so the code stays readable and a changed
 * text without a new translation fails test/i18n/catalogue.test.ts. Machine-readable output —
 * JSON keys, exit codes, labels, metric names — never goes through here.
 */

export const LANGUAGES = ["en", "es"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language but English: the English text (literal parts joined by `{0}`, `{1}`...) → text. */
export type Catalogue = Readonly<Record<string, string>>;
const CATALOGUES: Readonly<Record<Exclude<Language, "en">, Catalogue>> = { es: SPANISH };

let current: Language = DEFAULTS.language;

/** The language `t` writes in from now on (the CLI sets it once the stack is read). */
export function setLanguage(language: Language): void {
  current = language;
}

export function currentLanguage(): Language {
  return current;
}

/** `t\`Stopped ${n} workloads\`` in the current language. */
export function t(strings: TemplateStringsArray, ...values: readonly unknown[]): string {
  return translate(current, strings, values);
}

/** A `t` for one language, whatever the current one is: rendering writes each stack's own. */
export function tr(language: Language) {
  return (strings: TemplateStringsArray, ...values: readonly unknown[]): string =>
    translate(language, strings, values);
}

/** The key a template's translation is filed under: its literal parts joined by `{0}`, `{1}`... */
export function messageKey(parts: readonly string[]): string {
  return parts.reduce((key, part, i) => (i === 0 ? part : `${key}{${i - 1}}${part}`), "");
}

function translate(
  language: Language,
  strings: TemplateStringsArray,
  values: readonly unknown[],
): string {
  const key = messageKey(strings);
  // A text missing from a catalogue prints in English rather than fail a run at 3 a.m.; the
  // catalogue test keeps that from reaching a release.
  const text = language === "en" ? key : (CATALOGUES[language][key] ?? key);
  return text.replace(/\{(\d+)\}/g, (_, i: string) => String(values[Number(i)]));
}

/**
 * Which language a run speaks: `--lang`, then `GUARDIA_LANG`, then the stack's `language`, then
 * English. A value that is not a language is a usage error naming where it came from.
 */
export function chooseLanguage(from: {
  readonly flag?: string | undefined;
  readonly env?: string | undefined;
  readonly stack?: Language | undefined;
}): Language {
  if (from.flag !== undefined) return checked(from.flag, "--lang");
  if (from.env) return checked(from.env, "GUARDIA_LANG");
  return from.stack ?? DEFAULTS.language;
}

function checked(value: string, source: string): Language {
  if ((LANGUAGES as readonly string[]).includes(value)) return value as Language;
  throw new UsageError(`${source}: expected one of ${LANGUAGES.join(", ")}, got ${quoted(value)}`);
}
