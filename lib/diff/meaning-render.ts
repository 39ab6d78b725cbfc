import { CronSchedule } from "../model/index.js";
import { documentsIn } from "../policy/rules/aws.js";
import { asArray, isRecord } from "../policy/input.js";
import type { ResourceChange } from "./resources.js";
import type { StackRender } from "./snapshot.js";

/**
 * What a change of rendered objects means, before its YAML: schedules in words, alert
 * thresholds and `for`, permissions an IAM policy gains or loses, images that move.
 */

export function renderMeanings(
  changes: readonly ResourceChange[],
  base: StackRender | undefined,
  head: StackRender | undefined,
): string[] {
  return [
    ...schedules(changes, base),
    ...alerts(changes),
    ...permissions(changes, base, head),
    ...images(changes),
  ];
}

const nameOf = (path: string) => path.slice(path.lastIndexOf("/") + 1).replace(/\.yaml$/, "");

function words(expression: unknown): string {
  const text = String(expression);
  return CronSchedule.problem(text) ? `\`${text}\`` : CronSchedule.parse(text).describe();
}

function scheduleOf(content: Record<string, unknown> | undefined): unknown {
  return (content?.spec as { schedule?: unknown } | undefined)?.schedule;
}

function schedules(changes: readonly ResourceChange[], base: StackRender | undefined): string[] {
  return changes
    .filter((c) => c.path.startsWith("kubernetes/CronJob/"))
    .flatMap((c) => {
      const job = `CronJob \`${nameOf(c.path)}\``;
      if (c.kind === "added") return [`${job} added: ${words(scheduleOf(c.content))}`];
      if (c.kind === "removed")
        return [`${job} removed (ran ${words(scheduleOf(base?.files.get(c.path)))})`];
      return c.fields.flatMap((f) => {
        if (f.field === "spec.schedule") return [`${job}: ${words(f.before)} → ${words(f.after)}`];
        if (f.field === "spec.timeZone")
          return [`${job}: time zone ${String(f.before)} → ${String(f.after)}`];
        return [];
      });
    });
}

const RULE_FIELD = /^spec\.groups\[[^\]]*\]\.rules\[alert=([^\]]+)\](?:\.(.+))?$/;
const GROUP_FIELD = /^spec\.groups\[name=[^\]]+\]$/;

/** "alert=EndpointDown,service=nocobase" → "EndpointDown (service nocobase)". */
function alertName(identity: string): string {
  const [alert, ...subject] = identity.split(",");
  const labels = subject.map((s) => s.replace("=", " "));
  return `\`${alert!.replace(/^alert=/, "")}\`${labels.length ? ` (${labels.join(", ")})` : ""}`;
}

/** The comparison an alert expression ends with: "> 0.5". */
function threshold(expr: unknown): string | undefined {
  return /(>=|<=|==|!=|>|<)\s*(-?[\d.]+(?:e-?\d+)?)\s*$/
    .exec(String(expr ?? ""))
    ?.slice(1)
    .join(" ");
}

function alerts(changes: readonly ResourceChange[]): string[] {
  return changes
    .filter((c) => c.kind === "changed" && c.path.startsWith("kubernetes/PrometheusRule/"))
    .flatMap((c) => c.fields.flatMap(alertMeaning));
}

function alertMeaning(f: ResourceChange["fields"][number]): string[] {
  if (GROUP_FIELD.test(f.field)) {
    const rules = asArray((isRecord(f.after) ? f.after : isRecord(f.before) ? f.before : {}).rules);
    return rules.filter(isRecord).map((r) => `alert \`${String(r.alert)}\` ${f.kind}`);
  }
  const match = RULE_FIELD.exec(f.field);
  if (!match) return [];
  const [, identity, sub] = match;
  const alert = `alert ${alertName(`alert=${identity!}`)}`;
  if (!sub) return [`${alert} ${f.kind}`];
  if (sub === "for")
    return [`${alert}: for ${String(f.before ?? "none")} → ${String(f.after ?? "none")}`];
  if (sub === "labels.priority")
    return [`${alert}: priority ${String(f.before)} → ${String(f.after)}`];
  if (sub === "expr") {
    const [before, after] = [threshold(f.before), threshold(f.after)];
    return [
      before && after && before !== after
        ? `${alert}: threshold ${before} → ${after}`
        : `${alert}: expression changed`,
    ];
  }
  return [];
}

const IAM_PATH = /^aws\/(iam\.[A-Za-z]+|s3\.BucketPolicy)\//;

/** Allowed actions of every Allow statement in a file's IAM documents. */
function allowedActions(content: Record<string, unknown> | undefined): Set<string> {
  const inputs = isRecord(content?.inputs) ? content.inputs : {};
  const actions = documentsIn(inputs, "inputs").flatMap((doc) =>
    doc.statements
      .filter((s) => s.Effect === "Allow")
      .flatMap((s) => asArray(s.Action).map(String)),
  );
  return new Set(actions);
}

function permissions(
  changes: readonly ResourceChange[],
  base: StackRender | undefined,
  head: StackRender | undefined,
): string[] {
  return changes
    .filter((c) => IAM_PATH.test(c.path))
    .flatMap((c) => {
      const [before, after] = [
        allowedActions(base?.files.get(c.path)),
        allowedActions(head?.files.get(c.path)),
      ];
      const resource = `\`${c.path.replace(/\.yaml$/, "")}\``;
      return [
        ...[...after]
          .filter((a) => !before.has(a))
          .map((a) => `IAM: ${resource} now allows \`${a}\``),
        ...[...before]
          .filter((a) => !after.has(a))
          .map((a) => `IAM: ${resource} no longer allows \`${a}\``),
      ];
    });
}

function images(changes: readonly ResourceChange[]): string[] {
  const moves = new Map<string, number>();
  for (const c of changes) {
    for (const f of c.fields) {
      if (f.kind !== "changed" || !/containers\[[^\]]+\]\.image$/.test(f.field)) continue;
      const move = `image \`${String(f.before)}\` → \`${String(f.after)}\``;
      moves.set(move, (moves.get(move) ?? 0) + 1);
    }
  }
  return [...moves].map(([move, n]) => `${move} (${n} container${n === 1 ? "" : "s"})`);
}
