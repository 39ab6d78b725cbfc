import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { freePort } from "../../harness/ports.js";
import { httpOk, startProcess } from "../../harness/process.js";
import { toolPath, type ToolName } from "../../harness/tools.js";

/**
 * Real Prometheus and blackbox exporter processes on loopback for the end-to-end test, each in a
 * temp directory that `stop()` removes.
 */

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PrometheusServer {
  readonly url: string;
  /** Instant query; the result vector. */
  query(promql: string): Promise<PromSample[]>;
  /** Alerts as Prometheus' own API lists them (pending and firing). */
  alerts(): Promise<{ labels: Record<string, string>; state: string }[]>;
  outputTail(): string;
  stop(): Promise<void>;
}

export interface BlackboxServer {
  /** host:port, what a Probe's `prober.url` names. */
  readonly address: string;
  outputTail(): string;
  stop(): Promise<void>;
}

async function startInTempDir(
  tool: ToolName,
  files: Record<string, string>,
  args: (dir: string, port: number) => string[],
  readyPath: string,
  port?: number,
) {
  const dir = mkdtempSync(join(tmpdir(), `guardia-${tool}-`));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const listen = port ?? (await freePort());
  const url = `http://127.0.0.1:${listen}`;
  const proc = await startProcess({
    name: tool,
    cmd: toolPath(tool),
    args: args(dir, listen),
    cwd: dir,
    ready: () => httpOk(`${url}${readyPath}`),
  }).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= proc.stop().finally(() => rmSync(dir, { recursive: true, force: true })));
  return { url, port: listen, proc, stop };
}

/** A blackbox exporter with the given configuration, on `port` (a Probe already names it). */
export async function startBlackbox(configYaml: string, port: number): Promise<BlackboxServer> {
  const { proc, stop } = await startInTempDir(
    "blackbox_exporter",
    { "config.yml": configYaml },
    (dir, listen) => [
      `--config.file=${join(dir, "config.yml")}`,
      `--web.listen-address=127.0.0.1:${listen}`,
    ],
    "/-/healthy",
    port,
  );
  return { address: `127.0.0.1:${port}`, outputTail: () => proc.outputTail(), stop };
}

export interface PrometheusOptions {
  readonly scrapeConfigs: readonly object[];
  /** A rule file: { groups: [...] }. */
  readonly rules: object;
  /** host:port of the Alertmanager alerts go to. */
  readonly alertmanager: string;
  readonly evaluationInterval: string;
}

export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const config = {
    global: { scrape_interval: "1s", evaluation_interval: options.evaluationInterval },
    rule_files: ["rules.yml"],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [options.alertmanager] }] }] },
    scrape_configs: options.scrapeConfigs,
  };
  const { url, proc, stop } = await startInTempDir(
    "prometheus",
    {
      "prometheus.yml": stringify(config),
      "rules.yml": stringify(options.rules, { lineWidth: 0 }),
    },
    (dir, listen) => [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${listen}`,
      // Prometheus drops alerts it fires before it has found the Alertmanager (the watchdog, at
      // the first evaluation) and re-sends a firing alert only after this delay (default 1m).
      "--rules.alert.resend-delay=1s",
    ],
    "/-/ready",
  );
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`Prometheus GET ${path}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { data: T }).data;
  };
  return {
    url,
    query: async (promql) =>
      (await get<{ result: PromSample[] }>(`/api/v1/query?query=${encodeURIComponent(promql)}`))
        .result,
    alerts: async () =>
      (await get<{ alerts: { labels: Record<string, string>; state: string }[] }>("/api/v1/alerts"))
        .alerts,
    outputTail: () => proc.outputTail(),
    stop,
  };
}
