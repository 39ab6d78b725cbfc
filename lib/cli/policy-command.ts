import { EXIT, UsageError } from "../errors.js";
import { t } from "../i18n/index.js";
import { RULES } from "../policy/catalogue.js";
import type { Verdict } from "../policy/evaluate.js";
import { verdictMarkdown, verdictText } from "../policy/report.js";
import { renderStacks } from "../render/render.js";
import { projectStackFiles } from "../model/index.js";
import { parseFlags, POLICY_FLAGS } from "./flags.js";
import { quoted } from "../user-text.js";

const FORMATS = ["text", "md", "json"] as const;

/** `guardia policy [--stack <s>] [--format text|md|json]`: exit 1 when a stack violates a rule. */
export async function policyCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, POLICY_FLAGS) as { stack?: string; format?: string };
  const format = flags.format ?? "text";
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(t`--format: expected one of ${FORMATS.join(", ")}, got ${quoted(format)}`);
  }
  const renders = await renderStacks(flags.stack ? [flags.stack] : projectStackFiles());
  const verdicts = renders.map((r) => r.verdict);
  process.stdout.write(`${formatVerdicts(verdicts, format)}\n`);
  return verdicts.some((v) => v.violations.length > 0) ? EXIT.failed : EXIT.ok;
}

function formatVerdicts(verdicts: readonly Verdict[], format: string): string {
  if (format === "json") {
    const withRules = verdicts.map((v) => ({
      ...v,
      violations: v.violations.map((f) => ({ ...f, ...RULES[f.rule] })),
      waived: v.waived.map((f) => ({ ...f, ...RULES[f.rule] })),
    }));
    return JSON.stringify(withRules, null, 2);
  }
  if (format === "md") {
    return verdicts.flatMap((v) => [`# ${v.stack}`, "", ...verdictMarkdown(v)]).join("\n");
  }
  return verdicts.map(verdictText).join("\n");
}
