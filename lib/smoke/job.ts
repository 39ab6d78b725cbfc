import type { Platform } from "../model/index.js";
import { cronJobArgs, MAX_CRONJOB_NAME, objectName } from "../naming.js";

/**
 * The smoke CronJob's facts, free of Pulumi so that infra/smoke.ts, its alert and its tests share
 * them: its name, schedule, deadline, image and command. A stack gets one when it runs in a
 * cluster, has smoke flows and a schedule (`smokeFlows.cron`, on by default).
 */

export interface SmokeJob {
  readonly cronJob: string;
  /** The cron expression, in the stack's `jobs.timeZone`. */
  readonly cron: string;
  /** The longest gap between two runs over the coming year, in seconds. */
  readonly maxIntervalSeconds: number;
  /** How long one run may take before Kubernetes stops it. */
  readonly deadlineSeconds: number;
  /** The job runs the browser steps too: the stack gave an image with Chromium. */
  readonly browser: boolean;
  readonly image: string;
}

/**
 * Half the schedule's gap, between 2 and 15 minutes: a run never overlaps the next (the CronJob
 * forbids it, so an overlap would skip a run and hide a failure), and a page that hangs cannot
 * keep the job past it.
 */
export function smokeDeadlineSeconds(maxIntervalSeconds: number): number {
  return Math.min(900, Math.max(120, Math.floor(maxIntervalSeconds / 2)));
}

export function smokeJob(platform: Platform): SmokeJob | undefined {
  const { smoke } = platform;
  if (platform.runtime !== "kubernetes" || smoke.flows.length === 0 || !smoke.cron)
    return undefined;
  const maxIntervalSeconds = smoke.cron.maxIntervalSeconds();
  return {
    cronJob: objectName(platform, ["smoke"], MAX_CRONJOB_NAME),
    cron: smoke.cron.expression,
    maxIntervalSeconds,
    deadlineSeconds: smokeDeadlineSeconds(maxIntervalSeconds),
    browser: smoke.browserImage !== undefined,
    image: smoke.browserImage ?? platform.jobs.image,
  };
}

/** `smoke` as the CronJob runs it (argv after `guardia`): without Chromium, the API steps only. */
export function smokeArgs(job: SmokeJob): string[] {
  return cronJobArgs("smoke", job.browser ? {} : { steps: "api" });
}
