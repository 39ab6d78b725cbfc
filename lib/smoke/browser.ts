import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import type { SmokeBrowserStep } from "../model/index.js";
import { maskSecrets } from "../secret.js";
import { printable } from "../user-text.js";
import { fill, shown } from "./template.js";
import { t } from "../i18n/index.js";

/**
 * A browser step: the page in headless Chromium (Debian's `chromium`, driven by playwright-core;
 * no browser is ever downloaded), its real form filled where the flow says so, and a wait until
 * the element that proves the page works is visible. An Angular or React frontend answers 200
 * with an empty shell even when its dashboard is broken; only running its scripts tells. The
 * screenshot is kept whatever happens, with the console errors and failed requests when the
 * element does not show. playwright-core loads here only, so runs without a page never load it.
 */

/** Chromium from the distribution; GUARDIA_CHROMIUM points elsewhere (another path, a test). */
export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/**
 * Headless and quiet: no sandbox (a restricted pod has no user namespaces to build one), no GPU,
 * no QUIC, and none of the background calls home (updates, sync, first-run pages) that a
 * cluster's egress rules would block. /dev/shm is small in a pod; Chromium uses TMPDIR instead.
 */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
] as const;

/** Chromium's own start, apart from the page's time: a loaded node may take several seconds. */
const LAUNCH_TIMEOUT_MS = 60_000;

export interface BrowserOutcome {
  readonly ok: boolean;
  readonly detail: string;
  readonly durationMs: number;
  readonly screenshot: string | undefined;
  readonly consoleErrors: readonly string[];
  readonly failedRequests: readonly string[];
}

/** The step as a plan prints it: what is opened, filled, clicked and awaited. */
export function browserLine(step: SmokeBrowserStep): string {
  return [
    `browser: open ${shown(step.url)}`,
    ...step.fill.map((f) => `fill ${f.selector} with ${shown(f.value)}`),
    ...(step.click ? [`click ${step.click}`] : []),
    `wait until ${step.visible} is visible (${step.timeoutMs} ms)`,
  ].join("; ");
}

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.GUARDIA_CHROMIUM || DEFAULT_CHROMIUM;
}

export async function runBrowserStep(
  step: SmokeBrowserStep,
  values: ReadonlyMap<string, string>,
  screenshot: string,
  signal: AbortSignal,
): Promise<BrowserOutcome> {
  const started = performance.now();
  const { chromium } = await import("playwright-core");
  // A fresh profile each time: no cookie or cache from another run makes a broken login pass.
  const profile = mkdtempSync(path.join(tmpdir(), "guardia-chromium-"));
  const seen = { consoleErrors: [] as string[], failedRequests: [] as string[] };
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: [...CHROMIUM_FLAGS],
    timeout: LAUNCH_TIMEOUT_MS,
  });
  const close = () => void context.close().catch(() => {});
  signal.addEventListener("abort", close);
  let shot: string | undefined;
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    watch(page, seen);
    const problem = await drive(page, step, values);
    shot = await keepScreenshot(page, screenshot);
    const ok = problem === undefined;
    return {
      ok,
      detail: ok ? t`${step.visible} is visible` : failureDetail(problem, seen),
      durationMs: Math.round(performance.now() - started),
      screenshot: shot,
      ...seen,
    };
  } finally {
    signal.removeEventListener("abort", close);
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Console errors, uncaught exceptions, and requests that failed or answered 4xx/5xx, masked. */
function watch(page: Page, seen: { consoleErrors: string[]; failedRequests: string[] }): void {
  const keep = (list: string[], text: string) => list.push(printable(maskSecrets(text), 300));
  page.on("console", (message) => {
    if (message.type() === "error") keep(seen.consoleErrors, message.text());
  });
  page.on("pageerror", (error) => keep(seen.consoleErrors, String(error)));
  page.on("requestfailed", (request) =>
    keep(
      seen.failedRequests,
      `${request.method()} ${request.url()}: ${request.failure()?.errorText ?? "failed"}`,
    ),
  );
  page.on("response", (response) => {
    if (response.status() >= 400)
      keep(
        seen.failedRequests,
        `${response.request().method()} ${response.url()}: HTTP ${response.status()}`,
      );
  });
}

/** Opens, fills, clicks and waits; the problem in words, or undefined when the element shows. */
async function drive(
  page: Page,
  step: SmokeBrowserStep,
  values: ReadonlyMap<string, string>,
): Promise<string | undefined> {
  const deadline = Date.now() + step.timeoutMs;
  const left = () => Math.max(1, deadline - Date.now());
  try {
    const response = await page.goto(fill(step.url, values), {
      timeout: left(),
      waitUntil: "domcontentloaded",
    });
    if (response && response.status() >= 400)
      return t`${shown(step.url)} answered HTTP ${response.status()}`;
    for (const field of step.fill)
      await page.fill(field.selector, fill(field.value, values), { timeout: left() });
    if (step.click) await page.click(step.click, { timeout: left() });
    await page.locator(step.visible).first().waitFor({ state: "visible", timeout: left() });
    return undefined;
  } catch (err) {
    const message = (err as Error).message.split("\n")[0]!;
    return /Timeout/i.test(message)
      ? t`${step.visible} was not visible within ${step.timeoutMs} ms (${message})`
      : message;
  }
}

async function keepScreenshot(page: Page, file: string): Promise<string | undefined> {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    await page.screenshot({ path: file, fullPage: true, timeout: 10_000 });
    return file;
  } catch {
    return undefined;
  }
}

function failureDetail(
  problem: string,
  seen: { consoleErrors: readonly string[]; failedRequests: readonly string[] },
): string {
  const parts = [maskSecrets(problem)];
  if (seen.consoleErrors.length > 0)
    parts.push(t`console errors: ${seen.consoleErrors.slice(0, 5).join(" | ")}`);
  if (seen.failedRequests.length > 0)
    parts.push(t`failed requests: ${seen.failedRequests.slice(0, 5).join(" | ")}`);
  return parts.join("; ");
}
