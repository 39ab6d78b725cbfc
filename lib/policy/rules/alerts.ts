import { existsSync } from "node:fs";
import path from "node:path";
import { RUNBOOKS } from "../../../runbooks/index.js";
import { DEFAULT_RUNBOOK_BASE_URL } from "../../model/defaults.js";
import { SEVERITY } from "../../monitoring/contract.js";
import { asArray, isRecord, type Finding, type PolicyInput } from "../input.js";

/**
 * The alert contract on every rendered alert rule: its labels and annotations, and a runbook_url
 * that leads somewhere. Under the default base URL the page is a file in guardia's docs/runbooks;
 * under a custom one it cannot be fetched offline, which the verdict says instead of passing.
 */

const CONTRACT_LABELS = ["priority", "severity", "platform", "environment", "namespace"];
const CONTRACT_ANNOTATIONS = ["summary", "description", "runbook_url", "guardia_command"];
const SUBJECT_LABELS = ["service", "database", "dependency", "schedule"];

interface AlertRef {
  readonly resource: string;
  readonly field: string;
  /** "EndpointDown (service nocobase)". */
  readonly name: string;
  readonly labels: Record<string, unknown>;
  readonly annotations: Record<string, unknown>;
}

function alerts(input: PolicyInput): AlertRef[] {
  return input.files
    .filter((f) => f.content.kind === "PrometheusRule")
    .flatMap((file) =>
      asArray((file.content.spec as { groups?: unknown } | undefined)?.groups)
        .filter(isRecord)
        .flatMap((group, g) =>
          asArray(group.rules)
            .filter(isRecord)
            .flatMap((rule, r) => {
              if (typeof rule.alert !== "string") return [];
              const labels = isRecord(rule.labels) ? rule.labels : {};
              const subject = SUBJECT_LABELS.filter((k) => labels[k])
                .map((k) => `${k} ${String(labels[k])}`)
                .join(", ");
              return [
                {
                  resource: file.resource,
                  field: `spec.groups[${g}].rules[${r}]`,
                  name: subject ? `${rule.alert} (${subject})` : rule.alert,
                  labels,
                  annotations: isRecord(rule.annotations) ? rule.annotations : {},
                },
              ];
            }),
        ),
    );
}

export function alertContract(input: PolicyInput): Finding[] {
  return alerts(input).flatMap((alert) => {
    const problems: [string, string][] = [
      ...CONTRACT_LABELS.filter((k) => !alert.labels[k]).map((k): [string, string] => [
        `labels.${k}`,
        `has no ${k} label`,
      ]),
      ...CONTRACT_ANNOTATIONS.filter((k) => !alert.annotations[k]).map((k): [string, string] => [
        `annotations.${k}`,
        `has no ${k} annotation`,
      ]),
    ];
    const priority = String(alert.labels.priority ?? "");
    if (alert.labels.priority && !Object.hasOwn(SEVERITY, priority)) {
      problems.push(["labels.priority", `has priority ${priority}, not one of P1..P4`]);
    } else if (
      alert.labels.severity &&
      alert.labels.severity !== SEVERITY[priority as keyof typeof SEVERITY]
    ) {
      problems.push([
        "labels.severity",
        `has severity ${String(alert.labels.severity)} for ${priority} (expected ${SEVERITY[priority as keyof typeof SEVERITY]})`,
      ]);
    }
    return problems.map(([field, problem]) => ({
      rule: "alert-contract" as const,
      resource: alert.resource,
      field: `${alert.field}.${field}`,
      message: `alert ${alert.name} ${problem}`,
    }));
  });
}

/** The runbook a runbook URL names: the last path segment without ".md". */
function runbookOf(url: string): string {
  return url.slice(url.lastIndexOf("/") + 1).replace(/\.md$/, "");
}

function isDefaultUrl(url: string): boolean {
  return url.startsWith(`${DEFAULT_RUNBOOK_BASE_URL}/`);
}

export function alertRunbookUrl(input: PolicyInput): Finding[] {
  return alerts(input).flatMap((alert) => {
    const url = alert.annotations.runbook_url;
    if (typeof url !== "string" || url === "") return [];
    const runbook = runbookOf(url);
    let problem: string | undefined;
    if (!Object.hasOwn(RUNBOOKS, runbook)) {
      problem = `names runbook "${runbook}", which guardia does not have`;
    } else if (
      isDefaultUrl(url) &&
      !existsSync(path.join(input.guardiaRoot, "docs", "runbooks", `${runbook}.md`))
    ) {
      problem = `points at docs/runbooks/${runbook}.md, which does not exist`;
    }
    return problem
      ? [
          {
            rule: "alert-runbook-url" as const,
            resource: alert.resource,
            field: `${alert.field}.annotations.runbook_url`,
            message: `alert ${alert.name}: runbook_url ${problem}`,
          },
        ]
      : [];
  });
}

/** What alert-runbook-url could not check: pages under a custom base URL, one line per base. */
export function unverifiedRunbookUrls(input: PolicyInput): string[] {
  const bases = new Map<string, number>();
  for (const alert of alerts(input)) {
    const url = alert.annotations.runbook_url;
    if (typeof url !== "string" || url === "" || isDefaultUrl(url)) continue;
    const base = url.slice(0, url.lastIndexOf("/"));
    bases.set(base, (bases.get(base) ?? 0) + 1);
  }
  return [...bases.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([base, n]) =>
        `alert-runbook-url: ${n} runbook URL(s) under ${base} (a custom monitoring.runbookBaseUrl) name runbooks guardia has, but whether the pages exist cannot be checked offline`,
    );
}
