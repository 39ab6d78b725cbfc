import { spawn } from "node:child_process";
import type { ChildProcess, StdioOptions } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { maskSecrets } from "../secret.js";

/**
 * Child processes of the backup pipeline (pg_dump, zstd, pg_restore): argv arrays, never a shell,
 * secrets only in the environment, and errors that end with the last lines the tool wrote to
 * stderr (masked), because that is where pg_dump says what went wrong.
 */

const STDERR_KEEP_CHARS = 16_384;
const STDERR_LINES = 12;

/** Absolute path of `name`: in `binDir` when given, else the first match on PATH. */
export function findExecutable(name: string, binDir?: string): string {
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
  const where = binDir ? `in ${binDir}` : "on PATH";
  throw new Error(`${name} not found ${where}; install it (Debian: ${packageOf(name)})`);
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
  /** SIGKILL unless it already exited; `done` settles soon after. */
  kill(): void;
}

export interface StageOptions {
  readonly env?: Record<string, string>;
  /** A readable stream backed by a file descriptor (another stage's stdout), or "pipe". */
  readonly stdin?: Readable | "pipe" | "ignore";
}

export function startStage(
  name: string,
  cmd: string,
  args: string[],
  opts: StageOptions = {},
): Stage {
  const stdio: StdioOptions = [opts.stdin ?? "ignore", "pipe", "pipe"];
  const child = spawn(cmd, args, {
    stdio,
    // The tools need PATH/LANG from our environment; the PG* variables come on top.
    env: { ...process.env, ...opts.env },
  });
  // The child now holds its own copy of the upstream pipe. Ours must close, or the upstream
  // writer would never see EPIPE when this stage dies, and would block forever on a full pipe.
  if (typeof opts.stdin === "object") opts.stdin.destroy();
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP_CHARS);
  });
  const done = new Promise<void>((resolve, reject) => {
    child.once("error", (err) =>
      reject(new Error(`could not run ${cmd}: ${err.message}`, { cause: err })),
    );
    // "close" waits for stderr to drain, so the tail in the message is complete.
    child.once("close", (code, signal) => {
      if (code === 0) return resolve();
      const how = signal ? `was killed by ${signal}` : `exited ${code}`;
      const tail = tailOf(stderr);
      reject(new Error(`${name} ${how}${tail ? `:\n${tail}` : " (no output on stderr)"}`));
    });
  });
  // Callers await `done` when they need it; an unobserved failure must not crash the process.
  done.catch(() => undefined);
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  const stdout = child.stdout as Readable;
  return { name, child, stdout, stdin: child.stdin, done, kill } satisfies Stage;
}

/** The last lines of a tool's stderr, with every known secret masked. */
export function tailOf(text: string, lines = STDERR_LINES): string {
  return maskSecrets(text.trimEnd().split("\n").slice(-lines).join("\n"));
}

/** Runs a short command (`pg_dump --version`) and returns its stdout. */
export async function capture(cmd: string, args: string[], env?: Record<string, string>) {
  const stage = startStage(cmd, cmd, args, { env });
  let out = "";
  stage.stdout.setEncoding("utf8");
  stage.stdout.on("data", (chunk: string) => (out += chunk));
  await stage.done;
  return out;
}

/** Waits for stages to finish after a failure elsewhere, without letting their errors escape. */
export async function settle(stages: readonly Stage[]): Promise<void> {
  await Promise.allSettled(stages.map((s) => s.done));
}
