import type { Command } from "../../command.js";
import { listLogDirectories } from "../../logs/listing.js";
import { planLogFiles } from "../../logs/selection.js";
import type { LogFiles, Platform, Service } from "../../model/index.js";
import type { Step } from "../../runbook/types.js";
import { PERIODS, SOURCES } from "../checklist.js";
import { checkStep, humanDuration, type Finding, type RoutineRun } from "../check-step.js";
import { ErrorTally, tallyFile } from "../error-lines.js";
import { streamLines } from "../stream.js";
import { t } from "../../i18n/index.js";

/**
 * Daily: the error lines of the last 24 h, per service from its pods' logs (every pod and
 * container of its workload, through kubectl), and per `logs` entry from its files, where the
 * run can read them (a local stack, or a claim the routine job mounts).
 */

const TOP = 5;

/** The services whose pods' logs a run reads: a cluster stack's services with a workload. */
export function podLogServices(platform: Platform): Service[] {
  if (platform.runtime !== "kubernetes") return [];
  return platform.services.filter((s) => s.workload !== undefined);
}

/** The `logs` entries whose files a run reads: all of a local stack, those on a claim in a cluster. */
export function readableLogEntries(platform: Platform): LogFiles[] {
  return platform.runtime === "local" ? [...platform.logs] : platform.logs.filter((l) => l.claim);
}

/** Daily only: the manuals review yesterday's errors every morning, not a month of them. */
export function errorLogSteps(run: RoutineRun): Step[] {
  if (run.period !== "daily") return [];
  const window = PERIODS[run.period].windowSeconds;
  return [
    ...podLogServices(run.platform).map((service) => podLogStep(run, service, window)),
    ...readableLogEntries(run.platform).map((entry) => logFilesStep(run, entry, window)),
  ];
}

export function podLogsCommand(run: RoutineRun, service: Service, windowSeconds: number): Command {
  const containers = service.container ? ["-c", service.container] : ["--all-containers=true"];
  return run.ctx.kubectl.command([
    "logs",
    service.workload!.ref,
    "--all-pods=true",
    ...containers,
    "--prefix=true",
    `--since=${windowSeconds}s`,
  ]);
}

function podLogStep(run: RoutineRun, service: Service, windowSeconds: number): Step {
  const command = podLogsCommand(run, service, windowSeconds);
  const pattern = new RegExp(run.platform.routine!.errorPattern);
  return checkStep(
    run,
    {
      title: t`Error lines in the logs of ${service.name}'s pods, last ${humanDuration(windowSeconds)}`,
      item: {
        id: `error-logs/${service.name}`,
        title: t`Error lines of ${service.name} (pods)`,
        source: SOURCES.errorLogs,
      },
      action: () => ({ command }),
    },
    async (step) => {
      const tally = new ErrorTally(pattern);
      await streamLines(command, (line) => tally.add(line), {
        record: step.exec.record,
        signal: step.signal,
      });
      return finding(run, `error-logs/${service.name}`, tally, windowSeconds);
    },
  );
}

function logFilesStep(run: RoutineRun, entry: LogFiles, windowSeconds: number): Step {
  const pattern = new RegExp(run.platform.routine!.errorPattern);
  const since = run.now.getTime() - windowSeconds * 1000;
  return checkStep(
    run,
    {
      title: t`Error lines in the ${entry.name} log files, last ${humanDuration(windowSeconds)}`,
      item: {
        id: `error-logs/logs-${entry.name}`,
        title: t`Error lines of the ${entry.name} log files`,
        source: SOURCES.errorLogs,
      },
      action: () => ({
        target: { files: entry.paths.join(" "), "changed since": new Date(since).toISOString() },
      }),
    },
    async () => {
      const tally = new ErrorTally(pattern);
      const listing = await listLogDirectories(entry.paths);
      const plan = planLogFiles(entry, listing.files, run.now);
      // Compressed files are older than a day by construction (compressAfterDays), and gzip.
      const files = [...plan.live, ...plan.keep, ...plan.compress, ...plan.delete].filter(
        (f) => f.mtimeMs >= since && !f.path.endsWith(".gz"),
      );
      for (const file of files) await tallyFile(file.path, tally, since, file.mtimeMs);
      const found = finding(run, `error-logs/logs-${entry.name}`, tally, windowSeconds);
      return { ...found, data: { ...found.data, files: files.length } };
    },
  );
}

function finding(run: RoutineRun, id: string, tally: ErrorTally, windowSeconds: number): Finding {
  const before = run.previous(id)?.data?.errors;
  const trend = typeof before === "number" ? t` (${before} in the previous report)` : "";
  const top = tally.top(TOP);
  const within = t`in the last ${humanDuration(windowSeconds)}`;
  if (tally.count === 0)
    return { verdict: "ok", summary: t`no error lines ${within}${trend}`, data: { errors: 0 } };
  return {
    verdict: "attention",
    summary: t`${tally.count} error line(s) ${within}, ${top.length} most frequent below${trend}`,
    evidence: top.map((m) => `${String(m.count).padStart(6)} × ${m.example}`).join("\n"),
    data: { errors: tally.count, top: top.map((m) => ({ message: m.message, count: m.count })) },
  };
}
