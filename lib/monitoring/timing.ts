import { Duration } from "../model/index.js";

/**
 * Every `for` and every window of the alert rules, derived from the stack's probe interval `i`
 * (`monitoring.probeInterval`: 1m in prod, 2m staging, 5m dev/testing). Scaling them together keeps
 * the number of probe samples behind each decision the same in every environment, and lets a test
 * stack with `probeInterval: 2s` exercise the whole path in seconds.
 *
 * | what                          | formula              | prod (i = 1m)   |
 * | ----------------------------- | -------------------- | --------------- |
 * | endpoint down `for`           | 5 i                  | 5m (the MIRA guide's 5-minute uptime check) |
 * | "last probe" lookback         | 2 i                  | 2m (survives one late scrape) |
 * | database down `for`           | 3 i                  | 3m ("alertar DBA inmediatamente") |
 * | fast SLO burn (x14.4)         | 60 i and 5 i, for 2 i | 1h/5m, for 2m (SRE workbook) |
 * | slow SLO burn (x6)            | 360 i and 30 i, for 15 i | 6h/30m, for 15m |
 * | latency avg/p95 window        | 10 i                 | 10m (the MIRA guide measures every 10 min) |
 * | latency `for`                 | 15 i = window + 5 i  | 15m: one slow probe never fires alone |
 * | TLS certificate `for`         | 15 i                 | 15m |
 * | backup too old `for`          | 5 i                  | 5m |
 * | backup/drill job failed `for` | 15 i                 | 15m: a retried pod may still succeed |
 * | volume filling window, `for`  | 360 i, 60 i          | 6h, 1h (kube-prometheus' values) |
 * | log growth window, `for`      | 1440 i, 60 i         | 1d (spans a daily rotation), 1h |
 * | Alertmanager group_wait       | min(30s, i / 2)      | 30s |
 * | Alertmanager group_interval   | min(5m, 5 i)         | 5m |
 * | watchdog heartbeat            | min(1m, max(2s, i))  | 1m (alertmanager-config.ts) |
 *
 * External dependencies are probed at their own interval `d` (MIRA operations guide: 15m); see
 * `dependencyWindow`.
 */
export interface AlertTiming {
  readonly probeInterval: Duration;
  readonly lastProbeLookback: Duration;
  readonly endpointDownFor: Duration;
  readonly databaseDownFor: Duration;
  readonly fastBurn: BurnWindows;
  readonly slowBurn: BurnWindows;
  readonly latencyWindow: Duration;
  readonly latencyFor: Duration;
  readonly tlsFor: Duration;
  readonly backupTooOldFor: Duration;
  readonly jobFailedFor: Duration;
  readonly volumeWindow: Duration;
  readonly volumeFor: Duration;
  readonly logGrowthWindow: Duration;
  readonly logGrowthFor: Duration;
  readonly groupWait: Duration;
  readonly groupInterval: Duration;
  /** How often the always-firing watchdog reaches the dead man's switch. */
  readonly heartbeatInterval: Duration;
}

/** A multiwindow burn-rate alert (Google SRE workbook, ch. 5): both windows must burn at `factor`. */
export interface BurnWindows {
  readonly long: Duration;
  readonly short: Duration;
  readonly factor: number;
  readonly for: Duration;
}

export function alertTiming(probeInterval: Duration): AlertTiming {
  const i = probeInterval.seconds;
  const d = (multiple: number) => Duration.ofSeconds(multiple * i);
  return {
    probeInterval,
    lastProbeLookback: d(2),
    endpointDownFor: d(5),
    databaseDownFor: d(3),
    fastBurn: { long: d(60), short: d(5), factor: 14.4, for: d(2) },
    slowBurn: { long: d(360), short: d(30), factor: 6, for: d(15) },
    latencyWindow: d(10),
    latencyFor: d(15),
    tlsFor: d(15),
    backupTooOldFor: d(5),
    jobFailedFor: d(15),
    volumeWindow: d(360),
    volumeFor: d(60),
    logGrowthWindow: d(1440),
    logGrowthFor: d(60),
    groupWait: Duration.ofSeconds(Math.max(1, Math.min(30, Math.floor(i / 2)))),
    groupInterval: Duration.ofSeconds(Math.min(300, 5 * i)),
    heartbeatInterval: Duration.ofSeconds(Math.min(60, Math.max(2, i))),
  };
}

/**
 * The window over which a dependency's availability is compared with its target, in probes:
 * enough that two failed probes in a row stay within the error budget (a blip never fires), and at
 * least 24 probes (6 hours at the MIRA guide's 15 minutes). A full outage then fires after three probes.
 */
export function dependencyWindowProbes(availability: number): number {
  return Math.max(24, Math.ceil(2 / (1 - availability)));
}

export function dependencyWindow(interval: Duration, availability: number): Duration {
  return Duration.ofSeconds(interval.seconds * dependencyWindowProbes(availability));
}
