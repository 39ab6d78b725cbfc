import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Catalogue } from "../../lib/i18n/index.js";
import { SPANISH } from "../../lib/i18n/es/index.js";
import { allMessages, placeholders } from "../../scripts/messages.js";
import { repoRoot } from "../harness/tools.js";

/**
 * Every text the code translates exists in Spanish and English, and nothing else does: a text
 * added or changed in English without its translation fails here, as does a translation that
 * no code uses any more (it would hide the changed text it stood for).
 */

const MESSAGES = allMessages();
const KEYS = new Set(MESSAGES.map((m) => m.key));

async function areaCatalogues(): Promise<[string, Catalogue][]> {
  const dir = path.join(repoRoot, "lib/i18n/es");
  const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "index.ts");
  const modules = await Promise.all(files.map((f) => import(path.join(dir, f))));
  return modules.flatMap((m, i) =>
    Object.values(m as Record<string, Catalogue>).map((c): [string, Catalogue] => [files[i]!, c]),
  );
}

describe("the Spanish catalogue", () => {
  it("translates every text the code marks with t or tr", () => {
    expect(KEYS.size).toBeGreaterThan(0);
    const missing = MESSAGES.filter((m) => !(m.key in SPANISH)).map((m) => `${m.at}: ${m.key}`);
    expect(missing).toEqual([]);
  });

  it("holds no text that the code does not use", () => {
    expect(Object.keys(SPANISH).filter((key) => !KEYS.has(key))).toEqual([]);
  });

  it("keeps every value of a text, and adds none", () => {
    const wrong = Object.entries(SPANISH)
      .filter(([key, text]) => placeholders(key).join() !== placeholders(text).join())
      .map(([key, text]) => `${key} → ${text}`);
    expect(wrong).toEqual([]);
  });

  it("has no empty translation", () => {
    expect(Object.entries(SPANISH).filter(([, text]) => text.trim() === "")).toEqual([]);
  });

  it("files each text in one area only, and every area is in the catalogue", async () => {
    const areas = await areaCatalogues();
    expect(areas.length).toBeGreaterThan(0);
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const [file, catalogue] of areas) {
      for (const key of Object.keys(catalogue)) {
        if (seen.has(key)) twice.push(`${key} (${seen.get(key)} and ${file})`);
        seen.set(key, file);
        expect(SPANISH[key], `${file}: ${key}`).toBe(catalogue[key]);
      }
    }
    expect(twice).toEqual([]);
  });
});

describe("translated texts", () => {
  it("are built inside functions, after the run's language is chosen", () => {
    expect(MESSAGES.filter((m) => !m.inFunction).map((m) => m.at)).toEqual([]);
  });
});
