import * as pulumi from "@pulumi/pulumi";
import {
  validatePlatform,
  displayPath,
  type Platform,
  type PlatformInput,
} from "../lib/model/index.js";
import { backupOutputs, backupStorageFor, databaseBackupsFor } from "./backup/index.js";
import { Foundation } from "./foundation.js";

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
  return {
    serviceAccountName: foundation.serviceAccountName,
    stackConfigMapName: foundation.stackConfigMapName,
    ...backupOutputs(backupStorage, databaseBackups),
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
