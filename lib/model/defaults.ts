import type { Environment } from "./schema.js";

/**
 * What a stack gets when it does not say: stricter towards prod, lighter in dev. Every number that
 * comes from a seed says which one, so a reviewer can trace it.
 */
export interface EnvironmentDefaults {
  readonly schedules: readonly { name: string; cron: string; keepDays: number }[];
  readonly restoreDrillCron: string | undefined;
  readonly probeInterval: string;
  readonly logs: { compressAfterDays: number; deleteAfterDays: number; maxSize: string };
  readonly externalUptimeChecks: boolean;
  /** Whether P1/P2 reach pagers (SNS, email); false routes everything to chat (issue 5: "dev routes to chat only"). */
  readonly pages: boolean;
  readonly tokenMaxAgeDays: number;
}

// Seed 004: daily backups kept 30 days, weekly kept 90 days.
const SEED_SCHEDULES = [
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
  },
  testing: {
    schedules: [{ name: "daily", cron: "0 2 * * *", keepDays: 14 }],
    restoreDrillCron: undefined,
    probeInterval: "5m",
    logs: { compressAfterDays: 7, deleteAfterDays: 30, maxSize: "100M" },
    externalUptimeChecks: false,
    pages: false,
    tokenMaxAgeDays: 180,
  },
  staging: {
    schedules: SEED_SCHEDULES,
    restoreDrillCron: "0 5 * * 1",
    probeInterval: "2m",
    logs: { compressAfterDays: 30, deleteAfterDays: 90, maxSize: "100M" },
    externalUptimeChecks: false,
    pages: true,
    tokenMaxAgeDays: 90,
  },
  prod: {
    schedules: SEED_SCHEDULES,
    // Seed 000 §4.3: periodic test restores; weekly, Monday 05:00, after the weekend's weekly backup.
    restoreDrillCron: "0 5 * * 1",
    // Seed 004 checks API uptime every 5 minutes; a 1 m probe lets a 5 m `for` see five samples.
    probeInterval: "1m",
    // Seed 004 cleanup_old_logs.sh: gzip after 30 days, delete after 90.
    logs: { compressAfterDays: 30, deleteAfterDays: 90, maxSize: "100M" },
    externalUptimeChecks: true,
    pages: true,
    tokenMaxAgeDays: 90,
  },
};

/** Seed 004's targets: uptime > 99.5 %, average < 500 ms, p95 < 2 s. */
export const SEED_SLO = { availability: 0.995, latencyAvgMs: 500, latencyP95Ms: 2000 } as const;

/** Seed 004's ALMA/SIDRA connectivity target: > 95 %, checked every 15 minutes, P2 when it fails. */
export const SEED_EXTERNAL_DEPENDENCY = {
  availability: 0.95,
  interval: "15m",
  priority: "P2",
} as const;

/** Seed 004's response times per priority, used as Alertmanager repeat intervals. */
export const REPEAT_INTERVAL = { P1: "15m", P2: "1h", P3: "4h", P4: "24h" } as const;

/** MIRA operations guide, Backup y Recovery, Backups Diarios: daily at 2 AM, kept 30 days. */
export const COLLECTIONS_EXPORT = { cron: "0 2 * * *", keepDays: 30 } as const;

export const DEFAULT_IMAGE_REPOSITORY = "ghcr.io/guardia-ops/guardia";
export const DEFAULT_ALERTMANAGER_URL = "http://alertmanager-operated.monitoring.svc:9093";
export const DEFAULT_RUNBOOK_BASE_URL =
  "https://github.com/guardia-ops/guardia/blob/main/docs/runbooks";
export const DEFAULT_SELECTOR_LABELS = { release: "kube-prometheus-stack" } as const;
