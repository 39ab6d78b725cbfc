import { commandNotes, shellLine, type Runnable } from "../command.js";
import { maskSecrets } from "../secret.js";
import { seconds } from "./progress.js";
import type { RunRecord, StepRecord } from "./record.js";
import type { PlannedAction } from "./types.js";

/**
 * The run record as text: a terminal plan for --dry-run, a Markdown plan for a ticket or PR
 * (--plan), and an evidence report to attach to the incident ticket (--report; the logistics
 * support plan, Flujos de atencion, step 4, closes tickets "adjuntando evidencia"). All masked.
 * A command prints as its shell line after `$`; what the line leaves out (a secret in the
 * environment, what guardia does in-process with a pipeline's data) follows as `#` notes, so a
 * pasted block runs exactly the commands.
 */

export function planText(run: RunRecord): string {
  const lines = [
    `Plan: ${run.runbook} on ${run.stack} (${run.environment}, ${run.stackFile})${run.dryRun ? " — dry run, nothing was changed" : ""}`,
  ];
  for (const step of run.steps) {
    const status = step.status === "ok" ? "ran" : step.status;
    lines.push(
      `  ${step.index}. [${step.kind}] ${step.title} — ${status}${step.summary ? `: ${step.summary}` : ""}`,
    );
    if (step.error) lines.push(`       error: ${step.error.split("\n")[0]}`);
    lines.push(...actionLines(step.action).map((l) => `       ${l}`));
  }
  if (run.lock) lines.push(`Lock: ${run.lock}`);
  return maskSecrets(lines.join("\n"));
}

export function actionLines(action: PlannedAction | undefined): string[] {
  if (!action) return [];
  const lines: string[] = [];
  if (action.command) lines.push(...commandText(action.command));
  // Several calls come one per line (a recreate sends a call per collection and relation).
  if (action.call) lines.push(...action.call.split("\n").map((call) => `→ ${call}`));
  if (action.target) lines.push(`target: ${targetText(action.target)}`);
  return lines;
}

/** `$ <shell line>` and its `# notes`, as the terminal plan prints a command. */
function commandText(runnable: Runnable): string[] {
  return [`$ ${shellLine(runnable)}`, ...commandNotes(runnable).map((n) => `# ${n}`)];
}

function targetText(target: Readonly<Record<string, string>>): string {
  return Object.entries(target)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}

export function planMarkdown(run: RunRecord): string {
  return maskSecrets(
    [
      `# Plan: \`${run.runbook}\` on \`${run.stack}\``,
      "",
      ...header(run),
      "",
      ...stepTable(run.steps),
      ...run.steps.flatMap((step) => stepSection(step, false)),
    ].join("\n"),
  );
}

/** Where the report finds a step's attachment: by default, the file where the run kept it. */
export interface ReportOptions {
  readonly attachmentLink?: (file: string) => string;
}

export function reportMarkdown(run: RunRecord, options: ReportOptions = {}): string {
  const outcome = run.outcome === "done" ? "succeeded" : (run.outcome ?? "unknown");
  return maskSecrets(
    [
      `# Evidence: \`${run.runbook}\` on \`${run.stack}\` — ${outcome}`,
      "",
      ...header(run),
      `- Finished: ${run.finishedAt ?? "—"} (${seconds(run.durationMs ?? 0)}), exit code ${run.exitCode ?? "—"}`,
      ...(run.error ? [`- Error: ${run.error.split("\n")[0]}`] : []),
      "",
      ...stepTable(run.steps),
      ...run.steps.flatMap((step) => stepSection(step, true, options.attachmentLink)),
      ...rollbackSection(run),
      ...(run.result === undefined
        ? []
        : ["## Result", "", "```json", JSON.stringify(run.result, null, 2), "```", ""]),
    ].join("\n"),
  );
}

function header(run: RunRecord): string[] {
  const params = Object.entries(run.params)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(", ");
  return [
    `- Stack: \`${run.stack}\` (${run.stackFile}), environment **${run.environment}**`,
    `- Operator: ${run.operator}; started ${run.startedAt}; guardia ${run.guardiaVersion}`,
    `- Parameters: ${params || "none"}`,
    `- Mode: ${run.dryRun ? "dry run (read-only steps ran; nothing was changed)" : "execution"}`,
    ...(run.lock ? [`- Lock: ${run.lock}`] : []),
  ];
}

function stepTable(steps: readonly StepRecord[]): string[] {
  return [
    "| # | step | kind | status | time | summary |",
    "|---|---|---|---|---|---|",
    ...steps.map(
      (s) =>
        `| ${s.index} | ${s.title} | ${s.kind} | ${s.status} | ${s.startedAt ? seconds(s.durationMs) : ""} | ${cell(s.error ?? s.summary ?? "")} |`,
    ),
    "",
  ];
}

function cell(text: string): string {
  return text.split("\n")[0]!.replace(/\|/g, "\\|");
}

function stepSection(
  step: StepRecord,
  withEvidence: boolean,
  link: (file: string) => string = (file) => file,
): string[] {
  const body: string[] = [];
  const command = step.action?.command;
  if (command) body.push(...shellBlock(shellLine(command), commandNotes(command)));
  if (step.action?.call)
    body.push(...step.action.call.split("\n").map((call) => `- API call: \`${call}\``), "");
  if (step.action?.target) body.push(`Target: ${targetText(step.action.target)}`);
  if (withEvidence) {
    if (step.check)
      body.push(
        `Check: ${step.check.ok ? "passed" : "FAILED"}${step.check.message ? ` — ${step.check.message}` : ""}`,
      );
    for (const c of step.commands)
      body.push(
        "",
        `Ran, exit ${c.code} (${seconds(c.durationMs)}):`,
        ...shellBlock(c.command, c.notes),
      );
    if (step.error) body.push("", "Error:", "```", step.error, "```");
    if (step.evidence) body.push("", "```", step.evidence, "```");
    for (const { title, file } of step.attachments ?? [])
      body.push("", `${/\.(png|jpe?g)$/i.test(file) ? "!" : ""}[${title}](<${link(file)}>)`);
  }
  return body.length === 0
    ? []
    : [`### ${step.index}. ${step.title} (${step.kind}, ${step.status})`, "", ...body, ""];
}

function shellBlock(line: string, notes: readonly string[] = []): string[] {
  return ["```sh", line, ...notes.map((n) => `# ${n}`), "```"];
}

function rollbackSection(run: RunRecord): string[] {
  if (run.rollback.length === 0) return [];
  return [
    "## Rollback",
    "",
    ...run.rollback.map((r) => `- ${r.step}: ${r.status}${r.detail ? ` — ${r.detail}` : ""}`),
    "",
  ];
}
