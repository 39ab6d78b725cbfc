import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.js";
import { httpOk, startProcess } from "./process.js";
import { toolPath } from "./tools.js";

// The fields tests look at, from Alertmanager's OpenAPI v2 (gettableAlert, gettableSilence).
export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  receivers: { name: string }[];
  status: { state: "active" | "suppressed" | "unprocessed"; silencedBy: string[] };
  [field: string]: unknown;
}
export interface AmSilence {
  id: string;
  matchers: { name: string; value: string; isRegex: boolean; isEqual?: boolean }[];
  status: { state: "active" | "pending" | "expired" };
  createdBy: string;
  comment: string;
  [field: string]: unknown;
}

export interface AlertmanagerServer {
  url: string;
  /** Where the config was written (for `amtool check-config` or a reload). */
  configFile: string;
  silences(): Promise<AmSilence[]>;
  alerts(): Promise<AmAlert[]>;
  /** POST /api/v2/alerts (labels, annotations, startsAt...). */
  postAlerts(alerts: object[]): Promise<void>;
  /** Kills the process group and removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

async function api(url: string, init?: RequestInit): Promise<Response> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
  if (!res.ok)
    throw new Error(
      `Alertmanager ${init?.method ?? "GET"} ${url}: ${res.status} ${await res.text()}`,
    );
  return res;
}

export async function startAlertmanager(configYaml: string): Promise<AlertmanagerServer> {
  const dir = mkdtempSync(join(tmpdir(), "guardia-am-"));
  const configFile = join(dir, "alertmanager.yml");
  writeFileSync(configFile, configYaml);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = await startProcess({
    name: "alertmanager",
    cmd: toolPath("alertmanager"),
    args: [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=", // empty: no gossip, no second port to collide on
    ],
    cwd: dir,
    ready: () => httpOk(`${url}/-/ready`),
  }).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });

  let stopping: Promise<void> | undefined;
  const v2 = `${url}/api/v2`;
  return {
    url,
    configFile,
    silences: async () => (await (await api(`${v2}/silences`)).json()) as AmSilence[],
    alerts: async () => (await (await api(`${v2}/alerts`)).json()) as AmAlert[],
    async postAlerts(alerts) {
      const headers = { "content-type": "application/json" };
      await api(`${v2}/alerts`, { method: "POST", headers, body: JSON.stringify(alerts) });
    },
    stop: () =>
      (stopping ??= proc.stop().finally(() => rmSync(dir, { recursive: true, force: true }))),
  };
}
