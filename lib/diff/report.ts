import { structuredPatch } from "diff";
import { stringify } from "yaml";
import { RULES } from "../policy/catalogue.js";
import type { Finding } from "../policy/input.js";
import { findingCells, plural, table, verdictHeadline } from "../policy/report.js";
import type { DiffResult, StackDiff } from "./diff.js";
import type { FieldChange } from "./fields.js";
import { changeSummary, type ResourceChange } from "./resources.js";

/**
 * `guardia diff` as a person reads it. Markdown is one PR comment: the summary per stack and the
 * policy verdict first, each stack's details folded in <details>, cut at GitHub's comment limit
 * with a note naming the file that holds all of it. Text is the same for a terminal. The same
 * result always prints the same bytes.
 */

/** Marks guardia's comment, so a CI job updates it instead of adding another. */
export const COMMENT_MARKER = "<!-- guardia-diff -->";

/** GitHub refuses comments over 65536 characters; the margin keeps the cut note inside it. */
export const GITHUB_COMMENT_LIMIT = 65_536;

const isQuiet = (s: StackDiff) =>
  s.changes.length === 0 &&
  s.meaning.length === 0 &&
  s.runbooks.length === 0 &&
  s.policy.newViolations.length === 0 &&
  s.policy.fixed.length === 0;

function policyCell(s: StackDiff): string {
  if (!s.policy.head) return "—";
  const fresh = s.policy.newViolations.length;
  const fixed = s.policy.fixed.length > 0 ? `, ${s.policy.fixed.length} fixed` : "";
  return fresh > 0
    ? `**${plural(fresh, "new violation")}**${fixed}`
    : `${verdictHeadline(s.policy.head)}${fixed}`;
}

/** What reviewers read first: the verdict, a line per changed stack, new violations, waivers. */
export function markdownHeader(result: DiffResult): string[] {
  const fresh = result.stacks.flatMap((s) =>
    s.policy.newViolations.map((f) => [`\`${s.name}\``, ...findingCells(f)]),
  );
  const changed = result.stacks.filter((s) => !isQuiet(s));
  const quiet = result.stacks.filter(isQuiet).map((s) => `\`${s.name}\``);
  const waivers = result.stacks.flatMap((s) =>
    (s.policy.head?.waivers ?? []).map((w) =>
      [s.name, w.rule, w.resource].map((c) => `\`${c}\``).concat(w.owner, w.expires, w.reason),
    ),
  );
  return [
    COMMENT_MARKER,
    `## guardia diff against \`${result.base.ref}\` (${result.base.commit.slice(0, 12)})`,
    "",
    fresh.length === 0
      ? "**Policy: no new violation.**"
      : `**Policy: ${plural(fresh.length, "new violation")}**: the change breaks rules the base did not.`,
    "",
    ...(changed.length > 0
      ? table(
          ["stack", "environment", "resources", "policy"],
          changed.map((s) => [
            `\`${s.name}\``,
            s.environment ?? "?",
            changeSummary(s.changes),
            policyCell(s),
          ]),
        )
      : ["No stack changes.", ""]),
    ...(quiet.length > 0 ? [`Unchanged: ${quiet.join(", ")}.`, ""] : []),
    ...(fresh.length > 0
      ? [
          "### New violations",
          "",
          ...table(["stack", "rule", "severity", "resource", "field", "problem", "fix"], fresh),
        ]
      : []),
    ...(waivers.length > 0
      ? [
          "### Waivers in force",
          "",
          ...table(["stack", "rule", "resource", "owner", "expires", "reason"], waivers),
        ]
      : []),
  ];
}

export function markdownDetails(s: StackDiff): string[] {
  return [
    `<details><summary><b>${s.name}</b>: ${changeSummary(s.changes)}</summary>`,
    "",
    ...detailSections(s),
    "</details>",
    "",
  ];
}

/** A stack's details: meaning first, then runbook impact, policy and the resources' fields. */
function detailSections(s: StackDiff): string[] {
  return [
    ...section(
      "What it means",
      s.meaning.map((m) => `- ${m}`),
    ),
    ...section("Runbook impact", s.runbooks.flatMap(impactLines)),
    ...section("Policy", policyLines(s)),
    ...section("Resources", s.changes.flatMap(resourceLines)),
  ];
}

function impactLines(r: StackDiff["runbooks"][number]): string[] {
  const what = {
    changed: "its plan changes",
    added: "a new target",
    removed: "no longer a target",
  };
  const lines = [...r.removed.map((l) => `- ${l}`), ...r.added.map((l) => `+ ${l}`)];
  return [`- \`${r.command}\`: ${what[r.kind]}`, ...fence("diff", lines)];
}

function section(title: string, lines: string[]): string[] {
  return lines.length === 0 ? [] : [`#### ${title}`, "", ...lines, ""];
}

function fence(language: string, lines: string[]): string[] {
  return lines.length === 0 ? [] : ["", `\`\`\`${language}`, ...lines, "```", ""];
}

function policyLines(s: StackDiff): string[] {
  const fresh = new Set(s.policy.newViolations);
  const still = (s.policy.head?.violations ?? []).filter((v) => !fresh.has(v));
  return [
    ...s.policy.newViolations.map((f) => `- **new** ${findingText(f)}`),
    ...s.policy.fixed.map((f) => `- fixed: ${findingText(f)}`),
    ...still.map((f) => `- still: ${findingText(f)}`),
    ...(s.policy.head?.waived ?? []).map(
      (f) => `- waived (until ${f.waiver.expires}, ${f.waiver.owner}): ${findingText(f)}`,
    ),
    ...[...(s.policy.head?.notes ?? []), ...s.notes].map((n) => `- note: ${n}`),
  ];
}

function findingText(f: Finding): string {
  return `\`${f.rule}\` (${RULES[f.rule].severity}) \`${f.resource}\` \`${f.field}\`: ${f.message}`;
}

function resourceLines(c: ResourceChange): string[] {
  const name = `\`${c.path.replace(/\.yaml$/, "")}\``;
  if (c.kind === "removed") return [`- removed ${name}`];
  if (c.kind === "added")
    return [
      `- added ${name}`,
      ...fence("yaml", stringify(c.content, { lineWidth: 0 }).trimEnd().split("\n")),
    ];
  return [`- changed ${name}`, ...c.fields.flatMap(fieldLines)];
}

function fieldLines(f: FieldChange & { secret?: true }): string[] {
  const at = `  - \`${f.field}\``;
  if (f.secret) return [`${at}: ${f.kind} (secret: the value is never shown)`];
  if (f.kind === "added") return [`${at}: added${shown(f.after)}`, ...block(f.after)];
  if (f.kind === "removed") return [`${at}: removed${shown(f.before)}`, ...block(f.before)];
  if (isMultiline(f.before) || isMultiline(f.after))
    return [
      `${at}: changed`,
      ...fence("diff", lineDiff(String(f.before ?? ""), String(f.after ?? ""))),
    ];
  return [`${at}: ${value(f.before)} → ${value(f.after)}`];
}

const isMultiline = (v: unknown) => typeof v === "string" && v.includes("\n");
const isStructured = (v: unknown) => typeof v === "object" && v !== null;

/** A scalar inline after "added"/"removed"; a map or list goes in a YAML block below. */
function shown(v: unknown): string {
  return isStructured(v) ? ":" : ` ${value(v)}`;
}

function block(v: unknown): string[] {
  return isStructured(v) ? fence("yaml", stringify(v, { lineWidth: 0 }).trimEnd().split("\n")) : [];
}

/** A value inline: code-quoted, with a longer fence when the value holds a backtick. */
function value(v: unknown): string {
  const text = v === undefined ? "(none)" : typeof v === "string" ? v : JSON.stringify(v);
  const tick = text.includes("`") ? "``" : "`";
  return `${tick}${text.replace(/\n/g, "⏎")}${tick}`;
}

/** Beyond this many lines added or removed, a line-by-line diff says less than the counts. */
const MAX_CHANGED_LINES = 400;

/** The changed lines of a multi-line value, with one line of context, as a unified diff body. */
export function lineDiff(before: string, after: string): string[] {
  const patch = structuredPatch("before", "after", before, after, "", "", {
    context: 1,
    maxEditLength: MAX_CHANGED_LINES,
  });
  if (!patch) {
    const count = (text: string) => text.split("\n").length;
    return [
      `@@ too different to list line by line: ${count(before)} lines → ${count(after)} lines @@`,
    ];
  }
  return patch.hunks.flatMap((h) => [
    `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`,
    ...h.lines,
  ]);
}

export interface MarkdownComment {
  /** What to post: at most `limit` characters. */
  readonly comment: string;
  /** Everything, when the comment had to be cut; undefined otherwise. */
  readonly full: string | undefined;
}

/**
 * The PR comment. When everything does not fit in `limit` characters, stacks' details are left
 * out from the last one on, and a note names `fullFile`, where the whole report is written.
 */
export function markdownComment(
  result: DiffResult,
  fullFile: string,
  limit = GITHUB_COMMENT_LIMIT,
): MarkdownComment {
  const header = markdownHeader(result).join("\n");
  const details = result.stacks
    .filter((s) => !isQuiet(s))
    .map((s) => markdownDetails(s).join("\n"));
  const full = [header, ...details].join("\n");
  if (full.length <= limit) return { comment: full, full: undefined };
  const note = (left: number) =>
    `\n> The whole diff (${full.length} characters) does not fit in one comment: ${left} stack(s) left out here. All of it is in \`${fullFile}\` (\`guardia diff --base ${result.base.ref} --format md\` prints it).\n`;
  let comment = fitLines(header, limit - note(details.length).length);
  let shown = 0;
  for (const part of details) {
    const next = `${comment}\n${part}`;
    if (next.length + note(details.length - shown - 1).length > limit) break;
    comment = next;
    shown++;
  }
  return { comment: `${comment}${note(details.length - shown)}`, full };
}

/** The longest run of whole lines of `text` within `limit` characters. */
function fitLines(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  return cut.slice(0, Math.max(0, cut.lastIndexOf("\n")));
}

/** For a terminal: the summary line of every stack, then the details of those that changed. */
export function textReport(result: DiffResult): string {
  const lines = [
    `guardia diff against ${result.base.ref} (${result.base.commit.slice(0, 12)})`,
    "",
  ];
  for (const s of result.stacks) {
    const policy = s.policy.head ? policyCell(s).replace(/\*\*/g, "") : "not rendered";
    lines.push(
      `${s.name} (${s.environment ?? "?"}): ${changeSummary(s.changes)}; policy ${policy}`,
    );
  }
  for (const s of result.stacks.filter((s) => !isQuiet(s))) {
    lines.push("", `=== ${s.name} ===`, "", ...detailSections(s));
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
