import type { Command } from "../command.js";
import type { LogFiles } from "../model/index.js";
import { DATE_FORMAT } from "./patterns.js";

/**
 * The logrotate configuration for one `logs` entry, generated on every run from the model, so
 * the stack file stays the one place where retention is written down.
 */
export function logrotateConfig(entry: LogFiles, stack: string): string {
  return [
    `# guardia rotate-logs: logs "${entry.name}" of ${stack}. Generated on every run; edit the stack file instead.`,
    `${entry.paths.map(quotePath).join("\n")} {`,
    ...directives(entry).map((line) => `    ${line}`),
    "}",
    "",
  ].join("\n");
}

function directives(entry: LogFiles): string[] {
  return [
    // Once a day, and at any run that finds a file past maxSize.
    "daily",
    `maxsize ${entry.maxSize}`,
    "dateext",
    `dateformat ${DATE_FORMAT}`,
    "missingok",
    "notifempty",
    // The applications keep their log file open and never reopen it (no signal to send them), so
    // logrotate copies the file and truncates it in place; a line written between the copy and the
    // truncation (a few milliseconds) is lost. `create` + a reopen signal would lose none, but
    // needs every application to support it.
    "copytruncate",
    // One rotation a day keeps deleteAfterDays files: the count and the age agree. Extra rotations
    // (maxsize) can make the count remove the oldest earlier, which caps the disk used.
    `rotate ${entry.deleteAfterDays}`,
    // Only checked when the file is rotated, and only on uncompressed files under `nocompress`:
    // rotate-logs deletes what it misses (quiet logs, .gz files, files rotated by hand).
    `maxage ${entry.deleteAfterDays}`,
    ...compression(entry),
  ];
}

/**
 * With compressAfterDays > 0 rotate-logs gzips files once they are that old (the MIRA operations
 * guide, Performance y Optimización: Limpieza de Datos, compresses after 30 days and deletes
 * after 90). With 0, logrotate compresses at the next rotation: the newest
 * rotated file stays readable with plain tools for a day.
 */
function compression(entry: LogFiles): string[] {
  return entry.compressAfterDays === 0 ? ["compress", "delaycompress"] : ["nocompress"];
}

/** logrotate reads a path with spaces only inside double quotes (`"` itself is refused earlier). */
function quotePath(path: string): string {
  return /\s/.test(path) ? `"${path}"` : path;
}

/** `maxsize` in bytes, as logrotate reads it: k, M and G are powers of 1024. */
export function maxSizeBytes(size: string): number {
  const match = /^(\d+)([kMG])$/.exec(size);
  if (!match) throw new Error(`maxSize "${size}" is not a size like "100M"`);
  const power = { k: 1, M: 2, G: 3 }[match[2] as "k" | "M" | "G"];
  return Number(match[1]) * 1024 ** power;
}

/** The logrotate command: `--debug` only reports what it would do (for the read step). */
export function logrotateCommand(
  binary: string,
  stateFile: string,
  configFile: string,
  mode: "debug" | "run",
): Command {
  const argv = [binary, mode === "debug" ? "--debug" : "--verbose", "--state", stateFile];
  return { argv: [...argv, configFile] };
}
