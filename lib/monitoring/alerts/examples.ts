import { selector } from "../promql.js";

/**
 * Building blocks for the catalogue's example series. Times are seconds from the start of a
 * promtool test; a series has one sample per `step`.
 */

/** kube-state-metrics' own job label, present on every series it exports. */
export const KSM = { job: "kube-state-metrics" };

/** A kube-state-metrics series of one CronJob of the stack's namespace. */
export function cronJobSeries(metric: string, namespace: string, cronJob: string): string {
  return selector(metric, { ...KSM, namespace, cronjob: cronJob });
}

export function repeat(value: number, count: number): number[] {
  return Array.from({ length: count }, () => value);
}

/** Samples needed to cover `seconds` at `step`, plus the sample at time 0. */
export function samplesFor(seconds: number, step: number): number {
  return Math.ceil(seconds / step) + 1;
}

/** `count` samples of f(t), t being each sample's time (start + k * step). */
export function overTime(
  count: number,
  step: number,
  f: (t: number) => number,
  start = 0,
): number[] {
  return Array.from({ length: count }, (_, k) => f(start + k * step));
}

/**
 * A healthy → bad → healthy sequence: `before` good samples, `bad` bad ones, then enough good ones
 * to cover `after` seconds. Returns the values and the time the bad samples start.
 */
export function blip(
  good: number,
  badValue: number,
  counts: { before: number; bad: number },
  afterSeconds: number,
  step: number,
): { values: number[]; start: number } {
  const values = [
    ...repeat(good, counts.before),
    ...repeat(badValue, counts.bad),
    ...repeat(good, samplesFor(afterSeconds, step)),
  ];
  return { values, start: counts.before * step };
}
