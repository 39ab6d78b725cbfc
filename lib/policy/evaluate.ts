import type { WaiverInput } from "../model/schema.js";
import { RULES, type RuleId } from "./catalogue.js";
import {
  GUARDIA_ROOT,
  modelOf,
  todayUtc,
  type Finding,
  type PolicyFile,
  type PolicyInput,
} from "./input.js";
import { alertContract, alertRunbookUrl, unverifiedRunbookUrls } from "./rules/alerts.js";
import {
  bucketEncrypted,
  bucketObjectLockProd,
  bucketPublicAccessBlocked,
  bucketTlsOnly,
  bucketVersioning,
  iamBackupRoleScope,
  iamNoWildcard,
} from "./rules/aws.js";
import {
  prodBackupRetention,
  prodRestoreDrill,
  prodServiceProbe,
  prodServiceSlo,
} from "./rules/operations.js";
import { imagePinned, podResources, podRestricted } from "./rules/pods.js";
import { noPlaintextSecret, receiverSecretByReference } from "./rules/secrets.js";

/**
 * Runs the rules over one stack's rendered resources and applies the stack's waivers. This one
 * function is what `guardia render`, `guardia policy`, `guardia diff` and the CrossGuard pack call.
 */

type Check = (input: PolicyInput) => Finding[];

const CHECKS: Readonly<Record<Exclude<RuleId, "waiver-expired">, Check>> = {
  "pod-restricted": podRestricted,
  "pod-resources": podResources,
  "image-pinned": imagePinned,
  "bucket-public-access-blocked": bucketPublicAccessBlocked,
  "bucket-encrypted": bucketEncrypted,
  "bucket-tls-only": bucketTlsOnly,
  "bucket-versioning": bucketVersioning,
  "bucket-object-lock-prod": bucketObjectLockProd,
  "iam-backup-role-scope": iamBackupRoleScope,
  "iam-no-wildcard": iamNoWildcard,
  "no-plaintext-secret": noPlaintextSecret,
  "receiver-secret-by-reference": receiverSecretByReference,
  "prod-backup-retention": prodBackupRetention,
  "prod-restore-drill": prodRestoreDrill,
  "prod-service-probe": prodServiceProbe,
  "prod-service-slo": prodServiceSlo,
  "alert-contract": alertContract,
  "alert-runbook-url": alertRunbookUrl,
};

export interface WaivedFinding extends Finding {
  readonly waiver: WaiverInput;
}

export interface Verdict {
  readonly stack: string;
  /** Rules that applied: every rule, or the subset asked for. */
  readonly rules: readonly RuleId[];
  readonly violations: readonly Finding[];
  readonly waived: readonly WaivedFinding[];
  /** Waivers within their expiry date, whether or not something needed them. */
  readonly waivers: readonly WaiverInput[];
  /** What could not be checked, and waivers that match nothing. */
  readonly notes: readonly string[];
}

export interface EvaluateOptions {
  /** Stack name for the verdict; @default `<platform>-<environment>` from the model. */
  readonly stackName?: string;
  /** @default today (UTC) */
  readonly today?: string;
  /** @default guardia's own root */
  readonly guardiaRoot?: string;
  /** @default every rule */
  readonly rules?: readonly RuleId[];
}

export function evaluatePolicy(
  files: readonly PolicyFile[],
  options: EvaluateOptions = {},
): Verdict {
  const notes: string[] = [];
  const input: PolicyInput = {
    files,
    stack: readModel(files, options.stackName, notes),
    today: options.today ?? todayUtc(),
    guardiaRoot: options.guardiaRoot ?? GUARDIA_ROOT,
  };
  const rules = options.rules ?? (Object.keys(RULES) as RuleId[]);
  const findings = rules.flatMap((rule) => (rule === "waiver-expired" ? [] : CHECKS[rule](input)));
  if (rules.includes("alert-runbook-url")) notes.push(...unverifiedRunbookUrls(input));
  const waivers = input.stack?.input.policy?.waivers ?? [];
  const inForce = waivers.filter((w) => w.expires >= input.today);
  const expired = rules.includes("waiver-expired") ? expiredWaivers(waivers, input.today) : [];
  const violations: Finding[] = [...expired];
  const waived: WaivedFinding[] = [];
  for (const finding of findings) {
    const waiver = inForce.find((w) => w.rule === finding.rule && w.resource === finding.resource);
    if (waiver) waived.push({ ...finding, waiver });
    else violations.push(finding);
  }
  if (!options.rules) notes.push(...unusedWaivers(inForce, waived));
  return {
    stack: options.stackName ?? input.stack?.name ?? "(no model)",
    rules,
    violations: violations.sort(byImportance),
    waived: waived.sort(byImportance),
    waivers: inForce,
    notes,
  };
}

function readModel(files: readonly PolicyFile[], stackName: string | undefined, notes: string[]) {
  try {
    const stack = modelOf(files, stackName);
    if (!stack && files.length > 0)
      notes.push("no stack ConfigMap among the resources: rules that need the model did not run");
    return stack;
  } catch (err) {
    notes.push(
      `the stack ConfigMap does not load, so rules that need the model did not run: ${(err as Error).message.split("\n")[0]}`,
    );
    return undefined;
  }
}

function expiredWaivers(waivers: readonly WaiverInput[], today: string): Finding[] {
  return waivers.flatMap((waiver, i) =>
    waiver.expires < today
      ? [
          {
            rule: "waiver-expired" as const,
            resource: waiver.resource,
            field: `guardia:platform.policy.waivers[${i}].expires`,
            message: `the waiver of ${waiver.rule} on ${waiver.resource} (owner ${waiver.owner}) expired on ${waiver.expires}`,
          },
        ]
      : [],
  );
}

function unusedWaivers(
  inForce: readonly WaiverInput[],
  waived: readonly WaivedFinding[],
): string[] {
  return inForce
    .filter((w) => !waived.some((f) => f.waiver === w))
    .map((w) => `the waiver of ${w.rule} on ${w.resource} matches no finding: remove it`);
}

/** Code-point order: the same on every machine, whatever its locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

function byImportance(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[RULES[a.rule].severity] - SEVERITY_RANK[RULES[b.rule].severity] ||
    compareText(a.rule, b.rule) ||
    compareText(a.resource, b.resource) ||
    compareText(a.field, b.field) ||
    compareText(a.message, b.message)
  );
}

/**
 * A violation's identity across two renders: the rule and the resource. `guardia diff` fails only
 * on violations whose key the base did not have, so a message that changes wording (another
 * retention figure) is not a new violation.
 */
export function findingKey(finding: Finding): string {
  return `${finding.rule} ${finding.resource}`;
}
