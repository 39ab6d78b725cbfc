import { z } from "zod";
import { compactUtc } from "../backup/stamp.js";
import { objectUrl, readText, type ObjectStore } from "../backup/store.js";
import type { Platform, RoutinePeriod } from "../model/index.js";
import { REPORTS_FOLDER } from "../model/routine-checks.js";
import type { PreviousReport, RoutineReport } from "./report.js";
import { t } from "../i18n/index.js";

/**
 * Routine reports and acknowledgements at the stack's backup destination, beside the backups:
 * `<platform>/<env>/reports/<period>/<time>.{md,json}` and
 * `<platform>/<env>/reports/acks/<item>/<time>.json`. The JSON is written after the Markdown, so
 * a report the next run compares with is always complete; times sort as text.
 */

const VERDICTS = ["ok", "attention", "failed", "manual"] as const;

export function reportsPrefix(platform: Platform): string {
  return `${platform.name}/${platform.environment}/${REPORTS_FOLDER}/`;
}

/** `mira/prod/reports/daily/<time>`: the key of a report without its extension. */
export function reportKey(platform: Platform, period: RoutinePeriod, at?: Date): string {
  return `${reportsPrefix(platform)}${period}/${at ? compactUtc(at) : "<time>"}`;
}

function ackPrefix(platform: Platform): string {
  return `${reportsPrefix(platform)}acks/`;
}

export function ackKey(platform: Platform, item: string, at?: Date): string {
  return `${ackPrefix(platform)}${item}/${at ? compactUtc(at) : "<time>"}.json`;
}

const previousSchema = z.object({
  startedAt: z.string(),
  items: z.array(
    z.object({
      id: z.string(),
      verdict: z.enum(VERDICTS),
      data: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The newest report of the period, or undefined when there is none yet. */
export async function readPreviousReport(
  store: ObjectStore,
  platform: Platform,
  period: RoutinePeriod,
): Promise<(PreviousReport & { readonly key: string }) | undefined> {
  const prefix = `${reportsPrefix(platform)}${period}/`;
  const keys = (await store.list(prefix))
    .map((o) => o.key)
    .filter((key) => key.endsWith(".json"))
    .sort();
  const key = keys.at(-1);
  if (!key) return undefined;
  const parsed = previousSchema.safeParse(parseJson(await readText(store, key)));
  if (!parsed.success) throw new Error(t`${store.describe(key)} is not a routine report`);
  return { ...parsed.data, key };
}

/** Markdown first, then the JSON the next run reads. Returns where each went. */
export async function writeReport(
  store: ObjectStore,
  platform: Platform,
  report: RoutineReport,
  markdown: string,
): Promise<{ markdown: string; json: string }> {
  const base = reportKey(platform, report.period, new Date(report.startedAt));
  await store.putSmall(`${base}.md`, markdown);
  await store.putSmall(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  return { markdown: objectUrl(store, `${base}.md`), json: objectUrl(store, `${base}.json`) };
}

export const ACK_TYPE = "guardia.routine-ack.v1";

const ackSchema = z.object({
  type: z.literal(ACK_TYPE),
  item: z.string(),
  period: z.enum(["daily", "weekly", "monthly"]),
  operator: z.string(),
  at: z.string(),
  note: z.string().optional(),
});

export type Ack = z.infer<typeof ackSchema>;

export async function writeAck(store: ObjectStore, platform: Platform, ack: Ack): Promise<string> {
  const key = ackKey(platform, ack.item, new Date(ack.at));
  await store.putSmall(key, `${JSON.stringify(ack, null, 2)}\n`);
  return objectUrl(store, key);
}

/** The newest acknowledgement of each item; records guardia cannot read are skipped. */
export async function readAcks(store: ObjectStore, platform: Platform): Promise<Map<string, Ack>> {
  const keys = (await store.list(ackPrefix(platform))).map((o) => o.key).sort();
  const newest = new Map<string, Ack>();
  for (const key of keys) {
    const parsed = ackSchema.safeParse(parseJson(await readText(store, key)));
    if (parsed.success) newest.set(parsed.data.item, parsed.data);
  }
  return newest;
}
