import { RULES } from "./catalogue.js";
import type { Verdict } from "./evaluate.js";
import type { Finding } from "./input.js";

/**
 * A verdict as a person reads it: lines for the terminal (`guardia policy`), Markdown for
 * SUMMARY.md and the PR comment. Each violation names its rule, severity, resource and field,
 * says what is wrong and how to fix it; waivers in force are listed whether used or not.
 */

export function verdictHeadline(verdict: Verdict): string {
  const counts = [
    plural(verdict.violations.length, "violation"),
    ...(verdict.waived.length > 0 ? [`${verdict.waived.length} waived`] : []),
  ];
  return `${verdict.violations.length === 0 ? "passes" : "FAILS"}: ${counts.join(", ")} (${plural(verdict.rules.length, "rule")})`;
}

export function verdictText(verdict: Verdict): string {
  const lines = [`policy ${verdict.stack}: ${verdictHeadline(verdict)}`];
  for (const f of verdict.violations) {
    lines.push(`  violation ${findingLine(f)}`, `      fix: ${RULES[f.rule].fix}`);
  }
  for (const f of verdict.waived) lines.push(`  waived    ${findingLine(f)}`);
  for (const w of verdict.waivers) {
    lines.push(
      `  waiver    ${w.rule} on ${w.resource}, owner ${w.owner}, until ${w.expires}: ${w.reason}`,
    );
  }
  for (const note of verdict.notes) lines.push(`  note      ${note}`);
  return lines.join("\n");
}

function findingLine(f: Finding): string {
  return `[${RULES[f.rule].severity}] ${f.rule} ${f.resource} (${f.field}): ${f.message}`;
}

/** The verdict as Markdown sections under `level` (## in SUMMARY.md, #### in a PR comment). */
export function verdictMarkdown(verdict: Verdict, level = "##"): string[] {
  const lines = [`${level} Policy`, "", `**${verdictHeadline(verdict)}**`, ""];
  if (verdict.violations.length > 0) {
    const header = ["rule", "severity", "resource", "field", "problem", "fix"];
    lines.push(...table(header, verdict.violations.map(findingCells)));
  }
  if (verdict.waivers.length > 0) {
    const rows = verdict.waivers.map((w) => {
      const used = verdict.waived.filter((f) => f.waiver === w).length;
      return [`\`${w.rule}\``, `\`${w.resource}\``, w.owner, w.expires, w.reason, String(used)];
    });
    const header = ["rule", "resource", "owner", "expires", "reason", "waives"];
    lines.push(`${level}# Waivers in force`, "", ...table(header, rows));
  }
  if (verdict.notes.length > 0) {
    lines.push(`${level}# Not checked`, "", ...verdict.notes.map((n) => `- ${n}`), "");
  }
  return lines;
}

/** A violation as table cells: rule, severity, resource, field, problem, fix. */
export function findingCells(f: Finding): string[] {
  const code = (text: string) => `\`${text}\``;
  return [
    code(f.rule),
    RULES[f.rule].severity,
    code(f.resource),
    code(f.field),
    f.message,
    RULES[f.rule].fix,
  ];
}

/** A Markdown table, followed by an empty line. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [row(header), `|${header.map(() => "---").join("|")}|`, ...rows.map(row), ""];
}

export function row(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, "\\|").replace(/\n/g, " ")).join(" | ")} |`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
