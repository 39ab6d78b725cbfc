import type { ICronJob } from "kubernetes-models/batch/v1/CronJob";
import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { expect } from "vitest";
import type { Platform } from "../../lib/model/index.js";
import type { Render } from "../../lib/render/render.js";
import {
  containerOf,
  cronJobs as allCronJobs,
  envOf,
  onlyResource,
  podOf,
  restrictedProblems,
} from "./helpers.js";

/** What the backup infra tests share: the backup CronJobs of a render and what every one must be. */
export const CRONJOB = "kubernetes:batch/v1:CronJob";
export const BACKUP_COMPONENTS = ["backup", "restore-drill"];

/** The backup and restore-drill CronJobs (a stack also has others, e.g. log rotation). */
export function cronJobs(render: Render): ICronJob[] {
  return allCronJobs(render).filter((j) =>
    BACKUP_COMPONENTS.includes(j.metadata?.labels?.["app.kubernetes.io/component"] ?? ""),
  );
}
export const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
export const SA = "kubernetes:core/v1:ServiceAccount";
export const HOUR = 3600;
export const DAY = 24 * HOUR;

export function serviceAccount(render: Render): IServiceAccount {
  return onlyResource(render, SA).inputs as unknown as IServiceAccount;
}

/** Every CronJob a stack renders passes these, whatever its destination. */
export function expectHardenedBackupJob(job: ICronJob, platform: Platform): void {
  const name = job.metadata?.name ?? "";
  expect(job.spec).toMatchObject({
    timeZone: platform.jobs.timeZone,
    concurrencyPolicy: "Forbid",
    startingDeadlineSeconds: HOUR,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 1,
  });
  expect(job.spec.jobTemplate.spec).toMatchObject({
    backoffLimit: 1,
    ttlSecondsAfterFinished: 7 * DAY,
  });
  const pod = podOf(job);
  expect(pod).toMatchObject({
    restartPolicy: "Never",
    automountServiceAccountToken: false,
    serviceAccountName: `${platform.name}-guardia`,
  });
  expect(restrictedProblems(pod)).toEqual([]);
  const container = containerOf(job);
  expect(container.image).toBe(platform.jobs.image);
  expect(container.securityContext).toMatchObject({
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
  });
  expect(container.resources).toEqual({
    requests: { cpu: "100m", memory: "200Mi" },
    limits: { cpu: "1", memory: "512Mi" },
  });
  expect(container.volumeMounts).toEqual(
    expect.arrayContaining([
      { name: "stack", mountPath: "/etc/guardia", readOnly: true },
      { name: "scratch", mountPath: "/scratch" },
    ]),
  );
  expect(pod.volumes).toEqual(
    expect.arrayContaining([
      {
        name: "stack",
        configMap: {
          name: `${platform.name}-guardia-stack`,
          items: [{ key: "stack.yaml", path: "stack.yaml" }],
        },
      },
      { name: "scratch", emptyDir: { sizeLimit: "1Gi" } },
    ]),
  );
  const env = envOf(job);
  expect(env).toMatchObject({
    GUARDIA_OPERATOR: `cronjob/${name}`,
    GUARDIA_AUDIT_STDOUT: "1",
    HOME: "/scratch",
    TMPDIR: "/scratch",
  });
}
