import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

const TAIL_LINES = 20;
const TAIL_CHARS = 16_384;

/** The last lines of some output, for error messages that say why a process failed. */
export function lastLines(text: string, lines = TAIL_LINES): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; the rejection names the command, its exit code and last stderr. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const { cwd, env, timeoutMs = 60_000 } = opts;
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { cwd, env, timeout: timeoutMs, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (!err) return resolve({ stdout, stderr });
        const code = err.code ?? err.signal ?? "?";
        const detail = lastLines(`${stderr}\n${stdout}`);
        const message = `${[cmd, ...args].join(" ")} failed (exit ${code}):\n${detail}`;
        reject(Object.assign(new Error(message, { cause: err }), { stdout, stderr }));
      },
    );
  });
}

/** Polls `check` until it is true; on timeout throws `describe()` so the caller can add context. */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  describe: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(describe());
    await sleep(50);
  }
}

/** True when GET url answers 2xx. */
export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await res.body?.cancel();
  return res.ok;
}

export interface LongRunning {
  pid: number;
  /** Last lines the process wrote to stdout/stderr (Go servers log to stderr). */
  outputTail(): string;
  /** SIGTERM to the process group, SIGKILL after 5 s. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  cmd: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  ready: () => Promise<boolean>;
  timeoutMs?: number;
}

// Process groups still running; killed if the test worker exits without calling stop().
const live = new Set<number>();
process.once("exit", () => {
  for (const pid of live) killGroup(pid, "SIGKILL");
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Spawns a server in its own process group and waits until `ready()` says it serves. */
export async function startProcess(opts: StartOptions): Promise<LongRunning> {
  const { name, cmd, args, cwd, env, ready, timeoutMs = 15_000 } = opts;
  const commandLine = [cmd, ...args].join(" ");
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-TAIL_CHARS);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  await new Promise((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  }).catch((err: Error) => {
    throw new Error(`${name}: could not run ${commandLine}: ${err.message}`, { cause: err });
  });
  const pid = child.pid as number;
  live.add(pid);
  // "close" comes after "exit" once stdout/stderr are drained, so the output tail is complete.
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));

  let stopping: Promise<void> | undefined;
  const server: LongRunning = {
    pid,
    outputTail: () => lastLines(output),
    stop: () => (stopping ??= stopChild(child, pid, closed)),
  };
  try {
    // Stop polling as soon as the process dies: its output says why, no need to wait the deadline.
    await waitUntil(
      async () => exited(child) || ready(),
      timeoutMs,
      () => `not ready within ${timeoutMs} ms`,
    );
    if (exited(child)) {
      throw new Error(`exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    }
  } catch (err) {
    await server.stop();
    const context = `command: ${commandLine}\n--- last output ---\n${lastLines(output)}`;
    throw new Error(`${name} ${(err as Error).message}\n${context}`, { cause: err });
  }
  return server;
}

async function stopChild(child: ChildProcess, pid: number, closed: Promise<void>): Promise<void> {
  if (!exited(child)) killGroup(pid, "SIGTERM");
  const timer = setTimeout(() => killGroup(pid, "SIGKILL"), 5_000);
  await closed;
  clearTimeout(timer);
  live.delete(pid);
}
