import * as pulumi from "@pulumi/pulumi";
import {
  validatePlatform,
  displayPath,
  type Platform,
  type PlatformInput,
} from "../lib/model/index.js";
import {
  backupOutputs,
  backupStorageFor,
  collectionsExportFor,
  databaseBackupsFor,
} from "./backup/index.js";
import { Foundation } from "./foundation.js";
import { backupCronJobNames } from "./backup/names.js";
import { logRotationFor } from "./log-rotation.js";
import { Monitoring } from "./monitoring/index.js";

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
  const monitoring = new Monitoring(`${platform.name}-monitoring`, {
    platform,
    stack: pulumi.getStack(),
    backupJobs: backupCronJobNames(platform),
    // Off until `guardia render` can show a Secret created with the SDK: it redacts the
    // SDK-wrapped stringData to one string, which then fails the Secret schema (lib/render).
  });
  return {
    serviceAccountName: foundation.serviceAccountName,
    stackConfigMapName: foundation.stackConfigMapName,
    ...backupOutputs(backupStorage, databaseBackups),
    ...(collectionsExport && { collectionsExportCronJob: collectionsExport.cronJobName }),
    ...(logRotation && { logRotationCronJobs: pulumi.all(logRotation.cronJobNames) }),
    ...(monitoring.uptimeTopicArn && { uptimeTopicArn: monitoring.uptimeTopicArn }),
  };
}

/** The model from `guardia:platform` in the stack's Pulumi config, validated like a stack file. */
export function platformFromPulumiConfig(): { platform: Platform; input: PlatformInput } {
  const raw: unknown = new pulumi.Config("guardia").requireObject("platform");
  const { platform, input, issues } = validatePlatform(raw);
  if (!platform || !input) {
    const lines = issues.map(
      (i) => `  guardia:platform${i.path.length ? "." : ""}${displayPath(i.path)}: ${i.message}`,
    );
    throw new Error(
      `stack ${pulumi.getStack()}: ${issues.length} problem(s) in guardia:platform\n${lines.join("\n")}`,
    );
  }
  return { platform, input };
}
