import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Platform, SecretRef } from "../lib/model/index.js";
import { secretEnvName } from "../lib/secrets.js";
import { smokeArgs, smokeJob, type SmokeJob } from "../lib/smoke/job.js";
import { guardiaCronJob, type JobFoundation } from "./guardia-cronjob.js";

/**
 * The smoke flows on a schedule: a CronJob that runs `guardia smoke` (the API steps; the browser
 * steps too when the stack gives an image with Chromium), so a broken login is caught even when
 * `/api/health` is green. Each flow's secrets come from their Kubernetes Secrets in the
 * environment. A run exits 1 when a flow fails; kube-state-metrics carries the CronJob's last
 * success to Prometheus, and `SmokeFlowsFailing` (lib/monitoring/alerts/smoke.ts) fires when two
 * runs in a row did not succeed.
 */

export interface SmokeFlowsArgs extends JobFoundation {
  /** The resolved model: the flows, their secrets, the schedule and the browser image. */
  readonly platform: Platform;
  readonly job: SmokeJob;
}

/**
 * A page in Chromium needs far more than Node alone (the renderer and its GPU-less compositor);
 * the API steps stay within the guardia jobs' default.
 */
const BROWSER_RESOURCES: k8s.types.input.core.v1.ResourceRequirements = {
  requests: { cpu: "250m", memory: "512Mi" },
  limits: { cpu: "1", memory: "1Gi" },
};

export class SmokeFlows extends pulumi.ComponentResource {
  readonly cronJobName: pulumi.Output<string>;

  constructor(name: string, args: SmokeFlowsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardia:index:SmokeFlows", name, {}, opts);
    const { platform, job } = args;
    const cronJob = guardiaCronJob(
      `${name}-cronjob`,
      {
        // The builder runs the stack's job image; with browser steps, the image with Chromium.
        platform: { ...platform, jobs: { ...platform.jobs, image: job.image } },
        job: { cronJob: job.cronJob, component: "smoke", cron: job.cron, args: smokeArgs(job) },
        serviceAccountName: args.serviceAccountName,
        stackConfigMapName: args.stackConfigMapName,
        env: secretEnv(platform),
        activeDeadlineSeconds: job.deadlineSeconds,
        // A retry within the run would turn a failure into a pass and hide a flaky login; the
        // next scheduled run is the retry, and the alert waits for two failures in a row.
        backoffLimit: 0,
        ...(job.browser && { resources: BROWSER_RESOURCES }),
      },
      { parent: this },
    );
    this.cronJobName = cronJob.metadata.name;
    this.registerOutputs({ cronJobName: this.cronJobName });
  }
}

/** Every flow's secrets, each once, as the variables `guardia smoke` reads them from. */
function secretEnv(platform: Platform): k8s.types.input.core.v1.EnvVar[] {
  const refs = new Map<string, SecretRef>();
  for (const flow of platform.smoke.flows)
    for (const ref of Object.values(flow.secrets)) refs.set(secretEnvName(ref), ref);
  return [...refs].map(([name, ref]) => ({
    name,
    valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } },
  }));
}

/** The stack's smoke CronJob, or undefined when it has no flows or no schedule. */
export function smokeFlowsFor(
  platform: Platform,
  foundation: JobFoundation,
): SmokeFlows | undefined {
  const job = smokeJob(platform);
  if (!job) return undefined;
  return new SmokeFlows(`${platform.name}-smoke`, {
    platform,
    job,
    serviceAccountName: foundation.serviceAccountName,
    stackConfigMapName: foundation.stackConfigMapName,
  });
}
