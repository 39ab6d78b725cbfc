import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { HealthEndpoint, Platform } from "../../lib/model/index.js";
import { alertTiming } from "../../lib/monitoring/timing.js";
import {
  publicEndpoints,
  UPTIME_REGION,
  uptimeAudience,
  uptimeTopicName,
  type PublicEndpoint,
} from "../../lib/monitoring/uptime.js";
import { awsTags } from "../../lib/naming.js";
import { tr } from "../../lib/i18n/index.js";

/**
 * Uptime checks from outside the cluster (the MIRA operations guide, Monitoreo, recommends Uptime
 * Robot or Pingdom): a Route 53 health check per public health URL, a CloudWatch alarm on it, and
 * an SNS topic the alarms notify, so an outage of the whole cluster — Prometheus and Alertmanager
 * included — still reaches someone. All of it lives in us-east-1 and reaches the stack's P1
 * receivers (lib/monitoring/uptime.ts says why and how).
 */

const CHECK_INTERVAL_SECONDS = 30;
const FAILURE_THRESHOLD = 3;

export interface ExternalUptimeChecksArgs {
  readonly platform: Platform;
  /** Stack name, for names and the alarm's first command. */
  readonly stack: string;
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
    const provider = new aws.Provider(
      `${name}-${UPTIME_REGION}`,
      { region: UPTIME_REGION },
      { parent: this },
    );
    const child = { parent: this, provider };
    const topic = createUptimeTopic(name, args, child);
    const actions = [topic.arn, ...uptimeAudience(args.platform).alarmTopics];
    publicEndpoints(args.platform).forEach((endpoint, n) =>
      createUptimeAlarm(
        name,
        `${endpoint.service.name}-${n}`,
        args,
        { ...endpoint, actions },
        child,
      ),
    );
    this.topicArn = topic.arn;
    this.registerOutputs({ topicArn: this.topicArn });
  }
}

/** The topic every alarm notifies, with the P1 e-mail addresses subscribed. */
function createUptimeTopic(
  name: string,
  { platform, stack }: ExternalUptimeChecksArgs,
  child: pulumi.CustomResourceOptions,
): aws.sns.Topic {
  const topic = new aws.sns.Topic(
    `${name}-topic`,
    { name: uptimeTopicName(stack), tags: awsTags(platform) },
    child,
  );
  // An e-mail subscription stays "pending confirmation", and its mailbox gets nothing, until
  // someone opens the link AWS mails to the address once. Nothing here can confirm it, nor
  // delete it while it is pending; AWS drops it after 48 hours unconfirmed, and the next update
  // after a refresh creates it again (and mails a new link).
  for (const address of uptimeAudience(platform).emails) {
    new aws.sns.TopicSubscription(
      `${name}-email-${address}`,
      { topic: topic.arn, protocol: "email", endpoint: address },
      child,
    );
  }
  return topic;
}

/** One public endpoint's Route 53 health check and the alarm that notifies `actions` when it fails. */
function createUptimeAlarm(
  name: string,
  id: string,
  { platform, stack }: ExternalUptimeChecksArgs,
  { service, endpoint, actions }: PublicEndpoint & { actions: pulumi.Input<string>[] },
  child: pulumi.CustomResourceOptions,
): void {
  const tags = awsTags(platform);
  const lang = platform.language;
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
      alarmDescription: [
        tr(
          lang,
        )`${service.name} (${endpoint.url}) fails Route 53 health checks from outside the cluster.`,
        tr(lang)`Run first: ${`guardia health-check --stack ${stack} --service ${service.name}`}`,
      ].join(" "),
      namespace: "AWS/Route53",
      metricName: "HealthCheckStatus",
      dimensions: { HealthCheckId: check.id },
      statistic: "Minimum",
      period: 60,
      evaluationPeriods: alarmPeriods(platform),
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
}

/** The same `for` as EndpointDown inside the cluster: one alarm period per minute. */
function alarmPeriods(platform: Platform): number {
  const seconds = alertTiming(platform.monitoring.probeInterval).endpointDownFor.seconds;
  return Math.max(1, Math.ceil(seconds / 60));
}
