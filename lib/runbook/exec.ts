import { t } from "../i18n/index.js";
import {
  assertNoSecretInArguments,
  outputTail,
  recordOf,
  shellLine,
  stageEnv,
  type Command,
  type CommandLog,
  type CommandRecord,
  type SecretEnv,
} from "../command.js";
import { maskSecrets } from "../secret.js";

/**
 * Runs a runbook's commands through zx: the `Command` value the step's plan printed, its argv
 * quoted by zx (no string concatenation), secrets only in the environment, output masked, and the
 * very same value recorded for the audit log and the report.
 */

export interface ExecOptions {
  /** Values of the command's `secretEnv` variables. */
  readonly secrets?: SecretEnv;
  readonly input?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Resolve instead of throwing on a non-zero exit. @default false */
  readonly allowFailure?: boolean;
  /** The output is itself secret (kubectl get secret): keep it out of records. @default false */
  readonly sensitiveOutput?: boolean;
}

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

export type ExecRecord = CommandRecord;

export interface Exec {
  (command: Command, options?: ExecOptions): Promise<ExecResult>;
  /** Records what ran outside `exec` (the streaming pipelines of lib/backup) with the step's commands. */
  readonly record: CommandLog;
}

/** A failed command, with the exit code and its last stderr lines (masked). */
export class CommandError extends Error {
  constructor(
    readonly command: Command,
    readonly result: ExecResult,
  ) {
    const tail = outputTail(result.stderr || result.stdout, 8);
    const line = maskSecrets(shellLine(command));
    const code = result.code;
    super(tail ? t`\`${line}\` exited with ${code}:\n${tail}` : t`\`${line}\` exited with ${code}`);
    this.name = "CommandError";
  }
}

export function createExec(record: CommandLog = () => {}): Exec {
  const exec = async (command: Command, options: ExecOptions = {}) => {
    assertNoSecretInArguments(command);
    const { $ } = await import("zx/core");
    const started = Date.now();
    const output = await $({
      env: stageEnv(command, options.secrets),
      cwd: command.cwd,
      input: options.input,
      signal: options.signal,
      timeout: options.timeoutMs ? `${options.timeoutMs}ms` : undefined,
      nothrow: true,
      quiet: true,
      verbose: false,
    })`${[...command.argv]}`;
    const result: ExecResult = {
      code: output.exitCode ?? 1,
      stdout: output.stdout,
      stderr: output.stderr,
      durationMs: Date.now() - started,
    };
    record(
      recordOf(
        command,
        result,
        options.sensitiveOutput ? undefined : result.stdout + result.stderr,
      ),
    );
    if (result.code !== 0 && !options.allowFailure) throw new CommandError(command, result);
    return result;
  };
  return Object.assign(exec, { record });
}

/** The same exec with `defaults` under each call's options (a step's abort signal). */
export function withDefaults(exec: Exec, defaults: ExecOptions): Exec {
  const bound = (command: Command, options?: ExecOptions) =>
    exec(command, { ...defaults, ...options });
  return Object.assign(bound, { record: exec.record });
}
