import { constants } from "node:os";
import path from "node:path";
import { shellQuote } from "./naming.js";
import { t } from "./i18n/index.js";
import { containsSecret, maskSecrets, type Secret } from "./secret.js";

/**
 * A command as data, built once: the dry-run plan prints it, the step runs it, and the audit
 * record and the report print what ran, all from the same value. A pipeline is a list of
 * commands that guardia connects stdout to stdin without a shell; it prints as the shell line
 * that would do the same (`pg_dump … | zstd …`). What guardia itself does with a pipeline's
 * input or output (sha256, the upload, fsync and rename) is no shell command: it prints as a
 * `#` note after the line, so pasting the plan runs only the real commands.
 */

export interface Command {
  /** As the operating system gets it: argv[0] is the program (a name looked up on PATH, or a path). */
  readonly argv: readonly string[];
  /** Set on top of guardia's environment. Not secret: plans print them (`PGHOST=… pg_dump …`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Variables that carry secrets (PGPASSWORD): named in plans; values given only when it runs. */
  readonly secretEnv?: readonly string[];
  /** Working directory, when not guardia's own. */
  readonly cwd?: string;
}

export interface Pipeline {
  /** Each command's stdout feeds the next one's stdin, as `a | b` in a shell. */
  readonly pipeline: readonly Command[];
  /** What guardia feeds the first command's stdin, in-process ("<url>, sha256 checked"). */
  readonly input?: string;
  /** What guardia does with the last command's stdout, in-process ("sha256 → <url>"). */
  readonly output?: string;
}

export type Runnable = Command | Pipeline;

/** Values of a command's `secretEnv` when it runs; an undefined one is not set (no password). */
export type SecretEnv = Readonly<Record<string, Secret | undefined>>;

/** One command or pipeline that ran, as the step's record, the audit log and the report keep it. */
export interface CommandRecord {
  /** The shell line, masked. */
  readonly command: string;
  /** The `#` notes: secrets given in the environment, what guardia did in-process. */
  readonly notes?: readonly string[];
  /** Exit code; a pipeline's is its last failing command's (as `set -o pipefail`). */
  readonly code: number;
  readonly durationMs: number;
  /** Last lines of output (masked), absent for sensitive output. */
  readonly output?: string;
}

/** Where a step's commands are recorded, also those started outside `exec` (lib/backup). */
export type CommandLog = (entry: CommandRecord) => void;

export function isPipeline(runnable: Runnable): runnable is Pipeline {
  return "pipeline" in runnable;
}

function stagesOf(runnable: Runnable): readonly Command[] {
  return isPipeline(runnable) ? runnable.pipeline : [runnable];
}

/** "pg_dump" for "/usr/lib/postgresql/16/bin/pg_dump": how messages name a command. */
export function programName(command: Command): string {
  return path.basename(command.argv[0] ?? "?");
}

/** The line an engineer could paste: `cd <cwd> && K=v argv…`, stages joined with ` | `. */
export function shellLine(runnable: Runnable): string {
  if (!isPipeline(runnable)) return stageText(runnable, false);
  return runnable.pipeline.map((stage) => stageText(stage, true)).join(" | ");
}

function stageText(command: Command, inPipeline: boolean): string {
  const env = Object.entries(command.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)}`);
  const text = [...env, ...command.argv.map(shellQuote)].join(" ");
  if (!command.cwd) return text;
  const inDir = `cd ${shellQuote(command.cwd)} && ${text}`;
  return inPipeline ? `(${inDir})` : inDir;
}

/** What the shell line leaves out: secrets in the environment, guardia's in-process parts. */
export function commandNotes(runnable: Runnable): string[] {
  const stages = stagesOf(runnable);
  const pipeline = isPipeline(runnable) ? runnable : undefined;
  const secrets = stages
    .filter((stage) => stage.secretEnv?.length)
    .map(
      (stage) =>
        `${programName(stage)} also gets ${stage.secretEnv!.join(", ")} in its environment (a secret, not shown)`,
    );
  return [
    ...(pipeline?.input ? [`in guardia, into the pipe: ${pipeline.input}`] : []),
    ...secrets,
    ...(pipeline?.output ? [`in guardia, out of the pipe: ${pipeline.output}`] : []),
  ];
}

/**
 * Refuses a command with a known secret in its arguments or its plain variables before it starts:
 * `ps` shows arguments to every user on the machine, and plans print both.
 */
export function assertNoSecretInArguments(command: Command): void {
  if ([...command.argv, ...Object.values(command.env ?? {})].some(containsSecret)) {
    throw new Error(
      t`refusing to run ${programName(command)}: a secret value is in its arguments (pass it in secretEnv)`,
    );
  }
}

/** The environment a stage runs with: guardia's, its own variables, and its secrets' values. */
export function stageEnv(command: Command, secrets: SecretEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...command.env };
  for (const [name, value] of Object.entries(secrets)) {
    if (!command.secretEnv?.includes(name)) {
      throw new Error(t`${programName(command)}: ${name} is not one of its declared secretEnv`);
    }
    if (value) env[name] = value.reveal();
  }
  return env;
}

/**
 * The exit code a shell would report for a child: its code, 128 + the signal's number when a
 * signal killed it, 127 when it could not start.
 */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  if (signal) return 128 + constants.signals[signal];
  return 127;
}

/** The last `lines` lines of a command's output, with every known secret masked. */
export function outputTail(text: string, lines: number): string {
  return maskSecrets(text.trimEnd().split("\n").slice(-lines).join("\n"));
}

/** How many output lines a record keeps. */
const RECORDED_LINES = 20;

/** What ran, as the plan printed it (shell line and notes), masked; `output` unless sensitive. */
export function recordOf(
  runnable: Runnable,
  result: { readonly code: number; readonly durationMs: number },
  output: string | undefined,
): CommandRecord {
  const notes = commandNotes(runnable).map(maskSecrets);
  return {
    command: maskSecrets(shellLine(runnable)),
    ...(notes.length > 0 && { notes }),
    code: result.code,
    durationMs: result.durationMs,
    ...(output !== undefined && { output: outputTail(output, RECORDED_LINES) }),
  };
}
