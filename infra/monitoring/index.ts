import * as pulumi from "@pulumi/pulumi";
import type { Platform } from "../../lib/model/index.js";
import type { BackupJob } from "../../lib/backup/job-names.js";
import { monitoringContext, ruleGroups } from "../../lib/monitoring/catalogue.js";
import { blackboxModules, probeSpecs } from "../../lib/monitoring/probes.js";
import { BlackboxExporter } from "./blackbox-exporter.js";
import {
  createAlertmanagerSecret,
  createDashboard,
  createProbe,
  createPrometheusRule,
} from "./objects.js";
import { hasExternalUptimeChecks } from "../../lib/monitoring/uptime.js";
import { ExternalUptimeChecks } from "./uptime.js";

export interface MonitoringArgs {
  /** The resolved model. */
  readonly platform: Platform;
  /** Stack name as `--stack` takes it, for the alerts' first commands ("mira-prod"). */
  readonly stack: string;
  /** The stack's backup and restore-drill CronJobs (`backupCronJobNames`). @default [] */
  readonly backupJobs?: readonly BackupJob[];
}

/**
 * A stack's monitoring and alerting: blackbox Probes for every health URL and external
 * dependency (and the exporter itself when the stack deploys one), the alert rules, the
 * Alertmanager routing, the Grafana dashboard, and Route 53 checks from outside the cluster.
 */
export class Monitoring extends pulumi.ComponentResource {
  readonly uptimeTopicArn: pulumi.Output<string> | undefined;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardia:index:Monitoring", name, {}, opts);
    const { platform, stack } = args;
    const backupJobs = args.backupJobs ?? [];
    const probes = probeSpecs(platform);
    // Nothing to probe, nothing to deploy: an exporter without targets only costs a pod.
    if (platform.monitoring.deployBlackboxExporter && probes.length > 0) {
      new BlackboxExporter(
        `${name}-blackbox`,
        { platform, modules: blackboxModules(platform) },
        { parent: this },
      );
    }
    probes.forEach((probe) => createProbe(`${name}-${probe.name}`, platform, probe, this));
    const ctx = monitoringContext(platform, stack, backupJobs);
    createPrometheusRule(`${name}-rules`, platform, ruleGroups(ctx), this);
    createAlertmanagerSecret(`${name}-alertmanager`, platform, this);
    createDashboard(`${name}-dashboard`, { platform, stack, backupJobs }, this);
    if (hasExternalUptimeChecks(platform)) {
      this.uptimeTopicArn = new ExternalUptimeChecks(
        `${name}-uptime`,
        { platform, stack },
        { parent: this },
      ).topicArn;
    }
    this.registerOutputs({ uptimeTopicArn: this.uptimeTopicArn });
  }
}
