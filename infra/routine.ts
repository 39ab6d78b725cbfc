import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { routineGuardiaJob } from "../lib/jobs.js";
import { mountDirectory } from "../lib/logs/patterns.js";
import type { Platform, RoutinePeriod } from "../lib/model/index.js";
import { standardLabels } from "../lib/naming.js";
import { describeCheck, switchCheck } from "../lib/routine/dead-mans-switch.js";
import {
  mountedLogEntries,
  PERIOD_LABEL,
  ROUTINE_JOB_DEADLINE_SECONDS,
  routineJobs,
  routineRoleName,
  routineRoleRules,
  routineSecrets,
  usesKubernetesApi,
  type RoutineJob,
} from "../lib/routine/job-names.js";
import { claimMount, type BackupStorageAccess } from "./backup/cronjobs.js";
import {
  guardiaCronJob,
  STARTING_DEADLINE_SECONDS,
  type JobFoundation,
  type JobMount,
} from "./guardia-cronjob.js";

/**
 * The routine checklists in the cluster: a CronJob per scheduled period running `guardia routine
 * --period <p>` (daily 07:00, weekly Monday 07:00, monthly the 1st, in `jobs.timeZone`), and a
 * Role with exactly the read permissions their kubectl commands need, bound to the job
 * ServiceAccount. Only the routine pods mount that account's token; every other guardia job
 * keeps `automountServiceAccountToken: false`. Each CronJob carries the dead man's switch check
 * that watches it, as an annotation a reviewer reads in the render.
 */

/** On each routine CronJob: the heartbeat check to create (name, schedule, grace). */
export const DEAD_MANS_SWITCH_ANNOTATION = "guardia.io/dead-mans-switch";

export interface RoutineArgs extends JobFoundation {
  /** The resolved model: the routine's schedules and receivers, namespace, image. */
  readonly platform: Platform;
  /** From `BackupStorage.access`: reports are written beside the backups. @default {} */
  readonly storage?: BackupStorageAccess;
}

export class Routine extends pulumi.ComponentResource {
  readonly cronJobNames: pulumi.Output<string>[];

  constructor(name: string, args: RoutineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardia:index:Routine", name, {}, opts);
    const { platform } = args;
    const rules = routineRoleRules(platform);
    if (rules.length > 0) createRole(name, args, rules, this);
    this.cronJobNames = routineJobs(platform).map(
      (job) => routineCronJob(`${name}-${job.period}`, args, job, this).metadata.name,
    );
    this.registerOutputs({ cronJobNames: this.cronJobNames });
  }
}

function createRole(
  name: string,
  args: RoutineArgs,
  rules: ReturnType<typeof routineRoleRules>,
  parent: pulumi.Resource,
): void {
  const { platform } = args;
  const metadata = {
    name: routineRoleName(platform),
    namespace: platform.namespace,
    labels: standardLabels(platform, "routine"),
  };
  const role = new k8s.rbac.v1.Role(`${name}-role`, { metadata, rules }, { parent });
  new k8s.rbac.v1.RoleBinding(
    `${name}-rolebinding`,
    {
      metadata,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
      subjects: [
        { kind: "ServiceAccount", name: args.serviceAccountName, namespace: platform.namespace },
      ],
    },
    { parent },
  );
}

function routineCronJob(
  name: string,
  args: RoutineArgs,
  job: RoutineJob,
  parent: pulumi.Resource,
): k8s.batch.v1.CronJob {
  const { platform } = args;
  const storage = args.storage ?? {};
  const check = switchCheck(
    platform,
    job.period,
    STARTING_DEADLINE_SECONDS + ROUTINE_JOB_DEADLINE_SECONDS,
  );
  return guardiaCronJob(
    name,
    {
      platform,
      job: routineGuardiaJob(platform, job),
      serviceAccountName: args.serviceAccountName,
      stackConfigMapName: args.stackConfigMapName,
      labels: { [PERIOD_LABEL]: job.period },
      env: routineSecrets(platform).map(({ name: variable, ref }) => ({
        name: variable,
        valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } },
      })),
      envFrom: storage.credentialsSecret
        ? [{ secretRef: { name: storage.credentialsSecret } }]
        : [],
      mounts: [
        ...(storage.claim ? [claimMount(storage.claim, false)] : []),
        ...logMounts(platform, job.period),
      ],
      activeDeadlineSeconds: ROUTINE_JOB_DEADLINE_SECONDS,
      // A failed routine is reported by its alert and its dead man's switch; running the whole
      // checklist again minutes later would only post a second report.
      backoffLimit: 0,
      kubernetesApi: usesKubernetesApi(platform, job.period),
      annotations: check ? { [DEAD_MANS_SWITCH_ANNOTATION]: describeCheck(check) } : {},
    },
    { parent },
  );
}

/**
 * Each log claim read-only where the application writes (the checks read the same paths); two
 * entries in one directory share its mount.
 */
function logMounts(platform: Platform, period: RoutinePeriod): JobMount[] {
  const byDirectory = new Map<string, string>();
  for (const entry of mountedLogEntries(platform, period)) {
    const dir = mountDirectory(entry.paths);
    if (!byDirectory.has(dir)) byDirectory.set(dir, entry.claim!);
  }
  return [...byDirectory].map(([dir, claim], i) => {
    const volume = `logs-${i}`;
    return {
      volume: { name: volume, persistentVolumeClaim: { claimName: claim, readOnly: true } },
      mount: { name: volume, mountPath: dir, readOnly: true },
    };
  });
}

/** The stack's Routine, or undefined when it has no scheduled checklist in a cluster. */
export function routineFor(
  platform: Platform,
  foundation: JobFoundation,
  storage: BackupStorageAccess | undefined,
): Routine | undefined {
  if (routineJobs(platform).length === 0) return undefined;
  return new Routine(`${platform.name}-routine`, {
    platform,
    serviceAccountName: foundation.serviceAccountName,
    stackConfigMapName: foundation.stackConfigMapName,
    storage,
  });
}
