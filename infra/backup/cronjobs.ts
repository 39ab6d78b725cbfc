import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import {
  backupJobsOf,
  DATABASE_LABEL,
  SCHEDULE_LABEL,
  type BackupJob,
} from "../../lib/backup/job-names.js";
import { drillDatabase } from "../../lib/backup/scratch.js";
import {
  BACKUP_JOB_DEADLINE_SECONDS,
  DRILL_JOB_DEADLINE_SECONDS,
} from "../../lib/backup/timeouts.js";
import { backupGuardiaJob } from "../../lib/jobs.js";
import type { Backups, Database, Platform } from "../../lib/model/index.js";
import { secretEnvName } from "../../lib/secrets.js";
import {
  guardiaCronJob,
  type GuardiaCronJobArgs,
  type JobFoundation,
  type JobMount,
} from "../guardia-cronjob.js";

/** How the backup jobs reach the destination, as `BackupStorage` provides it. */
export interface BackupStorageAccess {
  /** The claim of a file:// destination and the directory the jobs mount it at. */
  readonly claim?: { readonly name: pulumi.Input<string>; readonly mountPath: string };
  /** Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, for S3-compatible stores. */
  readonly credentialsSecret?: string;
}

export interface BackupCronJobsArgs extends JobFoundation {
  /** The resolved model (namespace, image, time zone, labels). */
  readonly platform: Platform;
  /** The stack's backups: schedules and the restore drill. */
  readonly backups: Backups;
  /** The database these CronJobs back up (the model gave it a `passwordSecret`). */
  readonly database: Database;
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

/** One CronJob per schedule, plus the restore drill when the stack has one (`backupJobsOf`). */
export function backupCronJobs(
  name: string,
  args: BackupCronJobsArgs,
  parent: pulumi.Resource,
): k8s.batch.v1.CronJob[] {
  return backupJobsOf(args.platform, args.database).map((job) =>
    guardiaCronJob(`${name}-${job.schedule}`, cronJobArgs(args, job), { parent }),
  );
}

function cronJobArgs(args: BackupCronJobsArgs, job: BackupJob): GuardiaCronJobArgs {
  const drill = job.kind === "restore-drill";
  return {
    ...common(args, job.kind),
    job: backupGuardiaJob(job),
    labels: { [DATABASE_LABEL]: job.database, [SCHEDULE_LABEL]: job.schedule },
    // The runbook's own step timeout ends earlier (lib/backup/timeouts.ts), so it cleans up.
    activeDeadlineSeconds: drill ? DRILL_JOB_DEADLINE_SECONDS : BACKUP_JOB_DEADLINE_SECONDS,
  };
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

function common(args: BackupCronJobsArgs, kind: BackupJob["kind"]): SharedJobArgs {
  const { storage } = args;
  // A drill on a separate server gets that server's password only: it never connects to
  // production, so its pod has no credential for it.
  const connectsTo =
    kind === "restore-drill" ? drillDatabase(args.backups, args.database) : args.database;
  return {
    platform: args.platform,
    serviceAccountName: args.serviceAccountName,
    stackConfigMapName: args.stackConfigMapName,
    env: [passwordEnv(connectsTo)],
    envFrom: storage.credentialsSecret ? [{ secretRef: { name: storage.credentialsSecret } }] : [],
    // The drill only reads backups: it cannot damage them even when it goes wrong.
    mounts: storage.claim ? [claimMount(storage.claim, kind === "restore-drill")] : [],
    backoffLimit: BACKUP_BACKOFF_LIMIT,
    resources: BACKUP_JOB_RESOURCES,
  };
}

/**
 * The password from its Secret, under the variable runbooks read it from (`secretEnvName`). The
 * model requires `passwordSecret` of every database of a kubernetes stack with backups
 * (lib/model/checks.ts, `backupPasswordRules`), and a drill server always has one.
 */
function passwordEnv(database: Database) {
  const ref = database.passwordSecret!;
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
