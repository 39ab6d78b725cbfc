import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import type { Platform } from "../../lib/model/index.js";
import { blackboxConfigYaml } from "../../lib/monitoring/blackbox.js";
import type { BlackboxModule } from "../../lib/monitoring/probes.js";
import { objectName, standardLabels } from "../../lib/naming.js";
import {
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from "../pod-security.js";

/** Pinned: a new exporter release is a reviewed change, not a surprise at the next pod restart. */
export const BLACKBOX_EXPORTER_IMAGE = "quay.io/prometheus/blackbox-exporter:v0.26.0";
export const BLACKBOX_PORT = 9115;
const CONFIG_DIR = "/etc/blackbox_exporter";

export interface BlackboxExporterArgs {
  /** The resolved model: namespace, names and labels. */
  readonly platform: Platform;
  /** The modules the stack's probes use (`http_2xx`, `http_401`...). */
  readonly modules: readonly BlackboxModule[];
}

/**
 * The blackbox exporter that the stack's Probes go through: a Deployment under Pod Security
 * "restricted", its modules ConfigMap, and the Service whose name `monitoring.blackboxExporterAddress`
 * defaults to (`<platform>-blackbox-exporter.<namespace>.svc:9115`).
 */
export class BlackboxExporter extends pulumi.ComponentResource {
  readonly serviceName: pulumi.Output<string>;

  constructor(name: string, args: BlackboxExporterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardia:index:BlackboxExporter", name, {}, opts);
    const { platform } = args;
    const objName = objectName(platform, ["blackbox", "exporter"]);
    const labels = standardLabels(platform, "blackbox-exporter");
    const selector = {
      "app.kubernetes.io/name": "blackbox-exporter",
      "app.kubernetes.io/instance": objName,
    };
    const selected = { ...labels, ...selector };
    const config = blackboxConfigYaml(args.modules);

    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: { name: objName, namespace: platform.namespace, labels },
        data: { "config.yml": config },
      },
      { parent: this },
    );
    const metadata = { name: objName, namespace: platform.namespace, labels: selected };
    new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      { metadata, spec: deploymentSpec(configMap.metadata.name, config, selected, selector) },
      { parent: this },
    );
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata,
        spec: {
          selector,
          ports: [{ name: "http", port: BLACKBOX_PORT, targetPort: "http", protocol: "TCP" }],
        },
      },
      { parent: this },
    );
    this.serviceName = service.metadata.name;
    this.registerOutputs({ serviceName: this.serviceName });
  }
}

function deploymentSpec(
  configMapName: pulumi.Input<string>,
  config: string,
  labels: Record<string, string>,
  selector: Record<string, string>,
): k8s.types.input.apps.v1.DeploymentSpec {
  return {
    replicas: 1,
    selector: { matchLabels: selector },
    template: {
      metadata: {
        labels,
        // The exporter reads its modules at start: a changed ConfigMap rolls the pod.
        annotations: { "guardia.io/config-sha256": sha256(config) },
      },
      spec: podSpec(configMapName),
    },
  };
}

function podSpec(configMapName: pulumi.Input<string>): k8s.types.input.core.v1.PodSpec {
  return {
    automountServiceAccountToken: false,
    securityContext: restrictedPodSecurityContext,
    containers: [
      {
        name: "blackbox-exporter",
        image: BLACKBOX_EXPORTER_IMAGE,
        args: [`--config.file=${CONFIG_DIR}/config.yml`, `--web.listen-address=:${BLACKBOX_PORT}`],
        ports: [{ name: "http", containerPort: BLACKBOX_PORT, protocol: "TCP" }],
        securityContext: restrictedContainerSecurityContext,
        resources: {
          requests: { cpu: "10m", memory: "32Mi" },
          limits: { cpu: "200m", memory: "64Mi" },
        },
        readinessProbe: { httpGet: { path: "/-/healthy", port: "http" }, periodSeconds: 10 },
        livenessProbe: { httpGet: { path: "/-/healthy", port: "http" }, periodSeconds: 30 },
        volumeMounts: [{ name: "config", mountPath: CONFIG_DIR, readOnly: true }],
      },
    ],
    volumes: [{ name: "config", configMap: { name: configMapName } }],
  };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
