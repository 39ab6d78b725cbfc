import type { Priority, Service } from "../../model/index.js";
import type { AlertDefinition, MonitoringContext } from "../catalogue.js";
import { tr } from "../../i18n/index.js";
import { demote, respondWithin } from "../contract.js";
import { PROBE_JOB, serviceSelectorLabels } from "../probes.js";
import { num, selector, type Labels } from "../promql.js";
import type { BurnWindows } from "../timing.js";
import { blip, overTime, repeat, samplesFor } from "./examples.js";

/**
 * Alerts on a service's health endpoints, from the blackbox exporter's probe_* series: down, the
 * availability SLO burning, latency over the stack's targets, and the TLS certificate expiring.
 */

/** Two weeks: time to renew by hand when automatic renewal (cert-manager, ACM) has failed. */
const TLS_WARNING_DAYS = 14;
const DAY = 86400;
/** The labels per-service aggregations keep: exactly the rule's own, so nothing is lost. */
const SERVICE_KEYS = "platform, environment, namespace, service";

export function serviceAlerts(ctx: MonitoringContext): AlertDefinition[] {
  return ctx.platform.services
    .filter((service) => service.health.length > 0)
    .flatMap((service) => [
      endpointDown(ctx, service),
      ...burnAlerts(ctx, service),
      latencyAverage(ctx, service),
      latencyP95(ctx, service),
      ...tlsExpiring(ctx, service),
    ]);
}

function probeSeries(ctx: MonitoringContext, service: Service, metric: string): string {
  const instance = service.health[0]!.url;
  return selector(metric, { ...serviceSelectorLabels(ctx.platform, service), instance });
}

function endpointDown(ctx: MonitoringContext, service: Service): AlertDefinition {
  const { timing } = ctx;
  const step = timing.probeInterval.seconds;
  const forSeconds = timing.endpointDownFor.seconds;
  const sel = selector("probe_success", serviceSelectorLabels(ctx.platform, service));
  const series = probeSeries(ctx, service, "probe_success");
  const down = blip(1, 0, { before: 10, bad: 2 }, forSeconds + 2 * step, step);
  const lang = ctx.platform.language;
  return {
    alert: "EndpointDown",
    group: "endpoints",
    expr: `last_over_time(${sel}[${timing.lastProbeLookback}]) == 0`,
    forSeconds,
    priority: service.priority,
    subject: { service: service.name },
    summary: tr(lang)`${service.name} is down: {{ $labels.instance }} fails its health check`,
    description: [
      tr(
        lang,
      )`The blackbox probe of {{ $labels.instance }} has failed for ${timing.endpointDownFor} (every probe, ${timing.probeInterval} apart).`,
      respondWithin(service.priority, lang),
      tr(
        lang,
      )`If the health check confirms it, restart: ${`guardia restart-service --stack ${ctx.stack} --service ${service.name}`}`,
    ].join(" "),
    first: { runbook: "health-check", flags: { service: service.name } },
    fires: [
      {
        step,
        series: [{ series, values: repeat(0, samplesFor(forSeconds, step) + 2) }],
        trueFrom: 0,
        seriesLabels: { job: PROBE_JOB, instance: service.health[0]!.url },
      },
    ],
    blip: { step, series: [{ series, values: down.values }], checkFrom: 0 },
  };
}

function burnAlerts(ctx: MonitoringContext, service: Service): AlertDefinition[] {
  const budget = 1 - service.slo.availability;
  const { fastBurn, slowBurn } = ctx.timing;
  // A factor whose threshold reaches 100 % errors can never fire; EndpointDown covers that case.
  return [
    ["ErrorBudgetBurnFast", fastBurn, service.priority] as const,
    ["ErrorBudgetBurnSlow", slowBurn, demote(service.priority)] as const,
  ]
    .filter(([, windows]) => windows.factor * budget < 1)
    .map(([alert, windows, priority]) => burnAlert(ctx, service, alert, windows, priority));
}

function errorRatio(sel: string, window: string): string {
  return `1 - avg by (${SERVICE_KEYS}) (avg_over_time(${sel}[${window}]))`;
}

function burnAlert(
  ctx: MonitoringContext,
  service: Service,
  alert: string,
  windows: BurnWindows,
  priority: Priority,
): AlertDefinition {
  const step = ctx.timing.probeInterval.seconds;
  const threshold = num(windows.factor * (1 - service.slo.availability));
  const sel = selector("probe_success", serviceSelectorLabels(ctx.platform, service));
  const series = probeSeries(ctx, service, "probe_success");
  const longSamples = samplesFor(windows.long.seconds, step);
  const failing = blip(1, 0, { before: longSamples, bad: 2 }, windows.long.seconds, step);
  const target = `${num(service.slo.availability * 100)} %`;
  const lang = ctx.platform.language;
  return {
    alert,
    group: "slo",
    expr: `(${errorRatio(sel, String(windows.long))}) > ${threshold}\nand\n(${errorRatio(sel, String(windows.short))}) > ${threshold}`,
    forSeconds: windows.for.seconds,
    priority,
    subject: { service: service.name },
    summary: tr(
      lang,
    )`${service.name} burns its ${target} availability budget ${windows.factor}x too fast`,
    description: [
      tr(
        lang,
      )`Over the last ${windows.long} and ${windows.short}, more than ${num(Number(threshold) * 100)} % of ${service.name}'s health probes failed: at this rate the ${target} SLO's error budget is gone in ${(30 / windows.factor).toFixed(1)} days.`,
      respondWithin(priority, lang),
    ].join(" "),
    first: { runbook: "health-check", flags: { service: service.name } },
    fires: [
      {
        step,
        series: [{ series, values: repeat(0, samplesFor(windows.for.seconds, step) + 2) }],
        trueFrom: 0,
        seriesLabels: {},
      },
    ],
    blip: { step, series: [{ series, values: failing.values }], checkFrom: failing.start },
  };
}

function latencyAverage(ctx: MonitoringContext, service: Service): AlertDefinition {
  const seconds = service.slo.latencyAvgMs / 1000;
  const expr = (sel: string, w: string) =>
    `avg by (${SERVICE_KEYS}) (avg_over_time(${sel}[${w}])) > ${num(seconds)}`;
  return latencyAlert(ctx, service, "LatencyAverageHigh", seconds, expr);
}

function latencyP95(ctx: MonitoringContext, service: Service): AlertDefinition {
  const seconds = service.slo.latencyP95Ms / 1000;
  const expr = (sel: string, w: string) =>
    `max by (${SERVICE_KEYS}) (quantile_over_time(0.95, ${sel}[${w}])) > ${num(seconds)}`;
  return latencyAlert(ctx, service, "LatencyP95High", seconds, expr);
}

/**
 * Latency as the probes see it (probe_duration_seconds: DNS, connect, TLS and response). A failed
 * probe counts with its timeout; EndpointDown is critical then and inhibits these warnings.
 */
function latencyAlert(
  ctx: MonitoringContext,
  service: Service,
  alert: "LatencyAverageHigh" | "LatencyP95High",
  targetSeconds: number,
  expr: (sel: string, window: string) => string,
): AlertDefinition {
  const { timing } = ctx;
  const step = timing.probeInterval.seconds;
  const sel = selector("probe_duration_seconds", serviceSelectorLabels(ctx.platform, service));
  const series = probeSeries(ctx, service, "probe_duration_seconds");
  const windowSamples = samplesFor(timing.latencyWindow.seconds, step);
  // One probe 20x over target lifts both average and p95 over it for a whole window, never `for`.
  const slow = blip(
    targetSeconds / 5,
    targetSeconds * 20,
    { before: windowSamples, bad: 1 },
    timing.latencyFor.seconds + timing.latencyWindow.seconds,
    step,
  );
  return {
    alert,
    group: "latency",
    expr: expr(sel, String(timing.latencyWindow)),
    forSeconds: timing.latencyFor.seconds,
    priority: "P3",
    subject: { service: service.name },
    ...latencyTexts(ctx, service, alert, num(targetSeconds * 1000)),
    first: { runbook: "health-check", flags: { service: service.name } },
    fires: [
      {
        step,
        series: [
          {
            series,
            values: repeat(
              targetSeconds * 3,
              windowSamples + samplesFor(timing.latencyFor.seconds, step),
            ),
          },
        ],
        trueFrom: 0,
        seriesLabels: {},
      },
    ],
    blip: { step, series: [{ series, values: slow.values }], checkFrom: 0 },
  };
}

/** Average and p95 in whole sentences, so each language words them its own way. */
function latencyTexts(
  ctx: MonitoringContext,
  service: Service,
  alert: "LatencyAverageHigh" | "LatencyP95High",
  ms: string,
): Pick<AlertDefinition, "summary" | "description"> {
  const lang = ctx.platform.language;
  const { name } = service;
  const { latencyWindow: window, latencyFor: held } = ctx.timing;
  const average = alert === "LatencyAverageHigh";
  return {
    summary: average
      ? tr(lang)`${name} responds slowly: average over ${ms} ms`
      : tr(lang)`${name} responds slowly: 95th percentile over ${ms} ms`,
    description: [
      average
        ? tr(
            lang,
          )`The average response time of ${name}'s health probes over ${window} has been above its ${ms} ms target for ${held}.`
        : tr(
            lang,
          )`The 95th percentile response time of ${name}'s health probes over ${window} has been above its ${ms} ms target for ${held}.`,
      tr(lang)`Review slow queries and endpoints.`,
      respondWithin("P3", lang),
    ].join(" "),
  };
}

/** Only for services with an https endpoint: probe_ssl_earliest_cert_expiry exists only there. */
function tlsExpiring(ctx: MonitoringContext, service: Service): AlertDefinition[] {
  const endpoint = service.health.find((h) => h.url.startsWith("https:"));
  if (!endpoint) return [];
  const { timing } = ctx;
  const step = timing.probeInterval.seconds;
  const forSeconds = timing.tlsFor.seconds;
  const labels: Labels = {
    ...serviceSelectorLabels(ctx.platform, service),
    instance: endpoint.url,
  };
  const sel = selector(
    "probe_ssl_earliest_cert_expiry",
    serviceSelectorLabels(ctx.platform, service),
  );
  const series = selector("probe_ssl_earliest_cert_expiry", labels);
  const expiresIn = (days: number) => (t: number) => t + days * DAY;
  const count = samplesFor(forSeconds, step) + 2;
  return [
    {
      alert: "TlsCertificateExpiring",
      group: "tls",
      expr: `last_over_time(${sel}[${timing.lastProbeLookback}]) - time() < ${TLS_WARNING_DAYS * DAY}`,
      forSeconds,
      priority: "P3",
      subject: { service: service.name },
      ...tlsTexts(ctx, service),
      first: { runbook: "health-check", flags: { service: service.name } },
      fires: [
        {
          step,
          series: [{ series, values: overTime(count, step, expiresIn(7)) }],
          trueFrom: 0,
          seriesLabels: { job: PROBE_JOB, instance: endpoint.url },
        },
      ],
      blip: {
        step,
        series: [
          {
            series,
            values: [
              ...overTime(10, step, expiresIn(60)),
              ...overTime(2, step, expiresIn(7), 10 * step),
              ...overTime(count, step, expiresIn(60), 12 * step),
            ],
          },
        ],
        checkFrom: 0,
      },
    },
  ];
}

function tlsTexts(
  ctx: MonitoringContext,
  service: Service,
): Pick<AlertDefinition, "summary" | "description"> {
  const lang = ctx.platform.language;
  return {
    summary: tr(
      lang,
    )`The TLS certificate of {{ $labels.instance }} expires in less than ${TLS_WARNING_DAYS} days`,
    description: [
      tr(
        lang,
      )`The certificate chain served by {{ $labels.instance }} (${service.name}) has a certificate that expires within ${TLS_WARNING_DAYS} days; renew it (cert-manager, the load balancer or the CA) before users see errors.`,
      respondWithin("P3", lang),
    ].join(" "),
  };
}
