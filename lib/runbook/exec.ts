import { commandLine } from "../naming.js";
import { containsSecret, maskSecrets } from "../secret.js";

/**
 * Runs commands for runbooks through zx: argv arrays quoted by zx (no string concatenation),
 * secrets only in the environment, output masked, every command recorded for the audit log and
 * the report. A command whose arguments contain a known secret is refused before it starts,
 * because `ps` would show it to every user on the machine.
 */

export interface ExecOptions {
  /** Added to the inherited environment; where secrets go. */
  readonly env?: Readonly<Record<string, string>>;
  readonly input?: string;
  readonly cwd?: string;
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

export interface ExecRecord {
  readonly command: string;
  readonly code: number;
  readonly durationMs: number;
  /** Last lines of output (masked), absent for sensitive output. */
  readonly output?: string;
}

export type Exec = (argv: readonly string[], options?: ExecOptions) => Promise<ExecResult>;

/** A failed command, with the exit code and its last stderr lines (masked). */
export class CommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly result: ExecResult,
  ) {
    const tail = lastLines(result.stderr || result.stdout, 8);
    super(
      maskSecrets(`\`${commandLine(argv)}\` exited with ${result.code}${tail ? `:\n${tail}` : ""}`),
    );
    this.name = "CommandError";
  }
}

export function lastLines(text: string, count: number): string {
  return text.trimEnd().split("\n").slice(-count).join("\n");
}

export function createExec(record: (entry: ExecRecord) => void = () => {}): Exec {
  return async (argv, options = {}) => {
    if (argv.some(containsSecret)) {
      throw new Error(
        `refusing to run ${argv[0]}: a secret value is in its arguments (pass it in the environment)`,
      );
    }
    const { $ } = await import("zx/core");
    const started = Date.now();
    const output = await $({
      env: { ...process.env, ...options.env },
      cwd: options.cwd,
      input: options.input,
      signal: options.signal,
      timeout: options.timeoutMs ? `${options.timeoutMs}ms` : undefined,
      nothrow: true,
      quiet: true,
      verbose: false,
    })`${[...argv]}`;
    const result: ExecResult = {
      code: output.exitCode ?? 1,
      stdout: output.stdout,
      stderr: output.stderr,
      durationMs: Date.now() - started,
    };
    record({
      command: maskSecrets(commandLine(argv)),
      code: result.code,
      durationMs: result.durationMs,
      ...(!options.sensitiveOutput && {
        output: maskSecrets(lastLines(result.stdout + result.stderr, 20)),
      }),
    });
    if (result.code !== 0 && !options.allowFailure) throw new CommandError(argv, result);
    return result;
  };
}
