import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import {
  AGE_SCRIPT_PATH,
  ageScript,
  checkSingleKeys,
  REDIS_EXPORTER_PORT,
  redisExporterJob,
} from "../lib/monitoring/celery-queues.js";
import {
  deployedPostgresExporters,
  exporterSslMode,
  freshnessQueriesYaml,
  POSTGRES_EXPORTER_PORT,
  QUERIES_PATH,
  type DeployedPostgresExporter,
} from "../lib/monitoring/exporters.js";
import type { Celery, Platform } from "../lib/model/index.js";
import { standardLabels, type Component } from "../lib/naming.js";
import {
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from "./pod-security.js";

/**
 * The exporters the manuals' probes need, each a restricted Deployment, its Service and a
 * ServiceMonitor (picked up through `monitoring.selectorLabels`; its `job` label is the
 * Service's name): a postgres_exporter per database the stack leaves without one or gives
 * freshness queries (password from the database's Secret), and a redis_exporter for the Celery
 * broker (queue depth, oldest task age).
 */

/** Pinned: a new exporter release is a reviewed change, not a surprise at the next restart. */
export const POSTGRES_EXPORTER_IMAGE = "quay.io/prometheuscommunity/postgres-exporter:v0.17.1";
export const REDIS_EXPORTER_IMAGE = "quay.io/oliver006/redis_exporter:v1.69.0";

const RESOURCES = {
  requests: { cpu: "10m", memory: "32Mi" },
  limits: { cpu: "200m", memory: "128Mi" },
};

type EnvVar = k8s.types.input.core.v1.EnvVar;

interface ExporterSpec {
  readonly component: Component;
  /** Deployment, Service and Prometheus job. */
  readonly name: string;
  readonly image: string;
  readonly port: number;
  readonly args: string[];
  readonly env: EnvVar[];
  /** Mounted read-only in the directory of `path`. */
  readonly config: { readonly path: string; readonly text: string } | undefined;
}

export interface ExportersArgs {
  readonly platform: Platform;
}

export class Exporters extends pulumi.ComponentResource {
  readonly jobs: string[];

  constructor(name: string, args: ExportersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardia:index:Exporters", name, {}, opts);
    const { platform } = args;
    const specs = [
      ...deployedPostgresExporters(platform).map((e) => postgresSpec(e)),
      ...(platform.celery ? [redisSpec(platform, platform.celery)] : []),
    ];
    for (const spec of specs) createExporter(`${name}-${spec.name}`, platform, spec, this);
    this.jobs = specs.map((s) => s.name);
    this.registerOutputs({ jobs: this.jobs });
  }
}

function secretEnv(name: string, ref: { name: string; key: string }): EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
}

function postgresSpec(exporter: DeployedPostgresExporter): ExporterSpec {
  const db = exporter.database;
  const queries =
    exporter.freshness.length > 0 ? freshnessQueriesYaml(exporter.freshness) : undefined;
  return {
    component: "postgres-exporter",
    name: exporter.job,
    image: POSTGRES_EXPORTER_IMAGE,
    port: POSTGRES_EXPORTER_PORT,
    args: [
      `--web.listen-address=:${POSTGRES_EXPORTER_PORT}`,
      ...(queries ? [`--extend.query-path=${QUERIES_PATH}`] : []),
    ],
    env: [
      {
        name: "DATA_SOURCE_URI",
        value: `${db.host}:${db.port}/${db.database}?sslmode=${exporterSslMode(db)}`,
      },
      { name: "DATA_SOURCE_USER", value: db.user },
      // The model requires a passwordSecret of every database an exporter is deployed for.
      secretEnv("DATA_SOURCE_PASS", db.passwordSecret!),
    ],
    config: queries ? { path: QUERIES_PATH, text: queries } : undefined,
  };
}

function redisSpec(platform: Platform, celery: Celery): ExporterSpec {
  return {
    component: "redis-exporter",
    name: redisExporterJob(platform),
    image: REDIS_EXPORTER_IMAGE,
    port: REDIS_EXPORTER_PORT,
    args: [
      `-redis.addr=${celery.brokerUrl.replace(/\/\d+$/, "")}`,
      `-check-single-keys=${checkSingleKeys(celery)}`,
      `-script=${AGE_SCRIPT_PATH}`,
      `-web.listen-address=:${REDIS_EXPORTER_PORT}`,
    ],
    env: celery.passwordSecret ? [secretEnv("REDIS_PASSWORD", celery.passwordSecret)] : [],
    config: { path: AGE_SCRIPT_PATH, text: ageScript(celery) },
  };
}

function createExporter(
  name: string,
  platform: Platform,
  spec: ExporterSpec,
  parent: pulumi.Resource,
): void {
  const selector = {
    "app.kubernetes.io/name": spec.component,
    "app.kubernetes.io/instance": spec.name,
  };
  const labels = { ...standardLabels(platform, spec.component), ...selector };
  const metadata = { name: spec.name, namespace: platform.namespace, labels };
  const configMap =
    spec.config &&
    new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata, data: { [fileName(spec.config.path)]: spec.config.text } },
      { parent },
    );
  new k8s.apps.v1.Deployment(
    `${name}-deployment`,
    { metadata, spec: deploymentSpec(spec, labels, selector, configMap?.metadata.name) },
    { parent },
  );
  new k8s.core.v1.Service(
    `${name}-service`,
    {
      metadata,
      spec: {
        selector,
        ports: [{ name: "metrics", port: spec.port, targetPort: "metrics", protocol: "TCP" }],
      },
    },
    { parent },
  );
  new k8s.apiextensions.CustomResource(
    `${name}-servicemonitor`,
    {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "ServiceMonitor",
      metadata: { ...metadata, labels: { ...labels, ...platform.monitoring.selectorLabels } },
      spec: {
        selector: { matchLabels: selector },
        endpoints: [{ port: "metrics", interval: String(platform.monitoring.probeInterval) }],
      },
    },
    { parent },
  );
}

function deploymentSpec(
  spec: ExporterSpec,
  labels: Record<string, string>,
  selector: Record<string, string>,
  configMapName: pulumi.Input<string> | undefined,
): k8s.types.input.apps.v1.DeploymentSpec {
  const dir = spec.config && spec.config.path.slice(0, spec.config.path.lastIndexOf("/"));
  return {
    replicas: 1,
    selector: { matchLabels: selector },
    template: {
      metadata: {
        labels,
        // The exporter reads its queries or script at start: a changed ConfigMap rolls the pod.
        ...(spec.config && {
          annotations: { "guardia.io/config-sha256": sha256(spec.config.text) },
        }),
      },
      spec: {
        automountServiceAccountToken: false,
        securityContext: restrictedPodSecurityContext,
        containers: [
          {
            name: spec.component,
            image: spec.image,
            args: spec.args,
            env: spec.env,
            ports: [{ name: "metrics", containerPort: spec.port, protocol: "TCP" }],
            securityContext: restrictedContainerSecurityContext,
            resources: RESOURCES,
            readinessProbe: { httpGet: { path: "/", port: "metrics" }, periodSeconds: 10 },
            ...(dir && { volumeMounts: [{ name: "config", mountPath: dir, readOnly: true }] }),
          },
        ],
        ...(configMapName && { volumes: [{ name: "config", configMap: { name: configMapName } }] }),
      },
    },
  };
}

function fileName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The stack's exporters, or undefined when it needs none. */
export function exportersFor(platform: Platform): Exporters | undefined {
  if (
    deployedPostgresExporters(platform).length === 0 &&
    !(platform.runtime === "kubernetes" && platform.celery)
  )
    return undefined;
  return new Exporters(`${platform.name}-exporters`, { platform });
}
