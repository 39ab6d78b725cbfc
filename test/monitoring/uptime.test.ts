import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { ExternalUptimeChecks } from "../../infra/monitoring/uptime.js";
import type { FakeRun, RecordedResource } from "../../lib/render/fake-pulumi-engine.js";
import { exampleContext, runMonitoring } from "./helpers/stacks.js";

/**
 * Route 53 health checks, their CloudWatch alarms and the SNS topic, as the fake Pulumi engine
 * records them: the right targets, alarms wired to the checks and the topic, all in us-east-1.
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

describe("Route 53 uptime checks from outside the cluster", () => {
  it("checks MIRA's public NocoBase URL over HTTPS (seed 004: Uptime Robot)", () => {
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

describe("region", () => {
  it("creates the check, alarm and topic through a us-east-1 provider, whatever the stack's region", async () => {
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
    ]);
    for (const { provider } of awsResources)
      expect(provider).toMatch(/pulumi:providers:aws::mira-uptime-us-east-1::/);
  });
});
