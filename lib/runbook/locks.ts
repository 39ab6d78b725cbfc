import type { PgTarget } from "../adapters/postgres.js";
import type { Kubectl } from "../adapters/kubectl.js";
import type { Database, Platform, Service, Workload } from "../model/index.js";
import { RefusedError } from "../errors.js";
import { t } from "../i18n/index.js";

/**
 * Locks per target, so two operators never restart or restore the same thing at once. Database
 * runbooks lock on the PostgreSQL server itself (seen from every laptop and every CronJob),
 * cluster runbooks with a Kubernetes Lease, and only local stacks fall back to a file lock.
 */
export type LockSpec =
  | {
      readonly kind: "postgres";
      readonly name: string;
      /** The lock is taken on this database's server, with the runbook's credentials. */
      readonly database: Database;
      /**
       * Shared locks coexist (a daily and a weekly backup of one database, or a backup and a
       * restore drill); an exclusive one (a restore) excludes every other. @default "exclusive"
       */
      readonly mode?: "shared" | "exclusive";
    }
  | { readonly kind: "lease"; readonly name: string; readonly namespace: string }
  | { readonly kind: "file"; readonly name: string };

export interface LockHolder {
  readonly operator: string;
  readonly runbook: string;
  readonly stack: string;
}

export interface HeldLock {
  /** "advisory lock db-mira-prod-mira on mira-pg.mira.svc:5432" */
  readonly description: string;
  /** Why the lock was lost mid-run (its database session died), or undefined while it is held. */
  lost(): string | undefined;
  release(): Promise<void>;
}

/** Refused because someone else holds the lock (exit 3); names who and since when. */
export class LockHeldError extends RefusedError {
  constructor(
    readonly lockName: string,
    readonly holder: string,
    readonly since: string | undefined,
  ) {
    super(
      since
        ? t`lock "${lockName}" is held by ${holder} since ${since}; try again when it is done`
        : t`lock "${lockName}" is held by ${holder}; try again when it is done`,
    );
    this.name = "LockHeldError";
  }
}

/*
 * Every lock's name, here and nowhere else: two runbooks that must exclude each other (a backup
 * and a restore of one database) take the same name, and a name never changes between versions
 * (a newer guardia must still see an older one's lock).
 */

/** One lock per database of a stack; backups and drills share it, a restore takes it alone. */
export function databaseLock(
  platform: Platform,
  database: Database,
  mode: "shared" | "exclusive",
): LockSpec {
  const name = `db-${platform.name}-${platform.environment}-${database.name}`;
  return { kind: "postgres", name, database, mode };
}

/**
 * A restore drill's scratch database, an advisory lock on its server: the drill holds it from
 * before CREATE DATABASE until after the drop, so one whose lock is free belongs to a drill that
 * is gone (lib/backup/scratch.ts).
 */
export function scratchLockName(scratch: string): string {
  return `scratch-${scratch}`;
}

/**
 * A stack's media cleanup, on the server of the database that holds the references: wherever the
 * run happens (the CronJob's pod, an operator's shell in another pod), they all see it.
 */
export function mediaLock(platform: Platform, database: Database): LockSpec {
  const name = `media-${platform.name}-${platform.environment}`;
  return { kind: "postgres", name, database, mode: "exclusive" };
}

/** A workload of a cluster stack (a restart), as a Lease in the stack's namespace. */
export function workloadLock(platform: Platform, workload: Workload): LockSpec {
  const name = `${platform.name}-${workload.name}`;
  return { kind: "lease", name, namespace: platform.namespace };
}

/** A service of a local stack (a restart), as a lock file: there is no cluster to lock on. */
export function localServiceLock(platform: Platform, service: Service): LockSpec {
  return { kind: "file", name: `${platform.name}-${service.name}` };
}

/** A stack's log rotation: one run at a time per logrotate state file, which runs share. */
export function logRotationLock(platform: Platform): LockSpec {
  return { kind: "file", name: `rotate-logs-${platform.name}-${platform.environment}` };
}

export function holderIdentity(holder: LockHolder): string {
  return `${holder.operator} (${holder.runbook} on ${holder.stack})`;
}

export interface LockDeps {
  readonly kubectl: Kubectl;
  readonly pg: (database: Database) => Promise<PgTarget>;
}

export async function acquireLock(
  spec: LockSpec,
  holder: LockHolder,
  deps: LockDeps,
): Promise<HeldLock> {
  switch (spec.kind) {
    case "postgres": {
      const { acquireAdvisoryLock } = await import("./lock-postgres.js");
      const target = await deps.pg(spec.database);
      return acquireAdvisoryLock(spec.name, target, holder, spec.mode ?? "exclusive");
    }
    case "lease":
      return (await import("./lock-lease.js")).acquireLease(spec.name, deps.kubectl, holder);
    case "file":
      return (await import("./lock-file.js")).acquireFileLock(spec.name, holder);
  }
}
