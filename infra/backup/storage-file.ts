import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Destination, Platform } from "../../lib/model/index.js";
import { standardLabels } from "../../lib/naming.js";
import { backupClaimName } from "../../lib/backup/job-names.js";

type FileDestination = Extract<Destination, { kind: "file" }>;

/**
 * The volume of a file:// destination (on premises, like MIRA's /backups): one claim per stack,
 * since every database writes under `<path>/<platform>/<env>/<database>/`.
 *
 * retainOnDelete: `pulumi destroy` (or a renamed resource) forgets the claim instead of deleting
 * it. Deleting the claim would hand the volume to its reclaim policy, which is Delete for most
 * dynamically provisioned volumes: every backup gone with one command.
 */
export function createBackupClaim(
  name: string,
  platform: Platform,
  destination: FileDestination,
  parent: pulumi.Resource,
): k8s.core.v1.PersistentVolumeClaim {
  return new k8s.core.v1.PersistentVolumeClaim(
    name,
    {
      metadata: {
        name: backupClaimName(platform),
        namespace: platform.namespace,
        labels: standardLabels(platform, "backup"),
      },
      spec: {
        // ReadWriteOnce: pods of the backup CronJobs on different nodes take turns (the
        // schedules are hours apart); a shared multi-node volume is not something to assume.
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: destination.volumeSize } },
        ...(destination.storageClass !== undefined && {
          storageClassName: destination.storageClass,
        }),
      },
    },
    { parent, retainOnDelete: true },
  );
}
