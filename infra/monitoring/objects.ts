import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Platform } from "../../lib/model/index.js";
import {
  alertmanagerConfigYaml,
  OPERATOR_SECRETS_DIR,
  receiverSecrets,
} from "../../lib/monitoring/alertmanager-config.js";
import type { RuleGroup } from "../../lib/monitoring/catalogue.js";
import { grafanaDashboard, type DashboardInput } from "../../lib/monitoring/dashboard.js";
import { PROBE_JOB, type ProbeSpec } from "../../lib/monitoring/probes.js";
import {
  HOLDS_NO_SECRET_VALUES,
  objectName,
  standardLabels,
  type Component,
} from "../../lib/naming.js";

/**
 * The Kubernetes objects of a stack's monitoring, one function each: Probes and the
 * PrometheusRule (picked up by prometheus-operator through the stack's `selectorLabels`), the
 * Alertmanager configuration Secret, and the Grafana dashboard ConfigMap.
 */

function metadata(platform: Platform, name: string, component: Component, extra = {}) {
  return {
    name,
    namespace: platform.namespace,
    labels: { ...standardLabels(platform, component), ...extra },
  };
}

/** What prometheus-operator's probeSelector and ruleSelector look for (`monitoring.selectorLabels`). */
function selected(platform: Platform, name: string, component: Component) {
  return metadata(platform, name, component, platform.monitoring.selectorLabels);
}

export function createProbe(
  name: string,
  platform: Platform,
  probe: ProbeSpec,
  parent: pulumi.Resource,
): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(
    name,
    {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "Probe",
      metadata: selected(platform, probe.name, "monitoring"),
      spec: {
        jobName: PROBE_JOB,
        module: probe.module,
        interval: String(probe.interval),
        scrapeTimeout: String(probe.scrapeTimeout),
        prober: {
          url: platform.monitoring.blackboxExporterAddress,
          path: "/probe",
          scheme: "http",
        },
        targets: { staticConfig: { static: [...probe.targets], labels: { ...probe.labels } } },
      },
    },
    { parent },
  );
}

export function createPrometheusRule(
  name: string,
  platform: Platform,
  groups: readonly RuleGroup[],
  parent: pulumi.Resource,
): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(
    name,
    {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: selected(platform, objectName(platform, ["alerts"]), "alerting"),
      spec: { groups },
    },
    { parent },
  );
}

/** Lists the Secrets the configuration reads receivers' URLs and passwords from (`spec.secrets`). */
export const ALERTMANAGER_SECRETS_ANNOTATION = "guardia.io/alertmanager-secrets";

/**
 * The stack's Alertmanager configuration, as prometheus-operator takes it: an `Alertmanager`
 * resource with `spec.configSecret: <platform>-alertmanager` reads the key `alertmanager.yaml`,
 * and its `spec.secrets` must list the receivers' Secrets (named in the annotation
 * `guardia.io/alertmanager-secrets`), which the operator mounts at
 * /etc/alertmanager/secrets/<secret>/<key> — the paths the configuration's `*_file` fields name.
 * Both Secrets live in the stack's namespace, so the Alertmanager that uses them runs there too
 * (one per platform namespace, which the cluster's Prometheus lists in `spec.alerting`). The
 * configuration holds paths only, never a secret value; it is a Secret because that is what
 * `configSecret` reads.
 */
export function createAlertmanagerSecret(
  name: string,
  platform: Platform,
  parent: pulumi.Resource,
): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    name,
    {
      metadata: {
        ...metadata(platform, objectName(platform, ["alertmanager"]), "alerting"),
        annotations: {
          [ALERTMANAGER_SECRETS_ANNOTATION]: receiverSecrets(platform).join(","),
          [HOLDS_NO_SECRET_VALUES]: "true",
        },
      },
      type: "Opaque",
      stringData: {
        "alertmanager.yaml": alertmanagerConfigYaml(platform, { secretsDir: OPERATOR_SECRETS_DIR }),
      },
    },
    { parent },
  );
}

/**
 * The Grafana dashboard, for the Grafana sidecar (kube-prometheus-stack's `sidecar.dashboards`)
 * that loads every ConfigMap labelled `grafana_dashboard: "1"`. The sidecar must watch this
 * namespace (`searchNamespace: ALL` or the stack's namespace).
 */
export function createDashboard(
  name: string,
  input: DashboardInput,
  parent: pulumi.Resource,
): k8s.core.v1.ConfigMap {
  const { platform } = input;
  return new k8s.core.v1.ConfigMap(
    name,
    {
      metadata: metadata(platform, objectName(platform, ["dashboard"]), "monitoring", {
        grafana_dashboard: "1",
      }),
      data: {
        [`${objectName(platform, [platform.environment])}.json`]: JSON.stringify(
          grafanaDashboard(input),
          null,
          2,
        ),
      },
    },
    { parent },
  );
}
