import { createHash } from "node:crypto";
import type { ExternalDependency, Platform, Service } from "../model/index.js";
import type { BackupJob } from "../backup/job-names.js";
import { tr } from "../i18n/index.js";
import { backupAgeLimitSeconds } from "./alerts/backups.js";
import { dependencySelectorLabels, PROBE_JOB, serviceSelectorLabels } from "./probes.js";
import { num, selector } from "./promql.js";
import { alertTiming } from "./timing.js";

/**
 * A Grafana dashboard per stack: the MIRA operations guide's metric tables (Monitoreo, Métricas Clave) as pictures. Per service its
 * availability against the SLO and its latency (average, p95) against the targets; every probe's
 * status; each external dependency against its target; each database's exporter and the age of
 * its last backups. Thresholds are the stack's own targets, so red means "under the manual's goal".
 * Titles and legends are in the stack's language; queries, uids and tags never change with it.
 */

interface Panel {
  id?: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  [key: string]: unknown;
}

/** A panel before layout: its size instead of its position. */
interface NewPanel {
  type: string;
  title: string;
  size: { w: number; h: number };
  [key: string]: unknown;
}

interface Target {
  expr: string;
  legendFormat: string;
}

const DATASOURCE = { type: "prometheus", uid: "${datasource}" };
const WIDTH = 24;
const MAX_UID = 40;

export interface DashboardInput {
  readonly platform: Platform;
  readonly stack: string;
  readonly backupJobs: readonly BackupJob[];
}

export function dashboardUid(platform: Platform): string {
  const uid = `guardia-${platform.name}-${platform.environment}`;
  if (uid.length <= MAX_UID) return uid;
  return `${uid.slice(0, MAX_UID - 7)}-${createHash("sha256").update(uid).digest("hex").slice(0, 6)}`;
}

export function grafanaDashboard(input: DashboardInput): Record<string, unknown> {
  const layout = new Layout();
  const { platform } = input;
  const lang = platform.language;
  for (const service of platform.services.filter((s) => s.health.length > 0)) {
    layout.row(tr(lang)`Service ${service.name}`);
    servicePanels(platform, service).forEach((p) => layout.add(p));
  }
  layout.row(tr(lang)`Probes`);
  layout.add(probeStatus(platform));
  if (platform.externalDependencies.length > 0) {
    layout.row(tr(lang)`External dependencies`);
    platform.externalDependencies.forEach((d) => layout.add(dependencyPanel(platform, d)));
  }
  if (platform.databases.length > 0) {
    layout.row(tr(lang)`Databases and backups`);
    databasePanels(input).forEach((p) => layout.add(p));
  }
  return {
    uid: dashboardUid(platform),
    title: `guardia ${input.stack}`,
    tags: ["guardia", platform.name, platform.environment],
    timezone: "browser",
    schemaVersion: 39,
    editable: false,
    time: { from: "now-7d", to: "now" },
    refresh: "1m",
    templating: { list: [datasourceVariable()] },
    panels: layout.panels,
  };
}

/** Places panels left to right in rows of 24 columns and numbers them. */
class Layout {
  readonly panels: Panel[] = [];
  private x = 0;
  private y = 0;
  private rowHeight = 0;

  row(title: string): void {
    this.newLine();
    this.push({
      type: "row",
      title,
      collapsed: false,
      panels: [],
      gridPos: { x: 0, y: this.y, w: WIDTH, h: 1 },
    });
    this.y += 1;
  }

  add(panel: NewPanel): void {
    const { size, ...rest } = panel;
    if (this.x + size.w > WIDTH) this.newLine();
    this.push({ ...rest, gridPos: { x: this.x, y: this.y, ...size } });
    this.x += size.w;
    this.rowHeight = Math.max(this.rowHeight, size.h);
  }

  private newLine(): void {
    this.y += this.rowHeight;
    this.x = 0;
    this.rowHeight = 0;
  }

  private push(panel: Panel): void {
    this.panels.push({ ...panel, id: this.panels.length + 1 });
  }
}

function datasourceVariable() {
  return {
    name: "datasource",
    label: "Prometheus",
    type: "datasource",
    query: "prometheus",
    hide: 0,
  };
}

function targets(list: Target[]) {
  return list.map((t, i) => ({ refId: String.fromCharCode(65 + i), datasource: DATASOURCE, ...t }));
}

function thresholds(steps: [number | null, string][]) {
  return { mode: "absolute", steps: steps.map(([value, color]) => ({ value, color })) };
}

function stat(
  title: string,
  target: Target,
  unit: string,
  steps: [number | null, string][],
): NewPanel {
  return {
    type: "stat",
    title,
    datasource: DATASOURCE,
    targets: targets([target]),
    fieldConfig: { defaults: { unit, decimals: 3, thresholds: thresholds(steps) }, overrides: [] },
    options: { reduceOptions: { calcs: ["lastNotNull"] }, colorMode: "background" },
    size: { w: 6, h: 5 },
  };
}

function timeseries(
  title: string,
  list: Target[],
  unit: string,
  steps: [number | null, string][],
): NewPanel {
  return {
    type: "timeseries",
    title,
    datasource: DATASOURCE,
    targets: targets(list),
    fieldConfig: {
      defaults: {
        unit,
        thresholds: thresholds(steps),
        custom: { thresholdsStyle: { mode: "dashed" } },
      },
      overrides: [],
    },
    options: { legend: { displayMode: "list", placement: "bottom" } },
    size: { w: 9, h: 8 },
  };
}

function servicePanels(platform: Platform, service: Service): NewPanel[] {
  const sel = (metric: string) => selector(metric, serviceSelectorLabels(platform, service));
  const { slo } = service;
  const window = String(alertTiming(platform.monitoring.probeInterval).latencyWindow);
  const avgMs = slo.latencyAvgMs / 1000;
  const p95Ms = slo.latencyP95Ms / 1000;
  const lang = platform.language;
  const { name } = service;
  const availability = tr(lang)`availability`;
  return [
    stat(
      tr(lang)`${name}: availability (SLO ${num(slo.availability * 100)} %)`,
      {
        expr: `avg(avg_over_time(${sel("probe_success")}[$__range]))`,
        legendFormat: availability,
      },
      "percentunit",
      [
        [null, "red"],
        [slo.availability, "green"],
      ],
    ),
    timeseries(
      tr(lang)`${name}: availability per hour against the SLO`,
      [{ expr: `avg(avg_over_time(${sel("probe_success")}[1h]))`, legendFormat: availability }],
      "percentunit",
      [
        [null, "red"],
        [slo.availability, "green"],
      ],
    ),
    timeseries(
      tr(lang)`${name}: latency (targets: avg ${slo.latencyAvgMs} ms, p95 ${slo.latencyP95Ms} ms)`,
      [
        {
          expr: `avg(avg_over_time(${sel("probe_duration_seconds")}[${window}]))`,
          legendFormat: tr(lang)`average`,
        },
        {
          expr: `max(quantile_over_time(0.95, ${sel("probe_duration_seconds")}[${window}]))`,
          legendFormat: "p95",
        },
      ],
      "s",
      [
        [null, "green"],
        [avgMs, "orange"],
        [p95Ms, "red"],
      ],
    ),
  ];
}

function probeStatus(platform: Platform): NewPanel {
  const sel = selector("probe_success", {
    job: PROBE_JOB,
    platform: platform.name,
    environment: platform.environment,
  });
  const lang = platform.language;
  return {
    type: "state-timeline",
    title: tr(lang)`Probe status per endpoint`,
    datasource: DATASOURCE,
    // last_over_time: dependencies are probed every 15 minutes, longer than Prometheus' lookback.
    targets: targets([
      {
        expr: `last_over_time(${sel}[30m])`,
        legendFormat: "{{service}}{{dependency}} {{instance}}",
      },
    ]),
    fieldConfig: {
      defaults: {
        mappings: [
          {
            type: "value",
            options: {
              "0": { text: tr(lang)`DOWN`, color: "red" },
              "1": { text: tr(lang)`UP`, color: "green" },
            },
          },
        ],
        thresholds: thresholds([
          [null, "red"],
          [1, "green"],
        ]),
      },
      overrides: [],
    },
    options: { showValue: "auto", mergeValues: true },
    size: { w: WIDTH, h: 8 },
  };
}

function dependencyPanel(platform: Platform, dep: ExternalDependency): NewPanel {
  const sel = selector("probe_success", dependencySelectorLabels(platform, dep));
  return stat(
    tr(platform.language)`${dep.name}: availability (target ${num(dep.availability * 100)} %)`,
    { expr: `avg(avg_over_time(${sel}[$__range]))`, legendFormat: dep.name },
    "percentunit",
    [
      [null, "red"],
      [dep.availability, "green"],
    ],
  );
}

function databasePanels(input: DashboardInput): NewPanel[] {
  const { platform } = input;
  const lang = platform.language;
  const up = platform.databases.flatMap((db) =>
    db.exporterJob
      ? [
          stat(
            tr(lang)`${db.name}: database up`,
            { expr: `min(${selector("pg_up", { job: db.exporterJob })})`, legendFormat: db.name },
            "none",
            [
              [null, "red"],
              [1, "green"],
            ],
          ),
        ]
      : [],
  );
  const ages = input.backupJobs.map((job) => {
    const sel = selector("kube_cronjob_status_last_successful_time", {
      namespace: platform.namespace,
      cronjob: job.cronJob,
    });
    const title =
      job.kind === "backup"
        ? tr(lang)`${job.database}: age of last ${job.schedule} backup`
        : tr(lang)`${job.database}: age of last restore drill`;
    return stat(title, { expr: `time() - max(${sel})`, legendFormat: job.cronJob }, "s", [
      [null, "green"],
      [backupAgeLimitSeconds(job), "red"],
    ]);
  });
  return [...up, ...ages];
}
