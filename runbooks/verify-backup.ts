import { performance } from "node:perf_hooks";
import { z } from "zod";
import type { PgTarget } from "../lib/adapters/postgres.js";
import {
  chooseBackup,
  locationOf,
  skippedText,
  openStore,
  verifyBackup,
  type BackupChoice,
  type BackupLocation,
  type ObjectStore,
  type VerifyReport,
  requireBackups,
} from "../lib/backup/index.js";
import {
  drillDatabase,
  dropStaleScratch,
  surveyScratch,
  type ScratchSurvey,
  type StaleDrop,
} from "../lib/backup/scratch.js";
import { DRILL_STEP_TIMEOUT_MS } from "../lib/backup/timeouts.js";
import { plannedRestore } from "../lib/backup/verify.js";
import type { Backups, Database } from "../lib/model/index.js";
import { againstRto, rtoText, type RtoVerdict } from "../lib/restore/report.js";
import { seconds } from "../lib/restore/run.js";
import { defineRunbook, type RunContext, type Step } from "../lib/runbook/define.js";
import { databaseLock, type LockHolder } from "../lib/runbook/locks.js";
import { t } from "../lib/i18n/index.js";

const params = z.object({
  database: z.string().describe("database whose backup to check (a databases[].name of the stack)"),
  backup: z
    .string()
    .default("latest")
    .describe("backup id, or latest (the newest backup that passes its checks)"),
});

type Params = z.infer<typeof params>;

/** One drill: what every step reads, and the facts earlier steps found for later ones. */
interface Drill {
  readonly ctx: RunContext<Params>;
  readonly database: Database;
  readonly backups: Backups;
  readonly location: BackupLocation;
  /** The database whose server the drill restores on (`drillDatabase`). */
  readonly onto: Database;
  readonly store: () => Promise<ObjectStore>;
  readonly target: (step: RunContext) => Promise<PgTarget>;
  readonly facts: {
    store?: ObjectStore;
    choice?: BackupChoice;
    /** How long choosing the backup took: reading every object and comparing its sha256. */
    checkMs?: number;
    report?: VerifyReport;
    survey?: ScratchSurvey;
    stale?: StaleDrop;
  };
}

export default defineRunbook({
  name: "verify-backup",
  summary:
    "Restore drill: check a backup's checksums, restore it into a scratch database, compare counts",
  description: `
The INATrace operations manual, 4.3 Pruebas de Restauración (choose a recent backup, restore it
in an isolated environment, verify the table structure and that critical data is there,
document the results) as a drill that runs every week in the cluster. "latest" is the newest
backup that passes its checks: its manifest intact (its own checksum), not marked failed by its
read-back, every object present with its size and sha256; newer ones are skipped and the plan
says why. The sha256 of every object is checked before any database is created; then it
restores into a scratch database (guardia_drill_<time>) on the stack's drill server
(backups.restoreDrill.server; its user needs CREATEDB there, and the drill never connects to
production) or else on the database's own server (the database user then needs CREATEDB),
compares the exact row counts of the critical tables with the manifest, and drops the scratch
database whatever happened: also on a timeout or SIGTERM. The drop needs no superuser: the
owner's own sessions are ended and PostgreSQL stops the autovacuum workers on the fresh copy
itself; a drill that passed is never reported failed because its drop was refused (the report
says the copy was left and which privilege would end the sessions in the way). Each drill holds
its scratch database's lock until the drop, so one whose lock is free belongs to a drill that
was killed: those are dropped first, at once, unless another role's session uses them (each is
a full copy of production data), and the plan says what it found, dropped and kept. Any
mismatch fails the run (exit 1) and names the object or table, expected and found. The result
gives the drill's time (checksums, restore and counts, and their total) against the database's
rto, as restore-db judges its own; a drill slower than the rto still passes, and its CronJob's
run time reaches Prometheus through kube-state-metrics, where RestoreDrillSlowerThanRto fires.
The database the backup came from is never touched.`,
  outline: [
    "Find the backup (latest: the newest whose manifest and sha256 check out; or the given id), and say which newer ones were skipped and why",
    "Find scratch databases left on the drill server by drills that died (their drill's lock is free), and say what was found and kept",
    "Drop them (never one a drill holds or another role uses, nor any name but guardia_drill_<time>_<id>)",
    "Restore into a scratch database, compare critical-table counts, drop the scratch database (as its owner: no superuser needed)",
  ],
  manual: ["INATrace operations manual, 4.3 Pruebas de Restauración"],
  onFailure:
    "The database the backup came from is never touched. The scratch database is dropped whatever happened, also on a timeout or SIGTERM; one left by a drill killed outright is dropped by the next drill. Exit 1 names the object whose checksum or the table whose row count did not match, with what was expected and found.",
  params,
  plan: (ctx) => {
    const database = ctx.database(ctx.params.database);
    const backups = requireBackups(ctx.stack);
    const onto = drillDatabase(backups, database);
    const facts: Drill["facts"] = {};
    const drill: Drill = {
      ctx,
      database,
      backups,
      location: locationOf(ctx.platform, database),
      onto,
      store: async () => (facts.store ??= await openStore(backups.destination)),
      target: (step) => drillTarget(step, backups, onto),
      facts,
    };
    const budget = budgetOf(DRILL_STEP_TIMEOUT_MS);
    const steps: Step[] = [
      findStep(drill, budget),
      ...staleScratchSteps(drill),
      drillStep(drill, budget),
    ];
    return {
      steps,
      // On a separate drill server nothing touches the production server, so there is nothing
      // to coordinate with its backups and restores, and the drill holds no password for it.
      lock: onto !== database ? undefined : databaseLock(ctx.platform, database, "shared"),
      confirmTarget: database.database,
      cleanup: () => facts.store?.close(),
      result: () =>
        (facts.report || facts.stale) && {
          ...facts.report,
          manifest: undefined,
          ...(facts.report && drillTimes(drill, facts.report)),
          skipped: facts.choice?.skipped ?? [],
          staleScratchDropped: facts.stale?.dropped ?? [],
        },
      output: () => (facts.report ? drillOutput(drill, facts.report) : ""),
    };
  },
});

/**
 * Chooses the backup, reading its objects in full (sha256): a dump with a flipped byte is skipped
 * for "latest" like a failed or damaged one, and the plan names each skipped backup and why. The
 * drill then does not read it a second time before restoring. The check and the drill share the
 * drill's time budget, as together they did before the choice read the dump.
 */
function findStep({ ctx, database, location, store, facts }: Drill, budget: Budget): Step {
  const wanted = ctx.params.backup;
  return {
    title: t`Find backup ${wanted} of ${database.name}`,
    kind: "read",
    get timeoutMs() {
      return budget.remaining();
    },
    run: async (step) => {
      const started = performance.now();
      facts.choice = await chooseBackup(await store(), location, wanted, {
        sha256: true,
        signal: step.signal,
      });
      facts.checkMs = performance.now() - started;
      const { chosen, skipped } = facts.choice;
      const { id, sizeText, age, operator, manifest } = chosen;
      const passed = skipped.length === 0 ? "" : `; ${skippedText(skipped)}`;
      return {
        summary: t`${id}: ${sizeText}, ${age} old, by ${operator}, sha256 checked${passed}`,
        ...(skipped.length > 0 && {
          evidence: skipped.map((b) => t`skipped ${b.id}: ${b.reason}`).join("\n"),
        }),
        data: { id, criticalTables: manifest.criticalTables, skipped },
      };
    },
  };
}

/** One deadline for the steps that read a whole dump: it starts when the first of them does. */
interface Budget {
  remaining(): number;
}

function budgetOf(totalMs: number): Budget {
  let deadline: number | undefined;
  return {
    remaining: () => {
      deadline ??= Date.now() + totalMs;
      return Math.max(1000, deadline - Date.now());
    },
  };
}

function drillStep(drill: Drill, budget: Budget): Step {
  const { ctx, database, backups, location, onto, store, target, facts } = drill;
  return {
    title: t`Restore drill of ${database.name} on ${onto.host}`,
    kind: "change",
    get timeoutMs() {
      return budget.remaining();
    },
    action: () => ({
      command: plannedRestore(backups.destination, location, onto, facts.choice?.chosen.id),
      target: {
        server: `${onto.host}:${onto.port}`,
        backup: facts.choice?.chosen.url ?? ctx.params.backup,
        scratch: t`guardia_drill_<time>_<random> (dropped at the end)`,
      },
    }),
    run: async (step) => {
      facts.report = await verifyBackup({
        store: await store(),
        location,
        target: await target(step),
        backup: facts.choice!.chosen.id,
        sha256Checked: true,
        log: step.log,
        signal: step.signal,
        record: step.exec.record,
        holder: holderOf(ctx),
      });
      const { tables, scratchDatabase, scratchLeft } = facts.report;
      const counts = tables.map((t) => `${t.table} ${t.restored}/${t.expected}`).join(", ");
      // The drill passed: a scratch database that could not be dropped is said, not failed.
      const scratch = scratchLeft
        ? t`WARNING: scratch database ${scratchDatabase} was left (the next drill drops it)`
        : t`scratch database ${scratchDatabase} dropped`;
      const times = drillTimes(drill, facts.report);
      return {
        summary: t`checksums match; ${counts || t`no critical tables`}; total ${seconds(times.totalMs)}${rtoText(times)}; ${scratch}`,
        evidence: [tableEvidence(facts.report), ...(scratchLeft ? [scratchLeft] : [])].join("\n"),
        data: { ...facts.report, manifest: undefined },
      };
    },
    manualUndo: t`nothing to undo: the scratch database is dropped even when the drill fails`,
  };
}

/** The drill server with its password: the database's own (PGPASSWORD too), or the drill server's. */
async function drillTarget(step: RunContext, backups: Backups, onto: Database): Promise<PgTarget> {
  const server = backups.restoreDrill?.server;
  if (!server) return step.pg(onto);
  // Only the drill server's own Secret: a PGPASSWORD meant for production must not be sent here.
  const password = await step.secret(
    server.passwordSecret,
    t`password of drill server ${server.host}`,
  );
  return { database: onto, password };
}

/** Who holds a scratch database's lock, as its session on the server shows. */
function holderOf(ctx: RunContext): LockHolder {
  return { operator: ctx.operator, runbook: ctx.runbook, stack: ctx.stack.name };
}

/**
 * Scratch databases of drills that were killed before they could drop their own: found by a read
 * step, so a dry run lists them, and dropped by a change step of their own in the audit record.
 * One whose drill lock is free belongs to a drill that is gone, whatever its age; it is dropped
 * at once unless a session of another role uses it. Both summaries say what was found and kept.
 */
function staleScratchSteps({ ctx, onto, target, facts }: Drill): Step[] {
  const server = `${onto.host}:${onto.port}`;
  const names = () => facts.survey?.stale.map((d) => d.name) ?? [];
  return [
    {
      title: t`Find scratch databases left by earlier drills on ${server}`,
      kind: "read",
      run: async (step) => {
        facts.survey = await surveyScratch(await target(step), holderOf(ctx));
        const { stale, kept } = facts.survey;
        const lines = [
          ...stale.map((d) => t`drop ${d.name}: ${d.reason}`),
          ...kept.map((d) => t`keep ${d.name}: ${d.reason}`),
        ];
        return {
          summary: surveySummary(facts.survey),
          ...(lines.length > 0 && { evidence: lines.join("\n") }),
          data: facts.survey,
        };
      },
    },
    {
      title: t`Drop scratch databases left by earlier drills`,
      kind: "change",
      action: () => ({ target: { server, drop: names().join(", ") || "nothing" } }),
      run: async (step) => {
        facts.stale = await dropStaleScratch(await target(step), names(), holderOf(ctx));
        const { dropped, failed } = facts.stale;
        // One that cannot be dropped must not stop this week's drill; the evidence names it.
        const left = failed.map((f) => t`left ${f.name}: ${f.error}`);
        const kept = facts.survey?.kept.length ?? 0;
        return {
          summary:
            t`dropped ${dropped.length}${dropped.length ? ` (${dropped.join(", ")})` : ""}` +
            `${failed.length > 0 ? t`; could not drop ${failed.length}: ${failed.map((f) => f.name).join(", ")}` : ""}` +
            `${kept > 0 ? t`; kept ${kept} in use` : ""}`,
          ...(left.length > 0 && { evidence: left.join("\n") }),
          data: facts.stale,
        };
      },
      manualUndo: t`nothing to undo: they were copies of backups that still exist`,
    },
  ];
}

/** "found 3: 2 of drills that are gone (dropped next: a, b); kept 1 (c: in use by alice (psql))". */
function surveySummary({ stale, kept }: ScratchSurvey): string {
  if (stale.length + kept.length === 0) return t`found none`;
  const parts = [
    ...(stale.length > 0
      ? [
          t`${stale.length} of drills that are gone (dropped next: ${stale.map((d) => d.name).join(", ")})`,
        ]
      : []),
    ...(kept.length > 0
      ? [t`kept ${kept.length} (${kept.map((d) => `${d.name}: ${d.reason}`).join("; ")})`]
      : []),
  ];
  return t`found ${stale.length + kept.length}: ${parts.join("; ")}`;
}

/**
 * What a real restore of this backup would have taken up to the swap: the checksum of every
 * object, the restore and the verification, against the database's `rto` by the rule restore-db
 * uses. The drill's CronJob exposes its Job's whole run time to Prometheus (kube-state-metrics),
 * which RestoreDrillSlowerThanRto compares with the same `rto`.
 */
interface DrillTimes extends RtoVerdict {
  readonly checksumMs: number;
  readonly restoreMs: number;
  readonly totalMs: number;
}

function drillTimes({ database, facts }: Drill, report: VerifyReport): DrillTimes {
  const checksumMs = Math.round(facts.checkMs ?? 0);
  const totalMs = checksumMs + report.durationMs;
  return {
    checksumMs,
    restoreMs: report.durationMs,
    totalMs,
    ...againstRto(totalMs, database.rto),
  };
}

function drillOutput(drill: Drill, report: VerifyReport): string {
  const times = drillTimes(drill, report);
  return (
    t`backup ${report.id} of ${drill.database.name} verified: checksums ${seconds(times.checksumMs)}, restored and counted in ${seconds(times.restoreMs)}, total ${seconds(times.totalMs)}${rtoText(times)}; counts match` +
    `\n${tableEvidence(report)}`
  );
}

function tableEvidence(report: VerifyReport): string {
  return report.tables
    .map((row) => t`${row.table}: ${row.restored} rows restored, ${row.expected} in the manifest`)
    .join("\n");
}
