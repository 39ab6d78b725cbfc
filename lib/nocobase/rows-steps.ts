import { withPgClient, type PgTarget } from "../adapters/postgres.js";
import { locationOf, verifyBackup } from "../backup/index.js";
import type { BackupEntry, ObjectStore, VerifyReport } from "../backup/index.js";
import { dumpKey } from "../backup/dump.js";
import { objectUrl } from "../backup/store.js";
import { countRows } from "../backup/tables.js";
import { DRILL_STEP_TIMEOUT_MS } from "../backup/timeouts.js";
import { plannedRestore } from "../backup/verify.js";
import type { Backups, Database } from "../model/index.js";
import type { RunContext, Step } from "../runbook/types.js";
import type { NocoBase } from "./api.js";
import type { CollectionsDocument } from "./definitions.js";
import { tableOf } from "./definitions.js";
import type { ExportEntry } from "./export-store.js";
import type { Created, RecreatePlan } from "./recreate-plan.js";
import {
  copyPipeline,
  copyRows,
  highestReferenced,
  newestBackupWith,
  raiseSequence,
  tableColumns,
  tocPipeline,
  type CopyPipeline,
} from "./records.js";
import { t } from "../i18n/index.js";

/**
 * recreate-collection's steps about rows and ids: the id sequences set past every id still
 * referenced, and with --with-records the side-by-side restore of the newest backup holding the
 * table, the copy of its rows and the drop of the scratch database.
 */

export interface RecreateParams {
  readonly collection: string;
  readonly export: string;
  readonly replace: boolean;
  readonly withRecords: boolean;
}

/** What the steps learn and do, shared through the plan's closure. */
export interface RecreateFacts {
  store?: ObjectStore;
  api?: NocoBase;
  chosen?: ExportEntry;
  doc?: CollectionsDocument;
  version?: string;
  plan?: RecreatePlan;
  replacing?: boolean;
  backup?: BackupEntry;
  restored?: VerifyReport;
  scratchDropped?: boolean;
  copy?: CopyPipeline;
  created: Created[];
  sequences: { table: string; sequence: string; value: number }[];
  rows?: { restored: number; copied: number };
  differences?: string[];
}

type Ctx = RunContext<RecreateParams>;

/** The scratch database's server: the drill server when the stack has one, else NocoBase's own. */
export async function restoreTarget(
  step: RunContext,
  onto: Database,
  database: Database,
  backups: Backups,
): Promise<PgTarget> {
  const server = backups.restoreDrill?.server;
  if (onto === database || !server) return step.pg(database);
  const password = await step.secret(
    server.passwordSecret,
    t`password of drill server ${server.host}`,
  );
  return { database: onto, password };
}

export function findBackupStep(
  ctx: Ctx,
  database: Database,
  store: () => Promise<ObjectStore>,
  facts: RecreateFacts,
): Step {
  return {
    title: t`Find the newest backup of ${database.name} that holds the table`,
    kind: "read",
    // Run on each backup, newest first, until one's table of contents names the table.
    action: () => ({
      command: tocPipeline(
        objectUrl(ctx.platform.backups!.destination, dumpKey(locationOf(ctx.platform, database))),
      ),
    }),
    run: async (step) => {
      const table = tableOf(facts.plan!.collections.at(-1)!);
      const location = locationOf(ctx.platform, database);
      const found = await newestBackupWith(await store(), location, [table], {
        signal: step.signal,
        record: step.exec.record,
      });
      if (!found.backup) {
        throw new Error(
          t`no complete backup of ${database.name} holds table "${table}" (looked at: ${found.looked.join(", ") || t`none`})`,
        );
      }
      facts.backup = found.backup;
      const { id, age, sizeText } = found.backup;
      return {
        summary: t`${id} (${sizeText}, ${age} old) holds "${table}"`,
        data: { id, looked: found.looked },
      };
    },
  };
}

export function restoreStep(
  ctx: Ctx,
  database: Database,
  onto: Database,
  store: () => Promise<ObjectStore>,
  target: (step: RunContext) => Promise<PgTarget>,
  facts: RecreateFacts,
): Step {
  return {
    title: t`Restore the backup side by side into a scratch database on ${onto.host}`,
    kind: "change",
    timeoutMs: DRILL_STEP_TIMEOUT_MS,
    action: () => ({
      command: plannedRestore(
        ctx.platform.backups!.destination,
        locationOf(ctx.platform, database),
        onto,
        facts.backup?.id,
      ),
      target: {
        backup: facts.backup?.url ?? "<newest backup holding the table>",
        server: `${onto.host}:${onto.port}`,
        scratch: t`guardia_drill_<time> (dropped at the end)`,
      },
    }),
    run: async (step) => {
      facts.restored = await verifyBackup({
        store: await store(),
        location: locationOf(ctx.platform, database),
        target: await target(step),
        backup: facts.backup!.id,
        keep: true,
        log: step.log,
        signal: step.signal,
        record: step.exec.record,
      });
      const scratch = facts.restored.scratchDatabase;
      const table = tableOf(facts.plan!.collections.at(-1)!);
      const columns = await withPgClient(
        await target(step),
        (c) => tableColumns(c, table),
        scratch,
      );
      facts.copy = copyPipeline(table, columns, { scratchServer: onto, scratch, live: database });
      return {
        summary: t`checksums match; restored into ${scratch} in ${(facts.restored.durationMs / 1000).toFixed(1)} s`,
      };
    },
    rollback: {
      run: async () => {
        await facts.restored!.kept!.drop();
        facts.scratchDropped = true;
      },
    },
  };
}

export function sequenceStep(
  ctx: Ctx,
  database: Database,
  scratch: (step: RunContext) => Promise<PgTarget>,
  facts: RecreateFacts,
): Step {
  return {
    title: t`Set id sequences past every id still referenced`,
    kind: "change",
    action: () => ({
      target: {
        database: `${database.host}:${database.port}/${database.database}`,
        sequences: sequencesText(ctx, facts),
      },
    }),
    run: async (step) => {
      const fromBackup = facts.copy ? await highestInScratch(step, scratch, facts) : 0;
      facts.sequences = await withPgClient(await step.pg(database), async (client) => {
        const set = [];
        for (const s of facts.plan!.sequences) {
          const { highest } = await highestReferenced(client, s.references);
          const floor = Math.max(highest, s.collection === ctx.params.collection ? fromBackup : 0);
          const done = await raiseSequence(client, s.table, s.key, floor);
          if (done) set.push({ table: s.table, ...done });
        }
        return set;
      });
      return {
        summary:
          facts.sequences.map((s) => `${s.sequence} → ${s.value}`).join(", ") ||
          t`no sequence to set`,
      };
    },
    manualUndo: t`nothing to undo: a higher sequence only skips ids`,
  };
}

/** "pacientes.id past episodios.pacienteId, the backup's rows": what each sequence must pass. */
function sequencesText(ctx: Ctx, facts: RecreateFacts): string {
  const past = (s: RecreatePlan["sequences"][number]) => [
    ...s.references.map((r) => `${r.table}.${r.column}`),
    ...(ctx.params.withRecords && s.collection === ctx.params.collection
      ? [t`the backup's rows`]
      : []),
  ];
  const lines = facts.plan?.sequences.map(
    (s) => t`${s.table}.${s.key} past ${past(s).join(", ") || t`its own rows`}`,
  );
  return lines?.join("; ") || t`none`;
}

/** The highest id among the backup's rows of the collection (its table in the scratch database). */
async function highestInScratch(
  step: RunContext,
  scratch: (step: RunContext) => Promise<PgTarget>,
  facts: RecreateFacts,
) {
  const c = facts.plan!.collections.at(-1)!;
  const key = facts.plan!.sequences.find((s) => s.collection === c.name)?.key;
  if (!key) return 0;
  const db = facts.restored!.scratchDatabase;
  return withPgClient(
    await scratch(step),
    (client) => highestReferenced(client, [{ table: tableOf(c), column: key }]),
    db,
  ).then((r) => r.highest);
}

export function copyStep(
  ctx: Ctx,
  database: Database,
  onto: Database,
  scratch: (step: RunContext) => Promise<PgTarget>,
  facts: RecreateFacts,
): Step {
  const table = () => tableOf(facts.plan!.collections.at(-1)!);
  return {
    title: t`Copy the rows of ${ctx.params.collection} from the scratch database, ids included`,
    kind: "change",
    timeoutMs: DRILL_STEP_TIMEOUT_MS,
    action: () => ({
      command: (
        facts.copy ??
        copyPipeline("<table>", ["<columns of the backup>"], {
          scratchServer: onto,
          scratch: "<scratch database>",
          live: database,
        })
      ).pipeline,
      target: {
        from: t`the scratch database`,
        into: `${database.host}:${database.port}/${database.database}`,
      },
    }),
    run: async (step) => {
      const live = await step.pg(database);
      const source = await scratch(step);
      await refuseMissingColumns(live, table(), facts.copy!.columns);
      await copyRows(
        facts.copy!,
        { scratch: source, live },
        { signal: step.signal, record: step.exec.record },
      );
      const [restored, copied] = await Promise.all([
        countTable(source, table(), facts.restored!.scratchDatabase),
        countTable(live, table(), database.database),
      ]);
      facts.rows = { restored, copied };
      if (copied !== restored)
        throw new Error(t`${table()} has ${copied} row(s) after the copy, the backup ${restored}`);
      return { summary: t`${copied} row(s) copied; counts match the backup` };
    },
    manualUndo: t`the rows go with the collection when its creation is undone`,
  };
}

/** A backup's column the recreated table lacks would fail the COPY halfway: refused before. */
async function refuseMissingColumns(live: PgTarget, table: string, columns: readonly string[]) {
  const have = await withPgClient(live, (c) => tableColumns(c, table));
  const missing = columns.filter((col) => !have.includes(col));
  if (missing.length > 0) {
    throw new Error(
      t`the backup's "${table}" has column(s) the recreated collection lacks: ${missing.join(", ")} (is the export older than the backup?); nothing was copied`,
    );
  }
}

async function countTable(target: PgTarget, table: string, database: string): Promise<number> {
  const counts = await withPgClient(target, (c) => countRows(c, [table], database), database);
  return counts[table]!;
}

export function dropScratchStep(onto: Database, facts: RecreateFacts): Step {
  return {
    title: t`Drop the scratch database on ${onto.host}`,
    kind: "change",
    action: () => ({ target: { drop: facts.restored?.scratchDatabase ?? "guardia_drill_<time>" } }),
    run: async () => {
      await facts.restored!.kept!.drop();
      facts.scratchDropped = true;
      return { summary: t`dropped ${facts.restored!.scratchDatabase}` };
    },
    manualUndo: t`nothing to undo: it was a copy of a backup that still exists`,
  };
}
