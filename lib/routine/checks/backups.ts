import { readFile } from "node:fs/promises";
import { CronExpressionParser } from "cron-parser";
import { restoreDrillCronJobName } from "../../backup/job-names.js";
import { locationOf } from "../../backup/layout.js";
import { scanBackups, type ScannedBackup } from "../../backup/list.js";
import { objectUrl } from "../../backup/store.js";
import type { Backups, Database } from "../../model/index.js";
import { backupAgeLimitSeconds } from "../../monitoring/alerts/backups.js";
import { selector } from "../../monitoring/promql.js";
import { auditFile } from "../../runbook/audit.js";
import type { Step } from "../../runbook/types.js";
import { SOURCES } from "../checklist.js";
import { checkStep, humanDuration, type Finding, type RoutineRun } from "../check-step.js";
import { queryCall, singleValue } from "../prometheus.js";
import { t } from "../../i18n/index.js";

/**
 * Backups and restore drills (MIRA operations guide, Semanal: Revisar backups exitosos; INATrace
 * operations manual, 4.1 and 4.3). Daily: the newest complete backup of each database and its age
 * against its most frequent schedule; weekly: every run the schedules asked for in the last 7
 * days. Both: the last successful restore drill, from kube-state-metrics on a cluster (the drill
 * CronJob's last success) or the audit log on a local stack.
 */

const HOUR_MS = 3_600_000;

export function backupSteps(run: RoutineRun): Step[] {
  const backups = run.platform.backups;
  if (!backups || run.period === "monthly") return [];
  return run.platform.databases.flatMap((db) => [
    run.period === "daily"
      ? latestBackupStep(run, backups, db)
      : weekOfBackupsStep(run, backups, db),
    ...(backups.restoreDrill ? [drillStep(run, backups, db)] : []),
  ]);
}

async function scan(run: RoutineRun, db: Database): Promise<ScannedBackup[]> {
  const store = await run.store!();
  return scanBackups(store, locationOf(run.platform, db));
}

function destination(run: RoutineRun, backups: Backups, db: Database): string {
  return objectUrl(
    backups.destination,
    `${run.platform.name}/${run.platform.environment}/${db.name}/`,
  );
}

function latestBackupStep(run: RoutineRun, backups: Backups, db: Database): Step {
  const limit = Math.min(
    ...backups.schedules.map((s) =>
      backupAgeLimitSeconds({ maxIntervalSeconds: s.cron.maxIntervalSeconds() }),
    ),
  );
  return checkStep(
    run,
    {
      title: t`Newest complete backup of ${db.name}`,
      item: {
        id: `backups/${db.name}`,
        title: t`Last backup of ${db.name}`,
        source: SOURCES.backups,
      },
      action: () => ({ target: { backups: destination(run, backups, db) } }),
    },
    async () => {
      const scanned = await scan(run, db);
      const complete = scanned.find((b) => b.status === "complete");
      const newest = scanned[0];
      const broken =
        newest && newest.status !== "complete"
          ? t`; the newest attempt ${newest.id} is ${newest.status}`
          : "";
      if (!complete)
        return { verdict: "failed", summary: t`no complete backup of ${db.name}${broken}` };
      const age = (run.now.getTime() - complete.startedAt.getTime()) / 1000;
      const data = { latest: complete.id, ageSeconds: Math.round(age) };
      const summary = t`${complete.id}, ${humanDuration(age)} old (limit ${humanDuration(limit)})${broken}`;
      if (age > limit) return { verdict: "failed", summary, data };
      return { verdict: broken ? "attention" : "ok", summary, data };
    },
  );
}

/** The runs of `cron` in (from, to], in the stack's time zone. */
export function runsBetween(cron: string, from: Date, to: Date, timeZone: string): number {
  const runs = CronExpressionParser.parse(cron, { currentDate: from, endDate: to, tz: timeZone });
  let count = 0;
  while (runs.hasNext()) {
    runs.next();
    count++;
  }
  return count;
}

function weekOfBackupsStep(run: RoutineRun, backups: Backups, db: Database): Step {
  return checkStep(
    run,
    {
      title: t`Backups of ${db.name} in the last 7 days, per schedule`,
      item: {
        id: `backups-week/${db.name}`,
        title: t`Backups of ${db.name} this week`,
        source: SOURCES.backups,
      },
      action: () => ({ target: { backups: destination(run, backups, db) } }),
    },
    async () => weekFinding(run, backups, await scan(run, db)),
  );
}

function weekFinding(run: RoutineRun, backups: Backups, scanned: ScannedBackup[]): Finding {
  const to = new Date(run.now.getTime() - 3 * HOUR_MS); // a run may still be going
  const from = new Date(run.now.getTime() - 7 * 24 * HOUR_MS);
  const week = scanned.filter((b) => b.startedAt >= from);
  const rows = backups.schedules.map((s) => {
    const expected = runsBetween(s.cron.expression, from, to, run.platform.jobs.timeZone);
    const made = week.filter((b) => b.schedule === s.name && b.status === "complete").length;
    return { schedule: s.name, expected, complete: made };
  });
  const broken = week.filter((b) => b.status !== "complete");
  const missing = rows.filter((r) => r.complete < r.expected);
  const summary =
    rows.map((r) => `${r.schedule} ${r.complete}/${r.expected}`).join(", ") +
    (broken.length > 0 ? t`; ${broken.length} incomplete or damaged` : "");
  const evidence = broken.map((b) => `${b.id}: ${b.status}: ${b.problem ?? ""}`).join("\n");
  const verdict = missing.length > 0 ? "failed" : broken.length > 0 ? "attention" : "ok";
  return { verdict, summary, ...(evidence && { evidence }), data: { schedules: rows } };
}

function drillStep(run: RoutineRun, backups: Backups, db: Database): Step {
  const limit = backupAgeLimitSeconds({
    maxIntervalSeconds: backups.restoreDrill!.cron.maxIntervalSeconds(),
  });
  const source = drillSource(run, db);
  return checkStep(
    run,
    {
      title: t`Last successful restore drill of ${db.name}`,
      item: {
        id: `drill/${db.name}`,
        title: t`Last restore drill of ${db.name}`,
        source: `${SOURCES.backups}; INATrace operations manual, 4.3 Pruebas de Restauración`,
      },
      action: () => source.action,
    },
    async (step) => {
      const at = await source.read(step.signal);
      if (at === undefined)
        return {
          verdict: "failed",
          summary: t`no successful restore drill recorded (${source.where})`,
        };
      const age = (run.now.getTime() - at) / 1000;
      const summary = t`${new Date(at).toISOString().slice(0, 16)}Z, ${humanDuration(age)} ago (limit ${humanDuration(limit)}; ${source.where})`;
      return {
        verdict: age > limit ? "failed" : "ok",
        summary,
        data: { ageSeconds: Math.round(age) },
      };
    },
  );
}

/** Where a drill's last success is known: kube-state-metrics, or the audit log of this machine. */
function drillSource(run: RoutineRun, db: Database) {
  if (run.platform.runtime === "kubernetes") {
    const base = run.platform.monitoring.prometheusUrl;
    const cronJob = restoreDrillCronJobName(run.platform, db);
    const promql = `max(${selector("kube_cronjob_status_last_successful_time", { namespace: run.platform.namespace, cronjob: cronJob })})`;
    return {
      where: `kube-state-metrics, CronJob ${cronJob}`,
      action: { call: queryCall(base, promql) },
      read: async (signal: AbortSignal) => {
        const seconds = await singleValue(base, promql, signal);
        return seconds === undefined ? undefined : seconds * 1000;
      },
    };
  }
  const file = auditFile();
  return {
    where: t`audit log ${file}`,
    action: { target: { "audit log": file } },
    read: () => lastDrillInAudit(file, db.name),
  };
}

/** The start of the newest verify-backup run of `database` that succeeded, from the audit log. */
async function lastDrillInAudit(file: string, database: string): Promise<number | undefined> {
  const text = await readFile(file, "utf8").catch(() => "");
  let newest: number | undefined;
  for (const line of text.split("\n")) {
    if (!line.includes('"verify-backup"')) continue;
    try {
      const r = JSON.parse(line) as {
        runbook: string;
        params: { database?: string };
        outcome?: string;
        dryRun: boolean;
        time: string;
      };
      if (r.runbook !== "verify-backup" || r.dryRun || r.outcome !== "done") continue;
      if (r.params.database !== database) continue;
      newest = Math.max(newest ?? 0, Date.parse(r.time));
    } catch {
      // Not a record guardia wrote; skip it.
    }
  }
  return newest;
}
