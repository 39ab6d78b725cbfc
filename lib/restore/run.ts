import { performance } from "node:perf_hooks";
import type { PgTarget } from "../adapters/postgres.js";
import type { BackupChoice } from "../backup/list.js";
import type { BackupLocation } from "../backup/layout.js";
import type { ObjectStore, StoredObject } from "../backup/store.js";
import type { Backups, Database, Workload } from "../model/index.js";
import type { RunContext } from "../runbook/define.js";
import type { Verified } from "./copy.js";
import type { DatabaseSettings } from "./settings.js";
import type { KeptCopy, ServerSurvey } from "./state.js";
import type { WorkloadState } from "./workloads.js";

/**
 * One run of restore-db: what every step reads, and the facts earlier steps found for later
 * ones. Each phase's time is added up as its steps run, for the result and the report.
 */

export interface RestoreParams {
  readonly database: string;
  readonly backup: string;
  readonly rollback: boolean;
  readonly listKept: boolean;
  readonly dropKept?: string | undefined;
  readonly target?: string | undefined;
  readonly fromStack?: string | undefined;
  readonly workDir?: string | undefined;
  readonly jobs?: number | undefined;
}

/** Where the backups come from: this stack's destination, or another stack's (`--from-stack`). */
export interface BackupSource {
  readonly stack: string;
  readonly backups: Backups;
  readonly location: BackupLocation;
}

export const PHASES = ["download", "checksum", "restore", "verify", "swap"] as const;
export type Phase = (typeof PHASES)[number];

export interface RestoreFacts {
  store?: ObjectStore;
  choice?: BackupChoice;
  survey?: ServerSurvey;
  jobs?: { jobs: number; from: string };
  downloaded?: StoredObject;
  verified?: Verified;
  settings?: DatabaseSettings;
  workloads: Map<string, WorkloadState>;
  /** The kept copy a rollback brings back. */
  incoming?: KeptCopy;
  repaired: string[];
  readonly phases: Record<Phase, number>;
  /** performance.now() when the first thing stopped, and when everything ran again. */
  downtime?: { from: number; to?: number };
}

export interface RestoreRun {
  readonly ctx: RunContext<RestoreParams>;
  readonly database: Database;
  /** The database restored into: the live one (database.database), or `--target`. */
  readonly live: string;
  /** The run's stamp in every database name it makes. */
  readonly stamp: string;
  readonly scratch: string;
  readonly workDir: string;
  readonly workloads: readonly Workload[];
  readonly source: BackupSource;
  readonly store: () => Promise<ObjectStore>;
  readonly target: (step: RunContext) => Promise<PgTarget>;
  readonly facts: RestoreFacts;
}

export function newFacts(): RestoreFacts {
  return {
    workloads: new Map(),
    repaired: [],
    phases: { download: 0, checksum: 0, restore: 0, verify: 0, swap: 0 },
  };
}

/** Runs `work`, adding its time to `phase`. */
export async function timed<T>(facts: RestoreFacts, phase: Phase, work: () => Promise<T>) {
  const started = performance.now();
  try {
    return await work();
  } finally {
    facts.phases[phase] += performance.now() - started;
  }
}

/** "4.2 s", "3 min 5 s". */
export function seconds(ms: number): string {
  const s = Math.round(ms / 100) / 10;
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
