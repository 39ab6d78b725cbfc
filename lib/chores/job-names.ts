import type { Platform } from "../model/index.js";
import { cronJobArgs, MAX_CRONJOB_NAME, objectName } from "../naming.js";

/**
 * The hygiene chores' CronJobs (token rotation, media cleanup): their names and commands, kept
 * free of Pulumi so that infra/ and the tests share them.
 */

/** The flag the cleanup CronJob passes: it reads the stack's references and does not ask Django. */
export const STACK_REFERENCES_ONLY = "stack-references-only";

/** `<platform>-rotate-tokens`. */
export function tokenRotationCronJobName(platform: Platform): string {
  return objectName(platform, ["rotate-tokens"], MAX_CRONJOB_NAME);
}

/** `<platform>-cleanup-media`. */
export function mediaCleanupCronJobName(platform: Platform): string {
  return objectName(platform, ["cleanup-media"], MAX_CRONJOB_NAME);
}

/** rotate-tokens as its CronJob runs it (argv after `guardia`): the stack's policy, capped. */
export function tokenRotationArgs(): string[] {
  return cronJobArgs("rotate-tokens", {});
}

/** cleanup-media as its CronJob runs it (argv after `guardia`). */
export function mediaCleanupArgs(): string[] {
  const [runbook, ...rest] = cronJobArgs("cleanup-media", {});
  return [runbook!, `--${STACK_REFERENCES_ONLY}`, ...rest];
}
