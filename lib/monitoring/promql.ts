/** Small helpers that write PromQL and promtool's series notation without string-pasting mistakes. */

export type Labels = Readonly<Record<string, string>>;

/** `metric{a="x",b="y"}`; values are quoted as PromQL strings (JSON string escaping is valid PromQL). */
export function selector(metric: string, labels: Labels): string {
  const matchers = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${metric}{${matchers.join(",")}}`;
}

/** A number for PromQL or YAML without floating-point noise (0.005 * 14.4 → 0.072). */
export function num(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/**
 * promtool's expanding notation for a list of samples: runs of equal values become `vxN` and
 * arithmetic runs `a+bxN`, so a 6-hour series at 1-minute steps stays one short line.
 * `undefined` is a missing sample (`_`).
 */
export function seriesValues(values: readonly (number | undefined)[]): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length;) {
    const start = values[i];
    if (start === undefined) {
      parts.push("_");
      i++;
      continue;
    }
    const step = values[i + 1] === undefined ? 0 : values[i + 1]! - start;
    let j = i + 1;
    while (j < values.length && values[j] !== undefined && values[j]! - values[j - 1]! === step)
      j++;
    const repeats = j - i - 1;
    parts.push(run(start, step, repeats));
    i = j;
  }
  return parts.join(" ");
}

function run(start: number, step: number, repeats: number): string {
  if (repeats === 0) return num(start);
  if (step === 0) return `${num(start)}x${repeats}`;
  return `${num(start)}${step > 0 ? "+" : "-"}${num(Math.abs(step))}x${repeats}`;
}
