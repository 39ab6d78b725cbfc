import { z } from "zod";
import { openStore, type ObjectStore } from "../lib/backup/store.js";
import { UsageError } from "../lib/errors.js";
import type { Platform, RoutinePeriod } from "../lib/model/index.js";
import { ROUTINE_PERIODS } from "../lib/model/schema.js";
import { defineRunbook, type RunContext, type Step } from "../lib/runbook/define.js";
import { auditFile } from "../lib/runbook/audit.js";
import type { ItemResult } from "../lib/routine/checklist.js";
import { manualItems } from "../lib/routine/checklist.js";
import type { PreviousItem, RoutineRun } from "../lib/routine/check-step.js";
import { backupSteps } from "../lib/routine/checks/backups.js";
import { dependencySteps } from "../lib/routine/checks/dependencies.js";
import { diskSteps } from "../lib/routine/checks/disk.js";
import { errorLogSteps } from "../lib/routine/checks/error-logs.js";
import { incidentSteps } from "../lib/routine/checks/incidents.js";
import { jobQueueSteps } from "../lib/routine/checks/job-queue.js";
import { logRetentionSteps } from "../lib/routine/checks/log-retention.js";
import { manualSteps } from "../lib/routine/checks/manual.js";
import { slowQuerySteps } from "../lib/routine/checks/slow-queries.js";
import { smokeSteps } from "../lib/routine/checks/smoke.js";
import { sloSteps } from "../lib/routine/checks/slo.js";
import { userAccessSteps } from "../lib/routine/checks/user-access.js";
import {
  pingStep,
  postSteps,
  writeReportStep,
  type Delivered,
} from "../lib/routine/delivery-steps.js";
import {
  buildReport,
  countsLine,
  periodName,
  reportMarkdown,
  type RoutineReport,
} from "../lib/routine/report.js";
import { ackKey, readPreviousReport, writeAck } from "../lib/routine/store.js";
import { objectUrl } from "../lib/backup/store.js";
import { t } from "../lib/i18n/index.js";

const params = z.object({
  period: z.enum(ROUTINE_PERIODS).describe("the checklist to run: daily, weekly or monthly"),
  ack: z
    .string()
    .optional()
    .describe(
      "record that a manual item of the period was done (e.g. update-docs), instead of running the checks",
    ),
  note: z.string().optional().describe("with --ack: what was done, kept with the record"),
});

type Params = z.infer<typeof params>;

export default defineRunbook({
  name: "routine",
  summary: "Run the daily, weekly or monthly maintenance checklist and report problems first",
  description: `
The MIRA operations guide's Mantenimiento Rutinario (Diario, Semanal, Mensual, Trimestral), the
INATrace operations manual, 2.2 Revisión de Logs y Alertas, and the logistics support plan's
Mantenimiento preventivo as one command per period. Every item is a check with evidence and a
verdict (ok, attention, failed, manual). Daily: error lines of the last 24 h per service (pods'
logs, or the stack's log files) with the most frequent messages; availability, average and p95
latency over 24 h against each SLO (Prometheus); the stack's smoke flows through the runner of
\`guardia smoke\` (login and a business flow per service; the dashboard in Chromium where it is
installed), a failed flow a failed item; Celery queue depth and oldest task age (the
broker); the newest backup and restore drill of each database. Weekly: volumes and the days left
at their growth; statements over 1 s on average (pg_stat_statements); the week's backups per
schedule; open incidents past their response time; pip list --outdated. Monthly: log retention
actually applied; login roles, superusers and application users without a login for 90 days
(Django or NocoBase); npm audit. Items only a person can do (update the operations docs, train
the support team) are manual until \`guardia routine ack <item>\` records who did them. The report lists
problems first, marks what changed since the previous report of the period, is written under
reports/ at the backup destination and posted to the routine's receivers (Slack, Teams, a
webhook, e-mail). With a dead man's switch, the run pings /start, then success or /fail. It
changes nothing it checks (a smoke flow that writes, where the stack allows one, deletes what it
wrote and is only listed by a dry run); a check that cannot run is a failed item, not a failed
run.`,
  outline: [
    "Ping the dead man's switch: /start (its rollback pings /fail)",
    "Read the previous report of the period, to mark what changed",
    "Run the period's checks, each an item with a verdict and evidence (daily: the smoke flows too, one item each)",
    "Write the report (Markdown and JSON) under reports/ at the backup destination",
    "Post it to each routine receiver (Slack, Teams, webhook, e-mail)",
    "Ping the dead man's switch: success",
    "With ack <item> (or --ack <item>): only record who did a manual item, and when",
  ],
  manual: [
    "MIRA operations guide, Mantenimiento Rutinario (Diario, Semanal, Mensual, Trimestral)",
    "INATrace operations manual, 2.1 Verificación de Salud de Servicios (the frontend renders its main dashboard, mobile syncs with the API)",
    "INATrace operations manual, 2.2 Revisión de Logs y Alertas",
    "logistics support plan, Mantenimiento preventivo",
  ],
  onFailure:
    "The checks only read. A run that dies after its start ping pings the dead man's switch's /fail. A report already written stays (the next run compares with it); receivers already posted to keep their message. Run it again: a second report of the same period is harmless.",
  params,
  verbs: ["ack"],
  plan: (ctx) => {
    const routine = ctx.platform.routine;
    if (!routine)
      throw new UsageError(
        t`${ctx.stack.name} has no routine checklists (off by default in dev and testing, or \`routine: null\`): add \`routine: {}\` to its stack file to run them`,
      );
    if (ctx.params.note !== undefined && ctx.params.ack === undefined)
      throw new UsageError(t`--note goes with --ack <item>: it says what was done`);
    return ctx.params.ack ? ackPlan(ctx, ctx.params.ack) : checksPlan(ctx);
  },
});

function checksPlan(ctx: RunContext<Params>) {
  const period = ctx.params.period;
  const now = new Date();
  const results: ItemResult[] = [];
  const previous = new Map<string, PreviousItem>();
  let store: Promise<ObjectStore> | undefined;
  const backups = ctx.platform.backups;
  const run: RoutineRun = {
    ctx,
    platform: ctx.platform,
    period,
    now,
    record: (result) => results.push(result),
    previous: (id) => previous.get(id),
    store: backups ? () => (store ??= openStore(backups.destination)) : undefined,
    stackName: ctx.stack.name,
  };
  let report: RoutineReport | undefined;
  let previousAt: string | undefined;
  const made = () =>
    (report ??= buildReport(
      {
        stack: ctx.stack.name,
        platform: ctx.platform.name,
        environment: ctx.platform.environment,
        period,
        startedAt: now,
        operator: ctx.operator,
      },
      results,
      previousAt
        ? {
            startedAt: previousAt,
            items: [...previous].map(([id, p]) => ({ id, verdict: p.verdict })),
          }
        : undefined,
    ));
  const delivered: Delivered = {};
  const steps = [
    pingStep(run, "start", () => t`${periodName(period)} routine of ${ctx.stack.name} started`),
    ...(run.store ? [previousStep(run, previous, (at) => (previousAt = at))] : []),
    ...checkSteps(run),
    writeReportStep(run, made, delivered),
    ...postSteps(run, made, delivered),
    pingStep(run, "success", () => countsLine(made())),
  ].filter((s): s is Step => s !== undefined);
  return {
    steps,
    result: () => ({ ...made(), reportUrl: delivered.url }),
    output: () => reportMarkdown(made()),
    cleanup: async () => (await store?.catch(() => undefined))?.close(),
  };
}

/** Every check of the period, in the order of the manuals' checklists. */
function checkSteps(run: RoutineRun): Step[] {
  return [
    ...errorLogSteps(run),
    ...(run.period === "daily" ? sloSteps(run) : []),
    ...(run.period === "daily" ? smokeSteps(run) : []),
    ...(run.period === "daily" ? jobQueueSteps(run) : []),
    ...backupSteps(run),
    ...diskSteps(run),
    ...slowQuerySteps(run),
    ...incidentSteps(run),
    ...logRetentionSteps(run),
    ...userAccessSteps(run),
    ...dependencySteps(run),
    ...manualSteps(run),
  ];
}

function previousStep(
  run: RoutineRun,
  previous: Map<string, PreviousItem>,
  found: (startedAt: string | undefined) => void,
): Step {
  return {
    title: t`Read the previous ${periodName(run.period)} report`,
    kind: "read",
    timeoutMs: 60_000,
    action: () => ({ target: { reports: reportsUrl(run.platform, run.period) } }),
    run: async () => {
      previous.clear();
      const last = await readPreviousReport(await run.store!(), run.platform, run.period);
      found(last?.startedAt);
      if (!last) return { summary: t`none yet: this is the first report of the period` };
      const at = new Date(last.startedAt);
      for (const item of last.items)
        previous.set(item.id, { verdict: item.verdict, data: item.data, at });
      return { summary: t`${last.startedAt} (${last.items.length} items)` };
    },
  };
}

function reportsUrl(platform: Platform, period: RoutinePeriod): string {
  return objectUrl(
    platform.backups!.destination,
    `${platform.name}/${platform.environment}/reports/${period}/`,
  );
}

/** `--ack <item>`: who did a manual item, and when; in the audit log, and beside the reports. */
function ackPlan(ctx: RunContext<Params>, item: string) {
  const period = ctx.params.period;
  const items = manualItems(period);
  if (!items.some((i) => i.id === item))
    throw new UsageError(
      t`--ack: "${item}" is no manual item of the ${period} checklist (manual items: ${items.map((i) => i.id).join(", ") || t`none`})`,
    );
  const backups = ctx.platform.backups;
  const where = backups
    ? objectUrl(backups.destination, ackKey(ctx.platform, item))
    : t`audit log ${auditFile()}`;
  let recorded: string | undefined;
  const step: Step = {
    title: t`Record that ${item} (${periodName(period)}) was done by ${ctx.operator}`,
    kind: "change",
    timeoutMs: 60_000,
    action: () => ({ target: { acknowledgement: where } }),
    run: async () => {
      if (!backups) return { summary: t`recorded in the ${where}` };
      const at = new Date().toISOString();
      const ack = {
        type: "guardia.routine-ack.v1" as const,
        item,
        period,
        operator: ctx.operator,
        at,
        note: ctx.params.note,
      };
      const store = await openStore(backups.destination);
      try {
        recorded = await writeAck(store, ctx.platform, ack);
      } finally {
        store.close();
      }
      return { summary: t`recorded at ${recorded} (and in the audit log)` };
    },
    manualUndo: t`an acknowledgement is a record: a wrong one is superseded by the next`,
  };
  return {
    steps: [step],
    confirmTarget: item,
    result: () => ({ acknowledged: item, period, operator: ctx.operator, recorded }),
    output: () =>
      recorded ? t`${item} acknowledged: ${recorded}` : t`${item} acknowledged in the audit log`,
  };
}
