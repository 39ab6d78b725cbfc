import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../lib/incidents/record.js";
import type { TimelineEntry } from "../../lib/incidents/timeline.js";
import { alertmanagerConfigYaml } from "../../lib/monitoring/alertmanager-config.js";
import type { Render } from "../../lib/render/render.js";
import { startAlertmanager, type AlertmanagerServer } from "../harness/alertmanager.js";
import { runCli } from "../harness/cli.js";
import { startHttpServer, type HttpServer } from "../harness/http.js";
import { freePort } from "../harness/ports.js";
import { waitUntil } from "../harness/process.js";
import { writeStackFile } from "../harness/stacks.js";
import { probeScrapeConfig, type ProbeManifest } from "../monitoring/helpers/operator.js";
import {
  startBlackbox,
  startPrometheus,
  type BlackboxServer,
  type PrometheusServer,
} from "../monitoring/helpers/servers.js";
import { manifestsOfKind, renderInline, tempDir } from "../monitoring/helpers/stacks.js";
import { startWebhookReceiver, type WebhookReceiver } from "../monitoring/helpers/webhook.js";

/**
 * An incident end to end on loopback with real programs: a P1 is opened (its notification reaches
 * the on-call webhook through the stack's rendered Alertmanager routing), two runbooks run, the
 * service goes down so the rendered EndpointDown fires in Prometheus and resolves when it comes
 * back, and the incident is closed: its timeline holds the runs (operator, outcome) and the alert,
 * in order, and the P1 post-mortem has every section of the MIRA template filled.
 */

let service: HttpServer;
let healthy = true;
let webhook: WebhookReceiver;
let blackbox: BlackboxServer;
let am: AlertmanagerServer;
let prometheus: PrometheusServer;
let render: Render;
let work: ReturnType<typeof tempDir>;
let stackFile: string;

function stackInput(serviceUrl: string, blackboxPort: number, dest: string) {
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
    backups: {
      destination: { url: `file://${dest}` },
      schedules: [{ name: "daily", cron: "0 2 * * *", keepDays: 30 }],
    },
    alerting: {
      receivers: [
        {
          name: "ops-hook",
          type: "webhook",
          urlSecret: { name: "shop-alerting", key: "hook-url" },
        },
      ],
    },
    monitoring: {
      probeInterval: "2s",
      blackboxExporterAddress: `127.0.0.1:${blackboxPort}`,
      runbookBaseUrl: "https://runbooks.example.org/guardia",
    },
  };
}

beforeAll(async () => {
  work = tempDir("incident-e2e");
  service = await startHttpServer((_req, res) => res.writeHead(healthy ? 200 : 503).end());
  webhook = await startWebhookReceiver();
  const blackboxPort = await freePort();
  const input = stackInput(service.url, blackboxPort, path.join(work.dir, "dest"));
  render = await renderInline(input, "shop-prod");
  stackFile = writeStackFile(input, "shop-prod");
  const [blackboxConfig] = manifestsOfKind<{ data: Record<string, string> }>(
    render,
    "ConfigMap",
  ).filter((c) => "config.yml" in c.data);
  blackbox = await startBlackbox(blackboxConfig!.data["config.yml"]!, blackboxPort);
  mkdirSync(path.join(work.dir, "secrets", "shop-alerting"), { recursive: true });
  writeFileSync(path.join(work.dir, "secrets", "shop-alerting", "hook-url"), webhook.url);
  am = await startAlertmanager(
    alertmanagerConfigYaml(render.stack.platform, { secretsDir: path.join(work.dir, "secrets") }),
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
    service?.stop(),
  ]);
  work?.remove();
});

const env = (operator: string) => ({
  GUARDIA_AUDIT_FILE: path.join(work.dir, "audit.jsonl"),
  GUARDIA_OPERATOR: operator,
});

function guardia(operator: string, args: string[]) {
  return runCli([...args, "--stack", stackFile, "--yes"], { env: env(operator), cwd: work.dir });
}

const incidentNotifications = (status: string) =>
  webhook.notifications.flatMap((n) =>
    n.alerts.filter((a) => a.labels.alertname === "GuardiaIncident" && a.status === status),
  );

describe("an incident's timeline writes itself", () => {
  it("open a P1, run two runbooks, an alert fires and resolves, close: timeline and post-mortem", async () => {
    const opened = await guardia("ana", [
      "incident",
      "open",
      "--priority",
      "P1",
      "--title",
      "Shop is down",
      "--service",
      "web",
      "--alertmanager-url",
      am.url,
      "--json",
    ]);
    expect(opened.code, opened.stderr).toBe(0);
    const { incident } = (JSON.parse(opened.stdout) as { result: { incident: Incident } }).result;

    // The P1 notification reached the on-call webhook in the receiver's (webhook) format.
    await waitUntil(
      async () => incidentNotifications("firing").length > 0,
      60_000,
      () => `no P1 notification: ${JSON.stringify(webhook.notifications)}`,
    );
    const [note] = incidentNotifications("firing");
    expect(note!.labels).toMatchObject({
      priority: "P1",
      severity: "critical",
      platform: "shop",
      incident: incident.id,
    });
    expect(note!.annotations.summary).toContain("Shop is down");
    expect(webhook.notifications.find((n) => n.alerts.includes(note!))!.receiver).toBe("ops-hook");

    expect((await guardia("ana", ["health-check"])).code).toBe(0);
    healthy = false;
    await waitUntil(
      async () =>
        (await prometheus.query('ALERTS{alertname="EndpointDown",alertstate="firing"}')).length > 0,
      90_000,
      () => "EndpointDown did not fire",
    );
    await pastOneSampleStep();
    expect((await guardia("luis", ["health-check"])).code).toBe(1);
    healthy = true;
    await waitUntil(
      async () => (await prometheus.query('ALERTS{alertname="EndpointDown"}')).length === 0,
      90_000,
      () => "EndpointDown did not resolve",
    );
    await pastOneSampleStep();
    const listReport = path.join(work.dir, "list-backups-report.md");
    expect((await guardia("luis", ["list-backups", "--report", listReport])).code).toBe(0);

    const closed = await guardia("ana", [
      "incident",
      "close",
      "--id",
      incident.id,
      "--root-cause",
      "the web pods ran out of memory",
      "--fix",
      "raised the memory limit",
      "--alertmanager-url",
      am.url,
      "--prometheus-url",
      prometheus.url,
      "--json",
    ]);
    expect(closed.code, closed.stderr).toBe(0);
    const result = (
      JSON.parse(closed.stdout) as { result: { incident: Incident; postmortem: string } }
    ).result;
    const timeline = result.incident.timeline!;
    const kinds = timeline.map(
      (e: TimelineEntry) =>
        `${e.source}: ${e.text.split(" (")[0]}${e.who ? ` by ${e.who}` : ""}${e.outcome ? ` ${e.outcome}` : ""}`,
    );
    const order = [
      "incident: opened: P1: Shop is down by ana",
      "runbook: guardia health-check by ana done",
      "alert: alert fired: EndpointDown",
      "runbook: guardia health-check by luis failed",
      "alert: alert resolved: EndpointDown",
      "runbook: guardia list-backups by luis done",
      expect.stringMatching(/^incident: closed: root cause/),
    ];
    // Only EndpointDown is asserted: the outage also burns the SLO's error budget, whose alerts
    // come and go with their own windows.
    const relevant = kinds.filter(
      (k) =>
        !k.startsWith("gap") &&
        !k.startsWith("incident: notified") &&
        (!k.startsWith("alert") || k.includes("EndpointDown")),
    );
    expect(relevant).toEqual(order);
    expect(timeline.map((e) => e.time)).toEqual([...timeline.map((e) => e.time)].sort());

    // The post-mortem: every section of the MIRA template (in English here; test/i18n/incidents
    // checks the template's own Spanish headings), duration and timeline filled in.
    const postmortem = readFileSync(result.postmortem, "utf8");
    for (const heading of [
      "## Summary",
      "## Impact",
      "## Timeline",
      "## Root cause",
      "## Fix",
      "## Preventive actions",
      "## Lessons learned",
    ])
      expect(postmortem).toContain(heading);
    expect(postmortem).toContain("# Post-Mortem: Shop is down");
    expect(postmortem).toMatch(/\*\*Duration\*\*: \d+\.\d hours \(\d+(\.\d)? min/);
    expect(postmortem).toContain("**Severity**: P1");
    expect(postmortem).toMatch(/\[alert\] alert fired: EndpointDown/);
    // The run that wrote a report is linked from the timeline.
    expect(timeline.find((e) => e.text.startsWith("guardia list-backups"))!.link).toBe(listReport);
    expect(postmortem).toContain(`— report: ${listReport}`);
    expect(postmortem).toMatch(/\[runbook\] guardia health-check .* — luis \(failed\)/);
    expect(postmortem).toContain("the web pods ran out of memory");
    expect(readFileSync(path.join(work.dir, "dest", result.incident.postmortem!), "utf8")).toBe(
      postmortem,
    );

    // Closing resolves the notification.
    await waitUntil(
      async () => incidentNotifications("resolved").length > 0,
      60_000,
      () => "the notification was not resolved",
    );
  });
});

/**
 * The timeline reads ALERTS in samples a second or two apart and places a firing or a resolution at
 * the first sample that shows it: the next runbook waits past that step so the order is certain.
 */
function pastOneSampleStep(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 3_000));
}
