import { CronSchedule, type LogFiles, type Platform } from "../model/index.js";
import { cronJobArgs, MAX_CRONJOB_NAME, objectName } from "../naming.js";

/**
 * Names, labels, schedule and command of the log-rotation CronJobs (infra/log-rotation.ts), kept
 * free of Pulumi so the runbooks and tests share them without loading the Pulumi program.
 */

/** 00:30 in the stack's time zone: after midnight, so "daily" means yesterday's lines. */
export const LOG_ROTATION_SCHEDULE = CronSchedule.parse("30 0 * * *");

/** logrotate's state, kept on the log volume itself: a new pod every night must find it there. */
export const LOGROTATE_STATE_FILE = ".guardia-logrotate.state";

/** On the CronJob and its pods, for `kubectl get pods -l guardia.io/logs=<name>`. */
export const LOGS_LABEL = "guardia.io/logs";

/** A `logs` entry whose files live on a PersistentVolumeClaim. */
export type ClaimedLogFiles = LogFiles & { readonly claim: string };

/** The entries a CronJob can rotate: those whose files live on a claim. */
export function rotatedEntries(platform: Platform): ClaimedLogFiles[] {
  return platform.logs.filter((entry): entry is ClaimedLogFiles => entry.claim !== undefined);
}

/** `<platform>-rotate-logs-<entry>`, shortened with a hash past the CronJob limit. */
export function logRotationCronJobName(platform: Platform, entry: LogFiles): string {
  return objectName(platform, ["rotate-logs", entry.name], MAX_CRONJOB_NAME);
}

/** `rotate-logs` as its CronJob runs it (argv after `guardia`), with the claim at `mountDir`. */
export function rotateLogsArgs(entry: string, mountDir: string): string[] {
  const stateFile = `${mountDir.replace(/\/$/, "")}/${LOGROTATE_STATE_FILE}`;
  return cronJobArgs("rotate-logs", { logs: entry, "state-file": stateFile });
}
