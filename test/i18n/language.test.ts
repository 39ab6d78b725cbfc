import { afterEach, describe, expect, it } from "vitest";
import { UsageError } from "../../lib/errors.js";
import {
  chooseLanguage,
  currentLanguage,
  messageKey,
  setLanguage,
  t,
  tr,
} from "../../lib/i18n/index.js";
import { SPANISH } from "../../lib/i18n/es/index.js";

afterEach(() => setLanguage("en"));

/** A text of the catalogue with one value, so the test follows the catalogue, not a copy of it. */
function catalogued(): [string, string] {
  const entry = Object.entries(SPANISH).find(([key]) => key.includes("{0}"));
  if (!entry) throw new Error("the Spanish catalogue has no text with a value");
  return entry;
}

/** Calls a tag as the compiler does for `tag\`head${value}tail\``. */
function tagged(tag: typeof t, key: string, value: string): string {
  const parts = key.split("{0}");
  const strings = Object.assign([...parts], { raw: [...parts] }) as TemplateStringsArray;
  return tag(strings, ...parts.slice(1).map(() => value));
}

describe("t", () => {
  it("files a template under its literal parts joined by numbered values", () => {
    expect(messageKey(["Stop ", " and ", ""])).toBe("Stop {0} and {1}");
    expect(messageKey(["no values"])).toBe("no values");
  });

  it("writes English until a language is chosen, then the chosen one", () => {
    const [key, spanish] = catalogued();
    expect(currentLanguage()).toBe("en");
    expect(tagged(t, key, "mira")).toBe(key.replaceAll("{0}", "mira"));
    setLanguage("es");
    expect(tagged(t, key, "mira")).toBe(spanish.replaceAll("{0}", "mira"));
  });

  it("falls back to English, values in place, for a text the catalogue lacks", () => {
    setLanguage("es");
    expect(t`copy ${"a"} to ${"b"}`).toBe("copy a to b");
  });

  it("tr writes one language whatever the current one is", () => {
    const [key, spanish] = catalogued();
    setLanguage("en");
    expect(tagged(tr("es"), key, "x")).toBe(spanish.replaceAll("{0}", "x"));
    setLanguage("es");
    expect(tagged(tr("en"), key, "x")).toBe(key.replaceAll("{0}", "x"));
  });
});

describe("chooseLanguage", () => {
  it("takes --lang, then GUARDIA_LANG, then the stack's, then English", () => {
    expect(chooseLanguage({ flag: "en", env: "es", stack: "es" })).toBe("en");
    expect(chooseLanguage({ env: "en", stack: "es" })).toBe("en");
    expect(chooseLanguage({ env: "", stack: "es" })).toBe("es");
    expect(chooseLanguage({})).toBe("en");
  });

  it("refuses a language it does not have, naming where it came from", () => {
    expect(() => chooseLanguage({ flag: "fr" })).toThrow(UsageError);
    expect(() => chooseLanguage({ flag: "fr" })).toThrow(
      /--lang: expected one of en, es, got "fr"/,
    );
    expect(() => chooseLanguage({ env: "de" })).toThrow(/GUARDIA_LANG: expected one of en, es/);
  });
});
