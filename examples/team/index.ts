// The team's Pulumi program (Pulumi.yaml `main`): guardia's resources for the stack, and the
// team's own beside them with guardia's names and labels. `guardia render` runs guardia's
// program; `pulumi up` runs this one.
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import {
  composeStack,
  cronJobArgs,
  guardiaCronJob,
  MAX_CRONJOB_NAME,
  objectName,
  platformFromPulumiConfig,
  standardLabels,
} from "guardia/infra";

export default function program() {
  const { platform, input } = platformFromPulumiConfig();
  const outputs = composeStack(platform, input) as Record<string, pulumi.Output<string>>;

  // One resource of the team's own: a note for whoever is on call, labelled like guardia's.
  new k8s.core.v1.ConfigMap("on-call", {
    metadata: {
      name: objectName(platform, ["on-call"]),
      namespace: platform.namespace,
      labels: { ...standardLabels(platform, "team"), "team.example.com/owner": "ops" },
    },
    data: { escalation: "See the README's on-call section." },
  });

  // The team's runbook runbooks/analyze-db.ts, weekly, by guardia's CronJob builder. Its image
  // (`jobs.image` in the stack file) must hold the team's runbooks/ folder; guardia's own does not.
  if (platform.runtime === "kubernetes" && platform.databases.length > 0) {
    guardiaCronJob("analyze-db", {
      platform,
      serviceAccountName: outputs.serviceAccountName!,
      stackConfigMapName: outputs.stackConfigMapName!,
      job: {
        cronJob: objectName(platform, ["analyze-db"], MAX_CRONJOB_NAME),
        component: "team",
        cron: "0 4 * * 0",
        args: cronJobArgs("analyze-db", {}),
      },
    });
  }
  return outputs;
}
