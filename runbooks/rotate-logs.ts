import {
  accessSync,
  constants,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  type Stats,
} from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { formatBytes } from "../lib/backup/store.js";
import { UsageError } from "../lib/errors.js";
import { gzipSafely, type Compressed } from "../lib/logs/compress.js";
import {
  forecastRun,
  forecastSummary,
  forecastTable,
  type Forecast,
} from "../lib/logs/forecast.js";
import {
  deleteFiles,
  listLogDirectories,
  logrotateBinary,
  type Listing,
} from "../lib/logs/listing.js";
import { logrotateCommand, logrotateConfig } from "../lib/logs/logrotate-config.js";
import { parseLogrotateDebug } from "../lib/logs/logrotate-output.js";
import { liveNameOf } from "../lib/logs/patterns.js";
import { planLogFiles, rotatedChanges } from "../lib/logs/selection.js";
import type { LogFiles } from "../lib/model/index.js";
import { defineRunbook, type RunContext, type Step } from "../lib/runbook/define.js";
import { logRotationLock } from "../lib/runbook/locks.js";
import { stateDir } from "../lib/runbook/state-dir.js";
import { t } from "../lib/i18n/index.js";

const params = z.object({
  logs: z.string().optional().describe("rotate only this entry (a logs[].name of the stack)"),
  stateFile: z
    .string()
    .optional()
    .describe(
      "logrotate's state file (default: <guardia state dir>/logrotate/<platform>-<env>.state; the CronJob keeps it on the log volume)",
    ),
});

type Params = z.infer<typeof params>;

/** One entry's run: what the read step found and what the change steps did. */
interface EntryRun {
  readonly entry: LogFiles;
  readonly stateFile: string;
  /** The generated configuration, written by the read step into the run's temporary directory. */
  readonly configFile: string;
  listing?: Listing;
  forecast?: Forecast;
  readonly done: {
    rotated: { file: string; to: string; bytes: number }[];
    removedByLogrotate: string[];
    compressedByLogrotate: string[];
    compressed: Compressed[];
    deleted: string[];
  };
}

export default defineRunbook({
  name: "rotate-logs",
  summary: "Rotate log files with logrotate, gzip old rotations, delete expired ones",
  description: `
The INATrace operations manual, 2.2 Revisión de Logs y Alertas ("logs se rotan adecuadamente, no
crecen sin control en disco"), and the MIRA operations guide, Performance y Optimización:
Limpieza de Datos (cleanup_old_logs.sh: gzip after 30 days, delete after 90), per \`logs\`
entry of the stack: the real logrotate rotates each live file daily and as soon as it passes
maxSize (copytruncate: the applications keep their files open), then guardia gzips rotated
files older than compressAfterDays (the original goes only once the .gz is fsynced and reads
back identical) and deletes rotated files older than deleteAfterDays that logrotate's maxage
missed. Only rotated names of the entry (<live name>-YYYYMMDD[-HHMMSS][.gz]) are ever compressed or deleted, never a
live file or another program's file. Run it where the files are; the CronJobs run exactly this.`,
  outline: [
    "List each entry's files; ask logrotate --debug which it would rotate; show what happens to every file",
    "Rotate with logrotate (generated config: daily, maxsize, dateext, copytruncate, maxage)",
    "Gzip rotated files older than compressAfterDays (fsync, read back, then remove the original)",
    "Delete rotated files older than deleteAfterDays that logrotate left",
  ],
  manual: [
    "INATrace operations manual, 2.2 Revisión de Logs y Alertas",
    "MIRA operations guide, Performance y Optimización, Limpieza de Datos (cleanup_old_logs.sh)",
  ],
  onFailure:
    "No log line is lost: logrotate copies each file before truncating it, and an original is removed only after its .gz is fsynced and reads back identical, so an interrupted compression leaves the original in place. Deleted rotations are gone, but only rotated names older than deleteAfterDays are ever deleted. The result lists every file rotated, compressed and deleted; run it again to finish.",
  params,
  plan: (ctx) => {
    const entries = selectEntries(ctx);
    const stateFile = stateFileFor(ctx);
    const tempDir = mkdtempSync(path.join(tmpdir(), "guardia-logrotate-"));
    const runs: EntryRun[] = entries.map((entry) => ({
      entry,
      stateFile,
      configFile: path.join(tempDir, `${entry.name}.conf`),
      done: {
        rotated: [],
        removedByLogrotate: [],
        compressedByLogrotate: [],
        compressed: [],
        deleted: [],
      },
    }));
    const binary = findLogrotate();
    return {
      steps: runs.flatMap((run) => entrySteps(ctx, run, binary)),
      lock: logRotationLock(ctx.platform),
      result: () => ({ logs: runs.map(resultOf) }),
      output: () => runs.map(outputLine).join("\n"),
      cleanup: () => rmSync(tempDir, { recursive: true, force: true }),
    };
  },
});

function selectEntries(ctx: RunContext<Params>): readonly LogFiles[] {
  const { logs } = ctx.platform;
  if (logs.length === 0) throw new UsageError(t`${ctx.stack.name} has no \`logs\` section`);
  const chosen = ctx.params.logs ? logs.filter((l) => l.name === ctx.params.logs) : logs;
  if (chosen.length === 0) {
    const known = logs.map((l) => l.name).join(", ");
    throw new UsageError(
      t`--logs: no logs entry "${ctx.params.logs}" in this stack (logs: ${known})`,
    );
  }
  return chosen;
}

function stateFileFor(ctx: RunContext<Params>): string {
  if (ctx.params.stateFile) return checkStateFile(path.resolve(ctx.params.stateFile));
  const { name, environment } = ctx.platform;
  return path.join(stateDir(), "logrotate", `${name}-${environment}.state`);
}

/**
 * A --state-file logrotate can use: a state file of its own or a new one in a directory that is
 * or can be made writable. Anything else is bad input (exit 2) found before anything runs; a
 * file that is not logrotate's state would be overwritten by it, so it is refused too.
 */
function checkStateFile(file: string): string {
  const refuse = (why: string) => new UsageError(`--state-file ${file}: ${why}`);
  const stat = statIfAny(file);
  if (!stat) {
    let dir = path.dirname(file);
    while (!statIfAny(dir)) dir = path.dirname(dir);
    if (!statSync(dir).isDirectory()) throw refuse(t`${dir} is not a directory`);
    if (!canWrite(dir)) throw refuse(t`directory ${dir} is not writable`);
    return file;
  }
  if (!stat.isFile()) throw refuse(t`is not a regular file (logrotate's state file goes there)`);
  if (!canWrite(file)) throw refuse(t`is not readable and writable`);
  const first = readFileSync(file, "utf8").slice(0, 64);
  if (first.trim() !== "" && !first.startsWith("logrotate state"))
    throw refuse(
      t`is not a logrotate state file (it starts with neither "logrotate state" nor nothing), and logrotate would overwrite it`,
    );
  return file;
}

/** Its stat, or undefined when nothing is there (also when a parent is a file: ENOTDIR). */
function statIfAny(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch (err) {
    if (["ENOENT", "ENOTDIR"].includes((err as NodeJS.ErrnoException).code ?? "")) return undefined;
    throw err;
  }
}

function canWrite(file: string): boolean {
  try {
    accessSync(file, constants.W_OK | constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** undefined when absent: the plan still prints, and the first step says what to install. */
function findLogrotate(): string | undefined {
  try {
    return logrotateBinary();
  } catch {
    return undefined;
  }
}

function entrySteps(ctx: RunContext<Params>, run: EntryRun, binary: string | undefined): Step[] {
  return [
    inspectStep(ctx, run, binary),
    rotateStep(run, binary),
    ...(run.entry.compressAfterDays > 0 ? [compressStep(run)] : []),
    deleteStep(run),
  ];
}

function inspectStep(ctx: RunContext<Params>, run: EntryRun, binary: string | undefined): Step {
  const { entry } = run;
  const debug = logrotateCommand(binary ?? "logrotate", run.stateFile, run.configFile, "debug");
  return {
    title: t`List the "${entry.name}" log files and what will happen to them`,
    kind: "read",
    action: () => ({
      command: debug,
      target: { paths: entry.paths.join(" "), state: run.stateFile },
    }),
    run: async (step) => {
      const config = logrotateConfig(entry, ctx.stack.name);
      writeFileSync(run.configFile, config, { mode: 0o600 });
      run.listing = await listLogDirectories(entry.paths);
      requireBinary(binary);
      const result = await step.exec(debug, { allowFailure: true });
      const logrotate = parseLogrotateDebug(`${result.stderr}\n${result.stdout}`);
      if (result.code !== 0 || logrotate.errors.length > 0) {
        const errors =
          logrotate.errors.length > 0 ? logrotate.errors.join("\n") : result.stderr.trim();
        throw new Error(t`logrotate refuses the configuration of "${entry.name}":\n${errors}`);
      }
      run.forecast = forecastRun(entry, run.listing.files, logrotate, new Date());
      const missing = run.listing.missing.length
        ? t`; not on this machine: ${run.listing.missing.join(", ")}${entry.claim ? t` (the CronJob mounts claim ${entry.claim})` : ""}`
        : "";
      return {
        summary: `${forecastSummary(run.forecast)}${missing}`,
        evidence: `${forecastTable(run.listing.files, run.forecast, new Date())}\n\n${config}`,
        data: run.forecast,
      };
    },
  };
}

function rotateStep(run: EntryRun, binary: string | undefined): Step {
  const { entry } = run;
  const rotate = logrotateCommand(binary ?? "logrotate", run.stateFile, run.configFile, "run");
  return {
    title: t`Rotate the "${entry.name}" log files with logrotate`,
    kind: "change",
    action: () => ({
      command: rotate,
      target: {
        rotate: list(run.forecast?.rotate.map((r) => `${r.file} → ${r.to}`)),
        "logrotate deletes": list(run.forecast?.removeByLogrotate),
        ...(entry.compressAfterDays === 0 && {
          "logrotate compresses": list(run.forecast?.compressByLogrotate),
        }),
      },
    }),
    run: async (step) => {
      await mkdir(path.dirname(run.stateFile), { recursive: true, mode: 0o700 });
      const before = await listLogDirectories(entry.paths);
      requireBinary(binary);
      await step.exec(rotate);
      const after = await listLogDirectories(entry.paths);
      recordRotation(run, rotatedChanges(entry.paths, before.files, after.files));
      const { rotated, removedByLogrotate, compressedByLogrotate } = run.done;
      return {
        summary:
          rotated.length === 0
            ? t`nothing was due`
            : t`rotated ${rotated.map((r) => `${path.basename(r.file)} (${formatBytes(r.bytes)})`).join(", ")}; logrotate deleted ${removedByLogrotate.length}, compressed ${compressedByLogrotate.length}`,
        data: { rotated, removedByLogrotate, compressedByLogrotate },
      };
    },
    manualUndo: t`nothing to undo: logrotate copies each file, fsyncs the copy, then truncates the original`,
  };
}

/** A new uncompressed rotated file is a rotation; a .gz that replaced its original, a compression. */
function recordRotation(run: EntryRun, changes: ReturnType<typeof rotatedChanges>): void {
  const created = new Set(changes.created.map((f) => f.path));
  const compressed = changes.removed.filter((f) => created.has(`${f.path}.gz`)).map((f) => f.path);
  run.done.compressedByLogrotate = compressed;
  run.done.removedByLogrotate = changes.removed
    .map((f) => f.path)
    .filter((p) => !compressed.includes(p));
  run.done.rotated = changes.created
    .filter((f) => !compressed.includes(f.path.replace(/\.gz$/, "")))
    .map((f) => ({ file: liveNameOf(f.path), to: f.path, bytes: f.size }));
}

function compressStep(run: EntryRun): Step {
  const { entry } = run;
  return {
    title: t`Gzip "${entry.name}" files rotated more than ${entry.compressAfterDays} days ago`,
    kind: "change",
    timeoutMs: 3600_000,
    action: () => ({ target: { gzip: list(run.forecast?.compress) } }),
    run: async (step) => {
      // Listed again: logrotate has just run, and another run may have compressed some.
      const listing = await listLogDirectories(entry.paths);
      const plan = planLogFiles(entry, listing.files, new Date());
      for (const file of plan.compress) {
        step.log(`gzip ${file.path}`);
        run.done.compressed.push(await gzipSafely(file.path, step.signal));
      }
      const { compressed } = run.done;
      const before = compressed.reduce((n, c) => n + c.bytes, 0);
      const after = compressed.reduce((n, c) => n + c.compressedBytes, 0);
      return {
        summary: compressed.length
          ? t`${compressed.length} file(s): ${formatBytes(before)} → ${formatBytes(after)}`
          : t`nothing old enough`,
        data: compressed,
      };
    },
    manualUndo: t`gunzip the .gz files listed in the result (their content is byte-identical)`,
  };
}

function deleteStep(run: EntryRun): Step {
  const { entry } = run;
  return {
    title: t`Delete "${entry.name}" files rotated more than ${entry.deleteAfterDays} days ago`,
    kind: "change",
    action: () => ({ target: { delete: list(run.forecast?.delete) } }),
    run: async () => {
      const listing = await listLogDirectories(entry.paths);
      const plan = planLogFiles(entry, listing.files, new Date());
      run.done.deleted = await deleteFiles(plan.delete.map((f) => f.path));
      return {
        summary: run.done.deleted.length
          ? t`deleted ${run.done.deleted.length} file(s) (${formatBytes(plan.delete.reduce((n, f) => n + f.size, 0))})`
          : t`nothing expired`,
        data: run.done.deleted,
      };
    },
    manualUndo: t`deleted log files are gone; only rotated files older than ${entry.deleteAfterDays} days are deleted`,
  };
}

/** Without logrotate the run stops here, with how to install it (the plan still printed). */
function requireBinary(binary: string | undefined): void {
  if (!binary) logrotateBinary();
}

function list(items: readonly string[] | undefined): string {
  return items && items.length > 0 ? items.join(", ") : t`nothing`;
}

function resultOf(run: EntryRun) {
  const f = run.forecast;
  return {
    name: run.entry.name,
    paths: run.entry.paths,
    stateFile: run.stateFile,
    missing: run.listing?.missing ?? [],
    planned: f && {
      rotate: f.rotate,
      removeByLogrotate: f.removeByLogrotate,
      compressByLogrotate: f.compressByLogrotate,
      compress: f.compress,
      delete: f.delete,
    },
    done: run.done,
  };
}

function outputLine(run: EntryRun): string {
  const { rotated, compressed, deleted, removedByLogrotate, compressedByLogrotate } = run.done;
  return t`${run.entry.name}: rotated ${rotated.length}, compressed ${compressed.length + compressedByLogrotate.length}, deleted ${deleted.length + removedByLogrotate.length}`;
}
