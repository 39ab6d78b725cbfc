import type {
  PolicyResource,
  ReportViolation,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import * as proxy from "@pulumi/policy/proxy.js";
import { RULE_IDS, RULES, type RuleId } from "../lib/policy/catalogue.js";
import { evaluatePolicy, type Verdict } from "../lib/policy/evaluate.js";
import type { PolicyFile } from "../lib/policy/input.js";
import { isProviderResource, policyFiles, toFile } from "../lib/render/files.js";

/**
 * guardia's rules as CrossGuard stack policies. Each policy turns the engine's resources into the
 * files `guardia render` writes and runs the same `evaluatePolicy` on them, waivers included (they
 * travel in the stack ConfigMap), so `pulumi up` fails on exactly what `guardia policy` reports.
 */

/** The error the pack's property proxy throws on reading an unknown value (internal to the package). */
const { UnknownValueError } = proxy as unknown as { UnknownValueError: new () => Error };

/** What a value the engine cannot know during a preview (an ARN not yet assigned) reads as. */
export const UNKNOWN_VALUE = "[unknown until deployed]";

/** Reports what the verdict could not check, and the waivers in force, without failing. */
export const NOTES_POLICY = "guardia-notes";

export function guardiaPolicies(): StackValidationPolicy[] {
  return [
    ...RULE_IDS.map((rule): StackValidationPolicy => ({
      name: rule,
      description: RULES[rule].title,
      enforcementLevel: "mandatory",
      severity: RULES[rule].severity,
      validateStack: (args, report) => reportViolations(verdictOf(args, [rule]), args, report),
    })),
    {
      name: NOTES_POLICY,
      description: "What guardia's policy could not check offline, and the waivers in force",
      enforcementLevel: "advisory",
      validateStack: (args, report) => reportNotes(verdictOf(args), report),
    },
  ];
}

function verdictOf(args: StackValidationArgs, rules?: RuleId[]): Verdict {
  return evaluatePolicy(filesOf(args.resources), rules ? { rules } : {});
}

/** The engine's resources as rendered files, with their URNs by resource name. */
export function filesOf(resources: readonly PolicyResource[]): (PolicyFile & { urn: string })[] {
  return resources
    .filter((r) => isProviderResource(r))
    .map((r) => {
      const [file] = policyFiles([toFile({ type: r.type, name: r.name, inputs: known(r.props) })]);
      return { ...file!, urn: r.urn };
    });
}

function reportViolations(verdict: Verdict, args: StackValidationArgs, report: ReportViolation) {
  const urns = new Map(filesOf(args.resources).map((f) => [f.resource, f.urn]));
  for (const f of verdict.violations) {
    report(
      `${f.resource} (${f.field}): ${f.message}. Fix: ${RULES[f.rule].fix}`,
      urns.get(f.resource),
    );
  }
}

function reportNotes(verdict: Verdict, report: ReportViolation) {
  for (const w of verdict.waivers) {
    report(
      `waiver in force: ${w.rule} on ${w.resource}, owner ${w.owner}, until ${w.expires}: ${w.reason}`,
    );
  }
  for (const note of verdict.notes) report(`not checked: ${note}`);
}

/**
 * A plain copy of the engine's properties. During a preview some are unknown, and the proxy the
 * pack hands out throws on reading one; the copy holds UNKNOWN_VALUE there instead, so one
 * unassigned ARN does not turn every rule into "cannot run during preview".
 */
export function known(value: unknown): Record<string, unknown> {
  return copyKnown(value) as Record<string, unknown>;
}

function copyKnown(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  const read = (key: string | number): unknown => {
    try {
      return copyKnown((value as Record<string | number, unknown>)[key]);
    } catch (err) {
      if (err instanceof UnknownValueError) return UNKNOWN_VALUE;
      throw err;
    }
  };
  if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => read(i));
  return Object.fromEntries(Object.keys(value).map((key) => [key, read(key)]));
}
