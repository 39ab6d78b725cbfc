import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { HealthEndpoint, Platform, Service } from "../../lib/model/index.js";
import { alertTiming } from "../../lib/monitoring/timing.js";

/**
 * Uptime checks from outside the cluster (seed 004 recommends Uptime Robot or Pingdom): a Route 53
 * health check per public health URL, a CloudWatch alarm on it, and an SNS topic the alarms notify,
 * so an outage of the whole cluster — Prometheus and Alertmanager included — still reaches someone.
 *
 * Route 53 publishes health-check metrics in us-east-1 only, and an alarm notifies topics of its
 * own region, so all three live there whatever the stack's `aws.region`. Subscribe people to the
 * topic (`aws sns subscribe`; e-mail subscriptions must be confirmed from the mailbox) or point an
 * SMS/chat integration at it.
 */

export const UPTIME_REGION = "us-east-1";
const CHECK_INTERVAL_SECONDS = 30;
const FAILURE_THRESHOLD = 3;

export interface ExternalUptimeChecksArgs {
  readonly platform: Platform;
  /** Stack name, for names and the alarm's first command. */
  readonly stack: string;
}

export interface PublicEndpoint {
  readonly service: Service;
  readonly endpoint: HealthEndpoint;
}

export function publicEndpoints(platform: Platform): PublicEndpoint[] {
  return platform.services.flatMap((service) =>
    service.health.filter((e) => e.public).map((endpoint) => ({ service, endpoint })),
  );
}

/**
 * Route 53 counts only 2xx and 3xx answers as healthy. An endpoint that is healthy on another
 * status (DRF's whoami answers 401) gets a TCP check: the load balancer accepts connections.
 */
export function healthCheckArgs(endpoint: HealthEndpoint): aws.route53.HealthCheckArgs {
  const url = new URL(endpoint.url);
  const https = url.protocol === "https:";
  // URL leaves `port` empty for the scheme's default port.
  const port = url.port === "" ? (https ? 443 : 80) : Number(url.port);
  const base = {
    fqdn: url.hostname,
    port,
    failureThreshold: FAILURE_THRESHOLD,
    requestInterval: CHECK_INTERVAL_SECONDS,
  };
  if (endpoint.expectStatus < 200 || endpoint.expectStatus >= 400) return { ...base, type: "TCP" };
  return {
    ...base,
    type: https ? "HTTPS" : "HTTP",
    resourcePath: `${url.pathname}${url.search}`,
    ...(https && { enableSni: true }),
  };
}

export class ExternalUptimeChecks extends pulumi.ComponentResource {
  readonly topicArn: pulumi.Output<string>;

  constructor(
    name: string,
    args: ExternalUptimeChecksArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("guardia:index:ExternalUptimeChecks", name, {}, opts);
    const { platform, stack } = args;
    const provider = new aws.Provider(
      `${name}-${UPTIME_REGION}`,
      { region: UPTIME_REGION },
      { parent: this },
    );
    const child = { parent: this, provider };
    const tags = { "guardia:platform": platform.name, "guardia:environment": platform.environment };
    const topic = new aws.sns.Topic(
      `${name}-topic`,
      { name: `guardia-${stack}-uptime`, tags },
      child,
    );
    // The same `for` as EndpointDown inside the cluster: one alarm period per minute.
    const periods = Math.max(
      1,
      Math.ceil(alertTiming(platform.monitoring.probeInterval).endpointDownFor.seconds / 60),
    );
    publicEndpoints(platform).forEach(({ service, endpoint }, n) => {
      const id = `${service.name}-${n}`;
      const check = new aws.route53.HealthCheck(
        `${name}-${id}`,
        {
          ...healthCheckArgs(endpoint),
          tags: {
            ...tags,
            Name: `guardia ${stack} ${service.name} ${endpoint.url}`,
            "guardia:service": service.name,
          },
        },
        child,
      );
      new aws.cloudwatch.MetricAlarm(
        `${name}-${id}-alarm`,
        {
          name: `guardia-${stack}-${id}-uptime`,
          alarmDescription: `${service.name} (${endpoint.url}) fails Route 53 health checks from outside the cluster. Run first: guardia health-check --stack ${stack} --service ${service.name}`,
          namespace: "AWS/Route53",
          metricName: "HealthCheckStatus",
          dimensions: { HealthCheckId: check.id },
          statistic: "Minimum",
          period: 60,
          evaluationPeriods: periods,
          comparisonOperator: "LessThanThreshold",
          threshold: 1,
          // No data means the checkers cannot report: treat it as down, not as fine.
          treatMissingData: "breaching",
          alarmActions: [topic.arn],
          okActions: [topic.arn],
          tags,
        },
        child,
      );
    });
    this.topicArn = topic.arn;
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
