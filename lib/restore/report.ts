import type { Duration } from "../model/index.js";
import type { SmokePlan } from "../smoke/steps.js";
import { PHASES, seconds, type RestoreRun } from "./run.js";
import { t } from "../i18n/index.js";

/**
 * What a restore measured, for --json, the report and the terminal: each phase's time, the
 * downtime (from the first workload stopped or connection refused to the last one back), the
 * total, and the total against the database's recovery time objective.
 */

export interface RestoreTimes extends RtoVerdict {
  readonly phasesMs: Record<string, number>;
  readonly totalMs: number;
  readonly downtimeMs: number | undefined;
}

export function restoreTimes(run: RestoreRun): RestoreTimes {
  const { phases, downtime } = run.facts;
  const phasesMs = Object.fromEntries(PHASES.map((p) => [p, Math.round(phases[p] * 10) / 10]));
  const totalMs = PHASES.reduce((sum, p) => sum + phases[p], 0);
  return {
    phasesMs,
    totalMs: Math.round(totalMs),
    downtimeMs:
      downtime?.to === undefined ? undefined : Math.round((downtime.to - downtime.from) * 10) / 10,
    ...againstRto(totalMs, run.database.rto),
  };
}

/** A measured restore time against the database's recovery time objective, if it has one. */
export interface RtoVerdict {
  readonly rto: string | undefined;
  readonly withinRto: boolean | undefined;
}

/** The one rule both restore-db and the restore drill judge their time by: total ≤ `rto`. */
export function againstRto(totalMs: number, rto: Duration | undefined): RtoVerdict {
  return {
    rto: rto?.toString(),
    withinRto: rto === undefined ? undefined : totalMs <= rto.seconds * 1000,
  };
}

/** " (RTO 1h: within)", " (RTO 1h: EXCEEDED)", or "" without an RTO. */
export function rtoText(verdict: RtoVerdict): string {
  if (verdict.rto === undefined) return "";
  return verdict.withinRto ? t` (RTO ${verdict.rto}: within)` : t` (RTO ${verdict.rto}: EXCEEDED)`;
}

/** `smoke`: the flows run after the swap (restore and --rollback). */
export function restoreResult(run: RestoreRun, smoke?: SmokePlan) {
  const { choice, survey, verified, repaired, incoming } = run.facts;
  if (!choice && !survey) return undefined;
  const flows = smoke?.result().flows ?? [];
  return {
    database: run.database.name,
    live: run.live,
    backup: choice?.chosen.id,
    fromStack: run.source.stack,
    kept: incoming ? undefined : survey?.kept.map((k) => k.name),
    rolledBackTo: incoming?.name,
    repaired,
    verified,
    ...(flows.length > 0 && { smoke: flows }),
    ...restoreTimes(run),
  };
}

/** "phases: download 2.1 s, …; downtime 3.2 s; total 41 s (RTO 1h: within)". */
export function timesLine(times: RestoreTimes): string {
  const phases = Object.entries(times.phasesMs)
    .filter(([, ms]) => ms > 0)
    .map(([p, ms]) => `${p} ${seconds(ms)}`)
    .join(", ");
  const downtime = times.downtimeMs === undefined ? "" : t`; downtime ${seconds(times.downtimeMs)}`;
  const total = seconds(times.totalMs);
  if (!phases) return t`phases: none${downtime}; total ${total}${rtoText(times)}`;
  return t`phases: ${phases}${downtime}; total ${total}${rtoText(times)}`;
}

export function restoreOutput(run: RestoreRun, smoke?: SmokePlan): string {
  const { choice, incoming, repaired } = run.facts;
  const lines = repaired.map((r) => t`repaired: ${r}`);
  const failed = smoke?.failures() ?? [];
  if (failed.length > 0)
    lines.push(
      incoming
        ? t`${run.live} was NOT swapped for ${incoming.name}: after the swap, smoke flow(s) failed (${failed.join("; ")}); the run undid the swap (the state after the failure says what each step left)`
        : t`${run.live} was NOT restored from backup ${choice?.chosen.id}: after the swap, smoke flow(s) failed (${failed.join("; ")}); the run undid the swap (the state after the failure says what each step left)`,
    );
  else if (incoming) lines.push(t`${run.live} is ${incoming.name} again`);
  else if (choice)
    lines.push(t`${run.live} restored from backup ${choice.chosen.id} (${choice.chosen.sizeText})`);
  lines.push(timesLine(restoreTimes(run)));
  return lines.join("\n");
}
