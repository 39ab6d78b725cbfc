import { placeholders, RUN_ID, strings } from "../smoke/template.js";
import type { ModelIssue } from "./resolve.js";
import type { PlatformInput } from "./schema.js";

/**
 * The cross-field rules of `smokeFlows`: names that must be unique, services that must exist,
 * each step a request or a page, every `${name}` known where it is used, secrets never in a URL,
 * and in prod no write without its cleanup.
 */

type FlowInput = NonNullable<PlatformInput["smokeFlows"]>["flows"][number];
type StepInput = FlowInput["steps"][number];
type RequestInput = NonNullable<StepInput["request"]>;
type Path = (string | number)[];

export function smokeRules(input: PlatformInput): ModelIssue[] {
  const flows = input.smokeFlows?.flows ?? [];
  const services = (input.services ?? []).map((s) => s.name);
  const checks = new Set((input.smokeChecks ?? []).map((c) => c.name));
  const seen = new Map<string, number>();
  return flows.flatMap((flow, i) => {
    const at: Path = ["smokeFlows", "flows", i];
    const issues: ModelIssue[] = [];
    const first = seen.get(flow.name);
    seen.set(flow.name, first ?? i);
    if (first !== undefined || checks.has(flow.name)) {
      const other = first !== undefined ? `also at index ${first}` : "also a smokeChecks name";
      issues.push({ path: [...at, "name"], message: `duplicate name "${flow.name}" (${other})` });
    }
    if (flow.service !== undefined && !services.includes(flow.service)) {
      issues.push({
        path: [...at, "service"],
        message: `unknown service "${flow.service}" (services: ${services.join(", ") || "none declared"})`,
      });
    }
    return [...issues, ...flowIssues(input, flow, at)];
  });
}

/** The steps of one flow, in order: what each may refer to grows with the captures before it. */
function flowIssues(input: PlatformInput, flow: FlowInput, at: Path): ModelIssue[] {
  const secrets = new Set(Object.keys(flow.secrets ?? {}));
  const known = new Set([...secrets, RUN_ID]);
  const secretCaptures = new Set<string>();
  const names = new Set<string>();
  return flow.steps.flatMap((step, j) => {
    const stepAt = [...at, "steps", j];
    const issues = [...shapeIssues(input, step, stepAt)];
    if (names.has(step.name))
      issues.push({ path: [...stepAt, "name"], message: `duplicate step name "${step.name}"` });
    names.add(step.name);
    const hidden = new Set([...secrets, ...secretCaptures]);
    issues.push(...referenceIssues(step, stepAt, known, hidden));
    for (const [name, capture] of Object.entries(step.capture ?? {})) {
      if (known.has(name))
        issues.push({
          path: [...stepAt, "capture", name],
          message: `\${${name}} is already a secret, a capture of an earlier step, or runId`,
        });
      known.add(name);
      if (capture.secret !== false) secretCaptures.add(name);
    }
    if (step.cleanup) {
      const cleanupHidden = new Set([...hidden, ...secretCaptures]);
      issues.push(...requestIssues(step.cleanup, [...stepAt, "cleanup"], known, cleanupHidden));
    }
    return issues;
  });
}

/** A step is a request or a page; what belongs to a request stays off a page. */
function shapeIssues(input: PlatformInput, step: StepInput, at: Path): ModelIssue[] {
  const issues: ModelIssue[] = [];
  if (Boolean(step.request) === Boolean(step.browser))
    issues.push({ path: at, message: "a step has either `request` or `browser`" });
  if (step.browser) {
    for (const key of ["expect", "capture", "writes", "cleanup"] as const)
      if (step[key] !== undefined)
        issues.push({
          path: [...at, key],
          message: `only a \`request\` step has \`${key}\`; a \`browser\` step checks \`visible\``,
        });
  }
  for (const [key, request] of [
    ["request", step.request],
    ["cleanup", step.cleanup],
  ] as const)
    if (request?.json !== undefined && request.form !== undefined)
      issues.push({
        path: [...at, key],
        message: "a request has a `json` or a `form` body, not both",
      });
  if (step.cleanup && !step.writes)
    issues.push({
      path: [...at, "cleanup"],
      message: "only a writing step (`writes: true`) has a cleanup",
    });
  if (step.writes && !step.cleanup && input.environment === "prod")
    issues.push({
      path: [...at, "cleanup"],
      message:
        "required in prod for a writing step: what a smoke flow writes in production must be undone by the flow itself",
    });
  return issues;
}

function referenceIssues(
  step: StepInput,
  at: Path,
  known: ReadonlySet<string>,
  hidden: ReadonlySet<string>,
): ModelIssue[] {
  const issues: ModelIssue[] = [];
  if (step.request) issues.push(...requestIssues(step.request, [...at, "request"], known, hidden));
  if (step.browser) {
    issues.push(...urlIssues(step.browser.url, [...at, "browser", "url"], hidden));
    (step.browser.fill ?? []).forEach((f, k) =>
      issues.push(...unknownIssues([f.value], [...at, "browser", "fill", k, "value"], known)),
    );
    issues.push(...unknownIssues([step.browser.url], [...at, "browser", "url"], known));
  }
  (step.expect?.json ?? []).forEach((check, k) =>
    issues.push(...unknownIssues(strings(check.equals), [...at, "expect", "json", k], known)),
  );
  return issues;
}

function requestIssues(
  request: RequestInput,
  at: Path,
  known: ReadonlySet<string>,
  hidden: ReadonlySet<string>,
): ModelIssue[] {
  return [
    ...urlIssues(request.url, [...at, "url"], hidden),
    ...unknownIssues([request.url], [...at, "url"], known),
    ...unknownIssues(Object.values(request.headers ?? {}), [...at, "headers"], known),
    ...unknownIssues(strings(request.json), [...at, "json"], known),
    ...unknownIssues(Object.values(request.form ?? {}), [...at, "form"], known),
  ];
}

/** Proxies, access logs and browser histories keep URLs: a secret goes in a header or the body. */
function urlIssues(url: string, at: Path, hidden: ReadonlySet<string>): ModelIssue[] {
  return placeholders(url)
    .filter((name) => hidden.has(name))
    .map((name) => ({
      path: at,
      message: `\${${name}} is secret and may not be part of a URL (access logs keep URLs); send it in a header or the body`,
    }));
}

function unknownIssues(
  texts: readonly string[],
  at: Path,
  known: ReadonlySet<string>,
): ModelIssue[] {
  const unknown = [...new Set(texts.flatMap(placeholders))].filter((name) => !known.has(name));
  return unknown.map((name) => ({
    path: at,
    message: `unknown \${${name}}: use a name from the flow's \`secrets\`, a \`capture\` of an earlier step, or \${${RUN_ID}} (known here: ${[...known].join(", ")})`,
  }));
}
