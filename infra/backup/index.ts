import * as pulumi from "@pulumi/pulumi";
import type { Backups, Platform } from "../../lib/model/index.js";
import type { JobFoundation } from "../guardia-cronjob.js";
import { backupCronJobs, type BackupCronJobsArgs, type BackupStorageAccess } from "./cronjobs.js";
import { CollectionsExport } from "./collections-export.js";
import { createBackupClaim } from "./storage-file.js";
import { createBackupBucket, createBackupRole, s3BackupTarget } from "./storage-s3.js";

export type { BackupStorageAccess } from "./cronjobs.js";

/** The annotation by which the EKS pod identity webhook gives a ServiceAccount's pods a role. */
export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

export interface BackupStorageArgs {
  /** The resolved model (namespace, names, the `aws` section). */
  readonly platform: Platform;
  /** The stack's backups; `destination` decides what is created. */
  readonly backups: Backups;
}

/**
 * Where a stack's backups go. s3:// on AWS: the bucket and the IRSA role of the job
 * ServiceAccount. s3:// with an `endpoint` (MinIO, Ceph): nothing, the store is not AWS and the
 * jobs get its credentials from `credentialsSecret`. file://: a PersistentVolumeClaim.
 *
 * Created before the Foundation, whose ServiceAccount carries the role ARN annotation.
 */
export class BackupStorage extends pulumi.ComponentResource {
  /** For the Foundation's ServiceAccount: the IRSA role when backups go to S3 on AWS, else {}. */
  readonly serviceAccountAnnotations: Record<string, pulumi.Output<string>>;
  /** What the backup jobs mount or read to reach the destination. */
  readonly access: BackupStorageAccess;
  readonly bucketName: pulumi.Output<string> | undefined;
  readonly roleArn: pulumi.Output<string> | undefined;
  readonly claimName: pulumi.Output<string> | undefined;

  constructor(name: string, args: BackupStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardia:index:BackupStorage", name, {}, opts);
    const { platform } = args;
    const destination = args.backups.destination;
    let access: BackupStorageAccess = {};
    if (destination.kind === "file") {
      const claim = createBackupClaim(`${name}-claim`, platform, destination, this);
      this.claimName = claim.metadata.name;
      access = { claim: { name: this.claimName, mountPath: destination.path } };
    } else if (destination.endpoint !== undefined) {
      access = { credentialsSecret: destination.credentialsSecret };
    } else {
      const target = s3BackupTarget(platform, destination);
      this.bucketName = createBackupBucket(`${name}-bucket`, target, this).bucket;
      this.roleArn = createBackupRole(`${name}-role`, target, this).arn;
    }
    this.access = access;
    this.serviceAccountAnnotations = this.roleArn ? { [IRSA_ROLE_ANNOTATION]: this.roleArn } : {};
    this.registerOutputs({
      bucketName: this.bucketName,
      roleArn: this.roleArn,
      claimName: this.claimName,
    });
  }
}

export type DatabaseBackupsArgs = BackupCronJobsArgs;

/**
 * The backups of one database: a CronJob per schedule running `guardia backup-db`, and the
 * restore drill running `guardia verify-backup --backup latest` when the stack has one.
 */
export class DatabaseBackups extends pulumi.ComponentResource {
  readonly cronJobNames: pulumi.Output<string>[];

  constructor(name: string, args: DatabaseBackupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardia:index:DatabaseBackups", name, {}, opts);
    this.cronJobNames = backupCronJobs(name, args, this).map((job) => job.metadata.name);
    this.registerOutputs({ cronJobNames: this.cronJobNames });
  }
}

/** The stack's BackupStorage, or undefined when it has no backups. Create it before the Foundation. */
export function backupStorageFor(platform: Platform): BackupStorage | undefined {
  if (!platform.backups) return undefined;
  return new BackupStorage(`${platform.name}-backup-storage`, {
    platform,
    backups: platform.backups,
  });
}

/** One DatabaseBackups per database, running as the Foundation's ServiceAccount. */
export function databaseBackupsFor(
  platform: Platform,
  foundation: JobFoundation,
  storage: BackupStorage | undefined,
): DatabaseBackups[] {
  const backups = platform.backups;
  if (!backups || !storage) return [];
  return platform.databases.map(
    (database) =>
      new DatabaseBackups(`${platform.name}-backup-${database.name}`, {
        platform,
        backups,
        database,
        serviceAccountName: foundation.serviceAccountName,
        stackConfigMapName: foundation.stackConfigMapName,
        storage: storage.access,
      }),
  );
}

/** Stack outputs: the CronJob names, and the bucket and role when there are some. */
export function backupOutputs(
  storage: BackupStorage | undefined,
  databases: readonly DatabaseBackups[],
): Record<string, pulumi.Output<unknown>> {
  const outputs: Record<string, pulumi.Output<unknown>> = {
    backupCronJobs: pulumi.all(databases.flatMap((d) => d.cronJobNames)),
  };
  if (storage?.bucketName) outputs.backupBucket = storage.bucketName;
  if (storage?.roleArn) outputs.backupRoleArn = storage.roleArn;
  if (storage?.claimName) outputs.backupClaim = storage.claimName;
  return outputs;
}

/** The scheduled NocoBase collections export, when the stack has one (it needs the storage). */
export function collectionsExportFor(
  platform: Platform,
  foundation: JobFoundation,
  storage: BackupStorage | undefined,
): CollectionsExport | undefined {
  const collections = platform.collections;
  if (!collections?.export || !storage) return undefined;
  return new CollectionsExport(`${platform.name}-export-collections`, {
    platform,
    collections: { ...collections, export: collections.export },
    serviceAccountName: foundation.serviceAccountName,
    stackConfigMapName: foundation.stackConfigMapName,
    storage: storage.access,
  });
}
