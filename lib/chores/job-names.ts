import type { RunbookName } from "../../runbooks/index.js";
import { logRotationCronJobName, rotatedEntries } from "../logs/job-names.js";
import type { Platform, Priority } from "../model/index.js";
import { cronJobArgs, MAX_CRONJOB_NAME, objectName } from "../naming.js";

/**
 * The chores that run in the cluster besides backups: log rotation, token rotation and the
 * media cleanup. Their CronJobs' names and commands, kept free of Pulumi so that infra/ and the
 * job-failed alerts (lib/monitoring/alerts/chores.ts) share them.
 */

/** A chore's CronJob as its job-failed alert watches it. */
export interface ChoreJob {
  /** The CronJob's metadata.name; its Jobs are `<cronJob>-<minutes since epoch>`. */
  readonly cronJob: string;
  /** What it does, for the alert's text: "log rotation of logs entry app". */
  readonly what: string;
  /** The command an engineer runs first when it failed. */
  readonly runbook: RunbookName;
  readonly flags: Readonly<Record<string, string>>;
  /** Labels that tell this chore's alerts apart ({ logs: "app" }). */
  readonly subject: Readonly<Record<string, string>>;
  readonly priority: Priority;
}

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

/**
 * Every chore CronJob of a stack, in the order infra/ creates them. A rotation that fails lets
 * a volume fill up (P3); tokens and media wait a day (P4).
 */
export function choreJobs(platform: Platform): ChoreJob[] {
  if (platform.runtime !== "kubernetes") return [];
  const logs = rotatedEntries(platform).map(
    (entry): ChoreJob => ({
      cronJob: logRotationCronJobName(platform, entry),
      what: `log rotation of logs entry ${entry.name}`,
      runbook: "rotate-logs",
      flags: { logs: entry.name },
      subject: { logs: entry.name },
      priority: "P3",
    }),
  );
  const tokens: ChoreJob[] = platform.tokens?.cron
    ? [
        {
          cronJob: tokenRotationCronJobName(platform),
          what: "DRF token rotation",
          runbook: "rotate-tokens",
          flags: {},
          subject: {},
          priority: "P4",
        },
      ]
    : [];
  const media: ChoreJob[] = platform.media?.claim
    ? [
        {
          cronJob: mediaCleanupCronJobName(platform),
          what: "media cleanup",
          runbook: "cleanup-media",
          flags: {},
          subject: {},
          priority: "P4",
        },
      ]
    : [];
  return [...logs, ...tokens, ...media];
}
