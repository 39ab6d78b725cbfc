import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { PLATFORM_KEY } from "../../lib/model/index.js";
import { repoRoot } from "../harness/tools.js";

/**
 * Deterministic mutations of stack models and stack files, for the tests that feed guardia
 * broken and odd stacks (validate ⇒ render, the fuzz test). Same seed, same stacks.
 */

/** mulberry32: a small seeded PRNG, so a failing case comes back on the next run. */
export function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}
export type Random = ReturnType<typeof prng>;

export interface ExampleStack {
  readonly name: string;
  readonly file: string;
  readonly text: string;
  /** The `guardia:platform` object. */
  readonly model: Record<string, unknown>;
}

/** guardia's example stacks, read from stacks/. */
export function exampleStacks(): ExampleStack[] {
  const dir = path.join(repoRoot, "stacks");
  return readdirSync(dir)
    .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      const text = readFileSync(file, "utf8");
      const config = (parse(text) as { config: Record<string, unknown> }).config;
      return {
        name: f.slice("Pulumi.".length, -".yaml".length),
        file,
        text,
        model: config[PLATFORM_KEY] as Record<string, unknown>,
      };
    });
}

export const clone = <T>(value: T): T => structuredClone(value);

type Container = Record<string, unknown> | unknown[];
type Location = { parent: Container; key: string | number; path: (string | number)[] };

/** Every place in `value` that holds something: the keys of maps and the items of lists. */
export function locations(value: unknown, path: (string | number)[] = []): Location[] {
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => [
      { parent: value, key: i, path: [...path, i] },
      ...locations(item, [...path, i]),
    ]);
  }
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) => [
      { parent: value as Container, key, path: [...path, key] },
      ...locations(item, [...path, key]),
    ]);
  }
  return [];
}

/** Every leaf value of the example stacks: a pool to transplant from one field to another. */
export function leafPool(models: readonly unknown[]): unknown[] {
  return models.flatMap((m) =>
    locations(m)
      .map((l) => (l.parent as Record<string | number, unknown>)[l.key])
      .filter((v) => v === null || typeof v !== "object"),
  );
}

/** One random structural change: delete, duplicate, transplant, retype or stretch a value. */
export function mutateModel(model: unknown, random: Random, pool: readonly unknown[]): string {
  const spots = locations(model);
  if (spots.length === 0) return "nothing to mutate";
  const { parent, key, path } = random.pick(spots);
  const holder = parent as Record<string | number, unknown>;
  const where = path.join(".");
  switch (random.int(6)) {
    case 0:
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete holder[key];
      return `delete ${where}`;
    case 1:
      if (Array.isArray(parent)) parent.splice(key as number, 0, clone(parent[key as number]));
      else holder[`${String(key)}2`] = clone(holder[key]);
      return `duplicate ${where}`;
    case 2:
      holder[key] = clone(random.pick(pool));
      return `transplant into ${where}`;
    case 3:
      holder[key] = random.pick([null, 0, -1, 1.5, true, "", [], {}, "x", 1e21]);
      return `retype ${where}`;
    case 4:
      holder[key] =
        typeof holder[key] === "string" ? `${holder[key] as string}-${"a".repeat(40)}` : 1e9;
      return `stretch ${where}`;
    default:
      holder[key] = typeof holder[key] === "string" ? (holder[key] as string).toUpperCase() : "0";
      return `change ${where}`;
  }
}
