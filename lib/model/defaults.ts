import type { Language } from "../i18n/index.js";
import type { Environment } from "./schema.js";

/**
 * What a stack gets when it does not say, in one place: `resolve.ts` reads these and nothing else,
 * and every `@default` in schema.ts states one of them (test/model/defaults.test.ts compares the
 * two). Stricter towards prod, lighter in dev; a value taken from an operations manual names the
 * manual and its section, so a reviewer can trace it.
 */
export interface EnvironmentDefaults {
  readonly schedules: readonly { name: string; cron: string; keepDays: number }[];
  readonly restoreDrillCron: string | undefined;
  readonly probeInterval: string;
  readonly logs: { compressAfterDays: number; deleteAfterDays: number; maxSize: string };
  /** Route 53 checks from outside, for stacks with an `aws` section. */
  readonly externalUptimeChecks: boolean;
  /** Whether P1/P2 reach pagers (SNS, email); false routes every priority to chat only. */
  readonly pages: boolean;
  readonly tokenMaxAgeDays: number;
  /** When the smoke CronJob runs the stack's flows. */
  readonly smokeCron: string;
  /** Hours of notice a maintenance window needs. */
  readonly maintenanceNoticeHours: number;
}

// MIRA operations guide, Backup y Recovery: daily backups kept 30 days, weekly kept 90 days.
const MANUAL_SCHEDULES = [
  { name: "daily", cron: "0 2 * * *", keepDays: 30 },
  { name: "weekly", cron: "0 3 * * 0", keepDays: 90 },
];

export const ENVIRONMENT_DEFAULTS: Record<Environment, EnvironmentDefaults> = {
  dev: {
    schedules: [{ name: "daily", cron: "0 2 * * *", keepDays: 7 }],
    restoreDrillCron: undefined,
    probeInterval: "5m",
    logs: { compressAfterDays: 1, deleteAfterDays: 7, maxSize: "50M" },
    externalUptimeChecks: false,
    pages: false,
    tokenMaxAgeDays: 365,
    smokeCron: "0 * * * *",
    maintenanceNoticeHours: 0,
  },
  testing: {
    schedules: [{ name: "daily", cron: "0 2 * * *", keepDays: 14 }],
    restoreDrillCron: undefined,
    probeInterval: "5m",
    logs: { compressAfterDays: 7, deleteAfterDays: 30, maxSize: "100M" },
    externalUptimeChecks: false,
    pages: false,
    tokenMaxAgeDays: 180,
    smokeCron: "0,30 * * * *",
    maintenanceNoticeHours: 0,
  },
  staging: {
    schedules: MANUAL_SCHEDULES,
    restoreDrillCron: "0 5 * * 1",
    probeInterval: "2m",
    logs: { compressAfterDays: 30, deleteAfterDays: 90, maxSize: "100M" },
    externalUptimeChecks: false,
    pages: true,
    tokenMaxAgeDays: 90,
    smokeCron: "0-59/15 * * * *",
    maintenanceNoticeHours: 0,
  },
  prod: {
    schedules: MANUAL_SCHEDULES,
    // INATrace operations manual, 4.3 Pruebas de Restauración: periodic test restores; weekly,
    // Monday 05:00, after the weekend's weekly backup.
    restoreDrillCron: "0 5 * * 1",
    // The MIRA operations guide (Monitoreo) checks API uptime every 5 minutes; a 1 m probe lets a
    // 5 m `for` see five samples.
    probeInterval: "1m",
    // MIRA operations guide, Limpieza de Datos (cleanup_old_logs.sh): gzip after 30 days, delete
    // after 90.
    logs: { compressAfterDays: 30, deleteAfterDays: 90, maxSize: "100M" },
    externalUptimeChecks: true,
    pages: true,
    tokenMaxAgeDays: 90,
    // MIRA operations guide, Monitoreo, Test de Conexión: the connection test runs every 5
    // minutes from cron; the smoke flows take its place.
    smokeCron: "0-59/5 * * * *",
    // Logistics support plan, Comunicaciones: windows announced at least 48 hours ahead.
    maintenanceNoticeHours: 48,
  },
};

/** MIRA operations guide, Monitoreo: uptime > 99.5 %, average < 500 ms, p95 < 2 s. */
export const DEFAULT_SLO = { availability: 0.995, latencyAvgMs: 500, latencyP95Ms: 2000 } as const;

/**
 * MIRA operations guide, Monitoreo: ALMA/SIDRA connectivity > 95 %, checked every 15 minutes; and
 * Gestión de Incidentes: "Sincronización ALMA falla" is P2.
 */
export const DEFAULT_EXTERNAL_DEPENDENCY = {
  availability: 0.95,
  interval: "15m",
  priority: "P2",
} as const;

/** MIRA operations guide, Gestión de Incidentes: response time per priority, as repeat intervals. */
export const REPEAT_INTERVAL = { P1: "15m", P2: "1h", P3: "4h", P4: "24h" } as const;

/** MIRA operations guide, Backup y Recovery, Backups Diarios: daily at 2 AM, kept 30 days. */
export const COLLECTIONS_EXPORT = { cron: "0 2 * * *", keepDays: 30 } as const;

/**
 * Token rotation (logistics support plan, Mantenimiento preventivo: "tokens inactivos se roten
 * según políticas de TI", reviewed weekly like the rest of the preventive maintenance). The cap
 * stops a policy written wrong, or a clock gone wrong, from logging out most users at once.
 */
export const TOKEN_ROTATION = { maxFraction: 0.2, maxCount: 100, cron: "0 4 * * 1" } as const;

/**
 * Orphaned media files (logistics support plan, Mantenimiento preventivo: "limpieza de archivos
 * huérfanos en media/"): a day of grace for uploads whose row is not committed yet, a month in
 * quarantine before anything is deleted, and a nightly run after the backups.
 */
export const MEDIA_CLEANUP = { grace: "24h", quarantine: "30d", cron: "30 3 * * *" } as const;

/** Defaults that are the same in every environment. */
export const DEFAULTS = {
  language: "en" as Language,
  runtime: "kubernetes",
  databasePort: 5432,
  healthEndpoint: { expectStatus: 200, timeoutMs: 5000 },
  servicePriority: "P1",
  django: { manage: "manage.py", python: "python" },
  celery: { python: "python", timeoutSeconds: 3 },
  destination: { volumeSize: "50Gi", forcePathStyle: false },
  smokeCheck: { expectStatus: 200, timeoutMs: 10_000 },
  /** Smoke flows: a request waits as long as a smoke check; a page gets time to load its scripts. */
  smoke: {
    method: "GET",
    expectStatus: 200,
    requestTimeoutMs: 10_000,
    browserTimeoutMs: 30_000,
    captureSecret: true,
    writes: false,
    allowWrites: true,
  },
  /** An external dependency answers when it answers at all: any 200 within the smoke checks' time. */
  dependencyProbe: { expectStatus: 200, timeoutMs: 10_000 },
  deployBlackboxExporter: true,
  /** Where probes go when the stack does not deploy its own blackbox exporter. */
  sharedBlackboxExporterAddress: "blackbox-exporter.monitoring.svc:9115",
  timeZone: "UTC",
} as const;

export const DEFAULT_IMAGE_REPOSITORY = "ghcr.io/guardia-ops/guardia";
export const DEFAULT_ALERTMANAGER_URL = "http://alertmanager-operated.monitoring.svc:9093";
export const DEFAULT_RUNBOOK_BASE_URL =
  "https://github.com/guardia-ops/guardia/blob/main/docs/runbooks";
export const DEFAULT_SELECTOR_LABELS = { release: "kube-prometheus-stack" } as const;
export const DEFAULT_PROMETHEUS_URL = "http://prometheus-operated.monitoring.svc:9090";

/**
 * The routine checklists (MIRA operations guide, Mantenimiento Rutinario: Diario, Semanal,
 * Mensual): at 07:00 in the stack's time zone, so the report is there when the working day
 * starts; weekly on Monday, monthly on the 1st. On by default where the manuals apply, staging
 * and prod.
 */
export const ROUTINE = {
  environments: ["staging", "prod"],
  schedules: { daily: "0 7 * * *", weekly: "0 7 * * 1", monthly: "0 7 1 * *" },
  /** INATrace operations manual, 2.2 Revisión de Logs y Alertas: lines at level ERROR (and JSON loggers' error/fatal). */
  errorPattern: '\\bERROR\\b|"level":\\s*"(error|fatal)"',
  /** MIRA operations guide, Monitoreo: Database Query Time < 1 s. */
  slowQueryMs: 1000,
  inactiveUserDays: 90,
  python: "python",
  /** Logistics support plan, Mantenimiento preventivo: pip weekly; MIRA operations guide, Mensual: npm. */
  dependencyPeriod: { pip: "weekly", npm: "monthly" },
} as const;

/** Celery's own default queue, and how old its oldest waiting task may get. */
export const CELERY = { queues: ["celery"], maxTaskAge: "30m", priority: "P2" } as const;

/** MIRA operations guide, Gestión de Incidentes: "Sincronización ALMA falla" is P2. */
export const DATA_FRESHNESS_PRIORITY = "P2";
