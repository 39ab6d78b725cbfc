import { spawn } from "node:child_process";
import type { ChildProcess, StdioOptions } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { Readable, Writable } from "node:stream";
import {
  assertNoSecretInArguments,
  exitCodeOf,
  outputTail,
  programName,
  recordOf,
  stageEnv,
  type Command,
  type CommandLog,
  type Pipeline,
  type SecretEnv,
} from "../command.js";
import { t } from "../i18n/index.js";

/**
 * Child processes of the backup pipelines (pg_dump | zstd, zstd | pg_restore): `Command` values
 * started without a shell, secrets only in the environment, each pipeline recorded as the one
 * shell line the plan printed, and errors that end with the last lines the tool wrote to stderr
 * (masked), because that is where pg_dump says what went wrong.
 */

const STDERR_KEEP_CHARS = 16_384;
const STDERR_LINES = 12;

/** Absolute path of `name`: in `binDir` when given, else the first match on PATH. */
export function findExecutable(name: string, binDir?: string): string {
  const found = searchExecutable(name, binDir);
  if (found) return found;
  const where = binDir ? t`in ${binDir}` : t`on PATH`;
  throw new Error(t`${name} not found ${where}; install it (Debian: ${packageOf(name)})`);
}

/**
 * The path a run would use, for plans: as findExecutable, but the bare name when it is missing,
 * so the plan still prints (and the run then fails with findExecutable's hint).
 */
export function locateExecutable(name: string, binDir?: string): string {
  return searchExecutable(name, binDir) ?? name;
}

function searchExecutable(name: string, binDir?: string): string | undefined {
  const dirs = binDir ? [binDir] : (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next directory.
    }
  }
  return undefined;
}

function packageOf(name: string): string {
  return name === "zstd" ? "apt-get install zstd" : "apt-get install postgresql-client";
}

/** A running child whose failure (non-zero exit or signal) rejects `done` with its stderr tail. */
export interface Stage {
  readonly name: string;
  readonly child: ChildProcess;
  readonly stdout: Readable;
  /** Only with `stdin: "pipe"`. */
  readonly stdin: Writable | null;
  /** Resolves on exit 0; rejects with "<name> exited 1: <stderr tail>" otherwise. */
  readonly done: Promise<void>;
  /** The exit code as a shell reports it, once `done` settled. */
  code(): number | undefined;
  /** The last lines it wrote to stderr (masked). */
  stderrTail(): string;
  /** SIGKILL unless it already exited; `done` settles soon after. */
  kill(): void;
}

export interface StageOptions {
  /** Values of the command's `secretEnv` (PGPASSWORD). */
  readonly secrets?: SecretEnv;
  /** A readable stream backed by a file descriptor (another stage's stdout), or "pipe". */
  readonly stdin?: Readable | "pipe" | "ignore";
}

export function startStage(command: Command, opts: StageOptions = {}): Stage {
  assertNoSecretInArguments(command);
  const name = programName(command);
  const [program, ...args] = command.argv as [string, ...string[]];
  const stdio: StdioOptions = [opts.stdin ?? "ignore", "pipe", "pipe"];
  const child = spawn(program, args, {
    stdio,
    cwd: command.cwd,
    // The tools need PATH/LANG from our environment; the PG* variables come on top.
    env: stageEnv(command, opts.secrets),
  });
  // The child now holds its own copy of the upstream pipe. Ours must close, or the upstream
  // writer would never see EPIPE when this stage dies, and would block forever on a full pipe.
  if (typeof opts.stdin === "object") opts.stdin.destroy();
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP_CHARS);
  });
  let code: number | undefined;
  const done = new Promise<void>((resolve, reject) => {
    child.once("error", (err) => {
      code = exitCodeOf(null, null);
      reject(new Error(t`could not run ${program}: ${err.message}`, { cause: err }));
    });
    // "close" waits for stderr to drain, so the tail in the message is complete.
    child.once("close", (exit, signal) => {
      code = exitCodeOf(exit, signal);
      if (exit === 0) return resolve();
      const how = signal ? t`was killed by ${signal}` : t`exited ${exit}`;
      const tail = outputTail(stderr, STDERR_LINES);
      reject(new Error(`${name} ${how}${tail ? `:\n${tail}` : t` (no output on stderr)`}`));
    });
  });
  // Callers await `done` when they need it; an unobserved failure must not crash the process.
  done.catch(() => undefined);
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  const stdout = child.stdout as Readable;
  return {
    name,
    child,
    stdout,
    stdin: child.stdin,
    done,
    code: () => code,
    stderrTail: () => outputTail(stderr, STDERR_LINES),
    kill,
  } satisfies Stage;
}

export interface RunningPipeline {
  readonly stages: readonly Stage[];
  /** The first command's stdin (with `stdin: "pipe"`). */
  readonly stdin: Writable | null;
  /** The last command's stdout. */
  readonly stdout: Readable;
  /**
   * Every stage's outcome, once all have exited; the pipeline is recorded by then, so a step
   * that awaits this has its commands complete. Never rejects.
   */
  readonly finished: Promise<PromiseSettledResult<void>[]>;
  kill(): void;
}

export interface PipelineOptions {
  /** Secrets for the stages that declare them in `secretEnv`. */
  readonly secrets?: SecretEnv;
  /**
   * Secrets per stage, by position, over `secrets`: two psql stages on two servers both read
   * PGPASSWORD, each its own server's.
   */
  readonly stageSecrets?: readonly (SecretEnv | undefined)[];
  /** The first stage's stdin. @default "ignore" */
  readonly stdin?: "pipe" | "ignore";
  /** Where the pipeline is recorded, as one shell line, when every stage has exited. */
  readonly record?: CommandLog;
}

/** Starts `pipeline`'s commands, each one's stdout into the next one's stdin (a kernel pipe). */
export function startPipeline(pipeline: Pipeline, opts: PipelineOptions = {}): RunningPipeline {
  const started = Date.now();
  const stages: Stage[] = [];
  for (const [i, command] of pipeline.pipeline.entries()) {
    const given = { ...opts.secrets, ...opts.stageSecrets?.[i] };
    const secrets = Object.fromEntries(
      Object.entries(given).filter(([name]) => command.secretEnv?.includes(name)),
    );
    const stdin = stages.at(-1)?.stdout ?? opts.stdin;
    stages.push(startStage(command, { secrets, stdin }));
  }
  const finished = Promise.allSettled(stages.map((s) => s.done)).then((results) => {
    // As `set -o pipefail`: the last command that failed gives the pipeline's code.
    const code = stages.map((s) => s.code() ?? 0).reduce((last, c) => (c !== 0 ? c : last), 0);
    const stderr = stages.flatMap((s) => (s.stderrTail() ? [`${s.name}: ${s.stderrTail()}`] : []));
    opts.record?.(
      recordOf(pipeline, { code, durationMs: Date.now() - started }, stderr.join("\n")),
    );
    return results;
  });
  return {
    stages,
    stdin: stages[0]!.stdin,
    stdout: stages.at(-1)!.stdout,
    finished,
    kill: () => stages.forEach((s) => s.kill()),
  };
}

/** Runs a short command (`pg_dump --version`), records it, and returns its stdout. */
export async function capture(command: Command, record?: CommandLog): Promise<string> {
  const started = Date.now();
  const stage = startStage(command);
  let out = "";
  stage.stdout.setEncoding("utf8");
  stage.stdout.on("data", (chunk: string) => (out += chunk));
  await stage.done.finally(() =>
    record?.(recordOf(command, { code: stage.code() ?? 0, durationMs: Date.now() - started }, out)),
  );
  return out;
}
