import type { BackupJob } from "../../backup/job-names.js";
import type { Database } from "../../model/index.js";
import type { AlertDefinition, MonitoringContext } from "../catalogue.js";
import { tr } from "../../i18n/index.js";
import { respondWithin } from "../contract.js";
import { selector } from "../promql.js";
import { KSM, repeat, samplesFor } from "./examples.js";

/**
 * The newest restore drill that passed took longer than the database's recovery time objective
 * (`rto`): a real restore of the same backup would miss it too. The drill's time reaches
 * Prometheus the way every guardia job's result does, through kube-state-metrics: the Job's
 * start and completion times, which a Job only gets when it succeeded (a failed drill is
 * RestoreDrillFailed's). Nothing has to keep a value after the Job's pod is gone, and the time is
 * the one Kubernetes measured. It covers the whole Job (pod start, clean-up of earlier drills'
 * scratch databases, checksums, restore, counts), so it errs on the slow side; the drill's
 * JSON result in the Job's log splits it into checksum and restore time against the same `rto`.
 */

export function restoreDrillAlerts(ctx: MonitoringContext): AlertDefinition[] {
  return ctx.backupJobs.flatMap((job) => {
    const rto = job.kind === "restore-drill" ? databaseOf(ctx, job)?.rto : undefined;
    return rto ? [drillSlowerThanRto(ctx, job, rto.seconds, rto.toString())] : [];
  });
}

function databaseOf(ctx: MonitoringContext, job: BackupJob): Database | undefined {
  return ctx.platform.databases.find((db) => db.name === job.database);
}

/** `metric` of the Jobs the drill CronJob owns, one series per Job. */
function ofDrillJobs(ctx: MonitoringContext, job: BackupJob, metric: string): string {
  const ns = { namespace: ctx.platform.namespace };
  const owner = { ...ns, owner_kind: "CronJob", owner_name: job.cronJob };
  return (
    `(${selector(metric, ns)}\n` +
    `  * on (namespace, job_name) group_left () ${selector("kube_job_owner", owner)})`
  );
}

function drillSlowerThanRto(
  ctx: MonitoringContext,
  job: BackupJob,
  rtoSeconds: number,
  rto: string,
): AlertDefinition {
  const completed = ofDrillJobs(ctx, job, "kube_job_status_completion_time");
  const started = ofDrillJobs(ctx, job, "kube_job_status_start_time");
  const lang = ctx.platform.language;
  return {
    alert: "RestoreDrillSlowerThanRto",
    group: "backups",
    // The run time of the drill Job that completed last (its kept history holds older ones).
    expr:
      `max(\n  (${completed} - ${started})\n` +
      `  and on (namespace, job_name)\n  (${completed} == on () group_left () max(${completed}))\n` +
      `) > ${rtoSeconds}`,
    forSeconds: ctx.timing.probeInterval.seconds,
    // As RestoreDrillFailed: nothing is down, a real restore would only take longer than agreed.
    priority: "P3",
    subject: { database: job.database, schedule: job.schedule, cronjob: job.cronJob },
    summary: tr(lang)`The last restore drill of ${job.database} took longer than its RTO (${rto})`,
    description: [
      tr(
        lang,
      )`The newest Job of CronJob ${job.cronJob} that completed ran for more than ${rto}, the recovery time objective of ${job.database}: restoring its backup in an emergency would take longer than promised.`,
      tr(
        lang,
      )`Run the drill by hand and read its times (checksum, restore) in its result; then make the restore faster (a faster server or disk for it) or agree on a longer rto.`,
      respondWithin("P3", lang),
    ].join(" "),
    first: { runbook: "verify-backup", flags: { database: job.database, backup: "latest" } },
    ...examples(ctx, job, rtoSeconds),
  };
}

/** Drill Jobs: start and completion times (relative to the test's start), one series each. */
function drillJobSeries(ctx: MonitoringContext, job: BackupJob, runs: number[][], count: number) {
  return runs.flatMap(([start, completed], i) => {
    const labels = { ...KSM, namespace: ctx.platform.namespace, job_name: `${job.cronJob}-${i}` };
    const owner = { ...labels, owner_kind: "CronJob", owner_name: job.cronJob };
    return [
      {
        series: selector("kube_job_owner", { ...owner, owner_is_controller: "true" }),
        values: repeat(1, count),
      },
      { series: selector("kube_job_status_start_time", labels), values: repeat(start!, count) },
      {
        series: selector("kube_job_status_completion_time", labels),
        values: repeat(completed!, count),
      },
    ];
  });
}

function examples(
  ctx: MonitoringContext,
  job: BackupJob,
  rto: number,
): Pick<AlertDefinition, "fires" | "blip"> {
  const step = ctx.timing.probeInterval.seconds;
  const count = samplesFor(2 * step, step) + 2;
  const week = 7 * 86400;
  const fast = (start: number) => [start, start + Math.round(rto / 2)];
  const slow = (start: number) => [start, start + rto + 600];
  return {
    // Last week's drill was fast, this week's exceeded the RTO.
    fires: [
      {
        step,
        series: drillJobSeries(ctx, job, [fast(-week - rto), slow(-2 * rto)], count),
        trueFrom: 0,
        seriesLabels: {},
      },
    ],
    // Last week's drill was slow, this week's was within the RTO: only the newest counts.
    blip: {
      step,
      series: drillJobSeries(ctx, job, [slow(-week - rto), fast(-2 * rto)], count),
      checkFrom: 0,
    },
  };
}
