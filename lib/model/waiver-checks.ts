import { isRuleId, RULE_IDS, UNWAIVABLE } from "../policy/catalogue.js";
import type { ModelIssue } from "./resolve.js";
import type { PlatformInput } from "./schema.js";

/**
 * The waivers of `policy.waivers`: each names a rule that exists and may be waived, a real
 * calendar date, and no two waive the same rule on the same resource. Whether a waiver has expired
 * is the policy's business (`waiver-expired`), not the model's: an expired waiver must not stop
 * the stack from loading, or nobody could run a runbook on it.
 */
export function waiverRules(input: PlatformInput): ModelIssue[] {
  const seen = new Map<string, number>();
  return (input.policy?.waivers ?? []).flatMap((waiver, i): ModelIssue[] => {
    const at = (field: string) => ["policy", "waivers", i, field];
    const issues: ModelIssue[] = [];
    if (!isRuleId(waiver.rule)) {
      issues.push({
        path: at("rule"),
        message: `unknown rule "${waiver.rule}" (rules: ${RULE_IDS.join(", ")})`,
      });
    } else if (UNWAIVABLE.includes(waiver.rule)) {
      issues.push({ path: at("rule"), message: `rule "${waiver.rule}" cannot be waived` });
    }
    if (!isCalendarDate(waiver.expires)) {
      issues.push({ path: at("expires"), message: `"${waiver.expires}" is not a calendar date` });
    }
    const key = `${waiver.rule} ${waiver.resource}`;
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push({
        path: at("resource"),
        message: `a second waiver of ${waiver.rule} on ${waiver.resource} (also at index ${first})`,
      });
    }
    seen.set(key, first ?? i);
    return issues;
  });
}

function isCalendarDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}
