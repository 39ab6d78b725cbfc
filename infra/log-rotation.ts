import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { logPathProblems, mountDirectory } from "../lib/logs/patterns.js";
import { CronSchedule, type LogFiles, type Platform } from "../lib/model/index.js";
import {
  MAX_CRONJOB_NAME,
  objectName,
  STACK_FILE_IN_CLUSTER,
  STACK_MOUNT_DIR,
} from "../lib/naming.js";
import { guardiaCronJob } from "./backup/guardia-job.js";
import { SCRATCH_MOUNT } from "./pod-security.js";

/**
 * Log rotation in the cluster: one CronJob per `logs` entry that names the PersistentVolumeClaim
 * holding its files, running `guardia rotate-logs` with that claim mounted where the application
 * writes. Entries without a claim cannot be reached from a job and get none (SUMMARY.md says so).
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

/** 00:30 in the stack's time zone: after midnight, so "daily" means yesterday's lines. */
export const LOG_ROTATION_SCHEDULE = CronSchedule.parse("30 0 * * *");

/** logrotate's state, kept on the log volume itself: a new pod every night must find it there. */
export const LOGROTATE_STATE_FILE = ".guardia-logrotate.state";

/** On the CronJob and its pods, for `kubectl get pods -l guardia.io/logs=<name>`. */
export const LOGS_LABEL = "guardia.io/logs";

/** A `logs` entry whose files live on a PersistentVolumeClaim. */
export type ClaimedLogFiles = LogFiles & { readonly claim: string };

export interface LogRotationArgs {
  /** The resolved model: the `logs` entries, namespace, image, time zone. */
  readonly platform: Platform;
  /** The Foundation's job ServiceAccount. */
  readonly serviceAccountName: pulumi.Input<string>;
  /** The Foundation's stack ConfigMap, mounted at /etc/guardia. */
  readonly stackConfigMapName: pulumi.Input<string>;
}

export class LogRotation extends pulumi.ComponentResource {
  readonly cronJobNames: pulumi.Output<string>[];

  constructor(name: string, args: LogRotationArgs, opts?: pulumi.ComponentResourceOptions) {
    const entries = rotatedEntries(args.platform);
    const problems = entries.flatMap((entry) => logRotationProblems(args.platform, entry));
    if (problems.length > 0) throw new Error(problems.join("\n"));
    super("guardia:index:LogRotation", name, {}, opts);
    this.cronJobNames = entries.map(
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
      cronJobName: logRotationCronJobName(args.platform, entry),
      component: "log-rotation",
      schedule: LOG_ROTATION_SCHEDULE,
      args: rotateLogsArgs(entry.name, dir),
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

/** The entries a CronJob can rotate: those whose files live on a claim. */
export function rotatedEntries(platform: Platform): ClaimedLogFiles[] {
  return platform.logs.filter((entry): entry is ClaimedLogFiles => entry.claim !== undefined);
}

/** `<platform>-rotate-logs-<entry>`, shortened with a hash past the CronJob limit. */
export function logRotationCronJobName(platform: Platform, entry: LogFiles): string {
  return objectName(platform, ["rotate-logs", entry.name], MAX_CRONJOB_NAME);
}

/** `rotate-logs` as the CronJob runs it (argv after `guardia`). */
export function rotateLogsArgs(entry: string, mountDir: string, stack = STACK_FILE_IN_CLUSTER) {
  return [
    "rotate-logs",
    "--stack",
    stack,
    "--logs",
    entry,
    "--state-file",
    `${mountDir.replace(/\/$/, "")}/${LOGROTATE_STATE_FILE}`,
    "--yes",
    "--json",
  ];
}

/**
 * Why an entry cannot get a rotation CronJob. The claim is mounted at the deepest directory that
 * holds every path of the entry (`mountDirectory`), so the paths mean the same files in the job as
 * in the application, provided the application mounts the claim at that same directory. A common
 * directory of `/`, or one that overlaps the job's own mounts, cannot be mounted.
 */
export function logRotationProblems(platform: Platform, entry: ClaimedLogFiles): string[] {
  const where = `logs "${entry.name}" of stack ${platform.name}-${platform.environment}`;
  const dir = mountDirectory(entry.paths);
  const reserved = [STACK_MOUNT_DIR, SCRATCH_MOUNT].filter((r) => overlaps(dir, r));
  return [
    ...logPathProblems(entry.name, entry.paths),
    ...(dir === "/"
      ? [
          `${where}: its paths (${entry.paths.join(", ")}) share no directory but /, where claim ${entry.claim} cannot be mounted; split the entry by directory`,
        ]
      : []),
    ...reserved.map(
      (r) => `${where}: claim ${entry.claim} would be mounted at ${dir}, over the job's own ${r}`,
    ),
  ];
}

function overlaps(a: string, b: string): boolean {
  const within = (x: string, y: string) => x === y || x.startsWith(`${y}/`);
  return within(a, b) || within(b, a);
}

/** The stack's LogRotation, or undefined when no `logs` entry has a claim. */
export function logRotationFor(
  platform: Platform,
  foundation: {
    readonly serviceAccountName: pulumi.Input<string>;
    readonly stackConfigMapName: pulumi.Input<string>;
  },
): LogRotation | undefined {
  if (rotatedEntries(platform).length === 0) return undefined;
  return new LogRotation(`${platform.name}-log-rotation`, {
    platform,
    serviceAccountName: foundation.serviceAccountName,
    stackConfigMapName: foundation.stackConfigMapName,
  });
}
