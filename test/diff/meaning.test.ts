import { describe, expect, it } from "vitest";
import { modelMeanings } from "../../lib/diff/meaning-model.js";
import { renderMeanings } from "../../lib/diff/meaning-render.js";
import { diffResources } from "../../lib/diff/resources.js";
import type { StackRender } from "../../lib/diff/snapshot.js";
import { parseStackText } from "../../lib/model/index.js";
import { stackText } from "../model/builders.js";

/** What a change means, line by line, from two renders and two models. */

const stack = (files: Record<string, Record<string, unknown>>): StackRender => ({
  name: "s",
  files: new Map(Object.entries(files)),
  fingerprinted: true,
});

function meanings(
  before: Record<string, Record<string, unknown>>,
  after: Record<string, Record<string, unknown>>,
) {
  const [base, head] = [stack(before), stack(after)];
  return renderMeanings(diffResources(base, head), base, head);
}

const rules = (forDuration: string, threshold: string, priority = "P3") => ({
  apiVersion: "monitoring.coreos.com/v1",
  kind: "PrometheusRule",
  spec: {
    groups: [
      {
        name: "guardia.mira-prod.latency",
        rules: [
          {
            alert: "LatencyAverageHigh",
            expr: `avg(probe_duration_seconds{service="nocobase"}) > ${threshold}`,
            for: forDuration,
            labels: { service: "nocobase", priority },
          },
        ],
      },
    ],
  },
});

const rolePolicy = (actions: string[]) => ({
  type: "aws:iam/rolePolicy:RolePolicy",
  name: "p",
  inputs: {
    policy: {
      Version: "2012-10-17",
      Statement: [
        { Sid: "Objects", Effect: "Allow", Action: actions, Resource: "arn:aws:s3:::b/p/*" },
      ],
    },
  },
});

describe("meaning of rendered changes", () => {
  it("an alert's `for`, threshold and priority", () => {
    const file = "kubernetes/PrometheusRule/mira-alerts.yaml";
    expect(
      meanings({ [file]: rules("15m", "0.5") }, { [file]: rules("30m", "0.8", "P2") }),
    ).toEqual([
      "alert `LatencyAverageHigh` (service nocobase): threshold > 0.5 → > 0.8",
      "alert `LatencyAverageHigh` (service nocobase): for 15m → 30m",
      "alert `LatencyAverageHigh` (service nocobase): priority P3 → P2",
    ]);
  });

  it("a permission an IAM policy gains or loses", () => {
    const file = "aws/iam.RolePolicy/p.yaml";
    expect(
      meanings(
        { [file]: rolePolicy(["s3:GetObject", "s3:PutObject"]) },
        { [file]: rolePolicy(["s3:GetObject", "s3:DeleteObject"]) },
      ),
    ).toEqual([
      "IAM: `aws/iam.RolePolicy/p` now allows `s3:DeleteObject`",
      "IAM: `aws/iam.RolePolicy/p` no longer allows `s3:PutObject`",
    ]);
  });

  it("a CronJob's schedule in words, and one added", () => {
    const job = (schedule: string) => ({
      apiVersion: "batch/v1",
      kind: "CronJob",
      spec: { schedule },
    });
    expect(
      meanings(
        { "kubernetes/CronJob/a.yaml": job("0 2 * * *") },
        {
          "kubernetes/CronJob/a.yaml": job("0 3 * * 0"),
          "kubernetes/CronJob/b.yaml": job("*/15 * * * *"),
        },
      ),
    ).toEqual([
      "CronJob `a`: At 02:00 → At 03:00, only on Sunday",
      "CronJob `b` added: Every 15 minutes",
    ]);
  });
});

const DATABASE = (keepDays: number) => [
  "databases:",
  "  - { name: mira, engine: postgres, host: h, database: d, user: u, passwordSecret: { name: db, key: pw } }",
  "backups:",
  '  destination: { url: "file:///backups" }',
  "  schedules:",
  `    - { name: daily, cron: "0 2 * * *", keepDays: ${keepDays} }`,
  '    - { name: weekly, cron: "0 3 * * 0", keepDays: 90 }',
];

const RECEIVERS = (teamsKey: string, withSns: boolean) => [
  "alerting:",
  "  receivers:",
  `    - { name: ops-teams, type: teams, webhookSecret: { name: alerting, key: ${teamsKey} } }`,
  '    - { name: ops-email, type: email, to: [ops@example.org], from: g@example.org, smarthost: "smtp.example.org:587" }',
  ...(withSns
    ? ["    - { name: pager, type: sns, topicArn: 'arn:aws:sns:us-east-1:111122223333:pager' }"]
    : []),
];

function model(body: string) {
  return parseStackText(stackText(body, "prod"), "Pulumi.mira-prod.yaml", "mira-prod");
}

describe("meaning of stack file changes", () => {
  it("retention in days, receivers added and changed (a secret only as changed), who each priority reaches", () => {
    const before = model([...DATABASE(30), ...RECEIVERS("teams", false)].join("\n"));
    const after = model([...DATABASE(14), ...RECEIVERS("teams-2027", true)].join("\n"));
    expect(modelMeanings(before, after)).toEqual([
      "backups `daily`: kept 30 days → 14 days",
      "receiver `ops-teams`: its secret (`webhookSecret`) changed",
      "receiver `pager` (sns) added",
      "P1 alerts reach ops-teams, ops-email, pager (were ops-teams, ops-email)",
    ]);
  });
});
