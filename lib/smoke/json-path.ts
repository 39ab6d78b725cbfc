/**
 * A field of a JSON answer by a dotted path with list indices: `token`, `data.items[0].id`,
 * `[0].name`. The model checked the path's form (`smokeJsonPath` in schema.ts).
 */

export type Lookup = { readonly found: true; readonly value: unknown } | { readonly found: false };

export function valueAt(root: unknown, path: string): Lookup {
  let value = root;
  for (const [, key, index] of path.matchAll(/\.?([^.[\]]+)|\[(\d+)\]/g)) {
    if (index !== undefined) {
      if (!Array.isArray(value) || Number(index) >= value.length) return { found: false };
      value = value[Number(index)];
    } else {
      if (value === null || typeof value !== "object" || Array.isArray(value))
        return { found: false };
      if (!Object.hasOwn(value, key!)) return { found: false };
      value = (value as Record<string, unknown>)[key!];
    }
  }
  return { found: true, value };
}

/** A captured value as text: strings as they are, numbers and booleans printed, the rest as JSON. */
export function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
