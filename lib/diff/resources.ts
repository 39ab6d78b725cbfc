import { diffFields, type FieldChange } from "./fields.js";
import { SECRET_VALUE, withoutFingerprints, type StackRender } from "./snapshot.js";

/**
 * What changed between two renders of one stack: resources added, removed, and changed with the
 * fields that changed. A Secret's data and every `[secret]` value only ever read "changed": the
 * change carries no value, so no output format can print one.
 */

export interface ResourceChange {
  /** Path in the render directory: `kubernetes/CronJob/mira-backup-mira-daily.yaml`. */
  readonly path: string;
  readonly kind: "added" | "removed" | "changed";
  /** For changed resources; secret fields come without before/after. */
  readonly fields: readonly (FieldChange & { readonly secret?: true })[];
  /** For added resources: the content, with a Secret's data values hidden. */
  readonly content?: Record<string, unknown>;
}

export const HIDDEN = "[not shown: Secret data]";

export function diffResources(
  base: StackRender | undefined,
  head: StackRender | undefined,
): ResourceChange[] {
  const before = base?.files ?? new Map<string, Record<string, unknown>>();
  const after = head?.files ?? new Map<string, Record<string, unknown>>();
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  return paths.flatMap((path): ResourceChange[] => {
    const [old, now] = [before.get(path), after.get(path)];
    if (!now) return [{ path, kind: "removed", fields: [] }];
    if (!old) return [{ path, kind: "added", fields: [], content: hideSecretData(now) }];
    const fields = diffFields(old, now).map((change) => hideSecret(now, change));
    return fields.length === 0 ? [] : [{ path, kind: "changed", fields }];
  });
}

function isSecretObject(content: Record<string, unknown>): boolean {
  return content.kind === "Secret" && String(content.apiVersion) === "v1";
}

function isSecretField(content: Record<string, unknown>, change: FieldChange): boolean {
  if (isSecretObject(content) && /^(data|stringData)(\.|$)/.test(change.field)) return true;
  return [change.before, change.after].some((v) => SECRET_VALUE.test(JSON.stringify(v ?? null)));
}

function hideSecret(content: Record<string, unknown>, change: FieldChange) {
  if (!isSecretField(content, change)) return change;
  return { field: change.field, kind: change.kind, secret: true as const };
}

function hideSecretData(content: Record<string, unknown>): Record<string, unknown> {
  if (!isSecretObject(content)) return withoutFingerprints(content);
  const hide = (data: unknown) =>
    data && typeof data === "object"
      ? Object.fromEntries(Object.keys(data).map((k) => [k, HIDDEN]))
      : HIDDEN;
  return withoutFingerprints({
    ...content,
    ...(content.data !== undefined && { data: hide(content.data) }),
    ...(content.stringData !== undefined && { stringData: hide(content.stringData) }),
  });
}

/** "2 changed, 1 added" (or "no change"). */
export function changeSummary(changes: readonly ResourceChange[]): string {
  const counts = (["changed", "added", "removed"] as const)
    .map((kind) => [kind, changes.filter((c) => c.kind === kind).length] as const)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${kind}`);
  return counts.join(", ") || "no change";
}
