/**
 * Field-level differences between two versions of a rendered object, by YAML path. Lists of
 * named things (containers, env, volumes, alert rules, IAM statements) are matched by name, so
 * inserting one entry does not show every later entry as changed: `containers[name=guardia].image`.
 */

export interface FieldChange {
  /** YAML path inside the rendered file, e.g. `spec.schedule`. */
  readonly field: string;
  readonly kind: "added" | "removed" | "changed";
  readonly before?: unknown;
  readonly after?: unknown;
}

type Plain = Record<string, unknown>;

const isPlain = (v: unknown): v is Plain =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Deep equality of parsed YAML values; the order of a map's keys does not matter. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  if (isPlain(a) && isPlain(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((k) => k in b && sameValue(a[k], b[k]))
    );
  }
  return false;
}

export function diffFields(before: unknown, after: unknown, field = ""): FieldChange[] {
  if (sameValue(before, after)) return [];
  if (isPlain(before) && isPlain(after)) return diffMaps(before, after, field);
  if (Array.isArray(before) && Array.isArray(after)) {
    const keyed = identities(before) && identities(after);
    if (keyed) return diffKeyed(before as Plain[], after as Plain[], field);
    if (before.some(isStructured) || after.some(isStructured))
      return diffByIndex(before, after, field);
  }
  return [{ field, kind: "changed", before, after }];
}

function isStructured(v: unknown): boolean {
  return typeof v === "object" && v !== null;
}

function join(field: string, key: string): string {
  return field === "" ? key : `${field}.${key}`;
}

function diffMaps(before: Plain, after: Plain, field: string): FieldChange[] {
  const keys = [...Object.keys(before), ...Object.keys(after).filter((k) => !(k in before))];
  return keys.flatMap((key) => {
    const at = join(field, key);
    if (!(key in after)) return [{ field: at, kind: "removed" as const, before: before[key] }];
    if (!(key in before)) return [{ field: at, kind: "added" as const, after: after[key] }];
    return diffFields(before[key], after[key], at);
  });
}

function diffByIndex(before: unknown[], after: unknown[], field: string): FieldChange[] {
  const length = Math.max(before.length, after.length);
  return Array.from({ length }, (_, i) => i).flatMap((i) => {
    const at = `${field}[${i}]`;
    if (i >= after.length) return [{ field: at, kind: "removed" as const, before: before[i] }];
    if (i >= before.length) return [{ field: at, kind: "added" as const, after: after[i] }];
    return diffFields(before[i], after[i], at);
  });
}

/** The key of a list entry, e.g. `name=guardia` or `alert=EndpointDown,service=nocobase`. */
const IDENTITY_KEYS = ["name", "id", "Sid"];
const ALERT_SUBJECT = ["service", "database", "dependency", "schedule"];

function identityOf(entry: unknown): string | undefined {
  if (!isPlain(entry)) return undefined;
  for (const key of IDENTITY_KEYS)
    if (typeof entry[key] === "string") return `${key}=${entry[key]}`;
  if (typeof entry.alert !== "string") return undefined;
  const labels = isPlain(entry.labels) ? entry.labels : {};
  const subject = ALERT_SUBJECT.filter((k) => typeof labels[k] === "string").map(
    (k) => `${k}=${String(labels[k])}`,
  );
  return [`alert=${entry.alert}`, ...subject].join(",");
}

/** Whether every entry has an identity and no two share one. */
function identities(list: unknown[]): boolean {
  const ids = list.map(identityOf);
  return list.length > 0 && ids.every((id) => id !== undefined) && new Set(ids).size === ids.length;
}

function diffKeyed(before: Plain[], after: Plain[], field: string): FieldChange[] {
  const byId = (list: Plain[]) => new Map(list.map((e) => [identityOf(e)!, e]));
  const [old, now] = [byId(before), byId(after)];
  const ids = [...old.keys(), ...[...now.keys()].filter((id) => !old.has(id))];
  return ids.flatMap((id) => {
    const at = `${field}[${id}]`;
    if (!now.has(id)) return [{ field: at, kind: "removed" as const, before: old.get(id) }];
    if (!old.has(id)) return [{ field: at, kind: "added" as const, after: now.get(id) }];
    return diffFields(old.get(id), now.get(id), at);
  });
}
