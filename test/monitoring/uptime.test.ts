import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { Platform } from "../../lib/model/index.js";
import { ExternalUptimeChecks } from "../../infra/monitoring/uptime.js";
import { uptimeAlarmReachesNobody, uptimeAudience } from "../../lib/monitoring/uptime.js";
import type { FakeRun, RecordedResource } from "../../lib/render/fake-pulumi-engine.js";
import { exampleContext, runMonitoring } from "./helpers/stacks.js";

/**
 * Route 53 health checks, their CloudWatch alarms and the SNS topic, as the fake Pulumi engine
 * records them: the right targets, alarms wired to the checks and the topic, all in us-east-1, and
 * the stack's P1 receivers on the other end (e-mail subscriptions, us-east-1 SNS topics).
 */

const runs = new Map<string, FakeRun>();
const STACKS = ["mira-prod", "logistica-prod", "inatrace-prod", "mira-dev", "logistica-dev"];
beforeAll(async () => {
  // One after the other: the fake Pulumi engine is one global runtime per process.
  for (const name of STACKS) runs.set(name, await runMonitoring(name));
});

const ofType = (name: string, type: string): RecordedResource[] =>
  runs.get(name)!.resources.filter((r) => r.type === type);
const checks = (name: string) => ofType(name, "aws:route53/healthCheck:HealthCheck");
const alarms = (name: string) => ofType(name, "aws:cloudwatch/metricAlarm:MetricAlarm");
const topics = (name: string) => ofType(name, "aws:sns/topic:Topic");
const subscriptions = (name: string) => ofType(name, "aws:sns/topicSubscription:TopicSubscription");
const topicArnOf = (stack: string) =>
  `arn:aws:sns:fake-region-1:000000000000:guardia-${stack}-uptime`;

/** mira-prod with its P1 receivers narrowed to chat and its sa-east-1 SNS topic: no e-mail. */
function miraWithoutEmail(): Platform {
  const { platform } = exampleContext("mira-prod").stack;
  const { alerting } = platform;
  const receivers = alerting.receivers.filter((r) => r.type !== "email");
  const P1 = alerting.routes.P1.filter((n) => receivers.some((r) => r.name === n));
  return { ...platform, alerting: { ...alerting, receivers, routes: { ...alerting.routes, P1 } } };
}

describe("Route 53 uptime checks from outside the cluster", () => {
  it("checks MIRA's public NocoBase URL over HTTPS (MIRA operations guide, Herramientas de Monitoreo Recomendadas: Uptime Robot)", () => {
    expect(checks("mira-prod").map((c) => c.inputs)).toEqual([
      {
        type: "HTTPS",
        fqdn: "nocobase.hospitaldeovalle.cl",
        port: 443,
        resourcePath: "/api/__health_check",
        enableSni: true,
        failureThreshold: 3,
        requestInterval: 30,
        tags: {
          Name: "guardia mira-prod nocobase https://nocobase.hospitaldeovalle.cl/api/__health_check",
          "guardia:platform": "mira",
          "guardia:environment": "prod",
          "guardia:service": "nocobase",
          "managed-by": "guardia",
        },
      },
    ]);
  });

  it("alarms on each check's status and notifies the stack's topic, both ways", () => {
    const [check] = checks("mira-prod");
    const [topic] = topics("mira-prod");
    expect(topic?.inputs.name).toBe("guardia-mira-prod-uptime");
    const topicArn = "arn:aws:sns:fake-region-1:000000000000:guardia-mira-prod-uptime";
    expect(alarms("mira-prod").map((a) => a.inputs)).toEqual([
      expect.objectContaining({
        namespace: "AWS/Route53",
        metricName: "HealthCheckStatus",
        dimensions: { HealthCheckId: `${check!.name}-id` },
        statistic: "Minimum",
        comparisonOperator: "LessThanThreshold",
        threshold: 1,
        period: 60,
        // EndpointDown's `for` in prod: 5 minutes.
        evaluationPeriods: 5,
        treatMissingData: "breaching",
        alarmActions: [topicArn],
        okActions: [topicArn],
      }),
    ]);
    expect(alarms("mira-prod")[0]!.inputs.alarmDescription).toContain(
      "guardia health-check --stack mira-prod --service nocobase",
    );
  });

  it("uses a TCP check where health is a 401 (Route 53 counts only 2xx/3xx as healthy)", () => {
    expect(checks("logistica-prod").map((c) => c.inputs)).toEqual([
      expect.objectContaining({ type: "TCP", fqdn: "api.logistica.example.com", port: 443 }),
    ]);
    expect(checks("logistica-prod")[0]!.inputs).not.toHaveProperty("resourcePath");
  });

  it("checks every public endpoint of a stack, one alarm each", () => {
    expect(checks("inatrace-prod").map((c) => c.inputs.fqdn)).toEqual([
      "backend.inatrace.example.com",
      "inatrace.example.com",
    ]);
    expect(alarms("inatrace-prod")).toHaveLength(2);
    expect(topics("inatrace-prod")).toHaveLength(1);
  });

  it("creates nothing in dev, where nobody is paged and URLs are cluster-internal", () => {
    for (const name of ["mira-dev", "logistica-dev"]) {
      expect(
        runs.get(name)!.resources.filter((r) => r.type.startsWith("aws:")),
        name,
      ).toEqual([]);
    }
  });
});

describe("who hears the uptime alarm", () => {
  it("subscribes mira-prod's P1 e-mail to the topic; its sa-east-1 SNS topic cannot be an action", () => {
    expect(subscriptions("mira-prod").map((s) => [s.name, s.inputs])).toEqual([
      [
        "mira-monitoring-uptime-email-operaciones@hospitaldeovalle.cl",
        {
          topic: topicArnOf("mira-prod"),
          protocol: "email",
          endpoint: "operaciones@hospitaldeovalle.cl",
        },
      ],
    ]);
    for (const alarm of alarms("mira-prod")) {
      expect(alarm.inputs.alarmActions).toEqual([topicArnOf("mira-prod")]);
      expect(alarm.inputs.okActions).toEqual([topicArnOf("mira-prod")]);
    }
    expect(uptimeAudience(exampleContext("mira-prod").stack.platform).unreachableTopics).toEqual([
      "arn:aws:sns:sa-east-1:111122223333:mira-oncall",
    ]);
  });

  it("subscribes logistica-prod's P1 e-mail and notifies its us-east-1 pager topic directly", () => {
    expect(subscriptions("logistica-prod").map((s) => s.inputs)).toEqual([
      {
        topic: topicArnOf("logistica-prod"),
        protocol: "email",
        endpoint: "soporte@logistica.example.com",
      },
    ]);
    const actions = [
      topicArnOf("logistica-prod"),
      "arn:aws:sns:us-east-1:444455556666:logistica-oncall",
    ];
    expect(
      alarms("logistica-prod").map((a) => [a.inputs.alarmActions, a.inputs.okActions]),
    ).toEqual([[actions, actions]]);
  });

  it("never subscribes the dead man's switch nor a receiver that is not P1", () => {
    const { platform } = exampleContext("logistica-prod").stack;
    const routes = { ...platform.alerting.routes, P1: ["alerts-slack"] };
    expect(uptimeAudience({ ...platform, alerting: { ...platform.alerting, routes } })).toEqual({
      emails: [],
      alarmTopics: [],
      unreachableTopics: [],
    });
  });

  it("says when the alarm reaches nobody, and only then", async () => {
    expect(uptimeAlarmReachesNobody(miraWithoutEmail(), "mira-prod")).toBe(
      "no P1 email or us-east-1 SNS receiver: the uptime alarm reaches nobody until someone subscribes to guardia-mira-prod-uptime (SNS, us-east-1)",
    );
    for (const name of STACKS) {
      expect(uptimeAlarmReachesNobody(exampleContext(name).stack.platform, name), name).toBe(
        undefined,
      );
    }
    const run = await runMonitoring("mira-prod", miraWithoutEmail());
    const recorded = (type: string) => run.resources.filter((r) => r.type === type);
    expect(recorded("aws:sns/topicSubscription:TopicSubscription")).toEqual([]);
    expect(recorded("aws:cloudwatch/metricAlarm:MetricAlarm")[0]!.inputs.alarmActions).toEqual([
      topicArnOf("mira-prod"),
    ]);
  });
});

describe("region", () => {
  it("creates the check, alarm, topic and subscription through a us-east-1 provider, whatever the stack's region", async () => {
    const providers = new Map<string, unknown>();
    const used: { type: string; provider: string | undefined }[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          if (args.type === "pulumi:providers:aws") providers.set(args.name, args.inputs.region);
          else used.push({ type: args.type, provider: args.provider });
          return { id: `${args.name}-id`, state: { ...args.inputs, arn: `arn:${args.name}` } };
        },
        call: (args) => args.inputs as Record<string, unknown>,
      },
      "guardia",
      "mira-prod",
    );
    const { platform } = exampleContext("mira-prod").stack;
    expect(platform.aws?.region).toBe("sa-east-1");
    new ExternalUptimeChecks("mira-uptime", { platform, stack: "mira-prod" });
    await pulumi.runtime.disconnect();
    expect(Object.fromEntries(providers)).toEqual({ "mira-uptime-us-east-1": "us-east-1" });
    const awsResources = used.filter((u) => u.type.startsWith("aws:"));
    expect(awsResources.map((u) => u.type).sort()).toEqual([
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "aws:route53/healthCheck:HealthCheck",
      "aws:sns/topic:Topic",
      "aws:sns/topicSubscription:TopicSubscription",
    ]);
    for (const { provider } of awsResources)
      expect(provider).toMatch(/pulumi:providers:aws::mira-uptime-us-east-1::/);
  });
});
