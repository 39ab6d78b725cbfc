import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { repoRoot } from "./tools.js";

/** Runs `guardia ...` as a user would: `node bin/guardia.js` in a child process, no TTY. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

export interface CliOptions {
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  readonly input?: string;
  readonly timeoutMs?: number;
  /** Wrap the process, e.g. ["strace", "-f", ...] to see every child's arguments. */
  readonly wrapper?: readonly string[];
  /** Run `wrapper` alone: it already names the guardia command (e.g. `script -c "..."`). */
  readonly direct?: boolean;
  /** Called with the running process (to send it a signal). */
  readonly onSpawn?: (child: ChildProcess) => void;
}

export const GUARDIA_BIN = path.join(repoRoot, "bin", "guardia.js");

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const started = Date.now();
  const argv = options.direct
    ? [...(options.wrapper ?? [])]
    : [...(options.wrapper ?? []), process.execPath, GUARDIA_BIN, ...args];
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.input ?? "");
  options.onSpawn?.(child);
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, durationMs: Date.now() - started });
    });
  });
}
