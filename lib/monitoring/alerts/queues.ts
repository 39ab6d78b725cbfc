import type { Celery } from "../../model/index.js";
import { Duration } from "../../model/index.js";
import type { AlertDefinition, MonitoringContext } from "../catalogue.js";
import { AGE_SCRIPT_PATH, redisExporterJob } from "../celery-queues.js";
import { tr } from "../../i18n/index.js";
import { respondWithin } from "../contract.js";
import { selector } from "../promql.js";
import { overTime, repeat, samplesFor } from "./examples.js";

/**
 * The Celery queues (logistics support plan, Niveles de soporte: level 2 "revisa tareas en cola"),
 * from guardia's redis_exporter: a queue that keeps growing and is never drained over a window,
 * and a task that has waited longer than `celery.maxTaskAge`. The window is 30 probe intervals
 * (30 min in prod), held for half of it: a burst the workers work off never fires.
 */

const WINDOW_INTERVALS = 30;

export function queueAlerts(ctx: MonitoringContext): AlertDefinition[] {
  const celery = ctx.platform.celery;
  if (!celery || ctx.platform.runtime !== "kubernetes") return [];
  return celery.queues.flatMap((queue) => [
    queueGrowing(ctx, celery, queue),
    taskTooOld(ctx, celery, queue),
  ]);
}

function labels(ctx: MonitoringContext, queue: string) {
  const job = redisExporterJob(ctx.platform);
  return { job, instance: `${job}:9121`, key: queue };
}

function queueGrowing(ctx: MonitoringContext, celery: Celery, queue: string): AlertDefinition {
  const step = ctx.timing.probeInterval.seconds;
  const window = Duration.ofSeconds(WINDOW_INTERVALS * step);
  const forSeconds = (WINDOW_INTERVALS / 2) * step;
  const { job, instance } = labels(ctx, queue);
  const depth = selector("redis_key_size", { job, key: queue });
  const series = selector("redis_key_size", { job, instance, db: "db0", key: queue });
  const count = samplesFor(window.seconds + forSeconds, step) + 2;
  const lang = ctx.platform.language;
  return {
    alert: "CeleryQueueGrowing",
    group: "queues",
    expr: `max(min_over_time(${depth}[${window}])) > 0\nand\nmax(deriv(${depth}[${window}])) > 0`,
    forSeconds,
    priority: celery.priority,
    subject: { service: celery.service, queue },
    summary: tr(lang)`Celery queue ${queue} keeps growing and never empties`,
    description: [
      tr(
        lang,
      )`Queue ${queue} has not been empty for ${window} and has grown over it: the workers of ${celery.service} are not keeping up, or not consuming.`,
      tr(lang)`Check them (health-check --deep pings the workers), then the oldest waiting task.`,
      respondWithin(celery.priority, lang),
    ].join(" "),
    first: { runbook: "health-check", flags: { service: celery.service } },
    fires: [
      {
        step,
        series: [{ series, values: overTime(count, step, (t) => 10 + t / step) }],
        // deriv needs two samples.
        trueFrom: step,
        seriesLabels: {},
      },
    ],
    blip: {
      // A burst of 100 tasks, worked off in ten scrapes.
      step,
      series: [
        {
          series,
          values: [
            ...repeat(0, 5),
            ...overTime(11, step, (t) => 100 - (10 * t) / step),
            ...repeat(0, count),
          ],
        },
      ],
      checkFrom: 0,
    },
  };
}

function taskTooOld(ctx: MonitoringContext, celery: Celery, queue: string): AlertDefinition {
  const step = ctx.timing.probeInterval.seconds;
  const forSeconds = 2 * step;
  const { job, instance } = labels(ctx, queue);
  const age = selector("redis_script_values", { job, key: queue });
  const series = selector("redis_script_values", {
    job,
    instance,
    filename: AGE_SCRIPT_PATH,
    key: queue,
  });
  const limit = celery.maxTaskAge.seconds;
  const count = samplesFor(forSeconds, step) + 2;
  const lang = ctx.platform.language;
  return {
    alert: "CeleryTaskWaitingTooLong",
    group: "queues",
    expr: `max(${age}) > ${limit}`,
    forSeconds,
    priority: celery.priority,
    subject: { service: celery.service, queue },
    summary: tr(
      lang,
    )`A task has waited in Celery queue ${queue} for more than ${celery.maxTaskAge}`,
    description: [
      tr(
        lang,
      )`The oldest task of queue ${queue} has waited more than ${celery.maxTaskAge} (as guardia's redis_exporter saw it first): the workers of ${celery.service} are stuck or gone.`,
      tr(lang)`Ping them (health-check --deep), read their logs, restart them.`,
      respondWithin(celery.priority, lang),
    ].join(" "),
    first: { runbook: "health-check", flags: { service: celery.service } },
    fires: [
      {
        step,
        series: [{ series, values: overTime(count, step, (t) => limit + 60 + t) }],
        trueFrom: 0,
        seriesLabels: {},
      },
    ],
    blip: {
      // One scrape saw an old task; the next found the queue worked off.
      step,
      series: [{ series, values: [...repeat(0, 5), limit + 60, ...repeat(0, count)] }],
      checkFrom: 0,
    },
  };
}
