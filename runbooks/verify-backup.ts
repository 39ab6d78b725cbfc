import { z } from "zod";
import type { PgTarget } from "../lib/adapters/postgres.js";
import {
  listBackups,
  locationOf,
  openStore,
  verifyBackup,
  type BackupEntry,
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
import { defineRunbook, type RunContext, type Step } from "../lib/runbook/define.js";
import { databaseLock } from "../lib/runbook/locks.js";

const params = z.object({
  database: z.string().describe("database whose backup to check (a databases[].name of the stack)"),
  backup: z
    .string()
    .default("latest")
    .describe("backup id, or latest (the newest complete backup)"),
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
    chosen?: BackupEntry;
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
document the results) as a drill that runs every week in the cluster. It downloads the backup,
checks the sha256 of every object against the manifest before any database is created,
restores into a scratch database (guardia_drill_<time>) on the stack's drill server
(backups.restoreDrill.server; its user needs CREATEDB there, and the drill never connects to
production) or else on the database's own server (the database user then needs CREATEDB),
compares the exact row counts of the critical tables with the manifest, and drops the scratch
database whatever happened: also on a timeout or SIGTERM. Scratch databases left by drills that
were killed outright (older than the drill's timeout, nobody connected) are dropped first: each
is a full copy of production data. Any mismatch fails the run (exit 1) and names the object or
table, expected and found. The database the backup came from is never touched.`,
  outline: [
    "Find the backup (latest complete, or the given id) and show its manifest",
    "Find scratch databases left on the drill server by drills that died",
    "Drop them (never a database in use, nor any name but guardia_drill_<time>_<id>)",
    "Check the sha256 of every object against the manifest, before any database exists",
    "Restore into a scratch database, compare critical-table counts, drop the scratch database",
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
    const steps: Step[] = [findStep(drill), ...staleScratchSteps(drill), drillStep(drill)];
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
          staleScratchDropped: facts.stale?.dropped ?? [],
        },
      output: () =>
        facts.report
          ? `backup ${facts.report.id} of ${database.name} verified: restored in ${(facts.report.durationMs / 1000).toFixed(1)} s, counts match\n${tableEvidence(facts.report)}`
          : "",
    };
  },
});

function findStep({ ctx, database, backups, location, store, facts }: Drill): Step {
  const wanted = ctx.params.backup;
  return {
    title: `Find backup ${wanted} of ${database.name}`,
    kind: "read",
    run: async () => {
      const all = await listBackups(await store(), location);
      facts.chosen = wanted === "latest" ? all[0] : all.find((b) => b.id === wanted);
      if (!facts.chosen) {
        const newest = all.slice(0, 5).map((b) => b.id);
        throw new Error(
          `no complete backup ${wanted} of ${database.name} in ${backups.destination.url} (newest: ${newest.join(", ") || "none"})`,
        );
      }
      const { id, sizeText, age, operator, manifest } = facts.chosen;
      return {
        summary: `${id}: ${sizeText}, ${age} old, by ${operator}`,
        data: { id, criticalTables: manifest.criticalTables },
      };
    },
  };
}

function drillStep({ ctx, database, backups, location, onto, store, target, facts }: Drill): Step {
  return {
    title: `Restore drill of ${database.name} on ${onto.host}`,
    kind: "change",
    timeoutMs: DRILL_STEP_TIMEOUT_MS,
    action: () => ({
      command: plannedRestore(backups.destination, location, onto, facts.chosen?.id),
      target: {
        server: `${onto.host}:${onto.port}`,
        backup: facts.chosen?.url ?? ctx.params.backup,
        scratch: "guardia_drill_<time>_<random> (dropped at the end)",
      },
    }),
    run: async (step) => {
      facts.report = await verifyBackup({
        store: await store(),
        location,
        target: await target(step),
        backup: facts.chosen!.id,
        log: step.log,
        signal: step.signal,
        record: step.exec.record,
      });
      const tables = facts.report.tables
        .map((t) => `${t.table} ${t.restored}/${t.expected}`)
        .join(", ");
      return {
        summary: `checksums match; ${tables || "no critical tables"}`,
        evidence: tableEvidence(facts.report),
        data: { ...facts.report, manifest: undefined },
      };
    },
    manualUndo: "nothing to undo: the scratch database is dropped even when the drill fails",
  };
}

/** The drill server with its password: the database's own (PGPASSWORD too), or the drill server's. */
async function drillTarget(step: RunContext, backups: Backups, onto: Database): Promise<PgTarget> {
  const server = backups.restoreDrill?.server;
  if (!server) return step.pg(onto);
  // Only the drill server's own Secret: a PGPASSWORD meant for production must not be sent here.
  const password = await step.secret(
    server.passwordSecret,
    `password of drill server ${server.host}`,
  );
  return { database: onto, password };
}

/**
 * Scratch databases of drills that were killed before they could drop their own: found by a read
 * step, so a dry run lists them, and dropped by a change step of their own in the audit record.
 * Older than the drill step's timeout means its drill is gone (the timeout would have stopped it).
 */
function staleScratchSteps({ onto, target, facts }: Drill): Step[] {
  const server = `${onto.host}:${onto.port}`;
  const names = () => facts.survey?.stale.map((d) => d.name) ?? [];
  return [
    {
      title: `Find scratch databases left by earlier drills on ${server}`,
      kind: "read",
      run: async (step) => {
        facts.survey = await surveyScratch(await target(step), DRILL_STEP_TIMEOUT_MS);
        const { stale, kept } = facts.survey;
        const lines = [
          ...stale.map((d) => `drop ${d.name}: ${d.reason}`),
          ...kept.map((d) => `keep ${d.name}: ${d.reason}`),
        ];
        return {
          summary: stale.length === 0 ? "none left" : `${stale.length} left: ${names().join(", ")}`,
          ...(lines.length > 0 && { evidence: lines.join("\n") }),
          data: facts.survey,
        };
      },
    },
    {
      title: "Drop scratch databases left by earlier drills",
      kind: "change",
      action: () => ({ target: { server, drop: names().join(", ") || "nothing" } }),
      run: async (step) => {
        facts.stale = await dropStaleScratch(await target(step), names());
        const { dropped, failed } = facts.stale;
        // One that cannot be dropped must not stop this week's drill; the evidence names it.
        const left = failed.map((f) => `left ${f.name}: ${f.error}`);
        return {
          summary:
            dropped.length === 0 && failed.length === 0
              ? "nothing to drop"
              : `dropped ${dropped.length}${failed.length > 0 ? `, could not drop ${failed.length}` : ""}`,
          ...(left.length > 0 && { evidence: left.join("\n") }),
          data: facts.stale,
        };
      },
      manualUndo: "nothing to undo: they were copies of backups that still exist",
    },
  ];
}

function tableEvidence(report: VerifyReport): string {
  return report.tables
    .map((t) => `${t.table}: ${t.restored} rows restored, ${t.expected} in the manifest`)
    .join("\n");
}
