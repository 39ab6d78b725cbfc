import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { drillDatabase } from "../../lib/backup/scratch.js";
import {
  BACKUP_JOB_DEADLINE_SECONDS,
  DRILL_JOB_DEADLINE_SECONDS,
} from "../../lib/backup/timeouts.js";
import type { Backups, Database, Platform } from "../../lib/model/index.js";
import { secretEnvName } from "../../lib/secrets.js";
import { guardiaCronJob, type GuardiaCronJobArgs, type JobMount } from "./guardia-job.js";
import {
  backupArgs,
  backupCronJobName,
  DATABASE_LABEL,
  RESTORE_DRILL,
  restoreDrillArgs,
  restoreDrillCronJobName,
  SCHEDULE_LABEL,
} from "./names.js";

/** How the backup jobs reach the destination, as `BackupStorage` provides it. */
export interface BackupStorageAccess {
  /** The claim of a file:// destination and the directory the jobs mount it at. */
  readonly claim?: { readonly name: pulumi.Input<string>; readonly mountPath: string };
  /** Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, for S3-compatible stores. */
  readonly credentialsSecret?: string;
}

export interface BackupCronJobsArgs {
  /** The resolved model (namespace, image, time zone, labels). */
  readonly platform: Platform;
  /** The stack's backups: schedules and the restore drill. */
  readonly backups: Backups;
  /** The database these CronJobs back up; needs a `passwordSecret`. */
  readonly database: Database;
  /** The Foundation's job ServiceAccount. */
  readonly serviceAccountName: pulumi.Input<string>;
  /** The Foundation's stack ConfigMap. */
  readonly stackConfigMapName: pulumi.Input<string>;
  /** From `BackupStorage.access`. */
  readonly storage: BackupStorageAccess;
}

/**
 * pg_dump's output streams through compression into the destination (S3 multipart parts of a
 * few MiB, a few in flight), so memory does not grow with the database: Node and the buffers
 * fit in 200Mi. The limit leaves room for a burst; CPU bursts to a core for compression.
 */
export const BACKUP_JOB_RESOURCES = {
  requests: { cpu: "100m", memory: "200Mi" },
  limits: { cpu: "1", memory: "512Mi" },
};

/**
 * One retry: a failover or a network blip during the night should not cost a day's backup, while
 * more retries would only keep hitting a database that is in trouble and delay the alert. Each
 * attempt is a new backup id; the failed one never gets a manifest, so it is never restorable.
 */
export const BACKUP_BACKOFF_LIMIT = 1;

/** Why `database` cannot get backup CronJobs, or undefined when it can. */
export function databaseBackupProblem(platform: Platform, database: Database): string | undefined {
  if (database.passwordSecret) return undefined;
  return `database "${database.name}" of stack ${platform.name}-${platform.environment}: \`passwordSecret\` is required, because the backup CronJobs read the password from that Secret`;
}

/** One CronJob per schedule, plus the restore drill when the stack has one. */
export function backupCronJobs(
  name: string,
  args: BackupCronJobsArgs,
  parent: pulumi.Resource,
): k8s.batch.v1.CronJob[] {
  const { platform, backups, database } = args;
  const jobs = backups.schedules.map((schedule) =>
    guardiaCronJob(
      `${name}-${schedule.name}`,
      {
        ...common(args, "backup"),
        cronJobName: backupCronJobName(platform, database, schedule.name),
        component: "backup",
        schedule: schedule.cron,
        args: backupArgs(database.name, schedule.name),
        labels: { [DATABASE_LABEL]: database.name, [SCHEDULE_LABEL]: schedule.name },
        // The runbook's own step timeout ends earlier (lib/backup/timeouts.ts), so it cleans up.
        activeDeadlineSeconds: BACKUP_JOB_DEADLINE_SECONDS,
      },
      { parent },
    ),
  );
  if (backups.restoreDrill) {
    jobs.push(
      guardiaCronJob(
        `${name}-${RESTORE_DRILL}`,
        {
          ...common(args, "restore-drill"),
          cronJobName: restoreDrillCronJobName(platform, database),
          component: "restore-drill",
          schedule: backups.restoreDrill.cron,
          args: restoreDrillArgs(database.name),
          labels: { [DATABASE_LABEL]: database.name, [SCHEDULE_LABEL]: RESTORE_DRILL },
          activeDeadlineSeconds: DRILL_JOB_DEADLINE_SECONDS,
        },
        { parent },
      ),
    );
  }
  return jobs;
}

type SharedJobArgs = Pick<
  GuardiaCronJobArgs,
  | "platform"
  | "serviceAccountName"
  | "stackConfigMapName"
  | "env"
  | "envFrom"
  | "mounts"
  | "backoffLimit"
  | "resources"
>;

function common(args: BackupCronJobsArgs, kind: "backup" | "restore-drill"): SharedJobArgs {
  const { storage } = args;
  // A drill on a separate server gets that server's password only: it never connects to
  // production, so its pod has no credential for it.
  const connectsTo =
    kind === "restore-drill" ? drillDatabase(args.backups, args.database) : args.database;
  return {
    platform: args.platform,
    serviceAccountName: args.serviceAccountName,
    stackConfigMapName: args.stackConfigMapName,
    env: [passwordEnv(args.platform, connectsTo)],
    envFrom: storage.credentialsSecret ? [{ secretRef: { name: storage.credentialsSecret } }] : [],
    // The drill only reads backups: it cannot damage them even when it goes wrong.
    mounts: storage.claim ? [claimMount(storage.claim, kind === "restore-drill")] : [],
    backoffLimit: BACKUP_BACKOFF_LIMIT,
    resources: BACKUP_JOB_RESOURCES,
  };
}

/** The password from its Secret, under the variable runbooks read it from (`secretEnvName`). */
function passwordEnv(platform: Platform, database: Database) {
  const ref = database.passwordSecret;
  if (!ref) throw new Error(databaseBackupProblem(platform, database));
  return {
    name: secretEnvName(ref),
    valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } },
  };
}

export function claimMount(
  claim: NonNullable<BackupStorageAccess["claim"]>,
  readOnly: boolean,
): JobMount {
  const ro = readOnly ? { readOnly } : {};
  return {
    volume: { name: "backups", persistentVolumeClaim: { claimName: claim.name, ...ro } },
    mount: { name: "backups", mountPath: claim.mountPath, ...ro },
  };
}
