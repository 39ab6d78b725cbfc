import type { HealthEndpoint, Platform, Service } from "../model/index.js";

/**
 * Who and what the uptime checks from outside the cluster cover (infra/monitoring/uptime.ts
 * creates them; SUMMARY.md says when their alarm reaches nobody). Free of Pulumi.
 *
 * Route 53 publishes health-check metrics in us-east-1 only, and an alarm's actions must be in its
 * own region, so checks, alarms and topic all live there whatever the stack's `aws.region`.
 */

export const UPTIME_REGION = "us-east-1";

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

/**
 * The stack's P1 receivers, the ones a cluster outage would page: each P1 `email` address is
 * subscribed to the topic, and each P1 `sns` topic in us-east-1 is an action of the alarm itself.
 * A P1 `sns` topic in another region cannot be an action (CloudWatch refuses it): it has to be
 * subscribed to the topic by hand.
 */
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
