import { Duration, type ExternalDependency, type Platform, type Service } from "../model/index.js";
import { objectName } from "../naming.js";
import { stackLabels } from "./contract.js";
import type { Labels } from "./promql.js";

/**
 * What the blackbox exporter probes for a stack: every service health URL at the stack's probe
 * interval and every external dependency at its own interval. Each target carries the stack's
 * labels plus `service` or `dependency`, which is how alert rules, routes and silences find it.
 */

/** The `job` label of every guardia probe (the Probe objects set `jobName`). */
export const PROBE_JOB = "guardia-blackbox";

/** Upper bound for a dependency probe: the model has no per-dependency timeout. */
const DEPENDENCY_TIMEOUT_SECONDS = 10;

export interface ProbeSpec {
  /** Kubernetes name of the Probe object. */
  readonly name: string;
  /** Blackbox exporter module (`http_2xx`, `http_401`...). */
  readonly module: string;
  readonly interval: Duration;
  readonly scrapeTimeout: Duration;
  readonly targets: readonly string[];
  /** Labels on every target of this probe. */
  readonly labels: Labels;
}

/** A blackbox module: an HTTP GET that is healthy on the given status codes (empty = any 2xx). */
export interface BlackboxModule {
  readonly name: string;
  readonly validStatusCodes: readonly number[];
}

export function moduleFor(expectStatus: number): BlackboxModule {
  if (expectStatus >= 200 && expectStatus < 300) return { name: "http_2xx", validStatusCodes: [] };
  return { name: `http_${expectStatus}`, validStatusCodes: [expectStatus] };
}

export function serviceSelectorLabels(platform: Platform, service: Service): Labels {
  return { job: PROBE_JOB, ...stackLabels(platform), service: service.name };
}

export function dependencySelectorLabels(platform: Platform, dep: ExternalDependency): Labels {
  return { job: PROBE_JOB, ...stackLabels(platform), dependency: dep.name };
}

/** Static labels of a probe's targets: the selector's, without `job` (the Probe's jobName sets it). */
function targetLabels(selectorLabels: Labels): Labels {
  return Object.fromEntries(Object.entries(selectorLabels).filter(([k]) => k !== "job"));
}

export function probeSpecs(platform: Platform): ProbeSpec[] {
  return [
    ...platform.services.flatMap((s) => serviceProbes(platform, s)),
    ...platform.externalDependencies.map((d) => dependencyProbe(platform, d)),
  ];
}

/** One Probe per service, or one per (module, timeout) when its endpoints differ in those. */
function serviceProbes(platform: Platform, service: Service): ProbeSpec[] {
  const interval = platform.monitoring.probeInterval;
  const groups = new Map<string, { module: BlackboxModule; timeout: number; urls: string[] }>();
  for (const endpoint of service.health) {
    const module = moduleFor(endpoint.expectStatus);
    const timeout = Math.ceil(endpoint.timeoutMs / 1000);
    const key = `${module.name}-${timeout}s`;
    const group = groups.get(key) ?? { module, timeout, urls: [] };
    group.urls.push(endpoint.url);
    groups.set(key, group);
  }
  const suffix = (key: string) => (groups.size > 1 ? [key.replace(/_/g, "-")] : []);
  return [...groups.entries()].map(([key, group]) => ({
    name: objectName(platform, ["probe", service.name, ...suffix(key)]),
    module: group.module.name,
    interval,
    scrapeTimeout: scrapeTimeout(group.timeout, interval),
    targets: group.urls,
    labels: targetLabels(serviceSelectorLabels(platform, service)),
  }));
}

function dependencyProbe(platform: Platform, dep: ExternalDependency): ProbeSpec {
  return {
    name: objectName(platform, ["probe", "dependency", dep.name]),
    module: moduleFor(200).name,
    interval: dep.interval,
    scrapeTimeout: scrapeTimeout(DEPENDENCY_TIMEOUT_SECONDS, dep.interval),
    targets: [dep.url],
    labels: targetLabels(dependencySelectorLabels(platform, dep)),
  };
}

/** Prometheus refuses a scrape timeout longer than the interval. */
function scrapeTimeout(seconds: number, interval: Duration): Duration {
  return Duration.ofSeconds(Math.min(seconds, interval.seconds));
}

/** The modules a stack's probes use, each once, `http_2xx` first. */
export function blackboxModules(platform: Platform): BlackboxModule[] {
  const statuses = platform.services.flatMap((s) => s.health.map((h) => h.expectStatus));
  const modules = new Map<string, BlackboxModule>();
  for (const m of [moduleFor(200), ...statuses.map(moduleFor)]) modules.set(m.name, m);
  return [...modules.values()];
}
