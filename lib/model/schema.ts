import { z } from "zod";
import { LANGUAGES } from "../i18n/index.js";
import {
  cron,
  dnsLabel,
  dnsSubdomain,
  duration,
  fileUrlPath,
  httpUrl,
  labels,
  line,
  positiveInt,
  priority,
  ratio,
  secretRef,
  strictObject,
  text,
  timeZone,
} from "./fields.js";
import { quoted } from "../user-text.js";
import { smokeUrlProblem } from "../smoke/template.js";

/**
 * The stack file's `guardia:platform` object as a person writes it. Everything optional here gets
 * its value from defaults.ts in `resolve.ts`; the resolved type is `Platform`.
 *
 * Each field's `@default` says what it resolves to when absent, in one of four forms, all checked
 * against resolve.ts by test/model/defaults.test.ts:
 * - `@default <YAML value>`, maybe followed by `(why)`;
 * - `@default none`: it stays unset;
 * - `@default by environment: dev <v>, testing <v>, staging <v>, prod <v>`;
 * - `@default derived: <how>`, computed from other fields.
 */

export const ENVIRONMENTS = ["dev", "testing", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

const WORKLOAD_KINDS = ["deployment", "statefulset", "daemonset"] as const;

const workload = z
  .string()
  .regex(new RegExp(`^(${WORKLOAD_KINDS.join("|")})/[a-z0-9]([-a-z0-9]*[a-z0-9])?$`), {
    error: (issue) =>
      `expected <kind>/<name> with kind one of ${WORKLOAD_KINDS.join(", ")} (e.g. deployment/nocobase), got ${quoted(issue.input)}`,
  });

const healthEndpoint = strictObject({
  /** URL probed by health-check and by the blackbox exporter. */
  url: httpUrl,
  /** HTTP status that means healthy. @default 200 */
  expectStatus: z.number().int().min(100).max(599).optional(),
  /** Per-request timeout. @default 5000 */
  timeoutMs: positiveInt("timeoutMs").optional(),
  /** Reachable from the internet, so also checked from outside the cluster. @default derived: true for https URLs outside the cluster */
  public: z.boolean().optional(),
});

const slo = strictObject({
  /** Availability target over 30 days. @default 0.995 (MIRA operations guide, Monitoreo: > 99.5 %) */
  availability: ratio.optional(),
  /** Average response time target. @default 500 (MIRA operations guide, Monitoreo) */
  latencyAvgMs: positiveInt("latencyAvgMs").optional(),
  /** 95th percentile response time target. @default 2000 (MIRA operations guide, Monitoreo) */
  latencyP95Ms: positiveInt("latencyP95Ms").optional(),
});

const djangoDiagnostics = strictObject({
  /** Path of manage.py, relative to the working directory. @default "manage.py" */
  manage: line.optional(),
  /** Python interpreter. @default "python" */
  python: line.optional(),
});

const celeryDiagnostics = strictObject({
  /** Celery application (`celery -A <app>`). */
  app: line.min(1),
  /** Python interpreter that runs `-m celery`. @default "python" */
  python: line.optional(),
  /** Workload whose pods run the worker (kubectl exec target). @default derived: the service's workload */
  workload: workload.optional(),
  /** Seconds the ping waits for replies. @default 3 */
  timeoutSeconds: positiveInt("timeoutSeconds").optional(),
  /** Worker node names that must answer (e.g. "w1@local"); empty means at least one. */
  workers: z.array(line).optional(),
});

const localProcess = strictObject({
  /** Working directory of the service on this machine (where manage.py lives). */
  cwd: line.min(1),
  /** Command that restarts the service (e.g. "systemctl restart nocobase"). */
  restart: line.optional(),
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
  /** The manuals' diagnostics that `health-check --deep` runs (Django's `manage.py check`, a Celery ping). */
  diagnostics: strictObject({
    django: djangoDiagnostics.optional(),
    celery: celeryDiagnostics.optional(),
  }).optional(),
  /** Where the service runs on this machine, for `runtime: local` stacks. */
  local: localProcess.optional(),
});

/** A PostgreSQL table (optionally schema-qualified) or column name, as guardia quotes it in SQL. */
const sqlTable = line.regex(/^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*)?$/, {
  error: (issue) =>
    `expected a table name such as forms_answer or app.forms_answer, got ${quoted(issue.input)}`,
});
const sqlName = line.regex(/^[A-Za-z_][\w$]*$/, {
  error: (issue) =>
    `expected a PostgreSQL name (letters, digits, _ and $), got ${quoted(issue.input)}`,
});

const smokeQuery = strictObject({
  /** Named in the plan and the report ("recent cases"). */
  name: line.min(1),
  /** One read-only statement, e.g. SELECT 1 FROM onco_casos WHERE fecha > now() - interval '7 days' LIMIT 1. */
  sql: text.min(1),
});

const database = strictObject({
  /** Logical name used by runbooks (`--database mira`). */
  name: dnsLabel,
  engine: z.literal("postgres", { error: 'only engine "postgres" is supported' }),
  /** Host name, or a socket directory for local stacks. */
  host: line.min(1),
  /** @default 5432 */
  port: z.number().int().min(1).max(65535).optional(),
  /** Database name on the server. */
  database: line.min(1),
  user: line.min(1),
  /** Secret holding the password; runbooks outside the cluster also accept PGPASSWORD. */
  passwordSecret: secretRef.optional(),
  /** Services stopped and started around a restore. */
  usedBy: z.array(dnsLabel).optional(),
  /** Tables whose exact row counts every backup manifest records. */
  criticalTables: z.array(line.regex(/^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*)?$/)).optional(),
  /** Prometheus job of the postgres_exporter that scrapes this database, for the database-down alert. */
  exporterJob: line.optional(),
  /**
   * Recovery time objective ("30m", "2h"): restore-db and the restore drill report their measured
   * time against it, and RestoreDrillSlowerThanRto fires when the newest drill's Job ran longer.
   */
  rto: duration.optional(),
  /** Queries a restored copy must answer with at least one row before restore-db swaps it in. */
  smokeQueries: z.array(smokeQuery).optional(),
  /**
   * Two login roles the application alternates between: rotate-db-password gives the idle one a
   * new password and switches the Secret to it, so no login fails during the rollout. Both are
   * members of `user`, the owner of every object (with CREATEROLE, which its members use through
   * SET ROLE to change each other's password). `passwordSecret`'s Secret then names the active
   * one under the key `username`, beside its password.
   */
  users: z.tuple([sqlName, sqlName]).optional(),
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
  // A bucket name: 3 to 63 of a-z, 0-9, "-" and "." (never two dots in a row), as S3 takes it.
  url: line
    .regex(/^(s3:\/\/[a-z0-9](?:[a-z0-9-]|\.(?!\.)){1,61}[a-z0-9](\/.*)?|file:\/\/\/.+)$/, {
      error: (issue) =>
        `expected s3://<bucket>[/prefix] or file:///<absolute path>, got ${quoted(issue.input)}`,
    })
    .refine((url) => !url.startsWith("file:") || fileUrlPath(url) !== undefined, {
      error: (issue) => `malformed %-escape in the path of ${quoted(issue.input)}`,
    }),
  /** S3-compatible endpoint (MinIO, Ceph...). */
  endpoint: httpUrl.optional(),
  /** Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, for S3-compatible stores without IRSA. */
  credentialsSecret: dnsLabel.optional(),
  /** Path-style addressing, which most S3-compatible stores need. @default false */
  forcePathStyle: z.boolean().optional(),
  /** AWS region of the bucket. @default derived: the stack's aws.region */
  region: line.optional(),
  /** S3 Object Lock in governance mode; days must not exceed the shortest keepDays. */
  objectLock: strictObject({ days: positiveInt("objectLock.days") }).optional(),
  /** Size of the PersistentVolumeClaim for file:// destinations in the cluster. @default "50Gi" */
  volumeSize: z
    .string()
    .regex(/^\d+(Mi|Gi|Ti)$/)
    .optional(),
  /** StorageClass of that claim. @default none (the cluster's default StorageClass) */
  storageClass: dnsSubdomain.optional(),
});

/**
 * A PostgreSQL server set aside for restore drills (INATrace operations manual, 4.3 Pruebas de
 * Restauración: restore in an isolated environment), with the same field rules as a database. guardia connects to its `postgres`
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
  /** Where the drill restores. @default none (each database's own server, as its own user, which then needs CREATEDB) */
  server: drillServer.optional(),
});

const backups = strictObject({
  destination,
  /**
   * Backup schedules.
   * @default derived: by environment, daily at 02:00 kept 7 days in dev and 14 in testing; in staging and prod daily at 02:00 kept 30 days and weekly on Sunday at 03:00 kept 90 (MIRA operations guide, Backup y Recovery)
   */
  schedules: z.array(schedule).min(1).optional(),
  /**
   * Restore drill; null turns it off.
   * @default derived: by environment, none in dev and testing; weekly on Monday at 05:00 in staging and prod (INATrace operations manual, 4.3 Pruebas de Restauración)
   */
  restoreDrill: restoreDrill.nullable().optional(),
});

const logFiles = strictObject({
  name: dnsLabel,
  /** Files or globs to rotate (e.g. /var/log/mira/*.log). */
  paths: z.array(line.startsWith("/", { error: "log paths must be absolute" })).min(1),
  /** Rotate early when a file passes this size. @default by environment: dev "50M", testing "100M", staging "100M", prod "100M" */
  maxSize: z
    .string()
    .regex(/^\d+[kMG]$/, { error: 'expected a size like "100M"' })
    .optional(),
  /** Compress rotated files older than this. @default by environment: dev 1, testing 7, staging 30, prod 30 (MIRA operations guide, Limpieza de Datos) */
  compressAfterDays: z.number().int().min(0).optional(),
  /** Delete rotated files older than this. @default by environment: dev 7, testing 30, staging 90, prod 90 (MIRA operations guide, Limpieza de Datos) */
  deleteAfterDays: positiveInt("deleteAfterDays").optional(),
  /** PersistentVolumeClaim that holds the files, for the in-cluster rotation job. */
  claim: dnsLabel.optional(),
  /**
   * What the entry's files may take together; the log-growth alert fires when the claim's used
   * bytes, at the rate of the last day, will pass it within 4 days.
   * @default derived: maxSize × (deleteAfterDays + 1) × the number of paths (what rotation keeps)
   */
  sizeCap: z
    .string()
    .regex(/^\d+[kMG]$/, { error: 'expected a size like "5G"' })
    .optional(),
});

/** Superseded by `smokeFlows`: each check runs as a flow of one GET step. */
const smokeCheck = strictObject({
  name: dnsLabel,
  /** A page or API call of the minimal business flow, read without side effects. */
  url: httpUrl,
  /** @default 200 */
  expectStatus: z.number().int().min(100).max(599).optional(),
  /** Text the response body must contain (a title, a JSON field). */
  contains: line.min(1).optional(),
  /** @default 10000 */
  timeoutMs: positiveInt("timeoutMs").optional(),
});

// Smoke flows (INATrace operations manual, 3.3 Criterios de Éxito: "login y flujo mínimo de
// negocio por módulo"): named flows of HTTP requests and browser steps, run by `guardia smoke`,
// the runbooks that verify a service after a change, and a CronJob. Text fields may hold
// `${name}` placeholders: a flow's secret, a value an earlier step captured, or `runId`.

/** A `${name}` a flow's steps can use: a secret's, a capture's. */
const smokeValueName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
  error: (issue) =>
    `expected a name of letters, digits and "_" (used as \${name}), got ${quoted(issue.input)}`,
});

/** A JSON answer's field: `token`, `data.items[0].id`. */
const smokeJsonPath = z
  .string()
  .regex(/^(\[\d+\]|[A-Za-z_$][\w$-]*)(\[\d+\]|\.[A-Za-z_$][\w$-]*)*$/, {
    error: (issue) => `expected a path such as data.items[0].id, got ${quoted(issue.input)}`,
  });

/** An http(s) URL whose path or query may hold placeholders; its scheme and host may not. */
const smokeUrl = line.refine((url) => smokeUrlProblem(url) === undefined, {
  error: (issue) => `${smokeUrlProblem(String(issue.input))}, got ${quoted(issue.input)}`,
});

const smokeRequest = strictObject({
  /** @default "GET" */
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).optional(),
  url: smokeUrl,
  /** Request headers, e.g. `Authorization: "Token ${token}"`. */
  headers: z
    .record(
      z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: "expected an HTTP header name" }),
      line,
    )
    .optional(),
  /** A JSON body; its strings may hold placeholders. */
  json: z.json().optional(),
  /** A form body (application/x-www-form-urlencoded), e.g. a login form's fields. */
  form: z.record(z.string().min(1), line).optional(),
  /** How long the answer may take. @default 10000 */
  timeoutMs: positiveInt("timeoutMs").optional(),
});

const smokeJsonCheck = strictObject({
  path: smokeJsonPath,
  /** The value it must have; without it, the field must be present and not null. */
  equals: z.union([line, z.number(), z.boolean()]).optional(),
  /** It must be a list (or text) with at least one item. @default false */
  nonEmpty: z.boolean().optional(),
});

const smokeExpect = strictObject({
  /** @default 200 */
  status: z.number().int().min(100).max(599).optional(),
  /** Fields of the JSON answer and what they must hold. */
  json: z.array(smokeJsonCheck).optional(),
  /** Text the answer's body must contain. */
  contains: line.min(1).optional(),
});

const smokeCapture = strictObject({
  /** Where the value is in the JSON answer. */
  json: smokeJsonPath,
  /** Masked everywhere, like a credential; false for an id a report may show. @default true */
  secret: z.boolean().optional(),
});

const smokeBrowser = strictObject({
  /** The page to open in headless Chromium. */
  url: smokeUrl,
  /** Fields of the page's real form to fill, in order (CSS selectors). */
  fill: z.array(strictObject({ selector: line.min(1), value: line })).optional(),
  /** What to click once they are filled (the form's submit button). */
  click: line.min(1).optional(),
  /** CSS selector of the element that shows the page works (the dashboard's main panel). */
  visible: line.min(1),
  /** How long the page may take to show it. @default 30000 */
  timeoutMs: positiveInt("timeoutMs").optional(),
});

const smokeStep = strictObject({
  name: dnsLabel,
  /** An HTTP request; or `browser`. */
  request: smokeRequest.optional(),
  /** A page in headless Chromium; or `request`. */
  browser: smokeBrowser.optional(),
  /** What the request's answer must show (without it: status 200). */
  expect: smokeExpect.optional(),
  /** Values of the answer that later steps use as `${name}`. */
  capture: z.record(smokeValueName, smokeCapture).optional(),
  /** The request changes data: runs only where `allowWrites`, and in prod only with a `cleanup`. @default false */
  writes: z.boolean().optional(),
  /** The request that undoes the write; it runs even when a later step fails. */
  cleanup: smokeRequest.optional(),
});

const smokeFlow = strictObject({
  name: dnsLabel,
  /** The service it proves works (`guardia smoke --service`). @default none (the stack as a whole) */
  service: dnsLabel.optional(),
  description: text.optional(),
  /** Secret references the steps use as `${name}`, e.g. a dedicated smoke user's credentials. */
  secrets: z.record(smokeValueName, secretRef).optional(),
  steps: z.array(smokeStep).min(1),
});

const smokeFlows = strictObject({
  flows: z.array(smokeFlow).min(1),
  /**
   * When the in-cluster CronJob runs the flows; null turns it off.
   * @default by environment: dev "0 * * * *", testing "0,30 * * * *", staging "0-59/15 * * * *", prod "0-59/5 * * * *" (MIRA operations guide, Monitoreo, Test de Conexión: every 5 minutes)
   */
  cron: cron.nullable().optional(),
  /** An image with Chromium and guardia, for the CronJob's browser steps (the Dockerfile's `browser` target). @default none (the CronJob runs the HTTP steps only) */
  browserImage: line.min(1).optional(),
  /** Whether flows with writing steps run in this stack. @default true */
  allowWrites: z.boolean().optional(),
});

const externalDependency = strictObject({
  name: dnsLabel,
  /** URL probed to tell whether the dependency answers. */
  url: httpUrl,
  /** Availability target. @default 0.95 (MIRA operations guide, Monitoreo: ALMA/SIDRA > 95 %) */
  availability: ratio.optional(),
  /** Probe interval. @default "15m" (MIRA operations guide, Monitoreo) */
  interval: duration.optional(),
  /** Priority when it falls under target. @default P2 (MIRA operations guide, Gestión de Incidentes: "Sincronización ALMA falla") */
  priority: priority.optional(),
  description: text.optional(),
});

const receiver = z.discriminatedUnion(
  "type",
  [
    strictObject({
      name: dnsLabel,
      type: z.literal("slack"),
      channel: line.min(1),
      webhookSecret: secretRef,
    }),
    strictObject({ name: dnsLabel, type: z.literal("teams"), webhookSecret: secretRef }),
    strictObject({
      name: dnsLabel,
      type: z.literal("email"),
      to: z.array(z.email()).min(1),
      from: z.email(),
      smarthost: line.regex(/^[^:]+:\d+$/, { error: "expected host:port" }),
      authUsername: line.optional(),
      authPasswordSecret: secretRef.optional(),
    }),
    strictObject({
      name: dnsLabel,
      type: z.literal("sns"),
      topicArn: line.regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/, {
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
  /**
   * Receivers per priority.
   * @default derived: in dev and testing every priority goes to the chat receivers (slack, teams, webhook); in staging and prod P1 to every receiver, P2 to chat and email, P3 to chat, P4 to email (chat when there is none); never the dead man's switch
   */
  routes: strictObject({
    P1: z.array(dnsLabel).optional(),
    P2: z.array(dnsLabel).optional(),
    P3: z.array(dnsLabel).optional(),
    P4: z.array(dnsLabel).optional(),
  }).optional(),
  /**
   * Receiver that gets the always-firing GuardiaWatchdog, and nothing else: a heartbeat service
   * (a `webhook` to healthchecks.io or an Opsgenie heartbeat) that pages when it stops arriving.
   * @default none (the watchdog goes to an empty receiver and proves nothing)
   */
  deadMansSwitch: dnsLabel.optional(),
});

const monitoring = strictObject({
  /** How often the blackbox exporter probes health URLs. @default by environment: dev "5m", testing "5m", staging "2m", prod "1m" */
  probeInterval: duration.optional(),
  /** Deploy a blackbox exporter in the namespace. @default true */
  deployBlackboxExporter: z.boolean().optional(),
  /**
   * Address (host:port) of the blackbox exporter the probes go through.
   * @default derived: the deployed exporter's Service, <platform>-blackbox-exporter.<namespace>.svc:9115, else blackbox-exporter.monitoring.svc:9115
   */
  blackboxExporterAddress: line.optional(),
  /** Labels the Prometheus operator selects rules and probes by. @default { release: "kube-prometheus-stack" } */
  selectorLabels: labels.optional(),
  /** Alertmanager API base URL, for maintenance-window silences. @default "http://alertmanager-operated.monitoring.svc:9093" */
  alertmanagerUrl: httpUrl.optional(),
  /** Prometheus HTTP API base URL, for the routine's SLO, volume and drill figures. @default "http://prometheus-operated.monitoring.svc:9090" */
  prometheusUrl: httpUrl.optional(),
  /** Base URL of the runbook docs linked from every alert. @default derived: guardia's own runbook pages (docs/runbooks/) */
  runbookBaseUrl: httpUrl.optional(),
  /** Route 53 health checks from outside the cluster for public URLs. @default derived: true in prod when the stack has an `aws` section, else false */
  externalUptimeChecks: z.boolean().optional(),
});

const collectionsExport = strictObject({
  /** When export-collections runs. @default "0 2 * * *" (MIRA operations guide, Backups Diarios: daily at 2 AM) */
  cron: cron.optional(),
  /** Days a scheduled export is kept. @default 30 (MIRA operations guide, Backups Diarios) */
  keepDays: positiveInt("keepDays").optional(),
});

const collections = strictObject({
  /** NocoBase API base URL (…/api). */
  apiUrl: httpUrl,
  /** Secret with an API key (`POST /apiKeys:create`, role root). */
  tokenSecret: secretRef,
  /** Collections to export; all when absent. */
  include: z.array(line).optional(),
  /**
   * The `databases[].name` NocoBase keeps its tables in: recreate-collection sets id sequences
   * there, and `--with-records` brings rows back from that database's backups.
   */
  database: dnsLabel.optional(),
  /** NocoBase version recreate-collection expects (`GET /app:getInfo`). @default none (the version the export was taken from) */
  version: line.optional(),
  /** The scheduled export-collections CronJob, to `backups.destination`; null turns it off. @default derived: on (collectionsExport's defaults) when the stack has `backups`, else none */
  export: collectionsExport.nullable().optional(),
});

/**
 * The operations manuals' routine checklists as scheduled runs of `guardia routine` (MIRA
 * operations guide, Mantenimiento Rutinario; INATrace operations manual, 2.2 Revisión de Logs y
 * Alertas; logistics support plan, Mantenimiento preventivo).
 */
export const ROUTINE_PERIODS = ["daily", "weekly", "monthly"] as const;
export type RoutinePeriod = (typeof ROUTINE_PERIODS)[number];

const routineSchedules = strictObject({
  /** When the daily checklist runs, in `jobs.timeZone`; null turns it off. @default "0 7 * * *" (every morning, before the working day) */
  daily: cron.nullable().optional(),
  /** When the weekly checklist runs; null turns it off. @default "0 7 * * 1" (Monday morning) */
  weekly: cron.nullable().optional(),
  /** When the monthly checklist runs; null turns it off. @default "0 7 1 * *" (the first of the month) */
  monthly: cron.nullable().optional(),
});

const routineDependencies = strictObject({
  /** The service whose own tools list its dependencies, in its pod (or its local directory). */
  service: dnsLabel,
  /** pip: `pip list --outdated`; npm: `npm audit --json`. */
  tool: z.enum(["pip", "npm"]),
  /** Python interpreter that runs `-m pip`. @default "python" */
  python: line.optional(),
  /** Directory holding package.json and its lock file, for npm. @default none (the container's or the service's working directory) */
  directory: line.startsWith("/", { error: "must be an absolute path" }).optional(),
  /** The checklist it belongs to. @default derived: weekly for pip (logistics support plan, Mantenimiento preventivo: "Revisar semanalmente"), monthly for npm (MIRA operations guide, Mantenimiento Rutinario, Mensual) */
  period: z.enum(ROUTINE_PERIODS).optional(),
});

/** Announced maintenance windows (`maintenance-window --schedule`). */
const maintenance = strictObject({
  /**
   * Hours of notice a window needs: a window that starts sooner, or opens without being
   * scheduled, is refused unless `--emergency --reason`.
   * @default by environment: dev 0, testing 0, staging 0, prod 48 (logistics support plan, Comunicaciones: 48 hours ahead)
   */
  noticeHours: z
    .number()
    .int()
    .min(0)
    .max(24 * 90)
    .optional(),
  /** Receivers the announcements and the reminders when a window opens go to (slack, teams, webhook, email). @default derived: the stack's slack, teams, webhook and email receivers, never the dead man's switch */
  receivers: z.array(dnsLabel).optional(),
});

const routine = strictObject({
  /** When each checklist runs. */
  schedules: routineSchedules.optional(),
  /** Receivers the report is posted to (slack, teams, webhook, email). @default derived: the stack's slack and teams receivers, never the dead man's switch */
  receivers: z.array(dnsLabel).optional(),
  /**
   * Healthchecks-style dead man's switch for routine runs: a Secret with the ping URL base (e.g.
   * https://hc-ping.com/<project ping key>); each period pings `<url>/<platform>-<env>-routine-<period>`
   * with `/start`, then success or `/fail`. @default none
   */
  deadMansSwitch: strictObject({ urlSecret: secretRef }).optional(),
  /** What an error line matches (a JavaScript regular expression). @default "\\bERROR\\b|\"level\":\\s*\"(error|fatal)\"" (INATrace operations manual, 2.2: nivel ERROR) */
  errorPattern: line
    .min(1)
    .refine((pattern) => regexProblem(pattern) === undefined, {
      error: (issue) => `invalid regular expression: ${regexProblem(String(issue.input))}`,
    })
    .optional(),
  /** Queries slower than this on average are reported. @default 1000 (MIRA operations guide, Monitoreo: Database Query Time < 1 s) */
  slowQueryMs: positiveInt("slowQueryMs").optional(),
  /** Application users with no login for this many days are reported. @default 90 */
  inactiveUserDays: positiveInt("inactiveUserDays").optional(),
  /** Dependency checks. @default derived: pip in every service with Django diagnostics, with its python */
  dependencies: z.array(routineDependencies).optional(),
});

function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * A Celery broker on Redis, whose queues guardia measures (logistics support plan, Niveles de
 * soporte: level 2 "revisa tareas en cola"): depth and oldest-task age, exported by
 * redis_exporter and read by the daily routine.
 */
const celery = strictObject({
  /** The services[].name whose Celery workers consume the queues. */
  service: dnsLabel,
  /** redis://host:port/db of the broker, without a password. */
  brokerUrl: line.regex(/^rediss?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/\d{1,2})?$/, {
    error: (issue) =>
      `expected redis://<host>[:port][/db] (no password), got ${quoted(issue.input)}`,
  }),
  /** Secret holding the broker's password. @default none (no AUTH) */
  passwordSecret: secretRef.optional(),
  /** Queues (their Redis list keys) to measure. @default ["celery"] (Celery's default queue) */
  queues: z
    .array(line.regex(/^[\w.:-]+$/, { error: "expected a queue name ([A-Za-z0-9_.:-])" }))
    .min(1)
    .optional(),
  /** Age of the oldest waiting task that needs someone. @default "30m" */
  maxTaskAge: duration.optional(),
  /** Priority of the queue alerts. @default P2 (logistics support plan, Niveles de soporte: level 2) */
  priority: priority.optional(),
});

/**
 * Freshness of data a sync brings in (MIRA operations guide, Monitoreo: "Verificar Sincronización
 * ALMA", every hour): a query for the newest synchronised timestamp, exported through
 * postgres_exporter's custom queries, alerting at the dependency's priority when stale.
 */
const dataFreshness = strictObject({
  name: dnsLabel,
  /** The databases[].name the query runs in. */
  database: dnsLabel,
  /** One SELECT returning the newest synchronised timestamp (timestamptz), e.g. `SELECT max(synced_at) FROM alma_sync`. */
  query: text.min(1),
  /** Age past which the data is stale. */
  maxAge: duration,
  /** The externalDependencies[].name the data comes from. @default none */
  dependency: dnsLabel.optional(),
  /** Priority when stale. @default derived: the dependency's priority, else P2 (MIRA operations guide, Gestión de Incidentes: "Sincronización ALMA falla" is P2) */
  priority: priority.optional(),
  description: text.optional(),
});

const tokens = strictObject({
  /** Service whose manage.py manages DRF tokens. */
  service: dnsLabel,
  /** Rotate tokens older than this. @default by environment: dev 365, testing 180, staging 90, prod 90 */
  maxAgeDays: positiveInt("maxAgeDays").optional(),
  /** Also revoke the tokens of users with no login for this many days (auth_user.last_login, else date_joined). @default none (age only) */
  inactiveDays: positiveInt("inactiveDays").optional(),
  /** A run that would delete more than this fraction of all tokens (and more than 5) refuses without --allow-over-cap. @default 0.2 */
  maxFraction: ratio.optional(),
  /** A run that would delete more than this many tokens refuses without --allow-over-cap. @default 100 */
  maxCount: positiveInt("maxCount").optional(),
  /** The databases[].name that holds authtoken_token and auth_user. @default derived: the database whose usedBy names the service, else the stack's only database */
  database: dnsLabel.optional(),
  /** When the rotate-tokens CronJob applies the policy; null turns it off. @default "0 4 * * 1" (weekly, Monday 04:00) */
  cron: cron.nullable().optional(),
});

const mediaReference = strictObject({
  /** Table holding file paths relative to the media root (a Django model's table). */
  table: sqlTable,
  /** Its column with the paths (a FileField or ImageField). */
  column: sqlName,
});

/**
 * Orphaned files under Django's MEDIA_ROOT (logistics support plan, Mantenimiento preventivo):
 * which files are referenced comes from the database, never from their names.
 */
const media = strictObject({
  /** MEDIA_ROOT as the service sees it; the cleanup job mounts `claim` here. */
  root: line.startsWith("/", { error: "the media root must be an absolute path" }),
  /** Tables and columns that hold file paths; the CronJob reads only these. */
  references: z.array(mediaReference).optional(),
  /** Service whose manage.py lists every FileField and ImageField (its `diagnostics.django`). */
  djangoService: dnsLabel.optional(),
  /** The databases[].name holding the references. @default derived: the database whose usedBy names djangoService, else the stack's only database */
  database: dnsLabel.optional(),
  /** Files younger than this are never candidates (an upload whose row is not committed yet). @default "24h" */
  grace: duration.optional(),
  /** How long quarantined files wait before they are deleted. @default "30d" */
  quarantine: duration.optional(),
  /** PersistentVolumeClaim holding the media root, for the cleanup CronJob. */
  claim: dnsLabel.optional(),
  /** When the cleanup-media CronJob runs. @default "30 3 * * *" (daily, 03:30) */
  cron: cron.optional(),
});

const jobs = strictObject({
  /**
   * Image with node, postgresql-client, zstd, logrotate and guardia (see Dockerfile).
   * @default derived: guardia's image of the running version
   */
  image: line.min(1).optional(),
  /** Time zone of every schedule (CronJob timeZone). @default "UTC" */
  timeZone: timeZone.optional(),
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
  /** The model version the file is written for; a file without one is version 1 (lib/model/version.ts). */
  version: z.number().int().min(1).optional(),
  name: dnsLabel,
  environment: z.enum(ENVIRONMENTS, {
    // Left to the generic "required" when the key is missing.
    error: (issue) =>
      issue.input === undefined
        ? undefined
        : `expected one of ${ENVIRONMENTS.join(", ")}, got ${quoted(issue.input)}`,
  }),
  namespace: dnsLabel,
  /**
   * The language of every text guardia writes for the platform's operators: plans, prompts,
   * reports, incident records, post-mortems, alert summaries. `--lang` and `GUARDIA_LANG`
   * override it per run; JSON keys, exit codes and labels never change with it.
   * @default en
   */
  language: z.enum(LANGUAGES).optional(),
  /** kubernetes: services are workloads reached with kubectl; local: processes on this machine. @default kubernetes */
  runtime: z.enum(["kubernetes", "local"]).optional(),
  services: z.array(service).optional(),
  databases: z.array(database).optional(),
  backups: backups.optional(),
  logs: z.array(logFiles).optional(),
  externalDependencies: z.array(externalDependency).optional(),
  /** Single GET checks, superseded by `smokeFlows` (each runs as a flow of one step). */
  smokeChecks: z.array(smokeCheck).optional(),
  /** Login and a minimal business flow per service, as smoke tests (INATrace operations manual, 3.3 Criterios de Éxito). */
  smokeFlows: smokeFlows.optional(),
  alerting: alerting.optional(),
  monitoring: monitoring.optional(),
  collections: collections.optional(),
  tokens: tokens.optional(),
  /** Orphaned files under the media root (cleanup-media). */
  media: media.optional(),
  /**
   * Routine checklists run by CronJobs; null turns them off.
   * @default derived: daily, weekly and monthly in staging and prod; none in dev and testing
   */
  routine: routine.nullable().optional(),
  /** Announced maintenance windows: notice and who hears of them. */
  maintenance: maintenance.optional(),
  /** A Celery broker whose queues are measured. @default none */
  celery: celery.optional(),
  /** Data freshness queries, each exported by a postgres_exporter and alerting when stale. */
  dataFreshness: z.array(dataFreshness).optional(),
  jobs: jobs.optional(),
  aws: aws.optional(),
  /** Waivers of guardia's policy rules (`guardia policy`). */
  policy: policy.optional(),
});

export type PlatformInput = z.infer<typeof platformInput>;
export type ReceiverInput = z.infer<typeof receiver>;
export type WaiverInput = z.infer<typeof waiver>;
export type RoutineInput = z.infer<typeof routine>;
