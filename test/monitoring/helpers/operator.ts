/**
 * What prometheus-operator makes of a Probe object (pkg/prometheus/promcfg.go, generateProbeConfig
 * for static targets), reproduced for the loopback test because no operator can run here: the
 * target becomes the `target` parameter and the `instance` label, the prober becomes the address,
 * the static labels (plus the Probe's namespace) go on every target, and `jobName` sets `job`.
 */

export interface ProbeManifest {
  metadata: { name: string; namespace: string };
  spec: {
    jobName?: string;
    module: string;
    interval: string;
    scrapeTimeout: string;
    prober: { url: string; path?: string; scheme?: string };
    targets: { staticConfig: { static: string[]; labels?: Record<string, string> } };
  };
}

export function probeScrapeConfig(probe: ProbeManifest): Record<string, unknown> {
  const { metadata, spec } = probe;
  const labels = { namespace: metadata.namespace, ...spec.targets.staticConfig.labels };
  return {
    job_name: `probe/${metadata.namespace}/${metadata.name}`,
    honor_timestamps: true,
    scrape_interval: spec.interval,
    scrape_timeout: spec.scrapeTimeout,
    metrics_path: spec.prober.path ?? "/probe",
    scheme: spec.prober.scheme ?? "http",
    params: { module: [spec.module] },
    static_configs: [{ targets: spec.targets.staticConfig.static, labels }],
    relabel_configs: [
      { source_labels: ["job"], target_label: "__tmp_prometheus_job_name" },
      ...(spec.jobName ? [{ target_label: "job", replacement: spec.jobName }] : []),
      { source_labels: ["__address__"], target_label: "__param_target" },
      { source_labels: ["__param_target"], target_label: "instance" },
      { target_label: "__address__", replacement: spec.prober.url },
    ],
  };
}
