import { existsSync } from "node:fs";
import { statfs } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { dumpKey, dumpPipeline } from "../lib/backup/dump.js";
import {
  applyRetention,
  backupDatabase,
  BackupVerificationError,
  checkObjects,
  locationOf,
  listBackups,
  markFailed,
  openStore,
  planRetention,
  retentionSummary,
  retentionTarget,
  type BackupEntry,
  type BackupLocation,
  type BackupResult,
  type ObjectStore,
  type RetentionPlan,
  requireBackups,
} from "../lib/backup/index.js";
import {
  removePartials,
  surveyPartials,
  type PartialRemoval,
  type PartialSurvey,
} from "../lib/backup/partials.js";
import { withPgClient, type PgTarget } from "../lib/adapters/postgres.js";
import { startMeter, type Estimate } from "../lib/backup/meter.js";
import { formatBytes, storedAs } from "../lib/backup/store.js";
import {
  checkPgDumpAgainstServer,
  pgDumpVersionCommand,
  type PgDumpFound,
} from "../lib/backup/pg-version.js";
import { locateExecutable } from "../lib/backup/process.js";
import { BACKUP_STEP_TIMEOUT_MS } from "../lib/backup/timeouts.js";
import { UsageError } from "../lib/errors.js";
import type { Backups, Database } from "../lib/model/index.js";
import { databaseLock } from "../lib/runbook/locks.js";
import { defineRunbook, type RunContext, type Step } from "../lib/runbook/define.js";
import { t } from "../lib/i18n/index.js";

const params = z.object({
  database: z.string().describe("database to back up (a databases[].name of the stack)"),
  schedule: z
    .string()
    .default("manual")
    .describe(
      "schedule the backup belongs to (sets its retention); 'manual' is never deleted by retention",
    ),
});

type Params = z.infer<typeof params>;

/** Free space the destination needs beyond the last backup's size: dumps grow between runs. */
const SPACE_MARGIN = 1.5;

/** One backup run: what every step reads, and the facts earlier steps found for later ones. */
interface BackupRun {
  readonly ctx: RunContext<Params>;
  readonly database: Database;
  readonly backups: Backups;
  readonly location: BackupLocation;
  readonly store: () => Promise<ObjectStore>;
  readonly facts: {
    store?: ObjectStore;
    pgDump?: PgDumpFound;
    latest?: BackupEntry;
    retention?: RetentionPlan;
    partials?: PartialSurvey;
    partialsRemoved?: PartialRemoval;
    result?: BackupResult;
    deleted: string[];
  };
}

export default defineRunbook({
  name: "backup-db",
  summary: "Back up a database to the stack's destination, verify it, apply retention",
  description: `
The INATrace operations manual, 4.2 Procedimiento General de Backup (check the destination's
space, back up, verify that it completed, record date, time and who), and the MIRA operations
guide, Backup y Recovery: Backups Semanales (backup_database.sh: pg_dump, keep 90 days), made
safe: a custom-format pg_dump streamed through zstd to s3:// (multipart upload) or file://
(fsync, atomic rename) with sha256 computed on the way, never buffered in memory or on local
disk; exact row counts of the critical tables from the dump's own snapshot; manifest.json
written last, so a backup without one is never restorable. The new dump is read back and its
checksum compared. On file:// destinations, backups older than their schedule's keepDays are
then deleted, but never the newest complete one of a schedule, and nothing while the newest
backup is incomplete or damaged (S3 buckets expire backups with lifecycle rules). The dump is
read once, by the read-back: retention trusts it, and its first plan is a preview that checks
nothing (a dry run does check the newest backup, since nothing else reads it then). A timeout
or SIGTERM stops pg_dump and discards the partial dump; what a SIGKILL (an OOM kill, a lost node)
leaves behind, a partial file or an S3 upload never completed, is removed by the next run once
its writer is gone, and counted as free space until then. The new backup's id ends with a random
tag, so runs that start in the same second each make their own. While the dump runs, a line
every 15 s says the bytes stored, the rate and how far along it is against the last backup's
size (else the database's size on disk); a minute without a byte gives a warning. The CronJobs
run exactly this.`,
  outline: [
    "Check the destination: the latest backups, partial objects left by runs that died, free space on file:// (counting what removing those frees)",
    "Check that pg_dump is not older than the server",
    "Plan retention (file://): what would be deleted, and why (a dry run also checks the newest backup's sha256)",
    "Remove partial objects left by runs that died (a partial file whose writer is gone, an S3 upload older than any job may run)",
    "pg_dump --format=custom | zstd → destination, sha256 on the way, row counts from the same snapshot, manifest last",
    "Read the new dump back and compare its sha256 with the manifest",
    "Plan retention again, trusting the backup just read back, and delete the expired backups (file://)",
  ],
  manual: [
    "INATrace operations manual, 4.2 Procedimiento General de Backup",
    "MIRA operations guide, Backup y Recovery, Backups Semanales (Base de Datos)",
  ],
  onFailure:
    "Nothing is lost: a backup only adds objects to the destination, and retention deletes nothing while the newest backup is incomplete or damaged. A dump that fails, times out or is interrupted is discarded and gets no manifest.json, so it is never listed or restored; run backup-db again once the cause is fixed. When the read-back of the new dump fails, the backup stays in the destination: treat it as damaged (verify-backup --backup <id> checks it again).",
  params,
  plan: (ctx) => {
    const database = ctx.database(ctx.params.database);
    const backups = requireBackups(ctx.stack);
    checkSchedule(backups, ctx.params.schedule);
    const facts: BackupRun["facts"] = { deleted: [] };
    const store = async () => (facts.store ??= await openStore(backups.destination));
    const location = locationOf(ctx.platform, database);
    const b: BackupRun = { ctx, database, backups, location, store, facts };
    const onFiles = backups.destination.kind === "file";
    const steps: Step[] = [
      destinationStep(b),
      versionStep(b),
      ...(onFiles ? [retentionPlanStep(b)] : []),
      partialsStep(b),
      backupStep(b),
      readBackStep(b),
      ...(onFiles ? [retentionApplyStep(b)] : []),
    ];
    return {
      steps,
      lock: databaseLock(ctx.platform, database, "shared"),
      confirmTarget: database.database,
      cleanup: () => facts.store?.close(),
      result: () =>
        facts.result && {
          ...facts.result,
          manifest: undefined,
          deleted: facts.deleted,
          partialsRemoved: facts.partialsRemoved?.removed.map((p) => p.name) ?? [],
        },
      output: () =>
        facts.result
          ? t`backup ${facts.result.id} of ${database.name}: ${formatBytes(facts.result.size)} in ${(facts.result.durationMs / 1000).toFixed(1)} s → ${facts.result.url}`
          : "",
    };
  },
});

function checkSchedule(backups: Backups, schedule: string): void {
  if (schedule === "manual" || backups.schedules.some((s) => s.name === schedule)) return;
  const known = backups.schedules.map((s) => s.name).join(", ");
  throw new UsageError(
    t`--schedule: no schedule "${schedule}" in this stack (schedules: ${known}, or manual)`,
  );
}

/**
 * The backups there, the partial objects runs that died left (removed before the backup, so the
 * space they hold counts as free) and, on file://, the free space: 1.5× the last backup's size.
 */
function destinationStep({ backups, location, store, facts }: BackupRun): Step {
  const { destination } = backups;
  return {
    title: t`Check the destination ${destination.url}`,
    kind: "read",
    run: async () => {
      const backupsNow = await listBackups(await store(), location);
      facts.latest = backupsNow[0];
      facts.partials = await surveyPartials(await store(), location);
      const latest = facts.latest
        ? t`latest ${facts.latest.id} (${facts.latest.sizeText}, ${facts.latest.age} old)`
        : t`no backup yet`;
      const found = t`${backupsNow.length} backup(s); ${latest}${partialsText(facts.partials)}`;
      const evidence = partialsEvidence(facts.partials);
      if (destination.kind !== "file") return { summary: found, evidence };
      const { bavail, bsize } = await statfs(existingAncestor(destination.path));
      const free = Number(bavail) * Number(bsize);
      const usable = free + facts.partials.staleBytes;
      const needed = (facts.latest?.size ?? 0) * SPACE_MARGIN;
      const space = t`${formatBytes(free)} free${facts.partials.staleBytes > 0 ? t` (${formatBytes(usable)} once the partial objects are removed)` : ""}`;
      if (usable < needed) {
        throw new Error(
          t`only ${space} at ${destination.path}; the last backup took ${facts.latest!.sizeText} (${SPACE_MARGIN}× needed)`,
        );
      }
      return { summary: `${space}; ${found}`, evidence };
    },
  };
}

/** "; 3.1 GiB in 20 partial object(s) of runs that died; 1 being written": what the survey found. */
function partialsText(survey: PartialSurvey): string {
  const stale = survey.stale.length
    ? t`; ${formatBytes(survey.staleBytes)} in ${survey.stale.length} partial object(s) of runs that died`
    : t`; no partial object of a run that died`;
  const alive = survey.alive.length
    ? t`; ${survey.alive.length} partial object(s) being written`
    : "";
  return `${stale}${alive}`;
}

function partialsEvidence(survey: PartialSurvey): string | undefined {
  const lines = [
    ...survey.stale.map((p) => t`remove ${p.name}: ${p.reason}`),
    ...survey.alive.map((p) => t`keep   ${p.name}: ${p.reason}`),
  ];
  return lines.length > 0 ? lines.join("\n") : undefined;
}

/**
 * Removes the partial objects of runs that died (a file whose writer is gone, an S3 multipart
 * upload older than any job may run), before the backup needs their space. One that cannot be
 * removed does not stop the backup; the evidence names it.
 */
function partialsStep({ backups, store, facts }: BackupRun): Step {
  const names = () => facts.partials?.stale.map((p) => p.name) ?? [];
  return {
    title: t`Remove partial objects left by runs that died`,
    kind: "change",
    action: () => ({
      target: { remove: names().join(", ") || "nothing", destination: backups.destination.url },
    }),
    run: async () => {
      facts.partialsRemoved = await removePartials(await store(), facts.partials?.stale ?? []);
      const { removed, failed } = facts.partialsRemoved;
      const bytes = formatBytes(removed.reduce((sum, p) => sum + p.bytes, 0));
      const left = failed.map((f) => t`left ${f.partial.name}: ${f.error}`);
      return {
        summary:
          removed.length === 0 && failed.length === 0
            ? t`nothing to remove`
            : t`removed ${removed.length} (${bytes})${failed.length > 0 ? t`, could not remove ${failed.length}` : ""}`,
        ...(left.length > 0 && { evidence: left.join("\n") }),
      };
    },
    manualUndo: t`nothing to undo: partial objects are never backups`,
  };
}

/** The directory itself, or the nearest parent that exists (the store creates the rest). */
function existingAncestor(dir: string): string {
  let current = dir;
  while (!existsSync(current) && path.dirname(current) !== current) current = path.dirname(current);
  return current;
}

/** Finds the pg_dump the backup will run, once: the backup step runs exactly that one. */
function versionStep({ database, facts }: BackupRun): Step {
  const version = pgDumpVersionCommand(locateExecutable("pg_dump"));
  return {
    title: t`Check that pg_dump is not older than the server`,
    kind: "read",
    action: () => ({ command: version }),
    run: async (step) => {
      const target = await step.pg(database);
      const checked = await checkPgDumpAgainstServer(target, { record: step.exec.record });
      facts.pgDump = checked.pgDump;
      return { summary: checked.summary };
    },
  };
}

function backupStep({ ctx, database, backups, location, store, facts }: BackupRun): Step {
  const { schedule } = ctx.params;
  return {
    title: t`Back up ${database.name} (${database.database} on ${database.host})`,
    kind: "change",
    timeoutMs: BACKUP_STEP_TIMEOUT_MS,
    action: () => ({
      command: dumpPipeline({
        pgDump: facts.pgDump?.path ?? locateExecutable("pg_dump"),
        zstd: locateExecutable("zstd"),
        database,
        destination: storedAs(backups.destination, dumpKey(location)),
      }),
      target: { database: `${database.host}:${database.port}/${database.database}`, schedule },
    }),
    run: async (step) => {
      const target = await step.pg(database);
      const meter = startMeter({ log: step.log, estimate: await estimate(facts.latest, target) });
      try {
        facts.result = await backupDatabase({
          store: await store(),
          location,
          target,
          schedule,
          operator: ctx.operator,
          pgDump: facts.pgDump,
          record: step.exec.record,
          signal: step.signal,
          onProgress: meter.update,
        });
      } finally {
        meter.stop();
      }
      const { id, size, sha256 } = facts.result;
      return {
        summary: `${id}: ${formatBytes(size)}, sha256 ${sha256.slice(0, 12)}…`,
        data: facts.result,
      };
    },
    manualUndo: t`nothing to undo: a backup only adds objects to the destination`,
  };
}

/**
 * What the dump will come to: about the last backup's size (compressed alike), else at most the
 * database's size on disk. Only for the progress lines, so a failed query just leaves it out.
 */
async function estimate(
  latest: BackupEntry | undefined,
  target: PgTarget,
): Promise<Estimate | undefined> {
  if (latest) return { bytes: latest.size, from: t`the last backup` };
  const bytes = await withPgClient(target, async (c) => {
    const { rows } = await c.query<{ size: string }>(
      "SELECT pg_database_size(current_database()) AS size",
    );
    return Number(rows[0]?.size);
  }).catch(() => undefined);
  return bytes ? { bytes, from: t`the database's size on disk, a ceiling` } : undefined;
}

/**
 * Reads the new backup back. One that does not hold what its manifest says, or cannot be read,
 * is marked failed (failed.json beside it): listings, verify-backup and restores skip it, and
 * retention keeps the older backups. A read-back that was cancelled proves nothing either way
 * and marks nothing.
 */
function readBackStep({ ctx, location, store, facts }: BackupRun): Step {
  return {
    title: t`Read the new backup back and compare its sha256`,
    kind: "verify",
    run: async (step) => {
      const { manifest, url } = facts.result!;
      try {
        const mismatches = await checkObjects(await store(), location, manifest, step.signal);
        if (mismatches.length > 0) throw new BackupVerificationError(manifest.id, mismatches, url);
      } catch (err) {
        if (step.signal.aborted) throw err;
        const reason = (err as Error).message;
        const marked = await markFailed(await store(), location, manifest, reason, ctx.operator)
          .then(() => t`; it is marked failed and never listed as restorable`)
          .catch(
            (markErr: unknown) => t`; marking it failed also failed: ${(markErr as Error).message}`,
          );
        throw new Error(`${reason}${marked}`, { cause: err });
      }
      return { summary: t`every object matches the manifest` };
    },
  };
}

/**
 * Before the backup. In a real run only a preview: the apply step plans again once the new backup
 * exists, so reading the previous newest dump here would be a full read for nothing. In a dry run
 * nothing else reads it, so the plan checks it as the apply step would.
 */
function retentionPlanStep({ ctx, backups, location, store, facts }: BackupRun): Step {
  return {
    title: t`Plan retention`,
    kind: "read",
    run: async () => {
      facts.retention = await planRetention({
        store: await store(),
        location,
        schedules: backups.schedules,
        checksum: ctx.dryRun,
      });
      return {
        summary: retentionSummary(facts.retention),
        evidence: retentionEvidence(facts.retention),
      };
    },
  };
}

function retentionApplyStep({ backups, location, store, facts }: BackupRun): Step {
  return {
    title: t`Delete expired backups`,
    kind: "change",
    action: () => ({ target: retentionTarget(facts.retention, backups.destination) }),
    run: async () => {
      // Planned again now: the new backup exists, and another run may have deleted some. The
      // new backup was just read back in full; it is not read a second time.
      const plan = await planRetention({
        store: await store(),
        location,
        schedules: backups.schedules,
        verified: facts.result?.manifest,
      });
      const result = await applyRetention(await store(), plan);
      facts.deleted = [...result.deleted];
      return { summary: retentionSummary(plan), evidence: retentionEvidence(plan) };
    },
    manualUndo: t`deleted backups are gone; only expired ones whose newer backups are complete are deleted`,
  };
}

function retentionEvidence(plan: RetentionPlan): string {
  const lines = [
    ...plan.delete.map((d) => t`delete ${d.id}: ${d.reason}`),
    ...plan.keep.map((k) => t`keep   ${k.id}: ${k.reason}`),
  ];
  return [plan.blocked ? t`blocked: ${plan.blocked}` : undefined, ...lines]
    .filter(Boolean)
    .join("\n");
}
