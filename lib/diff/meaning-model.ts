import type { LoadedStack, Platform } from "../model/index.js";
import type { ReceiverInput } from "../model/schema.js";

/**
 * What a stack file change means, read from the two models: retention in days, receivers added,
 * removed or changed (a receiver's secret only as "changed"), and who each priority reaches.
 */

export function modelMeanings(
  base: LoadedStack | undefined,
  head: LoadedStack | undefined,
): string[] {
  if (!base || !head) return [];
  return [
    ...backupRetention(base.platform, head.platform),
    ...logRetention(base.platform, head.platform),
    ...receivers(base.platform, head.platform),
    ...routes(base.platform, head.platform),
  ];
}

const days = (n: number) => `${n} day${n === 1 ? "" : "s"}`;

function byName<T extends { readonly name: string }>(list: readonly T[]): Map<string, T> {
  return new Map(list.map((item) => [item.name, item]));
}

/** Entries of both lists by name: [name, before, after], in the base's order then the new ones. */
function pairs<T extends { readonly name: string }>(before: readonly T[], after: readonly T[]) {
  const [old, now] = [byName(before), byName(after)];
  const names = [...old.keys(), ...[...now.keys()].filter((n) => !old.has(n))];
  return names.map((name) => [name, old.get(name), now.get(name)] as const);
}

function backupRetention(base: Platform, head: Platform): string[] {
  const lines = pairs(base.backups?.schedules ?? [], head.backups?.schedules ?? []).flatMap(
    ([name, old, now]) => {
      if (!now) return [`backups \`${name}\` removed (were kept ${days(old!.keepDays)})`];
      if (!old)
        return [`backups \`${name}\` added: ${now.cron.describe()}, kept ${days(now.keepDays)}`];
      return old.keepDays === now.keepDays
        ? []
        : [`backups \`${name}\`: kept ${days(old.keepDays)} → ${days(now.keepDays)}`];
    },
  );
  const [lockBefore, lockAfter] = [base, head].map((p) => {
    const destination = p.backups?.destination;
    return destination?.kind === "s3" ? destination.objectLockDays : undefined;
  });
  if (lockBefore !== lockAfter) {
    const show = (d: number | undefined) => (d === undefined ? "none" : days(d));
    lines.push(`Object Lock on backups: ${show(lockBefore)} → ${show(lockAfter)}`);
  }
  if (Boolean(base.backups?.restoreDrill) !== Boolean(head.backups?.restoreDrill)) {
    lines.push(`restore drill ${head.backups?.restoreDrill ? "turned on" : "turned off"}`);
  }
  return lines;
}

function logRetention(base: Platform, head: Platform): string[] {
  return pairs(base.logs, head.logs).flatMap(([name, old, now]) => {
    if (!old || !now) return [`log files \`${name}\` ${now ? "added" : "removed"}`];
    const changes = [
      ["compressed after", old.compressAfterDays, now.compressAfterDays],
      ["deleted after", old.deleteAfterDays, now.deleteAfterDays],
    ] as const;
    return changes
      .filter(([, a, b]) => a !== b)
      .map(([what, a, b]) => `log files \`${name}\`: ${what} ${days(a)} → ${days(b)}`);
  });
}

function receivers(base: Platform, head: Platform): string[] {
  return pairs(base.alerting.receivers, head.alerting.receivers).flatMap(([name, old, now]) => {
    if (!now) return [`receiver \`${name}\` (${old!.type}) removed`];
    if (!old) return [`receiver \`${name}\` (${now.type}) added`];
    return receiverChanges(name, old, now);
  });
}

/** Which fields of a receiver changed; a secret reference is named, never its value. */
function receiverChanges(name: string, old: ReceiverInput, now: ReceiverInput): string[] {
  const before = old as unknown as Record<string, unknown>;
  const after = now as unknown as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
  return fields.map((field) =>
    /Secret$/.test(field)
      ? `receiver \`${name}\`: its secret (\`${field}\`) changed`
      : `receiver \`${name}\`: \`${field}\` changed`,
  );
}

function routes(base: Platform, head: Platform): string[] {
  const lines = (["P1", "P2", "P3", "P4"] as const).flatMap((priority) => {
    const [old, now] = [base.alerting.routes[priority], head.alerting.routes[priority]];
    if (old.join() === now.join()) return [];
    const list = (names: readonly string[]) => names.join(", ") || "nobody";
    return [`${priority} alerts reach ${list(now)} (were ${list(old)})`];
  });
  if (base.alerting.deadMansSwitch !== head.alerting.deadMansSwitch) {
    lines.push(
      `dead man's switch: ${base.alerting.deadMansSwitch ?? "none"} → ${head.alerting.deadMansSwitch ?? "none"}`,
    );
  }
  return lines;
}
