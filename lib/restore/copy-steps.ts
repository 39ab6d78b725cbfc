import { mkdirSync, rmSync } from "node:fs";
import { dumpKey } from "../backup/dump.js";
import { BackupVerificationError, objectMismatches } from "../backup/integrity.js";
import { DUMP_OBJECT } from "../backup/layout.js";
import { chooseBackup, skippedText } from "../backup/list.js";
import { locateExecutable } from "../backup/process.js";
import { objectUrl } from "../backup/store.js";
import type { PgTarget } from "../adapters/postgres.js";
import type { Step } from "../runbook/define.js";
import {
  analyzeCommand,
  download,
  downloadPipeline,
  pgExec,
  restoreCommand,
  serverCores,
  verifyCopy,
} from "./copy.js";
import { markerOf } from "./names.js";
import type { RestoreRun } from "./run.js";
import { timed } from "./run.js";
import { comment, createDatabase, dropDatabase, ident, runStatements, sqlCall } from "./server.js";
import { t } from "../i18n/index.js";

/**
 * The steps that make a verified copy of the backup beside the live database: choose the
 * backup, download and decompress it, compare its sha256, restore it into the scratch database,
 * ANALYZE, verify. Nothing here touches the live database; a failure drops the scratch database
 * and the work directory (the rollback of these steps).
 */

export function findBackupStep({ ctx, source, store, facts }: RestoreRun): Step {
  const wanted = ctx.params.backup;
  return {
    title: t`Find backup ${wanted} of ${source.location.database} in ${source.backups.destination.url}`,
    kind: "read",
    run: async (step) => {
      // Sizes and manifests only: the download below hashes the dump on its one read.
      facts.choice = await chooseBackup(await store(), source.location, wanted, {
        signal: step.signal,
      });
      const { id, sizeText, age, operator, schedule, manifest } = facts.choice.chosen;
      const from = source.stack === ctx.stack.name ? "" : t` (stack ${source.stack})`;
      return {
        summary: t`${id}${from}: ${sizeText}, ${age} old, by ${operator}, schedule ${schedule}; ${skippedText(facts.choice.skipped)}`,
        evidence:
          facts.choice.skipped.map((s) => t`skipped ${s.id}: ${s.reason}`).join("\n") || undefined,
        data: {
          id,
          size: facts.choice.chosen.size,
          age,
          operator,
          schedule,
          criticalTables: manifest.criticalTables,
        },
      };
    },
  };
}

export function downloadStep(run: RestoreRun): Step {
  const { source, workDir, facts } = run;
  const command = () =>
    downloadPipeline(
      locateExecutable("zstd"),
      objectUrl(source.backups.destination, dumpKey(source.location, facts.choice?.chosen.id)),
      workDir,
    );
  return {
    title: t`Download and decompress the dump into ${workDir} (pg_restore -j reads a file, not a pipe)`,
    kind: "change",
    timeoutMs: 6 * 3600_000,
    action: () => ({ command: command() }),
    run: (step) =>
      timed(facts, "download", async () => {
        mkdirSync(workDir, { recursive: true, mode: 0o700 });
        const id = facts.choice!.chosen.id;
        facts.downloaded = await download({
          store: await run.store(),
          key: dumpKey(source.location, id),
          command: command(),
          signal: step.signal,
          record: step.exec.record,
        });
        return {
          summary: t`${facts.downloaded.bytes} bytes read, sha256 ${facts.downloaded.sha256.slice(0, 12)}…`,
        };
      }),
    rollback: { run: async () => rmSync(workDir, { recursive: true, force: true }) },
  };
}

export function checksumStep({ source, facts }: RestoreRun): Step {
  return {
    title: t`Compare the dump's sha256 with the manifest, before any database is created`,
    kind: "verify",
    run: () =>
      timed(facts, "checksum", async () => {
        const { chosen } = facts.choice!;
        const expected = chosen.manifest.objects.find((o) => o.name === DUMP_OBJECT)!;
        const mismatches = objectMismatches(expected, facts.downloaded!);
        if (mismatches.length > 0)
          throw new BackupVerificationError(chosen.id, mismatches, chosen.url);
        return {
          summary: t`sha256 ${expected.sha256.slice(0, 12)}… matches (${source.location.database}/${chosen.id})`,
        };
      }),
  };
}

/** Creates the scratch database in the live one's tablespace, marked, and pg_restore -j into it. */
export function restoreStep(run: RestoreRun): Step {
  const { ctx, database, scratch, workDir, facts } = run;
  const statements = () => {
    const tablespace = facts.survey?.live?.tablespace ?? "pg_default";
    return [
      `${createDatabase(scratch)} TABLESPACE ${ident(tablespace)}`,
      comment(scratch, markerOf(run.stamp)),
    ];
  };
  const command = () =>
    restoreCommand({
      pgRestore: locateExecutable("pg_restore"),
      server: database,
      into: scratch,
      jobs: facts.jobs?.jobs ?? ctx.params.jobs ?? "<server cores>",
      workDir,
    });
  return {
    title: t`Restore into ${scratch} with parallel pg_restore`,
    kind: "change",
    timeoutMs: 12 * 3600_000,
    action: () => ({ call: sqlCall({ database }, statements()), command: command() }),
    run: (step) =>
      timed(facts, "restore", async () => {
        const target = await run.target(step);
        try {
          await runStatements(target, statements());
          await step.exec(command(), pgExec(target, step.signal));
        } catch (err) {
          throw await dropFailedCopy(target, scratch, err as Error);
        }
        return { summary: t`restored with ${facts.jobs?.jobs} jobs (${facts.jobs?.from})` };
      }),
    rollback: {
      action: () => ({ call: sqlCall({ database }, [dropDatabase(scratch)]) }),
      run: async (step) => runStatements(await run.target(step), [dropDatabase(scratch)]),
    },
  };
}

/**
 * A step's rollback runs only for steps that finished, so a pg_restore that failed (a full disk,
 * a timeout) drops its half-restored copy here, and the error says whether that worked.
 */
async function dropFailedCopy(target: PgTarget, scratch: string, failure: Error): Promise<Error> {
  await runStatements(target, [dropDatabase(scratch)]).then(
    () => (failure.message += `\n${t`${scratch} was dropped; the live database was not touched`}`),
    (err: unknown) =>
      (failure.message += `\n${t`also: dropping ${scratch} failed (${(err as Error).message}); the next restore-db drops it, or drop it by hand; the live database was not touched`}`),
  );
  return failure;
}

export function jobsStep(run: RestoreRun): Step {
  const { ctx, facts } = run;
  return {
    title: t`Count the server's cores for pg_restore -j and vacuumdb -j`,
    kind: "read",
    run: async (step) => {
      facts.jobs = ctx.params.jobs
        ? { jobs: ctx.params.jobs, from: "--jobs" }
        : await serverCores(await run.target(step));
      return { summary: t`${facts.jobs.jobs} jobs (${facts.jobs.from})` };
    },
  };
}

export function analyzeStep(run: RestoreRun): Step {
  const { database, scratch, facts } = run;
  const command = () =>
    analyzeCommand({
      vacuumdb: locateExecutable("vacuumdb"),
      server: database,
      into: scratch,
      jobs: facts.jobs?.jobs ?? "<server cores>",
    });
  return {
    title: t`ANALYZE ${scratch}, so the first queries after the swap are not slow`,
    kind: "change",
    timeoutMs: 6 * 3600_000,
    action: () => ({ command: command() }),
    run: (step) =>
      timed(facts, "restore", async () => {
        await step.exec(command(), pgExec(await run.target(step), step.signal));
        return { summary: t`statistics collected` };
      }),
    manualUndo: t`nothing to undo: statistics of the scratch database, dropped with it`,
  };
}

export function verifyStep(run: RestoreRun): Step {
  const { database, scratch, facts } = run;
  const queries = database.smokeQueries;
  return {
    title:
      queries.length === 1
        ? t`Verify ${scratch}: critical-table counts, structure, 1 smoke query`
        : t`Verify ${scratch}: critical-table counts, structure, ${queries.length} smoke queries`,
    kind: "verify",
    timeoutMs: 3 * 3600_000,
    run: (step) =>
      timed(facts, "verify", async () => {
        const manifest = facts.choice!.chosen.manifest;
        facts.verified = await verifyCopy(await run.target(step), scratch, manifest, queries);
        const { tables, structure, smoke } = facts.verified;
        const counts = tables.map((t) => `${t.table} ${t.restored}/${t.expected}`).join(", ");
        return {
          summary:
            smoke.length === 1
              ? t`${counts || t`no critical tables`}; ${structure}; 1 smoke query answered`
              : t`${counts || t`no critical tables`}; ${structure}; ${smoke.length} smoke queries answered`,
          data: facts.verified,
        };
      }),
  };
}
