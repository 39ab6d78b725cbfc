import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { HealthEndpoint, Platform, Service } from "../../lib/model/index.js";
import { alertTiming } from "../../lib/monitoring/timing.js";

/**
 * Uptime checks from outside the cluster (seed 004 recommends Uptime Robot or Pingdom): a Route 53
 * health check per public health URL, a CloudWatch alarm on it, and an SNS topic the alarms notify,
 * so an outage of the whole cluster — Prometheus and Alertmanager included — still reaches someone.
 *
 * Route 53 publishes health-check metrics in us-east-1 only, and an alarm's actions must be in its
 * own region, so all three live there whatever the stack's `aws.region`. Who hears the alarm comes
 * from the stack's P1 receivers, the ones a cluster outage would page: each P1 `email` address is
 * subscribed to the topic, and each P1 `sns` topic in us-east-1 is an action of the alarm itself.
 * A P1 `sns` topic in another region cannot be an action (CloudWatch refuses it): subscribe it to
 * the topic by hand, or the alarm does not reach it. `uptimeAlarmReachesNobody` says when a stack's
 * alarm reaches no one at all.
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

/** Whether the stack gets Route 53 checks: asked for, and something public to check. */
export function hasExternalUptimeChecks(platform: Platform): boolean {
  return platform.monitoring.externalUptimeChecks && publicEndpoints(platform).length > 0;
}

/** The SNS topic (in us-east-1) every uptime alarm of the stack notifies. */
export function uptimeTopicName(stack: string): string {
  return `guardia-${stack}-uptime`;
}

/** Whom the uptime alarms reach without anyone subscribing by hand. */
export interface UptimeAudience {
  /** Addresses of the P1 `email` receivers, subscribed to the stack's topic. */
  readonly emails: readonly string[];
  /** P1 `sns` topics in us-east-1, actions of every alarm. */
  readonly alarmTopics: readonly string[];
  /** P1 `sns` topics elsewhere, which an alarm in us-east-1 cannot notify. */
  readonly unreachableTopics: readonly string[];
}

export function uptimeAudience(platform: Platform): UptimeAudience {
  const p1 = new Set(platform.alerting.routes.P1);
  const receivers = platform.alerting.receivers.filter((r) => p1.has(r.name));
  const emails = receivers.flatMap((r) => (r.type === "email" ? r.to : []));
  const topics = receivers.flatMap((r) => (r.type === "sns" ? [r.topicArn] : []));
  const inRegion = (arn: string) => arn.split(":")[3] === UPTIME_REGION;
  return {
    emails: [...new Set(emails)],
    alarmTopics: [...new Set(topics.filter(inRegion))],
    unreachableTopics: [...new Set(topics.filter((arn) => !inRegion(arn)))],
  };
}

/**
 * Why the stack's uptime alarms reach nobody, for SUMMARY.md; undefined when they reach someone
 * or the stack has no uptime checks.
 */
export function uptimeAlarmReachesNobody(platform: Platform, stack: string): string | undefined {
  if (!hasExternalUptimeChecks(platform)) return undefined;
  const { emails, alarmTopics } = uptimeAudience(platform);
  if (emails.length > 0 || alarmTopics.length > 0) return undefined;
  return `no P1 email or ${UPTIME_REGION} SNS receiver: the uptime alarm reaches nobody until someone subscribes to ${uptimeTopicName(stack)} (SNS, ${UPTIME_REGION})`;
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
    const topic = new aws.sns.Topic(`${name}-topic`, { name: uptimeTopicName(stack), tags }, child);
    const audience = uptimeAudience(platform);
    // An e-mail subscription stays "pending confirmation", and its mailbox gets nothing, until
    // someone opens the link AWS mails to the address once. Nothing here can confirm it, nor
    // delete it while it is pending; AWS drops it after 48 hours unconfirmed, and the next update
    // after a refresh creates it again (and mails a new link).
    for (const address of audience.emails) {
      new aws.sns.TopicSubscription(
        `${name}-email-${address}`,
        { topic: topic.arn, protocol: "email", endpoint: address },
        child,
      );
    }
    const actions = [topic.arn, ...audience.alarmTopics];
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
          alarmActions: actions,
          okActions: actions,
          tags,
        },
        child,
      );
    });
    this.topicArn = topic.arn;
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
