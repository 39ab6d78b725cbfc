import * as pulumi from "@pulumi/pulumi";
import { backupCronJobNames } from "../lib/backup/job-names.js";
import { requireValidPlatform, type Platform, type PlatformInput } from "../lib/model/index.js";
import {
  backupOutputs,
  backupStorageFor,
  collectionsExportFor,
  databaseBackupsFor,
} from "./backup/index.js";
import { Foundation } from "./foundation.js";
import { hygieneJobsFor } from "./hygiene-jobs.js";
import { logRotationFor } from "./log-rotation.js";
import { exportersFor } from "./exporters.js";
import { Monitoring } from "./monitoring/index.js";
import { smokeFlowsFor } from "./smoke.js";
import { routineFor } from "./routine.js";

/**
 * Composes one stack: one component per capability, all reading the same resolved model.
 * Capabilities that do not apply (no databases, a local runtime) create nothing.
 */
export function composeStack(
  platform: Platform,
  input: PlatformInput,
): Record<string, pulumi.Output<unknown>> {
  if (platform.runtime === "local") return {};
  // Before the Foundation: its ServiceAccount carries the backup role's ARN (IRSA).
  const backupStorage = backupStorageFor(platform);
  const foundation = new Foundation(platform.name, {
    platform,
    input,
    serviceAccountAnnotations: backupStorage?.serviceAccountAnnotations,
  });
  const databaseBackups = databaseBackupsFor(platform, foundation, backupStorage);
  const collectionsExport = collectionsExportFor(platform, foundation, backupStorage);
  const logRotation = logRotationFor(platform, foundation);
  const smoke = smokeFlowsFor(platform, foundation);
  const hygieneJobs = hygieneJobsFor(platform, foundation);
  const routine = routineFor(platform, foundation, backupStorage?.access);
  exportersFor(platform);
  const monitoring = new Monitoring(`${platform.name}-monitoring`, {
    platform,
    stack: pulumi.getStack(),
    backupJobs: backupCronJobNames(platform),
  });
  return {
    serviceAccountName: foundation.serviceAccountName,
    stackConfigMapName: foundation.stackConfigMapName,
    ...backupOutputs(backupStorage, databaseBackups),
    ...(collectionsExport && { collectionsExportCronJob: collectionsExport.cronJobName }),
    ...(logRotation && { logRotationCronJobs: pulumi.all(logRotation.cronJobNames) }),
    ...(smoke && { smokeCronJob: smoke.cronJobName }),
    ...(hygieneJobs && { hygieneCronJobs: pulumi.all(hygieneJobs.cronJobNames) }),
    ...(routine && { routineCronJobs: pulumi.all(routine.cronJobNames) }),
    ...(monitoring.uptimeTopicArn && { uptimeTopicArn: monitoring.uptimeTopicArn }),
  };
}

/**
 * The model from `guardia:platform` in the stack's Pulumi config, validated like a stack file:
 * `pulumi up` refuses what `guardia validate` refuses, and everything after this relies on it.
 */
export function platformFromPulumiConfig(): { platform: Platform; input: PlatformInput } {
  const raw: unknown = new pulumi.Config("guardia").requireObject("platform");
  return requireValidPlatform(raw, `stack ${pulumi.getStack()} (Pulumi config)`);
}
