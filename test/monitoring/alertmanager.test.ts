import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Duration, type Priority } from "../../lib/model/index.js";
import {
  alertmanagerConfigYaml,
  OPERATOR_SECRETS_DIR,
} from "../../lib/monitoring/alertmanager-config.js";
import { startAlertmanager, type AlertmanagerServer } from "../harness/alertmanager.js";
import { waitUntil } from "../harness/process.js";
import {
  alertmanagerYamlOf,
  CLUSTER_STACKS,
  exampleContext,
  runMonitoring,
  runTool,
  tempDir,
  tool,
} from "./helpers/stacks.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook.js";

/**
 * The Alertmanager configuration each example stack gets, checked by a current amtool (0.28):
 * it loads, and `amtool config routes test` sends each priority to the intended receivers — in
 * prod pagers and chat, in dev chat only. Then a real Alertmanager shows the inhibition.
 */

const PRIORITIES: readonly Priority[] = ["P1", "P2", "P3", "P4"];

let scratch: ReturnType<typeof tempDir>;
/** Each stack's configuration as its Secret carries it, written to a file amtool can read. */
const files = new Map<string, string>();
beforeAll(async () => {
  scratch = tempDir("alertmanager");
  // One after the other: the fake Pulumi engine is one global runtime per process.
  for (const name of CLUSTER_STACKS) {
    const file = path.join(scratch.dir, `${name}.yaml`);
    writeFileSync(file, alertmanagerYamlOf(await runMonitoring(name)));
    files.set(name, file);
  }
});
afterAll(() => scratch.remove());

function labelsOf(name: string, extra: Record<string, string>): string[] {
  const { platform } = exampleContext(name).stack;
  const labels = {
    alertname: "EndpointDown",
    platform: platform.name,
    environment: platform.environment,
    namespace: platform.namespace,
    ...extra,
  };
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`);
}

/** The receivers amtool resolves for an alert of the stack with these labels. */
async function receiversFor(name: string, extra: Record<string, string>): Promise<string> {
  const args = ["config", "routes", "test", `--config.file=${files.get(name)}`];
  return (await tool("amtool", [...args, ...labelsOf(name, extra)])).split("\n")[0]!.trim();
}

describe("amtool check-config (Alertmanager 0.28)", () => {
  it.each(CLUSTER_STACKS)("accepts %s's configuration", async (name) => {
    const output = await tool("amtool", ["check-config", files.get(name)!]);
    expect(output).toContain("SUCCESS");
    expect(output).toMatch(/\d+ receivers/);
  });

  it("rejects a broken configuration (the check can fail)", async () => {
    const broken = path.join(scratch.dir, "broken.yaml");
    writeFileSync(
      broken,
      alertmanagerConfigYaml(exampleContext("mira-prod").stack.platform).replace(
        "receiver: ops-teams",
        "receiver: nobody",
      ),
    );
    const { code, output } = await runTool("amtool", ["check-config", broken]);
    expect(code).not.toBe(0);
    expect(output).toContain('undefined receiver "nobody"');
  });
});

describe("routing per priority", () => {
  const expected: Record<string, Record<Priority, string>> = {
    // Prod: P1 pages (SNS/email) and chat, P2 chat and email, P3 chat, P4 the e-mail digest.
    "mira-prod": {
      P1: "ops-teams,ops-email,oncall-sms",
      P2: "ops-teams,ops-email",
      P3: "ops-teams",
      P4: "ops-email",
    },
    "logistica-prod": {
      P1: "alerts-slack,support-email,oncall-pager",
      P2: "alerts-slack,support-email",
      P3: "alerts-slack",
      P4: "support-email",
    },
    "inatrace-prod": {
      P1: "ops-slack,ops-email",
      P2: "ops-slack,ops-email",
      P3: "ops-slack",
      P4: "ops-email",
    },
    // Dev: chat only, whatever the priority.
    "mira-dev": { P1: "dev-teams", P2: "dev-teams", P3: "dev-teams", P4: "dev-teams" },
    "logistica-dev": { P1: "dev-slack", P2: "dev-slack", P3: "dev-slack", P4: "dev-slack" },
    "inatrace-dev": { P1: "dev-slack", P2: "dev-slack", P3: "dev-slack", P4: "dev-slack" },
    // No receivers at all: nothing to send to, and the configuration still loads.
    "inatrace-testing": { P1: "blackhole", P2: "blackhole", P3: "blackhole", P4: "blackhole" },
  };

  it("has an expectation for every cluster stack", () => {
    expect(Object.keys(expected).sort()).toEqual([...CLUSTER_STACKS].sort());
  });

  const cases = CLUSTER_STACKS.flatMap((name) => PRIORITIES.map((p) => [name, p] as const));
  it.concurrent.each(cases)("%s sends %s to its receivers", async (name, priority) => {
    const receivers = expected[name]![priority];
    expect(await receiversFor(name, { priority })).toBe(receivers);
    // --verify.receivers makes amtool itself fail on any other answer.
    const args = ["config", "routes", "test", `--config.file=${files.get(name)}`];
    await tool("amtool", [
      ...args,
      `--verify.receivers=${receivers}`,
      ...labelsOf(name, { priority }),
    ]);
  });

  it("fails --verify.receivers when a page would miss the pager", async () => {
    const args = ["config", "routes", "test", `--config.file=${files.get("mira-prod")}`];
    const labels = labelsOf("mira-prod", { priority: "P1" });
    const { code, output } = await runTool("amtool", [
      ...args,
      "--verify.receivers=ops-teams",
      ...labels,
    ]);
    expect(code).toBe(1);
    expect(output).toContain("Expected receivers did not match");
  });

  const watchdog = { alertname: "GuardiaWatchdog", priority: "P4", severity: "info" };

  it.each(["mira-prod", "logistica-prod"])(
    "%s sends the watchdog to its dead man's switch, and only there",
    async (name) => {
      expect(await receiversFor(name, watchdog)).toBe("heartbeat");
      const args = ["config", "routes", "test", `--config.file=${files.get(name)}`];
      await tool("amtool", [...args, "--verify.receivers=heartbeat", ...labelsOf(name, watchdog)]);
    },
  );

  it("routes the watchdog to the empty receiver without a dead man's switch, other stacks' alerts nowhere", async () => {
    expect(await receiversFor("inatrace-prod", watchdog)).toBe("watchdog");
    expect(await receiversFor("mira-prod", { priority: "P1", environment: "staging" })).toBe(
      "blackhole",
    );
    expect(await receiversFor("mira-prod", { priority: "P1", platform: "other" })).toBe(
      "blackhole",
    );
  });

  it("pings the dead man's switch every minute, and never with a 'resolved'", () => {
    const config = parse(alertmanagerConfigYaml(exampleContext("mira-prod").stack.platform)) as {
      route: { routes: { routes: Record<string, unknown>[] }[] };
      receivers: { name: string; webhook_configs?: Record<string, unknown>[] }[];
    };
    expect(config.route.routes[0]!.routes[0]).toEqual({
      matchers: ['alertname="GuardiaWatchdog"'],
      receiver: "heartbeat",
      group_interval: "1m",
      // Below group_interval, so that every group_interval tick sends (see watchdogRoute).
      repeat_interval: "30s",
    });
    expect(config.receivers.find((r) => r.name === "heartbeat")).toEqual({
      name: "heartbeat",
      webhook_configs: [
        {
          send_resolved: false,
          url_file: `${OPERATOR_SECRETS_DIR}/mira-alerting/heartbeat-url`,
        },
      ],
    });
    expect(config.receivers.map((r) => r.name)).not.toContain("watchdog");
  });

  it("repeats per priority (15m, 1h, 4h, 24h) and sends P4 as a daily digest", () => {
    const config = parse(alertmanagerConfigYaml(exampleContext("mira-prod").stack.platform)) as {
      route: {
        routes: {
          routes: {
            matchers: string[];
            repeat_interval: string;
            group_interval?: string;
            group_by?: string[];
          }[];
        }[];
      };
    };
    const routes = config.route.routes[0]!.routes;
    const of = (p: Priority) => routes.filter((r) => r.matchers.includes(`priority="${p}"`));
    expect(PRIORITIES.map((p) => [...new Set(of(p).map((r) => r.repeat_interval))])).toEqual([
      ["15m"],
      ["1h"],
      ["4h"],
      ["24h"],
    ]);
    expect(
      of("P4").every(
        (r) => r.group_interval === "24h" && r.group_by?.join() === "platform,environment,priority",
      ),
    ).toBe(true);
  });
});

describe("secrets stay out of the configuration", () => {
  it.each(CLUSTER_STACKS)(
    "%s: every URL and password is a file under the operator's mount",
    (name) => {
      const text = alertmanagerConfigYaml(exampleContext(name).stack.platform);
      const { platform } = exampleContext(name).stack;
      for (const key of [
        "api_url:",
        "webhook_url:",
        " url:",
        "auth_password:",
        "http://",
        "https://",
      ]) {
        expect(text, `${name}: ${key}`).not.toContain(key);
      }
      const refs = platform.alerting.receivers.flatMap((r) =>
        r.type === "slack" || r.type === "teams"
          ? [r.webhookSecret]
          : r.type === "webhook"
            ? [r.urlSecret]
            : r.type === "email" && r.authPasswordSecret
              ? [r.authPasswordSecret]
              : [],
      );
      const files = [...text.matchAll(/_file: (\S+)/g)].map((m) => m[1]);
      expect(files.sort()).toEqual(
        refs.map((ref) => `${OPERATOR_SECRETS_DIR}/${ref.name}/${ref.key}`).sort(),
      );
    },
  );

  it("takes another secrets directory (tests point it at temp files)", () => {
    const text = alertmanagerConfigYaml(exampleContext("mira-prod").stack.platform, {
      secretsDir: "/tmp/x",
    });
    expect(text).toContain("webhook_url_file: /tmp/x/mira-alerting/teams-webhook");
    expect(text).toContain("auth_password_file: /tmp/x/mira-alerting/smtp-password");
  });

  it("takes the SNS region from the topic's ARN", () => {
    const text = alertmanagerConfigYaml(exampleContext("mira-prod").stack.platform);
    expect(text).toMatch(
      /topic_arn: arn:aws:sns:sa-east-1:111122223333:mira-oncall\n\s+sigv4:\n\s+region: sa-east-1/,
    );
  });
});

describe("inhibition in a running Alertmanager", () => {
  let am: AlertmanagerServer;
  beforeAll(async () => {
    am = await startAlertmanager(
      alertmanagerConfigYaml(exampleContext("mira-prod").stack.platform),
    );
  });
  afterAll(() => am?.stop());

  const alert = (
    alertname: string,
    priority: Priority,
    severity: string,
    extra: Record<string, string>,
  ) => ({
    labels: {
      alertname,
      priority,
      severity,
      platform: "mira",
      environment: "prod",
      namespace: "mira",
      ...extra,
    },
    annotations: { summary: alertname },
  });

  it("mutes the warnings of a service whose critical alert fires, and only those", async () => {
    await am.postAlerts([
      alert("EndpointDown", "P1", "critical", { service: "nocobase" }),
      alert("LatencyP95High", "P3", "warning", { service: "nocobase" }),
      alert("LatencyP95High", "P3", "warning", { service: "other" }),
      alert("BackupTooOld", "P2", "critical", { database: "mira" }),
      alert("VolumeFillingUp", "P3", "warning", { persistentvolumeclaim: "mira-backups" }),
    ]);
    const state = async () =>
      Object.fromEntries(
        (await am.alerts()).map((a) => [
          `${a.labels.alertname} ${a.labels.service ?? ""}`.trim(),
          a.status.state,
        ]),
      );
    await waitUntil(
      async () => (await am.alerts()).length === 5,
      5_000,
      () => "alerts did not arrive",
    );
    await waitUntil(
      async () => (await state())["LatencyP95High nocobase"] === "suppressed",
      5_000,
      () => "the warning was not inhibited",
    );
    expect(await state()).toEqual({
      "EndpointDown nocobase": "active",
      "LatencyP95High nocobase": "suppressed",
      "LatencyP95High other": "active",
      BackupTooOld: "active",
      VolumeFillingUp: "active",
    });
  });
});

describe("the heartbeat in a running Alertmanager", () => {
  let am: AlertmanagerServer;
  let heartbeat: WebhookReceiver;
  let secrets: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    heartbeat = await startWebhookReceiver();
    secrets = tempDir("heartbeat");
    mkdirSync(path.join(secrets.dir, "mira-alerting"));
    writeFileSync(path.join(secrets.dir, "mira-alerting", "heartbeat-url"), heartbeat.url);
    // mira-prod probing every 2 s: group_wait 1 s and a heartbeat every 2 s (timing.ts).
    const prod = exampleContext("mira-prod").stack.platform;
    const fast = {
      ...prod,
      monitoring: { ...prod.monitoring, probeInterval: Duration.parse("2s") },
    };
    am = await startAlertmanager(alertmanagerConfigYaml(fast, { secretsDir: secrets.dir }));
  });
  afterAll(async () => {
    await Promise.all([am?.stop(), heartbeat?.stop()]);
    secrets?.remove();
  });

  it("sends the watchdog to the dead man's switch at every heartbeat interval", async () => {
    const labels = {
      alertname: "GuardiaWatchdog",
      priority: "P4",
      severity: "info",
      platform: "mira",
      environment: "prod",
      namespace: "mira",
    };
    await am.postAlerts([{ labels, endsAt: new Date(Date.now() + 60_000).toISOString() }]);
    await waitUntil(
      async () => heartbeat.notifications.length >= 4,
      15_000,
      () => `${heartbeat.notifications.length} heartbeats in 15 s`,
    );
    expect(new Set(heartbeat.notifications.map((n) => [n.receiver, n.status].join()))).toEqual(
      new Set(["heartbeat,firing"]),
    );
    // Every 2 s; with repeat_interval equal to group_interval it would be every 4 s.
    const gaps = heartbeat.receivedAt.slice(1, 4).map((t, i) => t - heartbeat.receivedAt[i]!);
    for (const gap of gaps) expect(gap).toBeGreaterThan(1_500);
    for (const gap of gaps) expect(gap).toBeLessThan(3_000);
  });
});
