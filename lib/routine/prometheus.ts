import { t } from "../i18n/index.js";

/**
 * Instant queries against Prometheus' HTTP API (`monitoring.prometheusUrl`), each a PromQL text
 * built once: the plan prints the call, the step sends it.
 */

export interface PromSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** "GET http://prometheus:9090/api/v1/query?query=<PromQL>": a query in a plan, readable. */
export function queryCall(baseUrl: string, promql: string): string {
  return `GET ${baseUrl}/api/v1/query?query=${promql.replace(/\s+/g, " ")}`;
}

const QUERY_TIMEOUT_MS = 30_000;

interface ApiAnswer {
  status: string;
  error?: string;
  data?: {
    resultType: string;
    result: { metric: Record<string, string>; value: [number, string] }[];
  };
}

/** The query's vector (a scalar comes back as one sample without labels). */
export async function instantQuery(
  baseUrl: string,
  promql: string,
  signal: AbortSignal,
): Promise<PromSample[]> {
  const url = `${baseUrl}/api/v1/query?query=${encodeURIComponent(promql)}`;
  let answer: ApiAnswer;
  try {
    const response = await fetch(url, {
      signal: AbortSignal.any([signal, AbortSignal.timeout(QUERY_TIMEOUT_MS)]),
    });
    answer = (await response.json()) as ApiAnswer;
  } catch (err) {
    const why = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new Error(t`Prometheus at ${baseUrl} did not answer: ${why}`, { cause: err });
  }
  if (answer.status !== "success" || !answer.data)
    throw new Error(t`Prometheus refused ${promql}: ${answer.error ?? t`no data`}`);
  if (answer.data.resultType === "scalar") {
    const [, value] = answer.data.result as unknown as [number, string];
    return [{ labels: {}, value: Number(value) }];
  }
  return answer.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
}

/** The one value of a query that aggregates to a single sample; undefined when there is no data. */
export async function singleValue(
  baseUrl: string,
  promql: string,
  signal: AbortSignal,
): Promise<number | undefined> {
  const samples = await instantQuery(baseUrl, promql, signal);
  const value = samples[0]?.value;
  return value === undefined || Number.isNaN(value) ? undefined : value;
}
