import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { logRotationJob } from "../lib/jobs.js";
import { LOGS_LABEL, rotatedEntries, type ClaimedLogFiles } from "../lib/logs/job-names.js";
import { mountDirectory } from "../lib/logs/patterns.js";
import type { Platform } from "../lib/model/index.js";
import { guardiaCronJob, type JobFoundation } from "./guardia-cronjob.js";

/**
 * Log rotation in the cluster: one CronJob per `logs` entry that names the PersistentVolumeClaim
 * holding its files, running `guardia rotate-logs` with that claim mounted where the application
 * writes: the deepest directory holding every path of the entry (`mountDirectory`; the model
 * makes sure it is neither `/` nor one of the job's own mounts). Entries without a claim cannot
 * be reached from a job and get none (SUMMARY.md says so).
 *
 * The job runs as uid/gid 10001 (Pod Security "restricted"), and logrotate acts as that user:
 * copytruncate opens each live file for writing, and rotating, compressing and deleting create
 * and remove files in its directory. So the application's log directory must be writable, and its
 * files readable and writable, by group 10001: run the application with `fsGroup: 10001` (the
 * kubelet then gives the volume group 10001 and setgid directories) and a umask that keeps group
 * write (0002), or as uid 10001 itself. The job's own fsGroup 10001 makes the kubelet give the
 * volume that group when its root does not have it yet (fsGroupChangePolicy OnRootMismatch).
 * A ReadWriteOnce claim only mounts on the node where the application runs: use ReadWriteMany,
 * or expect the job to wait for that node.
 */

export interface LogRotationArgs extends JobFoundation {
  /** The resolved model: the `logs` entries, namespace, image, time zone. */
  readonly platform: Platform;
}

export class LogRotation extends pulumi.ComponentResource {
  readonly cronJobNames: pulumi.Output<string>[];

  constructor(name: string, args: LogRotationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardia:index:LogRotation", name, {}, opts);
    this.cronJobNames = rotatedEntries(args.platform).map(
      (entry) => rotationCronJob(`${name}-${entry.name}`, args, entry, this).metadata.name,
    );
    this.registerOutputs({ cronJobNames: this.cronJobNames });
  }
}

function rotationCronJob(
  name: string,
  args: LogRotationArgs,
  entry: ClaimedLogFiles,
  parent: pulumi.Resource,
): k8s.batch.v1.CronJob {
  const dir = mountDirectory(entry.paths);
  return guardiaCronJob(
    name,
    {
      platform: args.platform,
      job: logRotationJob(args.platform, entry),
      serviceAccountName: args.serviceAccountName,
      stackConfigMapName: args.stackConfigMapName,
      labels: { [LOGS_LABEL]: entry.name },
      mounts: [
        {
          volume: { name: "logs", persistentVolumeClaim: { claimName: entry.claim } },
          mount: { name: "logs", mountPath: dir },
        },
      ],
    },
    { parent },
  );
}

/** The stack's LogRotation, or undefined when no `logs` entry has a claim. */
export function logRotationFor(
  platform: Platform,
  foundation: JobFoundation,
): LogRotation | undefined {
  if (rotatedEntries(platform).length === 0) return undefined;
  return new LogRotation(`${platform.name}-log-rotation`, {
    platform,
    serviceAccountName: foundation.serviceAccountName,
    stackConfigMapName: foundation.stackConfigMapName,
  });
}
