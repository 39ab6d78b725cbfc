import { appendFileSync, mkdirSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import type { CommandRecord } from "../command.js";
import { maskDeep } from "../secret.js";
import type { RunRecord } from "./record.js";
import { stateDir } from "./state-dir.js";

/**
 * One JSON Lines record per run (dry runs and refusals too): who, which stack and runbook, the
 * params, every step with its start, duration, outcome and the commands it ran (the shell line its
 * plan printed), the exit code and guardia's version. The INATrace operations manual, 4.2
 * Procedimiento General de Backup, asks to "registrar fecha, hora y responsable" for every
 * backup. In a cluster job (GUARDIA_AUDIT_STDOUT=1) the record also goes to stdout, where the
 * cluster's log pipeline keeps it.
 */
export interface AuditRecord {
  readonly type: "guardia.audit.v1";
  readonly time: string;
  readonly host: string;
  readonly operator: string;
  readonly stack: string;
  readonly stackFile: string;
  readonly runbook: string;
  readonly params: Record<string, unknown>;
  readonly dryRun: boolean;
  readonly outcome: string | undefined;
  readonly exitCode: number | undefined;
  readonly error: string | undefined;
  readonly lock: string | undefined;
  readonly steps: readonly {
    title: string;
    kind: string;
    status: string;
    startedAt: string | undefined;
    durationMs: number;
    /** The step's one line ("deleted the tokens of 3 user(s): ids 4, 9, 12"). */
    summary: string | undefined;
    commands: readonly Pick<CommandRecord, "command" | "notes" | "code">[];
    /** The API calls it planned (and sent), as the plan printed them. */
    calls?: readonly string[];
    error: string | undefined;
  }[];
  readonly rollback: RunRecord["rollback"];
  readonly durationMs: number | undefined;
  readonly guardiaVersion: string;
  /** The evidence report the run wrote (`--report`), so a timeline can link it. */
  readonly report?: string;
}

export function auditFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.GUARDIA_AUDIT_FILE || path.join(stateDir(env), "audit.jsonl");
}

export function toAuditRecord(run: RunRecord, report?: string): AuditRecord {
  return maskDeep({
    type: "guardia.audit.v1",
    time: run.startedAt,
    host: hostname(),
    operator: run.operator,
    stack: run.stack,
    stackFile: run.stackFile,
    runbook: run.runbook,
    params: run.params,
    dryRun: run.dryRun,
    outcome: run.outcome,
    exitCode: run.exitCode,
    error: run.error,
    lock: run.lock,
    steps: run.steps.map((s) => ({
      title: s.title,
      kind: s.kind,
      status: s.status,
      startedAt: s.startedAt,
      durationMs: s.durationMs,
      summary: s.summary,
      commands: s.commands.map(({ command, notes, code }) => ({ command, notes, code })),
      ...(s.action?.call && { calls: s.action.call.split("\n") }),
      error: s.error,
    })),
    rollback: run.rollback,
    durationMs: run.durationMs,
    guardiaVersion: run.guardiaVersion,
    ...(report !== undefined && { report }),
  });
}

/**
 * Appends the record; returns the file, or throws with the reason (the caller warns). With
 * GUARDIA_AUDIT_STDOUT=1 it also goes to stdout, unless the caller prints it inside its --json
 * result (`stdout: false`), so stdout never carries two JSON objects.
 */
export function writeAudit(
  run: RunRecord,
  env: NodeJS.ProcessEnv = process.env,
  options: { stdout: boolean; report?: string } = { stdout: true },
): string {
  const record = toAuditRecord(run, options.report);
  const line = `${JSON.stringify(record)}\n`;
  if (env.GUARDIA_AUDIT_STDOUT === "1" && options.stdout) process.stdout.write(line);
  const file = auditFile(env);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, line, { mode: 0o600 });
  return file;
}
