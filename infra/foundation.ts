import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { PLATFORM_KEY, type Platform, type PlatformInput } from "../lib/model/index.js";
import { jobServiceAccountName, stackConfigMapName, standardLabels } from "../lib/naming.js";

export interface FoundationArgs {
  /** The resolved model. */
  readonly platform: Platform;
  /** The `guardia:platform` object as written, shipped to the cluster for in-cluster runbooks. */
  readonly input: PlatformInput;
  /** Annotations for the job ServiceAccount (the IRSA role ARN when backups go to S3). */
  readonly serviceAccountAnnotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * What every guardia job in a namespace shares: the ServiceAccount it runs as and the stack's
 * model as a ConfigMap, so a CronJob runs `guardia <runbook> --stack /etc/guardia/stack.yaml`
 * with the very file the engineers use. Secrets stay Secret references inside it.
 */
export class Foundation extends pulumi.ComponentResource {
  readonly serviceAccountName: pulumi.Output<string>;
  readonly stackConfigMapName: pulumi.Output<string>;

  constructor(name: string, args: FoundationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardia:index:Foundation", name, {}, opts);
    const { platform } = args;
    const labels = standardLabels(platform, "foundation");

    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      {
        metadata: {
          name: jobServiceAccountName(platform),
          namespace: platform.namespace,
          labels,
          annotations: args.serviceAccountAnnotations ?? {},
        },
        // Jobs talk to PostgreSQL and the object store, never to the Kubernetes API.
        automountServiceAccountToken: false,
      },
      { parent: this },
    );

    const stackFile = stringify({ config: { [PLATFORM_KEY]: args.input } }, { lineWidth: 0 });
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-stack`,
      {
        metadata: { name: stackConfigMapName(platform), namespace: platform.namespace, labels },
        data: { "stack.yaml": stackFile },
      },
      { parent: this },
    );

    this.serviceAccountName = serviceAccount.metadata.name;
    this.stackConfigMapName = configMap.metadata.name;
    this.registerOutputs({
      serviceAccountName: this.serviceAccountName,
      stackConfigMapName: this.stackConfigMapName,
    });
  }
}
