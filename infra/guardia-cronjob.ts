import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { EXIT } from "../lib/errors.js";
import type { ScheduledRunbook } from "../lib/jobs.js";
import type { Platform } from "../lib/model/index.js";
import { STACK_MOUNT_DIR, standardLabels } from "../lib/naming.js";
import {
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  scratchEnv,
  scratchMount,
  scratchVolume,
} from "./pod-security.js";

type Container = k8s.types.input.core.v1.Container;
type EnvFromSource = k8s.types.input.core.v1.EnvFromSource;
type EnvVar = k8s.types.input.core.v1.EnvVar;
type PodSpec = k8s.types.input.core.v1.PodSpec;
type ResourceRequirements = k8s.types.input.core.v1.ResourceRequirements;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;
type CronJobSpec = k8s.types.input.batch.v1.CronJobSpec;
type JobSpec = k8s.types.input.batch.v1.JobSpec;

/** A volume and where the guardia container mounts it. */
export interface JobMount {
  readonly volume: Volume;
  readonly mount: VolumeMount;
}

/** What the Foundation gives every guardia job: who it runs as and the stack file it reads. */
export interface JobFoundation {
  /** The Foundation's job ServiceAccount. */
  readonly serviceAccountName: pulumi.Input<string>;
  /** The Foundation's stack ConfigMap, mounted read-only at /etc/guardia. */
  readonly stackConfigMapName: pulumi.Input<string>;
}

export interface GuardiaCronJobArgs extends JobFoundation {
  /** The resolved model: namespace, image, time zone and standard labels come from it. */
  readonly platform: Platform;
  /**
   * Its name, component, schedule and runbook argv: an entry of `guardiaJobs` (lib/jobs.ts),
   * which also gives it an alert when a run fails (the smoke CronJob has an alert of its own).
   */
  readonly job: ScheduledRunbook;
  /** Labels added to the standard ones on the CronJob, its Jobs and pods. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Environment beyond the operator, audit and scratch variables. @default [] */
  readonly env?: readonly EnvVar[];
  /** Whole Secrets or ConfigMaps as environment. @default [] */
  readonly envFrom?: readonly EnvFromSource[];
  /** Volumes beyond the stack ConfigMap and the scratch emptyDir. @default [] */
  readonly mounts?: readonly JobMount[];
  /** How long a Job may run, retries included, before Kubernetes stops it. @default 3600 */
  readonly activeDeadlineSeconds?: number;
  /** Pods retried after a failed one. @default 1 */
  readonly backoffLimit?: number;
  /** Container requests and limits. @default JOB_DEFAULTS.resources */
  readonly resources?: ResourceRequirements;
  /** The pod mounts its ServiceAccount token, for a runbook that runs kubectl. @default false */
  readonly kubernetesApi?: boolean;
  /** Annotations on the CronJob, for reviewers (what watches it). @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
}

type OptionalJobArgs = Required<
  Pick<
    GuardiaCronJobArgs,
    | "labels"
    | "env"
    | "envFrom"
    | "mounts"
    | "activeDeadlineSeconds"
    | "backoffLimit"
    | "resources"
    | "kubernetesApi"
    | "annotations"
  >
>;
type ResolvedJobArgs = GuardiaCronJobArgs & OptionalJobArgs;

/** The optional arguments' values when a job does not give them. */
export const JOB_DEFAULTS: OptionalJobArgs = {
  labels: {},
  env: [],
  envFrom: [],
  mounts: [],
  activeDeadlineSeconds: 3600,
  backoffLimit: 1,
  // A runbook that mostly waits on other programs: Node and a small child process.
  resources: {
    requests: { cpu: "50m", memory: "128Mi" },
    limits: { cpu: "500m", memory: "256Mi" },
  },
  kubernetesApi: false,
  annotations: {},
};

/** How late a run may still start (controller down, previous run still going). */
export const STARTING_DEADLINE_SECONDS = 3600;
/** Seven days: the pod of a run that failed on Friday night still has its logs on Monday. */
export const TTL_SECONDS_AFTER_FINISHED = 7 * 24 * 3600;
/** The emptyDir behind HOME and TMPDIR: logrotate's and the AWS SDK's temporary files. */
const SCRATCH_SIZE = "1Gi";

/**
 * A CronJob that runs one guardia runbook in the guardia image, the way an engineer runs it:
 * `guardia <runbook> --stack /etc/guardia/stack.yaml ... --yes --json`, as the Foundation's
 * ServiceAccount, in a pod that passes Pod Security "restricted".
 */
export function guardiaCronJob(
  name: string,
  given: GuardiaCronJobArgs,
  opts?: pulumi.CustomResourceOptions,
): k8s.batch.v1.CronJob {
  const args: ResolvedJobArgs = { ...JOB_DEFAULTS, ...given };
  const { platform, job } = args;
  const labels = { ...standardLabels(platform, job.component), ...args.labels };
  return new k8s.batch.v1.CronJob(
    name,
    {
      metadata: {
        name: job.cronJob,
        namespace: platform.namespace,
        labels,
        ...(Object.keys(args.annotations).length > 0 && { annotations: { ...args.annotations } }),
      },
      spec: cronJobSpec(args, labels),
    },
    opts,
  );
}

function cronJobSpec(args: ResolvedJobArgs, labels: Record<string, string>): CronJobSpec {
  return {
    schedule: args.job.cron,
    timeZone: args.platform.jobs.timeZone,
    // A backup still running when the next one is due is left alone; two dumps of one database
    // at once only double the load and race for the same lock.
    concurrencyPolicy: "Forbid",
    startingDeadlineSeconds: STARTING_DEADLINE_SECONDS,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 1,
    jobTemplate: { metadata: { labels }, spec: jobSpec(args, labels) },
  };
}

function jobSpec(args: ResolvedJobArgs, labels: Record<string, string>): JobSpec {
  return {
    backoffLimit: args.backoffLimit,
    activeDeadlineSeconds: args.activeDeadlineSeconds,
    ttlSecondsAfterFinished: TTL_SECONDS_AFTER_FINISHED,
    podFailurePolicy: {
      rules: [
        // Bad input and "refused" (a lock held by another run): another attempt fails the same way.
        { action: "FailJob", onExitCodes: { operator: "In", values: [EXIT.usage, EXIT.refused] } },
        // A drained or preempted node is not the job's fault: it does not use up the retry.
        { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
      ],
    },
    template: { metadata: { labels }, spec: podSpec(args) },
  };
}

function podSpec(args: ResolvedJobArgs): PodSpec {
  return {
    serviceAccountName: args.serviceAccountName,
    // Most jobs never call the Kubernetes API. The IRSA web identity token is a projected volume
    // the EKS webhook adds on its own, so it does not need the API token either.
    automountServiceAccountToken: args.kubernetesApi,
    // podFailurePolicy needs Never, and a failed pod must stay for its logs anyway.
    restartPolicy: "Never",
    // Without OnRootMismatch the kubelet re-chowns every file of a mounted backup volume at
    // each start, which on a volume of dumps takes long enough to matter.
    securityContext: { ...restrictedPodSecurityContext, fsGroupChangePolicy: "OnRootMismatch" },
    containers: [container(args)],
    volumes: [
      {
        name: "stack",
        configMap: {
          name: args.stackConfigMapName,
          items: [{ key: "stack.yaml", path: "stack.yaml" }],
        },
      },
      scratchVolume(SCRATCH_SIZE),
      ...args.mounts.map((m) => m.volume),
    ],
  };
}

function container(args: ResolvedJobArgs): Container {
  return {
    name: "guardia",
    image: args.platform.jobs.image,
    command: ["guardia"],
    args: [...args.job.args],
    env: [
      { name: "GUARDIA_OPERATOR", value: `cronjob/${args.job.cronJob}` },
      { name: "GUARDIA_AUDIT_STDOUT", value: "1" },
      ...scratchEnv,
      ...args.env,
    ],
    ...(args.envFrom.length > 0 && { envFrom: [...args.envFrom] }),
    resources: args.resources,
    securityContext: restrictedContainerSecurityContext,
    // The last lines of the log become the Job's failure message in `kubectl describe`.
    terminationMessagePolicy: "FallbackToLogsOnError",
    volumeMounts: [
      { name: "stack", mountPath: STACK_MOUNT_DIR, readOnly: true },
      scratchMount,
      ...args.mounts.map((m) => m.mount),
    ],
  };
}
