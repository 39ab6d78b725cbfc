import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { locationOf, openStore, requireBackups } from "../lib/backup/index.js";
import { UsageError } from "../lib/errors.js";
import { loadStack, type Database } from "../lib/model/index.js";
import { defineRunbook, type RunContext, type Step } from "../lib/runbook/define.js";
import { databaseLock } from "../lib/runbook/locks.js";
import type { RunbookPlan } from "../lib/runbook/types.js";
import {
  analyzeStep,
  checksumStep,
  downloadStep,
  findBackupStep,
  jobsStep,
  restoreStep,
  verifyStep,
} from "../lib/restore/copy-steps.js";
import {
  chooseKeptStep,
  dropKeptSteps,
  keptTable,
  listKeptSteps,
} from "../lib/restore/kept-steps.js";
import { keptNameOf, runStamp, scratchNameOf } from "../lib/restore/names.js";
import { restoreOutput, restoreResult } from "../lib/restore/report.js";
import {
  newFacts,
  type BackupSource,
  type RestoreParams,
  type RestoreRun,
} from "../lib/restore/run.js";
import { comment, rename, runStatements, serverOf, sqlCall } from "../lib/restore/server.js";
import {
  downtimeStep,
  healthStep,
  repairStep,
  settingsStep,
  surveyStep,
  swapSteps,
  workloadSteps,
} from "../lib/restore/swap-steps.js";
import { workloadsOf } from "../lib/restore/workloads.js";
import { planSmokeFlows, type SmokePlan } from "../lib/smoke/steps.js";
import { t } from "../lib/i18n/index.js";

const params = z.object({
  database: z.string().describe("database to restore (a databases[].name of the stack)"),
  backup: z
    .string()
    .default("latest")
    .describe("backup id, or latest (the newest backup that passes its checks)"),
  rollback: z
    .boolean()
    .default(false)
    .describe("swap the newest kept copy back in (undoes the last restore)"),
  listKept: z
    .boolean()
    .default(false)
    .describe("list the copies kept by restores and rollbacks, with size and age"),
  dropKept: z
    .string()
    .optional()
    .describe("drop this kept copy (a name --list-kept shows), after confirmation"),
  target: z
    .string()
    .optional()
    .describe("restore side by side into this new database instead of swapping"),
  fromStack: z
    .string()
    .optional()
    .describe("take the backup from this other stack's destination (a prod backup into staging)"),
  workDir: z
    .string()
    .optional()
    .describe(
      "where the dump is decompressed for pg_restore -j (default: the system's temp directory)",
    ),
  jobs: z
    .number()
    .int()
    .positive()
    .max(64)
    .optional()
    .describe("pg_restore and vacuumdb jobs (default: the server's cores)"),
});

export default defineRunbook({
  name: "restore-db",
  summary: "Restore a database from a verified copy with a fenced swap; roll back with one command",
  description: `
The MIRA operations guide, Backup y Recovery, scenario 2 (stop the application, restore the
dump, start it again), without its danger: the manual pipes a dump into the live database, so
a bad dump or a restore that dies half way loses production. restore-db never touches the live
database until a verified copy is ready: it checks the dump's sha256 against the manifest before
any database is created, restores into <db>__restore_<time> with parallel pg_restore -j (the dump
is decompressed to a file first: pg_restore -j needs one it can seek in), runs ANALYZE, and
verifies the exact counts of the critical tables, the structure (the manifest's schema
fingerprint) and the stack's smoke queries. Only then the swap, the only downtime: the usedBy
workloads are scaled to 0 (their replica count written on them first), connections are refused
and ended, the live database is renamed to <db>__pre_restore_<time> and the copy to <db>, the
live database's owner, grants and settings are applied to it, connections are allowed, the
workloads start again, the stack is health-checked and the smoke flows of the usedBy services
run on the restored data (step 5, "Verificar funcionalidad"). A failure before the swap drops
the copy and leaves live untouched; a failure after it, a failed flow included, swaps back. The
previous database is kept: --rollback swaps it back, --list-kept shows what is kept,
--drop-kept <name> drops one. A run killed half way is repaired by the next run or by
--rollback, which say what they found. --target <db> restores side by side without a swap
(the INATrace operations manual, 4.3 Pruebas de Restauración: restore in an isolated
environment), also from another stack's backups (--from-stack: a prod backup into staging).`,
  outline: [
    "Find the backup (latest passing its checks, or the given id) and survey the server",
    "Repair whatever an interrupted restore or rollback left",
    "Download and decompress the dump; compare its sha256 with the manifest before any database exists",
    "Restore into <db>__restore_<time> with pg_restore -j, ANALYZE, verify counts, structure, smoke queries",
    "Swap: stop the usedBy workloads, fence, end sessions, rename live → <db>__pre_restore_<time> and the copy → live, apply settings, allow connections, start the workloads, health-check",
    "Run the smoke flows of the usedBy services (login and a business flow on the restored data); a failed flow undoes the swap",
  ],
  manual: [
    "MIRA operations guide, Backup y Recovery, scenario 2",
    "INATrace operations manual, 4.3 Pruebas de Restauración",
  ],
  onFailure:
    "Before the swap, the live database is untouched and the restored copy is dropped. After the swap started, every step done is undone, newest first: the copy is renamed away and dropped, the live database renamed back, connections allowed, the workloads scaled back to the replica count written on them. A run killed outright (SIGKILL, a lost node) leaves at most a half-done swap: the next restore-db or restore-db --rollback finds it, says what it found and brings back the database as it was before. The replaced database is kept as <db>__pre_restore_<time> until --drop-kept removes it. A smoke flow of a usedBy service that fails after the swap (and the health check) is a failure after the swap like any other: the swap is undone, the live database holds what it held before the restore (with --rollback: before the rollback), and the run names the flow, the step and why, then lists each step it undid.",
  params,
  plan: (ctx) => planFor(ctx),
});

function planFor(ctx: RunContext<RestoreParams>): RunbookPlan {
  const p = ctx.params;
  const modes = [p.rollback, p.listKept, p.dropKept !== undefined, p.target !== undefined];
  if (modes.filter(Boolean).length > 1)
    throw new UsageError(t`--rollback, --list-kept, --drop-kept and --target go one at a time`);
  if (p.fromStack !== undefined && (p.rollback || p.listKept || p.dropKept !== undefined))
    throw new UsageError(
      t`--from-stack chooses a backup: it goes with a restore, not with kept copies`,
    );
  const database = ctx.database(p.database);
  const run = restoreRun(ctx, database);
  const lock = (mode: "shared" | "exclusive") =>
    databaseLock(ctx.platform, serverOf(database), mode);
  const base = {
    cleanup: () => cleanupOf(run),
    result: () => restoreResult(run),
    output: () => restoreOutput(run),
  };
  if (p.listKept)
    return {
      steps: listKeptSteps(run),
      output: () => keptTable(run),
      result: () => run.facts.survey?.kept,
    };
  if (p.dropKept !== undefined)
    return {
      steps: dropKeptSteps(run, p.dropKept),
      lock: lock("exclusive"),
      confirmTarget: p.dropKept,
      output: () => "",
    };
  if (p.target !== undefined)
    return { ...base, steps: targetSteps(run), lock: lock("shared"), confirmTarget: run.live };
  const smoke = smokeAfterSwap(run);
  const steps = p.rollback ? rollbackSteps(run) : restoreSteps(run);
  return {
    ...base,
    steps: [...steps, ...smoke.steps],
    result: () => restoreResult(run, smoke),
    output: () => restoreOutput(run, smoke),
    lock: lock("exclusive"),
    confirmTarget: database.database,
  };
}

/**
 * A green health endpoint says the services answer, not that they work on the restored data:
 * the smoke flows of the services that use the database run after the health check, and a
 * failed flow fails the run, so the swap is undone like any other failure after it.
 */
function smokeAfterSwap(run: RestoreRun): SmokePlan {
  return planSmokeFlows(run.ctx, { services: run.database.usedBy, after: true, failRun: true });
}

function restoreRun(ctx: RunContext<RestoreParams>, database: Database): RestoreRun {
  const stamp = runStamp(new Date());
  const live = ctx.params.target ?? database.database;
  const source = sourceOf(ctx, database);
  const facts = newFacts();
  return {
    ctx,
    database,
    live,
    stamp,
    scratch: scratchNameOf(live, stamp),
    workDir: path.join(ctx.params.workDir ?? tmpdir(), `guardia-restore-${live}-${stamp}`),
    workloads: ctx.params.target === undefined ? workloadsOf(ctx.platform, database) : [],
    source,
    store: async () => (facts.store ??= await openStore(source.backups.destination)),
    target: (step) => step.pg(database),
    facts,
  };
}

/** This stack's backups, or those of the database of the same name in `--from-stack`. */
function sourceOf(ctx: RunContext<RestoreParams>, database: Database): BackupSource {
  const ref = ctx.params.fromStack;
  if (ref === undefined) {
    const backups = requireBackups(ctx.stack);
    return { stack: ctx.stack.name, backups, location: locationOf(ctx.platform, database) };
  }
  const other = loadStack(ref);
  const theirs = other.platform.databases.find((d) => d.name === database.name);
  if (!theirs)
    throw new UsageError(t`--from-stack ${ref}: it has no database named ${database.name}`);
  return {
    stack: other.name,
    backups: requireBackups(other),
    location: locationOf(other.platform, theirs),
  };
}

/** The steps every restore shares: find, survey, repair, then the verified copy. */
function copySteps(run: RestoreRun, repair: boolean): Step[] {
  const workloads = run.workloads.map((w) => workloadSteps(run, w));
  return [
    findBackupStep(run),
    surveyStep(run),
    presenceStep(run, repair),
    ...workloads.map((w) => w.read),
    jobsStep(run),
    ...(repair ? [...workloads.map((w) => w.repair), repairStep(run)] : []),
    downloadStep(run),
    checksumStep(run),
    restoreStep(run),
    analyzeStep(run),
    verifyStep(run),
  ];
}

/** A swap needs a live database (or a repair that brings it back); --target needs a new name. */
function presenceStep(run: RestoreRun, swap: boolean): Step {
  const { live, facts } = run;
  return {
    title: swap ? t`Check that ${live} exists` : t`Check that ${live} does not exist yet`,
    kind: "read",
    run: async () => {
      const { live: exists, repair } = facts.survey!;
      if (swap && !exists && repair.length === 0)
        throw new UsageError(
          t`${live} does not exist on the server: restore it with --target ${live}`,
        );
      if (!swap && exists) throw new UsageError(t`--target ${live} already exists on the server`);
      return { summary: swap ? t`${live} is there` : t`${live} is free` };
    },
  };
}

function restoreSteps(run: RestoreRun): Step[] {
  const outgoing = keptNameOf(run.live, run.stamp);
  return [
    ...copySteps(run, true),
    settingsStep(run),
    downtimeStep(run),
    ...swapSteps(run, { incoming: () => run.scratch, outgoing, settings: true }),
    healthStep(run),
  ];
}

function rollbackSteps(run: RestoreRun): Step[] {
  const workloads = run.workloads.map((w) => workloadSteps(run, w));
  const outgoing = keptNameOf(run.live, run.stamp, "pre_rollback");
  const incoming = () => run.facts.incoming?.name ?? "<newest kept copy>";
  // After a repair there is nothing left to roll back: the swap steps would find no kept copy.
  const swap = swapSteps(run, { incoming, outgoing, settings: false }).map((step) =>
    onlyIfChosen(run, step),
  );
  return [
    surveyStep(run),
    ...workloads.map((w) => w.read),
    ...workloads.map((w) => w.repair),
    repairStep(run),
    chooseKeptStep(run),
    ...swap,
    healthStep(run),
  ];
}

function onlyIfChosen(run: RestoreRun, step: Step): Step {
  const chosen = () => run.facts.incoming !== undefined;
  return {
    ...step,
    action: (ctx) =>
      chosen() ? step.action?.(ctx) : { target: { skipped: "nothing to roll back" } },
    run: async (ctx) => (chosen() ? step.run(ctx) : { summary: t`skipped: nothing to roll back` }),
  };
}

/** --target: the verified copy is renamed to the new database; nothing else changes. */
function targetSteps(run: RestoreRun): Step[] {
  const { live, scratch, database, facts } = run;
  const statements = [rename(scratch, live), comment(live, null)];
  return [
    ...copySteps(run, false),
    {
      title: t`Rename ${scratch} → ${live}`,
      kind: "change",
      action: () => ({ call: sqlCall({ database }, statements) }),
      run: async (step) => {
        await runStatements(await run.target(step), statements);
        return { summary: t`${live} holds backup ${facts.choice?.chosen.id}` };
      },
      rollback: {
        action: () => ({ call: sqlCall({ database }, [rename(live, scratch)]) }),
        run: async (step) => runStatements(await run.target(step), [rename(live, scratch)]),
      },
    },
  ];
}

function cleanupOf(run: RestoreRun): Promise<void> | void {
  rmSync(run.workDir, { recursive: true, force: true });
  return run.facts.store?.close();
}
