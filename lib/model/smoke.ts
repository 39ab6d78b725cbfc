import { CronSchedule } from "./cron.js";
import { DEFAULTS, ENVIRONMENT_DEFAULTS } from "./defaults.js";
import type { SecretRef } from "./fields.js";
import type { PlatformInput } from "./schema.js";

/**
 * The resolved smoke flows of a stack (`smokeFlows`, and the older `smokeChecks` as flows of one
 * GET step), every default filled in. lib/smoke runs them; infra/smoke.ts schedules them.
 */

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface SmokeRequest {
  readonly method: HttpMethod;
  /** May hold `${name}` placeholders after the host. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly json: unknown;
  readonly form: Readonly<Record<string, string>> | undefined;
  readonly timeoutMs: number;
}

export interface SmokeJsonCheck {
  readonly path: string;
  readonly equals: string | number | boolean | undefined;
  readonly nonEmpty: boolean;
}

export interface SmokeExpect {
  readonly status: number;
  readonly json: readonly SmokeJsonCheck[];
  readonly contains: string | undefined;
}

export interface SmokeRequestStep {
  readonly kind: "request";
  readonly name: string;
  readonly request: SmokeRequest;
  readonly expect: SmokeExpect;
  readonly capture: Readonly<Record<string, { readonly json: string; readonly secret: boolean }>>;
  readonly writes: boolean;
  readonly cleanup: SmokeRequest | undefined;
}

export interface SmokeBrowserStep {
  readonly kind: "browser";
  readonly name: string;
  readonly url: string;
  readonly fill: readonly { readonly selector: string; readonly value: string }[];
  readonly click: string | undefined;
  readonly visible: string;
  readonly timeoutMs: number;
}

export type SmokeStep = SmokeRequestStep | SmokeBrowserStep;

export interface SmokeFlow {
  readonly name: string;
  readonly service: string | undefined;
  readonly description: string | undefined;
  readonly secrets: Readonly<Record<string, SecretRef>>;
  readonly steps: readonly SmokeStep[];
  /** A step writes, so the flow runs only where the stack allows writes. */
  readonly writes: boolean;
}

export interface Smoke {
  readonly flows: readonly SmokeFlow[];
  /** When the CronJob runs them; undefined: no CronJob (turned off, or no `smokeFlows`). */
  readonly cron: CronSchedule | undefined;
  readonly browserImage: string | undefined;
  readonly allowWrites: boolean;
}

type SmokeFlowsInput = NonNullable<PlatformInput["smokeFlows"]>;
type FlowInput = SmokeFlowsInput["flows"][number];
type StepInput = FlowInput["steps"][number];
type RequestInput = NonNullable<StepInput["request"]>;

export function resolveSmoke(input: PlatformInput): Smoke {
  const given = input.smokeFlows;
  const cron = given?.cron === null ? undefined : (given?.cron ?? defaultCron(input));
  return {
    flows: [...(input.smokeChecks ?? []).map(checkAsFlow), ...(given?.flows ?? []).map(flow)],
    cron: given && cron ? CronSchedule.parse(cron) : undefined,
    browserImage: given?.browserImage,
    allowWrites: given?.allowWrites ?? DEFAULTS.smoke.allowWrites,
  };
}

function defaultCron(input: PlatformInput): string {
  return ENVIRONMENT_DEFAULTS[input.environment].smokeCron;
}

function flow(given: FlowInput): SmokeFlow {
  const steps = given.steps.map(step);
  return {
    name: given.name,
    service: given.service,
    description: given.description,
    secrets: given.secrets ?? {},
    steps,
    writes: steps.some((s) => s.kind === "request" && s.writes),
  };
}

function step(given: StepInput): SmokeStep {
  if (given.browser) {
    const b = given.browser;
    return {
      kind: "browser",
      name: given.name,
      url: b.url,
      fill: b.fill ?? [],
      click: b.click,
      visible: b.visible,
      timeoutMs: b.timeoutMs ?? DEFAULTS.smoke.browserTimeoutMs,
    };
  }
  // The model's checks refused a step with neither a request nor a browser.
  return {
    kind: "request",
    name: given.name,
    request: request(given.request!),
    expect: {
      status: given.expect?.status ?? DEFAULTS.smoke.expectStatus,
      json: (given.expect?.json ?? []).map((c) => ({
        path: c.path,
        equals: c.equals,
        nonEmpty: c.nonEmpty ?? false,
      })),
      contains: given.expect?.contains,
    },
    capture: Object.fromEntries(
      Object.entries(given.capture ?? {}).map(([name, c]) => [
        name,
        { json: c.json, secret: c.secret ?? DEFAULTS.smoke.captureSecret },
      ]),
    ),
    writes: given.writes ?? DEFAULTS.smoke.writes,
    cleanup: given.cleanup && request(given.cleanup),
  };
}

function request(given: RequestInput): SmokeRequest {
  return {
    method: given.method ?? DEFAULTS.smoke.method,
    url: given.url,
    headers: given.headers ?? {},
    json: given.json,
    form: given.form,
    timeoutMs: given.timeoutMs ?? DEFAULTS.smoke.requestTimeoutMs,
  };
}

/** A smoke check as it always ran: one GET, its status, maybe a text in the body. */
function checkAsFlow(check: NonNullable<PlatformInput["smokeChecks"]>[number]): SmokeFlow {
  return {
    name: check.name,
    service: undefined,
    description: undefined,
    secrets: {},
    writes: false,
    steps: [
      {
        kind: "request",
        name: "get",
        request: {
          method: "GET",
          url: check.url,
          headers: {},
          json: undefined,
          form: undefined,
          timeoutMs: check.timeoutMs ?? DEFAULTS.smokeCheck.timeoutMs,
        },
        expect: {
          status: check.expectStatus ?? DEFAULTS.smokeCheck.expectStatus,
          json: [],
          contains: check.contains,
        },
        capture: {},
        writes: false,
        cleanup: undefined,
      },
    ],
  };
}
