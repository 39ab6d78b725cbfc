import { commandNotes, shellLine, type Runnable } from "../command.js";
import { t } from "../i18n/index.js";
import { maskSecrets } from "../secret.js";
import { seconds } from "./progress.js";
import type { Outcome, RollbackRecord, RunRecord, StepRecord, StepStatus } from "./record.js";
import type { PlannedAction, StepKind } from "./types.js";

/**
 * The run record as text: a terminal plan for --dry-run, a Markdown plan for a ticket or PR
 * (--plan), and an evidence report to attach to the incident ticket (--report; the logistics
 * support plan, Flujos de atencion, step 4, closes tickets "adjuntando evidencia"). All masked.
 * A command prints as its shell line after `$`; what the line leaves out (a secret in the
 * environment, what guardia does in-process with a pipeline's data) follows as `#` notes, so a
 * pasted block runs exactly the commands.
 */

export function planText(run: RunRecord): string {
  const { runbook, stack, environment, stackFile } = run;
  const lines = [
    run.dryRun
      ? t`Plan: ${runbook} on ${stack} (${environment}, ${stackFile}) — dry run, nothing was changed`
      : t`Plan: ${runbook} on ${stack} (${environment}, ${stackFile})`,
  ];
  for (const step of run.steps) {
    const status = step.status === "ok" ? t`ran` : statusText(step.status);
    lines.push(
      `  ${step.index}. [${kindText(step.kind)}] ${step.title} — ${status}${step.summary ? `: ${step.summary}` : ""}`,
    );
    if (step.error) lines.push(`       ${t`error: ${step.error.split("\n")[0]}`}`);
    lines.push(...actionLines(step.action).map((l) => `       ${l}`));
  }
  if (run.lock) lines.push(t`Lock: ${run.lock}`);
  return maskSecrets(lines.join("\n"));
}

/** A step's kind as the plans print it; the record keeps the English value. */
function kindText(kind: StepKind): string {
  return kind === "read" ? t`read` : t`change`;
}

/** A status as the plans and the report print it; the record keeps the English value. */
function statusText(status: StepStatus | RollbackRecord["status"]): string {
  switch (status) {
    case "ok":
      return t`ok`;
    case "failed":
      return t`failed`;
    case "planned":
      return t`planned`;
    case "rolled-back":
      return t`rolled-back`;
    case "not-run":
      return t`not-run`;
    case "rollback-failed":
      return t`rollback-failed`;
    case "manual":
      return t`manual`;
  }
}

export function actionLines(action: PlannedAction | undefined): string[] {
  if (!action) return [];
  const lines: string[] = [];
  if (action.command) lines.push(...commandText(action.command));
  // Several calls come one per line (a recreate sends a call per collection and relation).
  if (action.call) lines.push(...action.call.split("\n").map((call) => `→ ${call}`));
  if (action.target) lines.push(t`target: ${targetText(action.target)}`);
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
      t`# Plan: \`${run.runbook}\` on \`${run.stack}\``,
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
  const outcome = outcomeText(run.outcome);
  const finished = run.finishedAt ?? "—";
  const exitCode = run.exitCode ?? "—";
  return maskSecrets(
    [
      t`# Evidence: \`${run.runbook}\` on \`${run.stack}\` — ${outcome}`,
      "",
      ...header(run),
      t`- Finished: ${finished} (${seconds(run.durationMs ?? 0)}), exit code ${exitCode}`,
      ...(run.error ? [t`- Error: ${run.error.split("\n")[0]}`] : []),
      "",
      ...stepTable(run.steps),
      ...run.steps.flatMap((step) => stepSection(step, true, options.attachmentLink)),
      ...rollbackSection(run),
      ...(run.result === undefined
        ? []
        : [t`## Result`, "", "```json", JSON.stringify(run.result, null, 2), "```", ""]),
    ].join("\n"),
  );
}

/**
 * A run's outcome in words (the report's title, an incident's timeline); the record keeps the
 * English value, and a value this version does not know prints as it is.
 */
export function outcomeText(outcome: Outcome | string | undefined): string {
  switch (outcome) {
    case "done":
      return t`succeeded`;
    case "planned":
      return t`planned`;
    case "failed":
      return t`failed`;
    case "refused":
      return t`refused`;
    case "bad-input":
      return t`bad-input`;
    case undefined:
      return t`unknown`;
    default:
      return outcome;
  }
}

function header(run: RunRecord): string[] {
  const { stack, stackFile, environment, operator, startedAt, guardiaVersion } = run;
  const params = Object.entries(run.params)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(", ");
  return [
    t`- Stack: \`${stack}\` (${stackFile}), environment **${environment}**`,
    t`- Operator: ${operator}; started ${startedAt}; guardia ${guardiaVersion}`,
    t`- Parameters: ${params || t`none`}`,
    t`- Mode: ${run.dryRun ? t`dry run (read-only steps ran; nothing was changed)` : t`execution`}`,
    ...(run.lock ? [t`- Lock: ${run.lock}`] : []),
  ];
}

function stepTable(steps: readonly StepRecord[]): string[] {
  return [
    t`| # | step | kind | status | time | summary |`,
    "|---|---|---|---|---|---|",
    ...steps.map(
      (s) =>
        `| ${s.index} | ${s.title} | ${kindText(s.kind)} | ${statusText(s.status)} | ${s.startedAt ? seconds(s.durationMs) : ""} | ${cell(s.error ?? s.summary ?? "")} |`,
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
    body.push(...step.action.call.split("\n").map((call) => t`- API call: \`${call}\``), "");
  if (step.action?.target) body.push(t`Target: ${targetText(step.action.target)}`);
  if (withEvidence) {
    if (step.check) body.push(checkText(step.check));
    for (const c of step.commands)
      body.push(
        "",
        t`Ran, exit ${c.code} (${seconds(c.durationMs)}):`,
        ...shellBlock(c.command, c.notes),
      );
    if (step.error) body.push("", t`Error:`, "```", step.error, "```");
    if (step.evidence) body.push("", "```", step.evidence, "```");
    for (const { title, file } of step.attachments ?? [])
      body.push("", `${/\.(png|jpe?g)$/i.test(file) ? "!" : ""}[${title}](<${link(file)}>)`);
  }
  return body.length === 0
    ? []
    : [
        `### ${step.index}. ${step.title} (${kindText(step.kind)}, ${statusText(step.status)})`,
        "",
        ...body,
        "",
      ];
}

function checkText(check: NonNullable<StepRecord["check"]>): string {
  const message = check.message ? ` — ${check.message}` : "";
  return check.ok ? t`Check: passed${message}` : t`Check: FAILED${message}`;
}

function shellBlock(line: string, notes: readonly string[] = []): string[] {
  return ["```sh", line, ...notes.map((n) => `# ${n}`), "```"];
}

function rollbackSection(run: RunRecord): string[] {
  if (run.rollback.length === 0) return [];
  return [
    t`## Rollback`,
    "",
    ...run.rollback.map(
      (r) => `- ${r.step}: ${statusText(r.status)}${r.detail ? ` — ${r.detail}` : ""}`,
    ),
    "",
  ];
}
