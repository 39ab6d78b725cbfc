import type { Language } from "../i18n/index.js";
import type { CronSchedule } from "./cron.js";
import type { Duration } from "./duration.js";
import type { Priority, SecretRef } from "./fields.js";
import type { Environment, ReceiverInput, RoutinePeriod } from "./schema.js";
import type { Smoke } from "./smoke.js";

/**
 * The resolved environment model: what both infra/ and runbooks/ read. Every default is filled in,
 * so consumers never repeat a fallback. Built by `resolvePlatform` from a validated stack file.
 */
export interface Platform {
  readonly name: string;
  readonly environment: Environment;
  readonly namespace: string;
  /** The operators' language (lib/i18n). */
  readonly language: Language;
  readonly runtime: "kubernetes" | "local";
  readonly services: readonly Service[];
  readonly databases: readonly Database[];
  readonly backups: Backups | undefined;
  readonly logs: readonly LogFiles[];
  readonly externalDependencies: readonly ExternalDependency[];
  readonly smoke: Smoke;
  readonly alerting: Alerting;
  readonly monitoring: Monitoring;
  readonly collections: Collections | undefined;
  readonly tokens: TokenPolicy | undefined;
  readonly media: MediaCleanup | undefined;
  /** The routine checklists; undefined: none (dev and testing unless asked, or turned off). */
  readonly routine: Routine | undefined;
  readonly maintenance: Maintenance;
  readonly celery: Celery | undefined;
  readonly dataFreshness: readonly DataFreshness[];
  readonly jobs: Jobs;
  readonly aws: Aws | undefined;
}

export interface Workload {
  readonly kind: "deployment" | "statefulset" | "daemonset";
  readonly name: string;
  /** As written in the stack and as kubectl takes it: "deployment/nocobase". */
  readonly ref: string;
}

export interface HealthEndpoint {
  readonly url: string;
  readonly expectStatus: number;
  readonly timeoutMs: number;
  readonly public: boolean;
}

export interface Slo {
  readonly availability: number;
  readonly latencyAvgMs: number;
  readonly latencyP95Ms: number;
}

export interface Service {
  readonly name: string;
  readonly workload: Workload | undefined;
  readonly container: string | undefined;
  readonly health: readonly HealthEndpoint[];
  readonly slo: Slo;
  readonly priority: Priority;
  readonly diagnostics: {
    readonly django?: { readonly manage: string; readonly python: string };
    readonly celery?: {
      readonly app: string;
      readonly python: string;
      readonly workload: Workload | undefined;
      readonly timeoutSeconds: number;
      readonly workers: readonly string[];
    };
  };
  readonly local: { readonly cwd: string; readonly restart: string | undefined } | undefined;
}

export interface Database {
  readonly name: string;
  readonly engine: "postgres";
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly passwordSecret: SecretRef | undefined;
  readonly usedBy: readonly string[];
  readonly criticalTables: readonly string[];
  readonly exporterJob: string | undefined;
  /** Two login roles the application alternates between; absent: it logs in as `user`. */
  readonly users?: readonly [string, string];
  readonly rto: Duration | undefined;
  readonly smokeQueries: readonly SmokeQuery[];
}

export interface SmokeQuery {
  readonly name: string;
  readonly sql: string;
}

export type Destination =
  | {
      readonly kind: "s3";
      readonly url: string;
      readonly bucket: string;
      /** Key prefix without leading or trailing slash; "" for the bucket root. */
      readonly prefix: string;
      readonly endpoint: string | undefined;
      /** Secret holding AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY for S3-compatible stores. */
      readonly credentialsSecret: string | undefined;
      readonly forcePathStyle: boolean;
      readonly region: string | undefined;
      readonly objectLockDays: number | undefined;
    }
  | {
      readonly kind: "file";
      readonly url: string;
      /** Absolute directory. */
      readonly path: string;
      readonly volumeSize: string;
      readonly storageClass: string | undefined;
    };

export interface BackupSchedule {
  readonly name: string;
  readonly cron: CronSchedule;
  readonly keepDays: number;
}

export interface Backups {
  readonly destination: Destination;
  readonly schedules: readonly BackupSchedule[];
  readonly restoreDrill: RestoreDrill | undefined;
}

export interface RestoreDrill {
  readonly cron: CronSchedule;
  /** Where drills restore; undefined: each database's own server. */
  readonly server: DrillServer | undefined;
}

/** A PostgreSQL server set aside for restore drills. */
export interface DrillServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly passwordSecret: SecretRef;
}

export interface LogFiles {
  readonly name: string;
  readonly paths: readonly string[];
  readonly maxSize: string;
  readonly compressAfterDays: number;
  readonly deleteAfterDays: number;
  readonly claim: string | undefined;
  /** What the entry's files may take together, as written; absent: derived (`logSizeCapBytes`). */
  readonly sizeCap?: string;
}

export interface ExternalDependency {
  readonly name: string;
  readonly url: string;
  readonly availability: number;
  readonly interval: Duration;
  readonly priority: Priority;
  readonly description: string | undefined;
}

export type Receiver = ReceiverInput;

export interface Alerting {
  readonly receivers: readonly Receiver[];
  /** Receiver names per priority; every priority is present (possibly empty). */
  readonly routes: Readonly<Record<Priority, readonly string[]>>;
  readonly repeatInterval: Readonly<Record<Priority, Duration>>;
  /** Receiver of the watchdog's heartbeat, in no priority's routes; undefined: none. */
  readonly deadMansSwitch: string | undefined;
}

export interface Monitoring {
  readonly probeInterval: Duration;
  readonly deployBlackboxExporter: boolean;
  /** host:port of the blackbox exporter probes go through. */
  readonly blackboxExporterAddress: string;
  readonly selectorLabels: Readonly<Record<string, string>>;
  readonly alertmanagerUrl: string;
  readonly prometheusUrl: string;
  readonly runbookBaseUrl: string;
  readonly externalUptimeChecks: boolean;
}

export interface Collections {
  readonly apiUrl: string;
  readonly tokenSecret: SecretRef;
  readonly include: readonly string[] | undefined;
  /** The `databases[].name` holding NocoBase's tables; undefined: not declared. */
  readonly database: string | undefined;
  /** Expected NocoBase version; undefined: the version the export was taken from. */
  readonly version: string | undefined;
  /** The scheduled export; undefined: none (turned off, or no `backups` to store it in). */
  readonly export: CollectionsExport | undefined;
}

export interface CollectionsExport {
  readonly cron: CronSchedule;
  readonly keepDays: number;
}

export interface TokenPolicy {
  readonly service: string;
  readonly maxAgeDays: number;
  /** Days without a login after which a user's token goes; undefined: age only. */
  readonly inactiveDays: number | undefined;
  readonly maxFraction: number;
  readonly maxCount: number;
  /** The databases[].name holding authtoken_token. */
  readonly database: string;
  /** The weekly CronJob; undefined: turned off. */
  readonly cron: CronSchedule | undefined;
}

export interface MediaReference {
  readonly table: string;
  readonly column: string;
}

export interface MediaCleanup {
  /** Absolute MEDIA_ROOT. */
  readonly root: string;
  readonly references: readonly MediaReference[];
  readonly djangoService: string | undefined;
  /** The databases[].name holding the references. */
  readonly database: string;
  readonly grace: Duration;
  readonly quarantine: Duration;
  readonly claim: string | undefined;
  readonly cron: CronSchedule;
}

export interface Jobs {
  readonly image: string;
  readonly timeZone: string;
}

export interface Aws {
  readonly region: string;
  readonly oidcProviderArn: string | undefined;
}

export interface Maintenance {
  /** Hours of notice a window needs (0: none). */
  readonly noticeHours: number;
  /** Receivers of the announcements and reminders. */
  readonly receivers: readonly string[];
}

export interface Routine {
  /** Each checklist's schedule in `jobs.timeZone`; undefined: that checklist does not run. */
  readonly schedules: Readonly<Record<RoutinePeriod, CronSchedule | undefined>>;
  /** Receiver names the report is posted to. */
  readonly receivers: readonly string[];
  /** Base ping URL of the routine runs' dead man's switch. */
  readonly deadMansSwitch: { readonly urlSecret: SecretRef } | undefined;
  readonly errorPattern: string;
  readonly slowQueryMs: number;
  readonly inactiveUserDays: number;
  readonly dependencies: readonly RoutineDependency[];
}

export interface RoutineDependency {
  readonly service: string;
  readonly tool: "pip" | "npm";
  readonly python: string;
  readonly directory: string | undefined;
  readonly period: RoutinePeriod;
}

export interface Celery {
  readonly service: string;
  /** redis://host:port/db, without a password. */
  readonly brokerUrl: string;
  readonly passwordSecret: SecretRef | undefined;
  readonly queues: readonly string[];
  readonly maxTaskAge: Duration;
  readonly priority: Priority;
}

export interface DataFreshness {
  readonly name: string;
  readonly database: string;
  readonly query: string;
  readonly maxAge: Duration;
  readonly dependency: string | undefined;
  readonly priority: Priority;
  readonly description: string | undefined;
}

export type { Environment, Priority, RoutinePeriod, SecretRef };
