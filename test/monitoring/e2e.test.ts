import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertmanagerConfigYaml } from "../../lib/monitoring/alertmanager-config.js";
import type { Render } from "../../lib/render/render.js";
import { startAlertmanager, type AlertmanagerServer } from "../harness/alertmanager.js";
import { runCli } from "../harness/cli.js";
import { startHttpServer, type HttpServer } from "../harness/http.js";
import { freePort } from "../harness/ports.js";
import { waitUntil } from "../harness/process.js";
import { probeScrapeConfig, type ProbeManifest } from "./helpers/operator.js";
import {
  startBlackbox,
  startPrometheus,
  type BlackboxServer,
  type PrometheusServer,
} from "./helpers/servers.js";
import { manifestsOfKind, renderInline, tempDir } from "./helpers/stacks.js";
import { writeStackFile } from "../harness/stacks.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook.js";

/**
 * The whole alerting path on loopback, with real programs: a local HTTP service goes down → the
 * blackbox exporter's probe fails → Prometheus, loaded with the rendered rules and scraping what
 * the rendered Probe describes, fires EndpointDown after its `for` → Alertmanager, running the
 * stack's routing, notifies a local webhook — but not while the stack's maintenance window
 * (`guardia maintenance-window`) silences it, and as soon as the window closes. All along, the
 * watchdog keeps reaching the dead man's switch (a second webhook), the window's silence included.
 *
 * The stack probes every 2 seconds, so EndpointDown's `for` is 10 s, Alertmanager's
 * group_interval 10 s and the heartbeat every 2 s (timing.ts).
 */

const STACK = "shop-e2e";
let service: HttpServer;
let healthy = true;
let webhook: WebhookReceiver;
let heartbeat: WebhookReceiver;
let blackbox: BlackboxServer;
let am: AlertmanagerServer;
let prometheus: PrometheusServer;
let render: Render;
let secrets: ReturnType<typeof tempDir>;
let blackboxPort: number;

function stackInput(serviceUrl: string, blackboxPort: number) {
  return {
    name: "shop",
    environment: "prod",
    namespace: "shop",
    services: [
      {
        name: "web",
        workload: "deployment/web",
        health: [{ url: `${serviceUrl}/health`, timeoutMs: 1000 }],
      },
    ],
    alerting: {
      receivers: [
        {
          name: "ops-hook",
          type: "webhook",
          urlSecret: { name: "shop-alerting", key: "hook-url" },
        },
        {
          name: "heartbeat",
          type: "webhook",
          urlSecret: { name: "shop-alerting", key: "heartbeat-url" },
        },
      ],
      deadMansSwitch: "heartbeat",
    },
    monitoring: {
      probeInterval: "2s",
      blackboxExporterAddress: `127.0.0.1:${blackboxPort}`,
      runbookBaseUrl: "https://runbooks.example.org/guardia",
    },
  };
}

beforeAll(async () => {
  service = await startHttpServer((_req, res) => res.writeHead(healthy ? 200 : 503).end());
  webhook = await startWebhookReceiver();
  heartbeat = await startWebhookReceiver();
  blackboxPort = await freePort();
  render = await renderInline(stackInput(service.url, blackboxPort), STACK);
  const [blackboxConfig] = manifestsOfKind<{ data: Record<string, string> }>(
    render,
    "ConfigMap",
  ).filter((c) => "config.yml" in c.data);
  blackbox = await startBlackbox(blackboxConfig!.data["config.yml"]!, blackboxPort);

  // The receiver's URL, where the operator would mount the stack's Secret.
  secrets = tempDir("e2e-secrets");
  mkdirSync(path.join(secrets.dir, "shop-alerting"));
  writeFileSync(path.join(secrets.dir, "shop-alerting", "hook-url"), webhook.url);
  writeFileSync(path.join(secrets.dir, "shop-alerting", "heartbeat-url"), heartbeat.url);
  am = await startAlertmanager(
    alertmanagerConfigYaml(render.stack.platform, { secretsDir: secrets.dir }),
  );

  const [rule] = manifestsOfKind<{ spec: { groups: object[] } }>(render, "PrometheusRule");
  prometheus = await startPrometheus({
    scrapeConfigs: manifestsOfKind<ProbeManifest>(render, "Probe").map(probeScrapeConfig),
    rules: { groups: rule!.spec.groups },
    alertmanager: new URL(am.url).host,
    evaluationInterval: "1s",
  });
});

afterAll(async () => {
  await Promise.all([
    prometheus?.stop(),
    am?.stop(),
    blackbox?.stop(),
    webhook?.stop(),
    heartbeat?.stop(),
    service?.stop(),
  ]);
  secrets?.remove();
});

const endpointDown = () =>
  webhook.notifications.flatMap((n) =>
    n.alerts.filter((a) => a.labels.alertname === "EndpointDown" && a.status === "firing"),
  );

describe("a service that goes down reaches the on-call webhook", () => {
  it("renders what the loop runs: one Probe through the local exporter, the stack's rules", () => {
    const probes = manifestsOfKind<ProbeManifest>(render, "Probe");
    expect(
      probes.map((p) => [p.spec.interval, p.spec.prober.url, p.spec.targets.staticConfig.static]),
    ).toEqual([["2s", blackbox.address, [`${service.url}/health`]]]);
  });

  it("probes the healthy service through the blackbox exporter", async () => {
    await waitUntil(
      async () => (await prometheus.query('probe_success{service="web"} == 1')).length === 1,
      15_000,
      () => `no successful probe\n${prometheus.outputTail()}\n${blackbox.outputTail()}`,
    );
    const [sample] = await prometheus.query('probe_success{service="web"}');
    expect(sample?.metric).toMatchObject({
      job: "guardia-blackbox",
      instance: `${service.url}/health`,
      platform: "shop",
      environment: "prod",
      namespace: "shop",
      service: "web",
    });
  });

  it("maintenance-window mutes EndpointDown during the window and expires the silence at its end", async () => {
    const stackFile = writeStackFile(stackInput(service.url, blackboxPort), STACK);
    const window = (...args: string[]) =>
      runCli(
        [
          "maintenance-window",
          "--stack",
          stackFile,
          "--alertmanager-url",
          am.url,
          "--yes",
          ...args,
        ],
        {
          cwd: secrets.dir,
          env: {
            GUARDIA_AUDIT_FILE: path.join(secrets.dir, "audit.jsonl"),
            GUARDIA_OPERATOR: "e2e",
          },
        },
      );
    // A prod stack asks 48 h of notice; the test opens an unannounced window as an emergency.
    const opened = await window(
      "--objective",
      "replace the web pods",
      "--duration",
      "10m",
      "--emergency",
      "--reason",
      "the web pods leak memory",
    );
    expect(opened.code, opened.stderr).toBe(0);
    const [silence] = (await am.silences()).filter((s) => s.status.state === "active");
    const beatsAtOpening = heartbeat.notifications.length;
    const downAt = Date.now();
    healthy = false;
    await waitUntil(
      async () =>
        (await am.alerts()).some(
          (a) => a.labels.alertname === "EndpointDown" && a.status.state === "suppressed",
        ),
      30_000,
      () => `EndpointDown never reached Alertmanager\n${prometheus.outputTail()}`,
    );
    // Not before its `for` (10 s), counted from the first failed probe.
    expect(Date.now() - downAt).toBeGreaterThanOrEqual(10_000);
    const [silenced] = (await am.alerts()).filter((a) => a.labels.alertname === "EndpointDown");
    expect(silenced?.status.silencedBy).toEqual([silence!.id]);
    // Longer than group_wait (1 s): a notification would have left by now.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(endpointDown()).toEqual([]);
    // Meanwhile the dead man's switch heard the watchdog every 2 s: the window spares it.
    expect(heartbeat.notifications.length - beatsAtOpening).toBeGreaterThanOrEqual(4);
    const watchdog = (await am.alerts()).find((a) => a.labels.alertname === "GuardiaWatchdog");
    expect(watchdog?.status).toMatchObject({ state: "active", silencedBy: [] });

    // The work failed: closing reports the unmet criteria, and still hands the alert to people.
    const closed = await window("--close");
    expect(closed.code).toBe(1);
    expect(closed.stderr).toContain("the window closed, but its success criteria failed");
    expect(closed.stderr).toMatch(/alert EndpointDown \(P1\) since/);
    expect((await am.silences()).find((s) => s.id === silence!.id)?.status.state).toBe("expired");
    await waitUntil(
      async () => endpointDown().length > 0,
      20_000,
      () => "no notification after the window closed",
    );
  });

  it("delivers the contract's labels and annotations; the watchdog goes to the dead man's switch", () => {
    const [alert] = endpointDown();
    expect(alert?.labels).toEqual({
      alertname: "EndpointDown",
      priority: "P1",
      severity: "critical",
      platform: "shop",
      environment: "prod",
      namespace: "shop",
      service: "web",
      job: "guardia-blackbox",
      instance: `${service.url}/health`,
    });
    expect(alert?.annotations).toEqual({
      summary: `web is down: ${service.url}/health fails its health check`,
      description: expect.stringContaining("has failed for 10s") as string,
      runbook_url: "https://runbooks.example.org/guardia/health-check.md",
      guardia_command: `guardia health-check --stack ${STACK} --service web`,
    });
    const receivers = new Set(webhook.notifications.map((n) => n.receiver));
    expect(receivers).toEqual(new Set(["ops-hook"]));
    expect(
      webhook.notifications.flatMap((n) => n.alerts.map((a) => a.labels.alertname)),
    ).not.toContain("GuardiaWatchdog");
    // ... which goes to the dead man's switch alone, firing, never "resolved".
    expect(
      new Set(
        heartbeat.notifications.flatMap((n) =>
          n.alerts.map((a) => [n.receiver, a.labels.alertname, a.status].join()),
        ),
      ),
    ).toEqual(new Set(["heartbeat,GuardiaWatchdog,firing"]));
  });
});
