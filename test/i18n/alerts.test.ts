import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Language } from "../../lib/i18n/index.js";
import { loadStack, Duration, type LoadedStack } from "../../lib/model/index.js";
import { alertmanagerConfigYaml } from "../../lib/monitoring/alertmanager-config.js";
import { renderStacks, type Render } from "../../lib/render/render.js";
import { startAlertmanager, type AlertmanagerServer } from "../harness/alertmanager.js";
import { waitUntil } from "../harness/process.js";
import { repoRoot } from "../harness/tools.js";
import { tempDir } from "../monitoring/helpers/stacks.js";
import { startWebhookReceiver, type WebhookReceiver } from "../monitoring/helpers/webhook.js";

/**
 * A render speaks its stack's `language` and nothing else: the same stack rendered in English and
 * in Spanish gives the same objects, rules, labels and queries, and differs only in the texts
 * people read — alert summaries and descriptions, notification templates, dashboard titles, the
 * uptime alarm's description. A real Alertmanager then sends a Slack message in the stack's language.
 */

/** The stack with another `language`, in the file's input (what the Pulumi program reads) too. */
function inLanguage(stack: LoadedStack, language: Language): LoadedStack {
  const input = { ...(stack.input as object), language } as LoadedStack["input"];
  return { ...stack, input, platform: { ...stack.platform, language } };
}

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
interface RuleSpec {
  spec: { groups: { name: string; rules: Rule[] }[] };
}

const rulesOf = (render: Render): Rule[] =>
  render.files
    .filter((f) => f.resource.type.endsWith(":PrometheusRule"))
    .flatMap((f) => (f.resource.inputs as unknown as RuleSpec).spec.groups.flatMap((g) => g.rules));

/** A rule without the two texts the language changes. */
function machinePart(rule: Rule) {
  const annotations = { ...rule.annotations, summary: undefined, description: undefined };
  return { ...rule, annotations };
}

describe("mira-prod rendered in English and in Spanish", () => {
  let en: Render;
  let es: Render;
  beforeAll(async () => {
    const stack = loadStack("mira-prod", repoRoot);
    expect(stack.platform.language).toBe("es");
    const renders = await renderStacks([inLanguage(stack, "en"), inLanguage(stack, "es")]);
    [en, es] = [renders[0]!, renders[1]!];
  }, 120_000);

  it("has the same rules, labels, runbook_url and guardia_command; only summary and description differ", () => {
    const [rulesEn, rulesEs] = [rulesOf(en), rulesOf(es)];
    expect(rulesEn.length).toBeGreaterThan(10);
    expect(rulesEs.map(machinePart)).toEqual(rulesEn.map(machinePart));
    rulesEn.forEach((rule, i) => {
      const spanish = rulesEs[i]!.annotations;
      expect(spanish.summary, rule.alert).not.toBe(rule.annotations.summary);
      expect(spanish.description, rule.alert).not.toBe(rule.annotations.description);
    });
    const endpointDown = rulesEs.find((r) => r.alert === "EndpointDown")!;
    expect(endpointDown.annotations.summary).toBe(
      "nocobase está caído: {{ $labels.instance }} no pasa su health check",
    );
    expect(endpointDown.annotations.description).toContain(
      "Prioridad P1: responder dentro de 15 minutos.",
    );
    expect(rulesEn.find((r) => r.alert === "EndpointDown")!.annotations.summary).toBe(
      "nocobase is down: {{ $labels.instance }} fails its health check",
    );
  });

  it("differs elsewhere only in the dashboard, the notification templates and the uptime alarm", () => {
    const content = (render: Render) =>
      new Map(render.files.map((f) => [f.path, JSON.stringify(f.resource.inputs)]));
    const [filesEn, filesEs] = [content(en), content(es)];
    expect([...filesEs.keys()]).toEqual([...filesEn.keys()]);
    const differing = [...filesEn.keys()].filter((p) => filesEn.get(p) !== filesEs.get(p));
    expect(differing).toEqual([
      "aws/cloudwatch.MetricAlarm/mira-monitoring-uptime-nocobase-0-alarm.yaml",
      "kubernetes/ConfigMap/mira-dashboard.yaml",
      // The stack file the in-cluster guardia reads: it says which language it speaks.
      "kubernetes/ConfigMap/mira-guardia-stack.yaml",
      "kubernetes/PrometheusRule/mira-alerts.yaml",
      "kubernetes/Secret/mira-alertmanager.yaml",
    ]);
    expect(JSON.stringify(es.files.map((f) => f.resource.inputs))).toContain(
      "Ejecutar primero: `{{ .Annotations.guardia_command }}`",
    );
  });
});

describe("a Slack notification from a real Alertmanager", () => {
  let slack: WebhookReceiver;
  let secrets: ReturnType<typeof tempDir>;
  const running: AlertmanagerServer[] = [];
  beforeAll(async () => {
    slack = await startWebhookReceiver();
    secrets = tempDir("slack-language");
    mkdirSync(path.join(secrets.dir, "logistica-alerting"));
    writeFileSync(path.join(secrets.dir, "logistica-alerting", "slack-webhook"), slack.url);
  });
  afterAll(async () => {
    await Promise.all([...running.map((am) => am.stop()), slack?.stop()]);
    secrets?.remove();
  });

  /** logistica-prod's P3 route (Slack only), probing every 2 s so group_wait is 1 s. */
  async function slackMessage(language: Language) {
    const prod = loadStack("logistica-prod", repoRoot).platform;
    const platform = {
      ...prod,
      language,
      monitoring: { ...prod.monitoring, probeInterval: Duration.parse("2s") },
    };
    expect(platform.alerting.routes.P3).toEqual(["alerts-slack"]);
    const am = await startAlertmanager(
      alertmanagerConfigYaml(platform, { secretsDir: secrets.dir }),
    );
    running.push(am);
    const before = slack.notifications.length;
    await am.postAlerts([
      {
        labels: {
          alertname: "LatencyP95High",
          priority: "P3",
          severity: "warning",
          platform: "logistica",
          environment: "prod",
          namespace: platform.namespace,
          service: "api",
        },
        annotations: {
          summary: "resumen",
          description: "descripción",
          guardia_command: "guardia health-check --stack logistica-prod --service api",
          runbook_url: "https://runbooks.example/health-check.md",
        },
      },
    ]);
    await waitUntil(
      async () => slack.notifications.length > before,
      15_000,
      () => "no Slack message arrived",
    );
    const payload = slack.notifications[before] as unknown as {
      attachments: { title: string; text: string }[];
    };
    return payload.attachments[0]!;
  }

  it("is titled and worded in the stack's language, Go templates and all", async () => {
    const es = await slackMessage("es");
    expect(es.title).toBe("[ACTIVA] P3 LatencyP95High - logistica prod");
    expect(es.text).toContain("*resumen*\ndescripción\n");
    expect(es.text).toContain(
      "Ejecutar primero: `guardia health-check --stack logistica-prod --service api`",
    );
    expect(es.text).toContain("Procedimiento: https://runbooks.example/health-check.md");
    const en = await slackMessage("en");
    expect(en.title).toBe("[FIRING] P3 LatencyP95High - logistica prod");
    expect(en.text).toContain(
      "Run first: `guardia health-check --stack logistica-prod --service api`",
    );
    expect(en.text).toContain("Runbook: https://runbooks.example/health-check.md");
  }, 60_000);
});
