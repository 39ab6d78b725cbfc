import { GUARDIA_VERSION } from "../version.js";
import { CronSchedule } from "./cron.js";
import {
  COLLECTIONS_EXPORT,
  DEFAULT_ALERTMANAGER_URL,
  DEFAULT_EXTERNAL_DEPENDENCY,
  DEFAULT_IMAGE_REPOSITORY,
  DEFAULT_PROMETHEUS_URL,
  DEFAULT_RUNBOOK_BASE_URL,
  DEFAULT_SELECTOR_LABELS,
  DEFAULT_SLO,
  DEFAULTS,
  ENVIRONMENT_DEFAULTS,
  REPEAT_INTERVAL,
} from "./defaults.js";
import { Duration } from "./duration.js";
import { fileUrlPath, type Priority } from "./fields.js";
import { resolveMedia, resolveTokens } from "./resolve-hygiene.js";
import type {
  Alerting,
  Backups,
  Collections,
  Database,
  Destination,
  DrillServer,
  ExternalDependency,
  Platform,
  Receiver,
  Service,
  Workload,
} from "./platform.js";
import {
  resolveCelery,
  resolveDataFreshness,
  resolveMaintenance,
  resolveRoutine,
} from "./resolve-routine.js";
import type { PlatformInput } from "./schema.js";
import { resolveSmoke } from "./smoke.js";

/** A problem found in a stack, at a path inside `guardia:platform`. */
export interface ModelIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

type ServiceInput = NonNullable<PlatformInput["services"]>[number];
type BackupsInput = NonNullable<PlatformInput["backups"]>;

const PRIORITIES: readonly Priority[] = ["P1", "P2", "P3", "P4"];
const CLUSTER_HOST =
  /(\.svc(\.cluster\.local)?|\.cluster\.local|^localhost|^127\.\d+\.\d+\.\d+|^\[::1\])$/;

/** Turns a schema-valid stack into the resolved model, filling in the environment's defaults. */
export function resolvePlatform(input: PlatformInput): Platform {
  const defaults = ENVIRONMENT_DEFAULTS[input.environment];
  return {
    name: input.name,
    environment: input.environment,
    namespace: input.namespace,
    language: input.language ?? DEFAULTS.language,
    runtime: input.runtime ?? DEFAULTS.runtime,
    services: (input.services ?? []).map(resolveService),
    databases: (input.databases ?? []).map(resolveDatabase),
    backups: input.backups ? resolveBackups(input, input.backups) : undefined,
    logs: (input.logs ?? []).map((log) => ({
      name: log.name,
      paths: log.paths,
      maxSize: log.maxSize ?? defaults.logs.maxSize,
      compressAfterDays: log.compressAfterDays ?? defaults.logs.compressAfterDays,
      deleteAfterDays: log.deleteAfterDays ?? defaults.logs.deleteAfterDays,
      claim: log.claim,
      ...(log.sizeCap !== undefined && { sizeCap: log.sizeCap }),
    })),
    externalDependencies: (input.externalDependencies ?? []).map(resolveDependency),
    smoke: resolveSmoke(input),
    alerting: resolveAlerting(input),
    monitoring: resolveMonitoring(input),
    collections: resolveCollections(input),
    tokens: resolveTokens(input, defaults.tokenMaxAgeDays),
    media: resolveMedia(input),
    routine: resolveRoutine(input),
    maintenance: resolveMaintenance(input, defaults.maintenanceNoticeHours),
    celery: resolveCelery(input),
    dataFreshness: resolveDataFreshness(input),
    jobs: {
      image: input.jobs?.image ?? `${DEFAULT_IMAGE_REPOSITORY}:${GUARDIA_VERSION}`,
      timeZone: input.jobs?.timeZone ?? DEFAULTS.timeZone,
    },
    aws: input.aws
      ? { region: input.aws.region, oidcProviderArn: input.aws.oidcProviderArn }
      : undefined,
  };
}

/** The scheduled export is on by default wherever there is a backup destination to hold it. */
function resolveCollections(input: PlatformInput): Collections | undefined {
  const c = input.collections;
  if (!c) return undefined;
  const exportInput = c.export === null || !input.backups ? undefined : (c.export ?? {});
  return {
    apiUrl: c.apiUrl,
    tokenSecret: c.tokenSecret,
    include: c.include,
    database: c.database,
    version: c.version,
    export: exportInput && {
      cron: CronSchedule.parse(exportInput.cron ?? COLLECTIONS_EXPORT.cron),
      keepDays: exportInput.keepDays ?? COLLECTIONS_EXPORT.keepDays,
    },
  };
}

function resolveDatabase(db: NonNullable<PlatformInput["databases"]>[number]): Database {
  return {
    ...db,
    port: db.port ?? DEFAULTS.databasePort,
    passwordSecret: db.passwordSecret,
    usedBy: db.usedBy ?? [],
    criticalTables: db.criticalTables ?? [],
    exporterJob: db.exporterJob,
    rto: db.rto === undefined ? undefined : Duration.parse(db.rto),
    smokeQueries: db.smokeQueries ?? [],
  };
}

function resolveDependency(
  dep: NonNullable<PlatformInput["externalDependencies"]>[number],
): ExternalDependency {
  return {
    name: dep.name,
    url: dep.url,
    availability: dep.availability ?? DEFAULT_EXTERNAL_DEPENDENCY.availability,
    interval: Duration.parse(dep.interval ?? DEFAULT_EXTERNAL_DEPENDENCY.interval),
    priority: dep.priority ?? DEFAULT_EXTERNAL_DEPENDENCY.priority,
    description: dep.description,
  };
}

export function parseWorkload(ref: string): Workload {
  const [kind, name] = ref.split("/") as [Workload["kind"], string];
  return { kind, name, ref };
}

function resolveService(svc: ServiceInput): Service {
  const workload = svc.workload ? parseWorkload(svc.workload) : undefined;
  const celery = svc.diagnostics?.celery;
  return {
    name: svc.name,
    workload,
    container: svc.container,
    health: (svc.health ?? []).map((endpoint) => ({
      url: endpoint.url,
      expectStatus: endpoint.expectStatus ?? DEFAULTS.healthEndpoint.expectStatus,
      timeoutMs: endpoint.timeoutMs ?? DEFAULTS.healthEndpoint.timeoutMs,
      public: endpoint.public ?? isPublicUrl(endpoint.url),
    })),
    slo: { ...DEFAULT_SLO, ...svc.slo },
    priority: svc.priority ?? DEFAULTS.servicePriority,
    diagnostics: {
      ...(svc.diagnostics?.django && {
        django: {
          manage: svc.diagnostics.django.manage ?? DEFAULTS.django.manage,
          python: svc.diagnostics.django.python ?? DEFAULTS.django.python,
        },
      }),
      ...(celery && {
        celery: {
          app: celery.app,
          python: celery.python ?? DEFAULTS.celery.python,
          workload: celery.workload ? parseWorkload(celery.workload) : workload,
          timeoutSeconds: celery.timeoutSeconds ?? DEFAULTS.celery.timeoutSeconds,
          workers: celery.workers ?? [],
        },
      }),
    },
    local: svc.local ? { cwd: svc.local.cwd, restart: svc.local.restart } : undefined,
  };
}

function isPublicUrl(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === "https:" && !isClusterHost(hostname);
}

/** A host inside the cluster or on this machine: a Service name, localhost, a loopback address. */
export function isClusterHost(host: string): boolean {
  return CLUSTER_HOST.test(host);
}

function resolveBackups(input: PlatformInput, backups: BackupsInput): Backups {
  const defaults = ENVIRONMENT_DEFAULTS[input.environment];
  const drillCron =
    backups.restoreDrill === null
      ? undefined
      : (backups.restoreDrill?.cron ?? defaults.restoreDrillCron);
  return {
    destination: resolveDestination(input, backups.destination),
    schedules: (backups.schedules ?? defaults.schedules).map((s) => ({
      name: s.name,
      cron: CronSchedule.parse(s.cron),
      keepDays: s.keepDays,
    })),
    restoreDrill: drillCron
      ? { cron: CronSchedule.parse(drillCron), server: resolveDrillServer(backups) }
      : undefined,
  };
}

function resolveDrillServer(backups: BackupsInput): DrillServer | undefined {
  const server = backups.restoreDrill?.server;
  return server && { ...server, port: server.port ?? DEFAULTS.databasePort };
}

function resolveDestination(
  input: PlatformInput,
  destination: BackupsInput["destination"],
): Destination {
  const url = new URL(destination.url);
  if (url.protocol === "file:") {
    return {
      kind: "file",
      url: destination.url,
      // The schema refused a path with malformed escapes.
      path: fileUrlPath(destination.url)!,
      volumeSize: destination.volumeSize ?? DEFAULTS.destination.volumeSize,
      storageClass: destination.storageClass,
    };
  }
  return {
    kind: "s3",
    url: destination.url,
    bucket: url.hostname,
    prefix: url.pathname.replace(/^\/+|\/+$/g, ""),
    endpoint: destination.endpoint,
    credentialsSecret: destination.credentialsSecret,
    forcePathStyle: destination.forcePathStyle ?? DEFAULTS.destination.forcePathStyle,
    region: destination.region ?? input.aws?.region,
    objectLockDays: destination.objectLock?.days,
  };
}

const CHAT_TYPES: ReadonlySet<Receiver["type"]> = new Set(["slack", "teams", "webhook"]);

/**
 * The routing when a stack names no routes: P1 pages (SNS/email) and chat, P2 chat and
 * email, P3 chat, P4 a daily email digest (chat when there is no email); dev and testing chat only.
 * The dead man's switch is in no priority's defaults: it hears the watchdog alone.
 */
function resolveAlerting(input: PlatformInput): Alerting {
  const receivers = input.alerting?.receivers ?? [];
  const deadMansSwitch = input.alerting?.deadMansSwitch;
  const names = (keep: (r: Receiver) => boolean) =>
    receivers.filter((r) => r.name !== deadMansSwitch && keep(r)).map((r) => r.name);
  const chat = names((r) => CHAT_TYPES.has(r.type));
  const email = names((r) => r.type === "email");
  const pages = ENVIRONMENT_DEFAULTS[input.environment].pages;
  const defaults: Record<Priority, string[]> = pages
    ? {
        P1: names(() => true),
        P2: [...chat, ...email],
        P3: chat,
        P4: email.length > 0 ? email : chat,
      }
    : { P1: chat, P2: chat, P3: chat, P4: chat };
  const routes = Object.fromEntries(
    PRIORITIES.map((p) => [p, input.alerting?.routes?.[p] ?? defaults[p]]),
  ) as Record<Priority, string[]>;
  const repeatInterval = Object.fromEntries(
    PRIORITIES.map((p) => [p, Duration.parse(REPEAT_INTERVAL[p])]),
  ) as Record<Priority, Duration>;
  return { receivers, routes, repeatInterval, deadMansSwitch };
}

function resolveMonitoring(input: PlatformInput): Platform["monitoring"] {
  const given = input.monitoring ?? {};
  const defaults = ENVIRONMENT_DEFAULTS[input.environment];
  const deploy = given.deployBlackboxExporter ?? DEFAULTS.deployBlackboxExporter;
  return {
    probeInterval: Duration.parse(given.probeInterval ?? defaults.probeInterval),
    deployBlackboxExporter: deploy,
    blackboxExporterAddress:
      given.blackboxExporterAddress ??
      (deploy
        ? `${input.name}-blackbox-exporter.${input.namespace}.svc:9115`
        : DEFAULTS.sharedBlackboxExporterAddress),
    selectorLabels: given.selectorLabels ?? DEFAULT_SELECTOR_LABELS,
    alertmanagerUrl: given.alertmanagerUrl ?? DEFAULT_ALERTMANAGER_URL,
    prometheusUrl: given.prometheusUrl ?? DEFAULT_PROMETHEUS_URL,
    runbookBaseUrl: (given.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL).replace(/\/+$/, ""),
    externalUptimeChecks:
      given.externalUptimeChecks ?? (defaults.externalUptimeChecks && input.aws !== undefined),
  };
}
