import { z } from "zod";
import {
  cron,
  dnsLabel,
  duration,
  httpUrl,
  positiveInt,
  priority,
  ratio,
  secretRef,
  strictObject,
} from "./fields.js";

/**
 * The stack file's `guardia:platform` object as a person writes it. Everything optional here gets
 * its value from the environment's defaults in `resolve.ts`; the resolved type is `Platform`.
 */

export const ENVIRONMENTS = ["dev", "testing", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

const WORKLOAD_KINDS = ["deployment", "statefulset", "daemonset"] as const;

const workload = z
  .string()
  .regex(new RegExp(`^(${WORKLOAD_KINDS.join("|")})/[a-z0-9]([-a-z0-9]*[a-z0-9])?$`), {
    error: (issue) =>
      `expected <kind>/<name> with kind one of ${WORKLOAD_KINDS.join(", ")} (e.g. deployment/nocobase), got ${JSON.stringify(issue.input)}`,
  });

const healthEndpoint = strictObject({
  /** URL probed by health-check and by the blackbox exporter. */
  url: httpUrl,
  /** HTTP status that means healthy. @default 200 */
  expectStatus: z.number().int().min(100).max(599).optional(),
  /** Per-request timeout. @default 5000 */
  timeoutMs: positiveInt("timeoutMs").optional(),
  /** Reachable from the internet, so also checked from outside the cluster. @default true for https URLs outside the cluster */
  public: z.boolean().optional(),
});

const slo = strictObject({
  /** Availability target over 30 days. @default 0.995 (seed 004: > 99.5 %) */
  availability: ratio.optional(),
  /** Average response time target. @default 500 */
  latencyAvgMs: positiveInt("latencyAvgMs").optional(),
  /** 95th percentile response time target. @default 2000 */
  latencyP95Ms: positiveInt("latencyP95Ms").optional(),
});

const djangoDiagnostics = strictObject({
  /** Path of manage.py, relative to the working directory. @default "manage.py" */
  manage: z.string().optional(),
  /** Python interpreter. @default "python" */
  python: z.string().optional(),
});

const celeryDiagnostics = strictObject({
  /** Celery application (`celery -A <app>`). */
  app: z.string().min(1),
  /** Python interpreter that runs `-m celery`. @default "python" */
  python: z.string().optional(),
  /** Workload whose pods run the worker (kubectl exec target). @default the service's workload */
  workload: workload.optional(),
  /** Seconds the ping waits for replies. @default 3 */
  timeoutSeconds: positiveInt("timeoutSeconds").optional(),
  /** Worker node names that must answer (e.g. "w1@local"); empty means at least one. */
  workers: z.array(z.string()).optional(),
});

const localProcess = strictObject({
  /** Working directory of the service on this machine (where manage.py lives). */
  cwd: z.string().min(1),
  /** Command that restarts the service (e.g. "systemctl restart nocobase"). */
  restart: z.string().optional(),
});

const service = strictObject({
  /** Name used by runbooks (`--service nocobase`) and alerts. */
  name: dnsLabel,
  /** Kubernetes workload as kind/name in the namespace. */
  workload: workload.optional(),
  /** Container for kubectl exec when the pod has several. */
  container: dnsLabel.optional(),
  /** Health endpoints. */
  health: z.array(healthEndpoint).optional(),
  /** Service level objectives. */
  slo: slo.optional(),
  /** Priority of "this service is down". @default P1 */
  priority: priority.optional(),
  /** Seeds' diagnostics that `health-check --deep` runs. */
  diagnostics: strictObject({
    django: djangoDiagnostics.optional(),
    celery: celeryDiagnostics.optional(),
  }).optional(),
  /** Where the service runs on this machine, for `runtime: local` stacks. */
  local: localProcess.optional(),
});

const database = strictObject({
  /** Logical name used by runbooks (`--database mira`). */
  name: dnsLabel,
  engine: z.literal("postgres", { error: 'only engine "postgres" is supported' }),
  /** Host name, or a socket directory for local stacks. */
  host: z.string().min(1),
  /** @default 5432 */
  port: z.number().int().min(1).max(65535).optional(),
  /** Database name on the server. */
  database: z.string().min(1),
  user: z.string().min(1),
  /** Secret holding the password; runbooks outside the cluster also accept PGPASSWORD. */
  passwordSecret: secretRef.optional(),
  /** Services stopped and started around a restore. */
  usedBy: z.array(dnsLabel).optional(),
  /** Tables whose exact row counts every backup manifest records. */
  criticalTables: z.array(z.string().regex(/^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*)?$/)).optional(),
  /** Prometheus job of the postgres_exporter that scrapes this database, for the database-down alert. */
  exporterJob: z.string().optional(),
});

const schedule = strictObject({
  /** Schedule name, part of every backup id (`20261123T020000Z-daily`). */
  name: dnsLabel,
  cron,
  /** Days a backup of this schedule is kept. */
  keepDays: positiveInt("keepDays"),
});

const destination = strictObject({
  /** s3://bucket/prefix or file:///absolute/path. */
  url: z.string().regex(/^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?|file:\/\/\/.+)$/, {
    error: (issue) =>
      `expected s3://<bucket>[/prefix] or file:///<absolute path>, got ${JSON.stringify(issue.input)}`,
  }),
  /** S3-compatible endpoint (MinIO, Ceph...). */
  endpoint: httpUrl.optional(),
  /** Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, for S3-compatible stores without IRSA. */
  credentialsSecret: dnsLabel.optional(),
  /** Path-style addressing, which most S3-compatible stores need. @default false */
  forcePathStyle: z.boolean().optional(),
  /** AWS region of the bucket. @default the stack's aws.region */
  region: z.string().optional(),
  /** S3 Object Lock in governance mode; days must not exceed the shortest keepDays. */
  objectLock: strictObject({ days: positiveInt("objectLock.days") }).optional(),
  /** Size of the PersistentVolumeClaim for file:// destinations in the cluster. @default "50Gi" */
  volumeSize: z
    .string()
    .regex(/^\d+(Mi|Gi|Ti)$/)
    .optional(),
  /** StorageClass of that claim. @default the cluster's default */
  storageClass: z.string().optional(),
});

/**
 * A PostgreSQL server set aside for restore drills (seed 000 §4.3: restore in an isolated
 * environment), with the same field rules as a database. guardia connects to its `postgres`
 * database and creates the scratch databases there, so `user` needs CREATEDB on this server and
 * nothing on the production one: the drill then never connects to production (it takes no lock
 * there), and its CronJob gets this password instead of the database's.
 */
const drillServer = strictObject({
  /** Host name, or a socket directory for local stacks. */
  host: database.shape.host,
  /** @default 5432 */
  port: database.shape.port,
  /** A user with CREATEDB on this server. */
  user: database.shape.user,
  /** Secret holding that user's password; runbooks outside the cluster read its `env`. */
  passwordSecret: secretRef,
});

const restoreDrill = strictObject({
  cron,
  /** Where the drill restores. @default each database's own server, as its own user (which then needs CREATEDB) */
  server: drillServer.optional(),
});

const backups = strictObject({
  destination,
  /** Backup schedules. @default by environment: prod/staging daily 30 d + weekly 90 d, testing 14 d, dev 7 d */
  schedules: z.array(schedule).min(1).optional(),
  /** Restore drill; null turns it off. @default weekly on Monday 05:00 in staging and prod */
  restoreDrill: restoreDrill.nullable().optional(),
});

const logFiles = strictObject({
  name: dnsLabel,
  /** Files or globs to rotate (e.g. /var/log/mira/*.log). */
  paths: z.array(z.string().startsWith("/", { error: "log paths must be absolute" })).min(1),
  /** Rotate early when a file passes this size. @default "100M" */
  maxSize: z
    .string()
    .regex(/^\d+[kMG]$/, { error: 'expected a size like "100M"' })
    .optional(),
  /** Compress rotated files older than this. @default 30 in prod (seed 004), 1 in dev */
  compressAfterDays: z.number().int().min(0).optional(),
  /** Delete rotated files older than this. @default 90 in prod (seed 004), 7 in dev */
  deleteAfterDays: positiveInt("deleteAfterDays").optional(),
  /** PersistentVolumeClaim that holds the files, for the in-cluster rotation job. */
  claim: dnsLabel.optional(),
});

const smokeCheck = strictObject({
  name: dnsLabel,
  /** A page or API call of the minimal business flow, read without side effects. */
  url: httpUrl,
  /** @default 200 */
  expectStatus: z.number().int().min(100).max(599).optional(),
  /** Text the response body must contain (a title, a JSON field). */
  contains: z.string().min(1).optional(),
  /** @default 10000 */
  timeoutMs: positiveInt("timeoutMs").optional(),
});

const externalDependency = strictObject({
  name: dnsLabel,
  /** URL probed to tell whether the dependency answers. */
  url: httpUrl,
  /** Availability target. @default 0.95 (seed 004: ALMA/SIDRA > 95 %) */
  availability: ratio.optional(),
  /** Probe interval. @default "15m" (seed 004) */
  interval: duration.optional(),
  /** Priority when it falls under target. @default P2 (seed 004: "Sincronización ALMA falla") */
  priority: priority.optional(),
  description: z.string().optional(),
});

const receiver = z.discriminatedUnion(
  "type",
  [
    strictObject({
      name: dnsLabel,
      type: z.literal("slack"),
      channel: z.string().min(1),
      webhookSecret: secretRef,
    }),
    strictObject({ name: dnsLabel, type: z.literal("teams"), webhookSecret: secretRef }),
    strictObject({
      name: dnsLabel,
      type: z.literal("email"),
      to: z.array(z.email()).min(1),
      from: z.email(),
      smarthost: z.string().regex(/^[^:]+:\d+$/, { error: "expected host:port" }),
      authUsername: z.string().optional(),
      authPasswordSecret: secretRef.optional(),
    }),
    strictObject({
      name: dnsLabel,
      type: z.literal("sns"),
      topicArn: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/, {
        error: "expected an SNS topic ARN",
      }),
    }),
    strictObject({ name: dnsLabel, type: z.literal("webhook"), urlSecret: secretRef }),
  ],
  {
    error: (issue) =>
      issue.code === "invalid_union"
        ? 'expected `type` to be one of "slack", "teams", "email", "sns", "webhook"'
        : undefined,
  },
);

const alerting = strictObject({
  receivers: z.array(receiver).optional(),
  /** Receivers per priority. @default by environment and receiver type (see resolve.ts) */
  routes: strictObject({
    P1: z.array(dnsLabel).optional(),
    P2: z.array(dnsLabel).optional(),
    P3: z.array(dnsLabel).optional(),
    P4: z.array(dnsLabel).optional(),
  }).optional(),
  /**
   * Receiver that gets the always-firing GuardiaWatchdog, and nothing else: a heartbeat service
   * (a `webhook` to healthchecks.io or an Opsgenie heartbeat) that pages when it stops arriving.
   * @default none: the watchdog goes to an empty receiver and proves nothing
   */
  deadMansSwitch: dnsLabel.optional(),
});

const monitoring = strictObject({
  /** How often the blackbox exporter probes health URLs. @default "1m" prod, "2m" staging, "5m" testing/dev */
  probeInterval: duration.optional(),
  /** Deploy a blackbox exporter in the namespace. @default true */
  deployBlackboxExporter: z.boolean().optional(),
  /** Address (host:port) of an existing blackbox exporter when guardia does not deploy one. */
  blackboxExporterAddress: z.string().optional(),
  /** Labels the Prometheus operator selects rules and probes by. @default { release: "kube-prometheus-stack" } */
  selectorLabels: z.record(z.string(), z.string()).optional(),
  /** Alertmanager API base URL, for maintenance-window silences. */
  alertmanagerUrl: httpUrl.optional(),
  /** Base URL of the runbook docs linked from every alert. */
  runbookBaseUrl: httpUrl.optional(),
  /** Route 53 health checks from outside the cluster for public URLs. @default true in prod */
  externalUptimeChecks: z.boolean().optional(),
});

const collections = strictObject({
  /** NocoBase API base URL (…/api). */
  apiUrl: httpUrl,
  /** Secret with an API key (`POST /apiKeys:create`). */
  tokenSecret: secretRef,
  /** Collections to export; all when absent. */
  include: z.array(z.string()).optional(),
});

const tokens = strictObject({
  /** Service whose manage.py manages DRF tokens. */
  service: dnsLabel,
  /** Rotate tokens older than this. @default 90 in prod, 365 in dev */
  maxAgeDays: positiveInt("maxAgeDays").optional(),
});

const jobs = strictObject({
  /** Image with node, postgresql-client, zstd, logrotate and guardia (see Dockerfile). */
  image: z.string().min(1).optional(),
  /** Time zone of every schedule (CronJob timeZone). @default "UTC" */
  timeZone: z.string().optional(),
});

const aws = strictObject({
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "expected an AWS region such as us-east-1" }),
  /** The cluster's IAM OIDC provider, for the backup job's IRSA role. */
  oidcProviderArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/, {
      error: "expected arn:aws:iam::<account>:oidc-provider/<issuer host/path>",
    })
    .optional(),
});

/**
 * A reviewed exception to one policy rule for one resource, kept next to what it waives. Past
 * `expires` it no longer applies and counts as a violation of its own (`waiver-expired`).
 */
const waiver = strictObject({
  /** Rule id as `guardia policy` prints it, e.g. "prod-service-probe". */
  rule: z.string().min(1),
  /** The resource as the verdict names it: `services/worker`, `kubernetes/CronJob/<name>`... */
  resource: z.string().min(1),
  /** Why the rule does not fit here, for the next reviewer. */
  reason: z.string().min(1),
  /** Who answers for the waiver (a person or a team address). */
  owner: z.string().min(1),
  /** Last day the waiver holds (UTC), YYYY-MM-DD. */
  expires: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, {
    error: (issue) => `expected a date YYYY-MM-DD, got ${JSON.stringify(issue.input)}`,
  }),
});

const policy = strictObject({
  /** Waivers of the policy pack's rules; `guardia policy` lists the ones in force. */
  waivers: z.array(waiver).optional(),
});

export const platformInput = strictObject({
  name: dnsLabel,
  environment: z.enum(ENVIRONMENTS, {
    error: (issue) =>
      `expected one of ${ENVIRONMENTS.join(", ")}, got ${JSON.stringify(issue.input)}`,
  }),
  namespace: dnsLabel,
  /** kubernetes: services are workloads reached with kubectl; local: processes on this machine. @default kubernetes */
  runtime: z.enum(["kubernetes", "local"]).optional(),
  services: z.array(service).optional(),
  databases: z.array(database).optional(),
  backups: backups.optional(),
  logs: z.array(logFiles).optional(),
  externalDependencies: z.array(externalDependency).optional(),
  /** Seed 000 §3.3 smoke tests, run as a maintenance window's success criteria. */
  smokeChecks: z.array(smokeCheck).optional(),
  alerting: alerting.optional(),
  monitoring: monitoring.optional(),
  collections: collections.optional(),
  tokens: tokens.optional(),
  jobs: jobs.optional(),
  aws: aws.optional(),
  /** Waivers of guardia's policy rules (`guardia policy`). */
  policy: policy.optional(),
});

export type PlatformInput = z.infer<typeof platformInput>;
export type ReceiverInput = z.infer<typeof receiver>;
export type WaiverInput = z.infer<typeof waiver>;
