import { listLogDirectories } from "../../logs/listing.js";
import { maxSizeBytes } from "../../logs/logrotate-config.js";
import { ageInDays, planLogFiles } from "../../logs/selection.js";
import type { LogFiles } from "../../model/index.js";
import type { Step } from "../../runbook/types.js";
import { formatBytes } from "../../backup/store.js";
import { SOURCES } from "../checklist.js";
import { checkStep, type RoutineRun } from "../check-step.js";
import { readableLogEntries } from "./error-logs.js";
import { t } from "../../i18n/index.js";

/**
 * Monthly: is the retention of each log set actually applied? The oldest rotated file against
 * `deleteAfterDays` (a day of slack for the nightly run), and live files far past `maxSize` (not
 * rotating). Entries whose files this run cannot read (no claim in a cluster) are manual items.
 */

/** One night's rotation may not have run yet. */
const SLACK_DAYS = 1;
/** A live file this many times its maxSize has missed several rotations. */
const OVERGROWN = 2;

export function logRetentionSteps(run: RoutineRun): Step[] {
  if (run.period !== "monthly") return [];
  const readable = new Set(readableLogEntries(run.platform).map((e) => e.name));
  return run.platform.logs.map((entry) =>
    readable.has(entry.name) ? retentionStep(run, entry) : unreachableStep(run, entry),
  );
}

function item(entry: LogFiles) {
  return {
    id: `log-retention/${entry.name}`,
    title: t`Log retention of ${entry.name} (delete after ${entry.deleteAfterDays} days)`,
    source: SOURCES.logRetention,
  };
}

function retentionStep(run: RoutineRun, entry: LogFiles): Step {
  return checkStep(
    run,
    {
      title: t`Oldest rotated file of the ${entry.name} logs against deleteAfterDays ${entry.deleteAfterDays}`,
      item: item(entry),
      action: () => ({ target: { files: entry.paths.join(" ") } }),
    },
    async () => {
      const listing = await listLogDirectories(entry.paths);
      const plan = planLogFiles(entry, listing.files, run.now);
      const rotated = [...plan.keep, ...plan.compress, ...plan.delete];
      const oldest = rotated.reduce<(typeof rotated)[number] | undefined>(
        (a, b) => (a === undefined || b.mtimeMs < a.mtimeMs ? b : a),
        undefined,
      );
      const oldestDays = oldest ? ageInDays(oldest, run.now) : 0;
      const overdue = plan.delete.filter(
        (f) => ageInDays(f, run.now) > entry.deleteAfterDays + SLACK_DAYS,
      );
      const limit = maxSizeBytes(entry.maxSize) * OVERGROWN;
      const overgrown = plan.live.filter((f) => f.size > limit);
      const total = [...plan.live, ...rotated].reduce((sum, f) => sum + f.size, 0);
      const summary =
        t`${rotated.length} rotated file(s), the oldest ${Math.floor(oldestDays)} days old; ${formatBytes(total)} in all` +
        (overdue.length
          ? t`; ${overdue.length} past ${entry.deleteAfterDays} days: retention is not applied (guardia rotate-logs)`
          : "") +
        (overgrown.length
          ? t`; ${overgrown.length} live file(s) over ${OVERGROWN}× maxSize ${entry.maxSize}: not rotating`
          : "");
      const evidence = [...overdue, ...overgrown]
        .map((f) => t`${f.path}: ${formatBytes(f.size)}, ${Math.floor(ageInDays(f, run.now))} days`)
        .join("\n");
      const verdict = overdue.length > 0 ? "failed" : overgrown.length > 0 ? "attention" : "ok";
      return {
        verdict,
        summary,
        ...(evidence && { evidence }),
        data: { oldestDays: Math.floor(oldestDays), overdue: overdue.length },
      };
    },
  );
}

function unreachableStep(run: RoutineRun, entry: LogFiles): Step {
  return checkStep(
    run,
    { title: t`Log retention of ${entry.name}: its files are out of reach`, item: item(entry) },
    async () => ({
      verdict: "manual",
      summary: t`the files (${entry.paths.join(" ")}) are on no claim this job mounts: check by hand that none is older than ${entry.deleteAfterDays} days`,
    }),
  );
}
