import type { CollectionDefinition, FieldDefinition } from "./definitions.js";
import { t } from "../i18n/index.js";

/**
 * A recreated collection read back and compared with the export, option by option: the
 * collection's options, its fields in order, and every option of each field. Each difference is
 * one line naming where it is, what the export says and what NocoBase has now.
 */

/** JSON with keys sorted at every level, so equal definitions give equal text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

function optionDifferences(
  where: string,
  expected: Record<string, unknown>,
  found: Record<string, unknown>,
): string[] {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(found)])].sort();
  return keys
    .filter((k) => canonical(expected[k]) !== canonical(found[k]))
    .map(
      (k) =>
        t`${where}.${k}: export ${canonical(expected[k]) ?? t`(absent)`}, now ${canonical(found[k]) ?? t`(absent)`}`,
    );
}

/** A collection this run created: options, field order and every field. */
export function compareCollection(
  expected: CollectionDefinition,
  found: CollectionDefinition | undefined,
): string[] {
  if (!found) return [t`${expected.name}: not in NocoBase after the run`];
  const { fields: expectedFields, ...expectedOptions } = expected;
  const { fields: foundFields, ...foundOptions } = found;
  const differences = optionDifferences(expected.name, expectedOptions, foundOptions);
  const names = (fields: readonly FieldDefinition[]) => fields.map((f) => f.name).join(", ");
  if (names(expectedFields) !== names(foundFields)) {
    differences.push(
      t`${expected.name} fields: export [${names(expectedFields)}], now [${names(foundFields)}]`,
    );
  }
  for (const field of expectedFields) {
    differences.push(...compareField(expected.name, field, foundFields));
  }
  return differences;
}

/** One field, wherever it is (a relation created on a collection that stayed). */
export function compareField(
  collection: string,
  expected: FieldDefinition,
  found: readonly FieldDefinition[],
): string[] {
  const where = `${collection}.${expected.name}`;
  const field = found.find((f) => f.name === expected.name);
  if (!field) return [t`${where}: missing`];
  return optionDifferences(where, expected, field);
}
