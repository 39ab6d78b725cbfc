import type { HealthEndpoint } from "../model/index.js";
import { t } from "../i18n/index.js";

/** One HTTP health probe: status as expected within the timeout, and how long it took. */
export interface ProbeResult {
  readonly name: string;
  readonly url: string;
  readonly ok: boolean;
  readonly status: number | undefined;
  readonly latencyMs: number;
  readonly detail: string;
}

export interface ProbeTarget extends Pick<HealthEndpoint, "url" | "expectStatus" | "timeoutMs"> {
  /** Text the body must contain; without it the body is not read. */
  readonly contains?: string | undefined;
}

export async function probeUrl(
  name: string,
  endpoint: ProbeTarget,
  outerSignal?: AbortSignal,
): Promise<ProbeResult> {
  const started = performance.now();
  const signals = [AbortSignal.timeout(endpoint.timeoutMs), ...(outerSignal ? [outerSignal] : [])];
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(endpoint.url, {
      signal: AbortSignal.any(signals),
      redirect: "manual",
    });
    const body = endpoint.contains === undefined ? undefined : await response.text();
    if (body === undefined) await response.body?.cancel();
    const statusOk = response.status === endpoint.expectStatus;
    const bodyOk = body === undefined || body.includes(endpoint.contains!);
    const ok = statusOk && bodyOk;
    const detail = !statusOk
      ? t`HTTP ${response.status}, expected ${endpoint.expectStatus}`
      : bodyOk
        ? `HTTP ${response.status}`
        : t`HTTP ${response.status} without "${endpoint.contains}" in the body`;
    return { name, url: endpoint.url, ok, status: response.status, latencyMs: elapsed(), detail };
  } catch (err) {
    const error = err as Error & { cause?: { code?: string } };
    const detail =
      error.name === "TimeoutError" || error.name === "AbortError"
        ? t`no answer within ${endpoint.timeoutMs} ms`
        : (error.cause?.code ?? error.message);
    return { name, url: endpoint.url, ok: false, status: undefined, latencyMs: elapsed(), detail };
  }
}
