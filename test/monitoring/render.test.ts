import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BLACKBOX_EXPORTER_IMAGE } from "../../infra/monitoring/blackbox-exporter.js";
import type { RuleGroup } from "../../lib/monitoring/catalogue.js";
import { renderStack, toFile, type Render } from "../../lib/render/render.js";
import { validateManifest } from "../../lib/render/validate-k8s.js";
import { repoRoot } from "../harness/tools.js";
import type { ProbeManifest } from "./helpers/operator.js";
import {
  CLUSTER_STACKS,
  EXAMPLE_STACKS,
  manifestsOfKind,
  renderInline,
  runMonitoring,
  tempDir,
  tool,
  unsecret,
} from "./helpers/stacks.js";

/**
 * What `guardia render` shows of monitoring for every example stack: Probe, PrometheusRule and
 * dashboard objects that pass the Kubernetes and prometheus-operator schemas, and the blackbox
 * exporter under Pod Security "restricted".
 */

const renders = new Map<string, Render>();
let scratch: ReturnType<typeof tempDir>;
beforeAll(async () => {
  scratch = tempDir("render");
  // One after the other: the fake Pulumi engine is one global runtime per process.
  for (const name of EXAMPLE_STACKS) renders.set(name, await renderStack(name, repoRoot));
});
afterAll(() => scratch.remove());

interface Manifest {
  metadata: { name: string; labels: Record<string, string> };
  spec: Record<string, unknown>;
  data: Record<string, string>;
}

interface CronJobManifest extends Manifest {
  spec: {
    jobTemplate: { spec: { template: { spec: { containers: { args: string[] }[] } } } };
  };
}

const kinds = ["Probe", "PrometheusRule", "ConfigMap", "Deployment", "Service"];

describe.each(CLUSTER_STACKS)("%s", (name) => {
  const render = () => renders.get(name)!;
  const platform = () => render().stack.platform;

  it("renders schema-valid monitoring objects", async () => {
    const objects = kinds.flatMap((kind) => manifestsOfKind(render(), kind));
    expect(manifestsOfKind(render(), "Probe").length).toBeGreaterThan(0);
    for (const object of objects) expect(await validateManifest(object)).toEqual([]);
  });

  it("probes every health URL at the stack's interval and every dependency at its own", () => {
    const probes = manifestsOfKind<ProbeManifest>(render(), "Probe");
    const got = probes.flatMap((p) =>
      p.spec.targets.staticConfig.static.map((url) => [url, p.spec.interval]),
    );
    const want = [
      ...platform().services.flatMap((s) =>
        s.health.map((h) => [h.url, String(platform().monitoring.probeInterval)]),
      ),
      ...platform().externalDependencies.map((d) => [d.url, String(d.interval)]),
    ];
    expect(got.sort()).toEqual(want.sort());
    for (const probe of probes) {
      expect(probe.spec.prober.url).toBe(platform().monitoring.blackboxExporterAddress);
      expect(probe.spec.targets.staticConfig.labels).toMatchObject({
        platform: platform().name,
        environment: platform().environment,
        namespace: platform().namespace,
      });
    }
  });

  it("labels Probes and rules for the operator's selectors, the dashboard for Grafana's sidecar", () => {
    const selected = [
      ...manifestsOfKind<Manifest>(render(), "Probe"),
      ...manifestsOfKind<Manifest>(render(), "PrometheusRule"),
    ];
    for (const m of selected)
      expect(m.metadata.labels).toMatchObject(platform().monitoring.selectorLabels);
    const [dashboard] = manifestsOfKind<Manifest>(render(), "ConfigMap").filter((c) =>
      c.metadata.name.endsWith("-dashboard"),
    );
    expect(dashboard?.metadata.labels.grafana_dashboard).toBe("1");
    const json = JSON.parse(Object.values(dashboard!.data)[0]!) as {
      uid: string;
      panels: unknown[];
    };
    expect(json.uid).toBe(`guardia-${platform().name}-${platform().environment}`);
    expect(json.panels.length).toBeGreaterThan(3);
  });

  it("alerts on a failed run of every CronJob it renders, with the command to run by hand", () => {
    const cronJobs = manifestsOfKind<Manifest>(render(), "CronJob").map((c) => c.metadata.name);
    expect(cronJobs.length).toBeGreaterThan(0);
    const rules = manifestsOfKind<{ spec: { groups: RuleGroup[] } }>(render(), "PrometheusRule")
      .flatMap((r) => r.spec.groups)
      .flatMap((g) => g.rules);
    // The smoke CronJob's alert waits for two failed runs in a row (a flaky login is not news).
    const failed = (cronJob: string) =>
      rules.filter(
        (r) =>
          r.labels.cronjob === cronJob &&
          (r.expr.includes("kube_job_status_failed") || r.alert === "SmokeFlowsFailing"),
      );
    for (const cronJob of cronJobs) {
      const [rule, ...more] = failed(cronJob);
      expect(more, cronJob).toEqual([]);
      expect(rule?.labels, cronJob).toMatchObject({
        platform: platform().name,
        environment: platform().environment,
        namespace: platform().namespace,
      });
      const job = manifestsOfKind<CronJobManifest>(render(), "CronJob").find(
        (c) => c.metadata.name === cronJob,
      )!;
      const runbook = job.spec.jobTemplate.spec.template.spec.containers[0]!.args[0];
      expect(rule?.annotations.guardia_command, cronJob).toMatch(
        new RegExp(`^guardia ${runbook} --stack ${name}\\b`),
      );
    }
  });

  it("runs the blackbox exporter pinned, restricted, with modules the exporter accepts", async () => {
    const [deployment] = manifestsOfKind<{ spec: { template: { spec: PodSpec } } }>(
      render(),
      "Deployment",
    ).filter((d) => (d as unknown as Manifest).metadata.name.endsWith("-blackbox-exporter"));
    const pod = deployment!.spec.template.spec;
    expect(pod.containers[0]!.image).toBe(BLACKBOX_EXPORTER_IMAGE);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.containers[0]!.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    const [service] = manifestsOfKind<Manifest>(render(), "Service").filter((s) =>
      s.metadata.name.endsWith("-blackbox-exporter"),
    );
    expect(`${service!.metadata.name}.${platform().namespace}.svc:9115`).toBe(
      platform().monitoring.blackboxExporterAddress,
    );

    const [config] = manifestsOfKind<Manifest>(render(), "ConfigMap").filter(
      (c) => "config.yml" in (c.data ?? {}),
    );
    const file = path.join(scratch.dir, `${name}-blackbox.yml`);
    writeFileSync(file, config!.data["config.yml"]!);
    expect(await tool("blackbox_exporter", ["--config.check", `--config.file=${file}`])).toContain(
      "Config file is ok",
    );
    const modules = Object.keys(
      (parse(config!.data["config.yml"]!) as { modules: object }).modules,
    );
    const used = manifestsOfKind<ProbeManifest>(render(), "Probe").map((p) => p.spec.module);
    expect(new Set(used).size).toBeLessThanOrEqual(modules.length);
    for (const module of used) expect(modules).toContain(module);
  });
});

interface PodSpec {
  securityContext: Record<string, unknown>;
  containers: { image: string; securityContext: Record<string, unknown> }[];
}

describe("stack-specific monitoring", () => {
  it("renders nothing for stacks that run on a laptop", () => {
    for (const name of EXAMPLE_STACKS.filter((n) => !CLUSTER_STACKS.includes(n))) {
      expect(renders.get(name)!.files, name).toEqual([]);
    }
  });

  it("probes DRF's whoami with a module that expects 401 (logistics support plan)", () => {
    const [api] = manifestsOfKind<ProbeManifest>(renders.get("logistica-prod")!, "Probe").filter(
      (p) => p.metadata.name === "logistica-probe-api",
    );
    expect(api?.spec.module).toBe("http_401");
    const config = manifestsOfKind<Manifest>(renders.get("logistica-prod")!, "ConfigMap").find(
      (c) => "config.yml" in (c.data ?? {}),
    );
    expect(parse(config!.data["config.yml"]!)).toMatchObject({
      modules: { http_401: { http: { valid_status_codes: [401] } } },
    });
  });

  it("uses an existing blackbox exporter instead of deploying one when told so", async () => {
    const render = await renderInline(
      {
        name: "shop",
        environment: "staging",
        namespace: "shop",
        services: [{ name: "web", health: [{ url: "http://web.shop.svc/health" }] }],
        monitoring: {
          deployBlackboxExporter: false,
          blackboxExporterAddress: "blackbox.monitoring.svc:9115",
        },
      },
      "shop-staging",
    );
    expect(manifestsOfKind(render, "Deployment")).toEqual([]);
    const probes = manifestsOfKind<ProbeManifest>(render, "Probe");
    expect(probes.map((p) => [p.spec.prober.url, p.spec.interval])).toEqual([
      ["blackbox.monitoring.svc:9115", "2m"],
    ]);
  });
});

describe("the Alertmanager configuration Secret", () => {
  it("holds alertmanager.yaml and names the Secrets to mount, and is a valid Secret", async () => {
    const run = await runMonitoring("mira-prod");
    const [secret] = run.resources.filter((r) => r.type === "kubernetes:core/v1:Secret");
    const manifest = { ...secret!.inputs, stringData: unsecret(secret!.inputs.stringData) } as {
      metadata: { name: string; annotations: Record<string, string> };
      stringData: Record<string, string>;
    };
    expect(manifest.metadata.name).toBe("mira-alertmanager");
    expect(manifest.metadata.annotations).toEqual({
      "guardia.io/alertmanager-secrets": "mira-alerting",
      "guardia.io/holds-no-secret-values": "true",
    });
    expect(Object.keys(manifest.stringData)).toEqual(["alertmanager.yaml"]);
    expect(manifest.stringData["alertmanager.yaml"]).toContain(
      "webhook_url_file: /etc/alertmanager/secrets/mira-alerting/teams-webhook",
    );
    expect(await validateManifest(manifest)).toEqual([]);
    // Reviewers read the routing in the render: it holds file paths, not secret values.
    const rendered = toFile(secret!).content as { stringData: Record<string, string> };
    expect(rendered.stringData["alertmanager.yaml"]).toBe(manifest.stringData["alertmanager.yaml"]);
  });
});
