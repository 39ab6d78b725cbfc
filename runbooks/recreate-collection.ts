import { z } from "zod";
import { withPgClient, type PgTarget } from "../lib/adapters/postgres.js";
import { openStore, requireBackups, type ObjectStore } from "../lib/backup/index.js";
import { drillDatabase } from "../lib/backup/scratch.js";
import { countRows } from "../lib/backup/tables.js";
import { RefusedError } from "../lib/errors.js";
import type { Database } from "../lib/model/index.js";
import { callLine, READ, serverVersion, WRITE, type NocoBase } from "../lib/nocobase/api.js";
import { applyWrites, describeCreated, undoWrites, WriteFailure } from "../lib/nocobase/apply.js";
import { compareCollection, compareField } from "../lib/nocobase/compare.js";
import { normalizeCollection, readCollection, tableOf } from "../lib/nocobase/definitions.js";
import { exportLocation, listExports, readExport } from "../lib/nocobase/export-store.js";
import {
  planRecreate,
  type LiveCollections,
  type RecreatePlan,
} from "../lib/nocobase/recreate-plan.js";
import { tableColumns } from "../lib/nocobase/records.js";
import {
  copyStep,
  dropScratchStep,
  findBackupStep,
  restoreStep,
  restoreTarget,
  sequenceStep,
  type RecreateFacts,
} from "../lib/nocobase/rows-steps.js";
import { collectionsDatabase, connectNocoBase, requireCollections } from "../lib/nocobase/stack.js";
import { defineRunbook, type RunContext, type Step } from "../lib/runbook/define.js";
import { databaseLock } from "../lib/runbook/locks.js";
import { t } from "../lib/i18n/index.js";

const params = z.object({
  collection: z.string().min(1).describe("the collection to bring back (its NocoBase name)"),
  export: z
    .string()
    .default("latest")
    .describe("collections export id, or latest (the newest complete export)"),
  replace: z
    .boolean()
    .default(false)
    .describe(
      "destroy the collection first when NocoBase still has it (only when it holds no rows)",
    ),
  withRecords: z
    .boolean()
    .default(false)
    .describe(
      "also bring back its rows, ids included, from the newest database backup holding its table",
    ),
});

type Params = z.infer<typeof params>;
type Ctx = RunContext<Params>;

export default defineRunbook({
  name: "recreate-collection",
  summary: "Recreate a deleted NocoBase collection from an export (optionally with its rows)",
  description: `
MIRA operations guide, Backup y Recovery, scenario 1 ("Recuperar Colección Eliminada"): bring a
deleted collection back from the daily collections export, through the NocoBase API. Before
any write it checks that the server answers as the expected version (collections.version, else
the export's), that the collection is gone (or --replace and it holds no rows), and that every
relation target exists or is in the export too; the plan then lists every API call. Targets and
through collections that are gone are created first; each collection is created with its
non-relation fields (foreign keys included), then every relation field, a pair once with the
other side as reverseField and all keys explicit, so the columns other tables kept reattach.
The id sequence is set past every id other tables still point at (NocoBase leaves them behind
and a new record would inherit their children). With --with-records the newest backup of
collections.database whose dump holds the table is restored side by side into a scratch
database (on backups.restoreDrill.server when set), the rows are copied with their ids, the
counts compared and the scratch database dropped. At the end the collection is read back and
compared with the export option by option, and each relation is read both ways; any difference
fails the run. A failure undoes what the run created and says what it left.`,
  outline: [
    "Find the export (latest, or the given id) and check its sha256",
    "Pre-flight: server version, collection absent (or --replace and empty), relation targets; the API calls",
    "With --with-records: find the newest database backup whose dump holds the table",
    "With --with-records: restore it side by side into a scratch database",
    "With --replace: destroy the existing (empty) collection",
    "Create the collections, then the relation fields (pairs once, reverseField, explicit keys)",
    "Set the id sequence past every id still referenced (and every id of the backup's rows)",
    "With --with-records: copy the rows with their ids, compare counts; drop the scratch database",
    "Read the collection back, compare it with the export, read each relation both ways",
  ],
  manual: [
    "MIRA operations guide, Backup y Recovery, Procedimiento de Recovery, Escenario 1: Recuperar Colección Eliminada",
  ],
  onFailure:
    "A refusal in the pre-flight (another version, the collection or its table still there, a missing relation target) changes nothing. After that, a failure undoes what the run created in NocoBase, newest first, and the rows copied go with the collection; a write that cannot be undone is named with the call that removes it by hand. A collection destroyed by --replace held no rows: run recreate-collection again to bring it back. Id sequences raised stay raised (that only skips ids). The scratch database of --with-records is dropped in every case; the database backup and the export it read are never touched.",
  params,
  plan: (ctx) => {
    const collections = requireCollections(ctx.stack);
    const database = collectionsDatabase(ctx, collections);
    const backups = requireBackups(ctx.stack);
    const facts: RecreateFacts = { created: [], sequences: [] };
    const store = async () => (facts.store ??= await openStore(backups.destination));
    const api = async () => (facts.api ??= await connectNocoBase(ctx, collections));
    const { withRecords, replace } = ctx.params;
    const scratchOn = drillDatabase(backups, database);
    const scratchTarget = (step: RunContext) => restoreTarget(step, scratchOn, database, backups);
    const steps: Step[] = [
      findExportStep(ctx, store, facts),
      preflightStep(ctx, database, api, facts),
      ...(withRecords
        ? [
            findBackupStep(ctx, database, store, facts),
            restoreStep(ctx, database, scratchOn, store, scratchTarget, facts),
          ]
        : []),
      ...(replace ? [destroyStep(ctx, api, facts)] : []),
      createStep(ctx, api, facts),
      sequenceStep(ctx, database, scratchTarget, facts),
      ...(withRecords
        ? [
            copyStep(ctx, database, scratchOn, scratchTarget, facts),
            dropScratchStep(scratchOn, facts),
          ]
        : []),
      verifyStep(ctx, api, facts),
    ];
    return {
      steps,
      lock: databaseLock(ctx.platform, database, "shared"),
      confirmTarget: ctx.params.collection,
      cleanup: async () => {
        facts.store?.close();
        // A run that died between the restore and the drop must not leave a copy of the data.
        if (facts.restored && !facts.scratchDropped) {
          await facts.restored.kept?.drop();
        }
      },
      result: () => ({
        collection: ctx.params.collection,
        export: facts.chosen?.id,
        nocobaseVersion: facts.version,
        created: facts.created,
        calls: facts.plan?.writes.map((w) => callLine(collections.apiUrl, w.call)),
        backup: facts.backup?.id,
        rows: facts.rows,
        sequences: facts.sequences,
        differences: facts.differences,
      }),
      output: () =>
        facts.differences?.length === 0
          ? t`${ctx.params.collection} recreated from export ${facts.chosen?.id}: ${describeCreated(facts.created)}${facts.rows ? t`; ${facts.rows.copied} row(s) from backup ${facts.backup?.id}` : ""}`
          : "",
    };
  },
});

function findExportStep(ctx: Ctx, store: () => Promise<ObjectStore>, facts: RecreateFacts): Step {
  const location = exportLocation(ctx.platform);
  return {
    title: t`Find collections export ${ctx.params.export}`,
    kind: "read",
    run: async () => {
      const all = await listExports(await store(), location);
      const wanted = ctx.params.export;
      facts.chosen = wanted === "latest" ? all[0] : all.find((e) => e.id === wanted);
      if (!facts.chosen) {
        const newest =
          all
            .slice(0, 5)
            .map((e) => e.id)
            .join(", ") || t`none`;
        throw new Error(
          t`no complete collections export ${wanted} in ${(await store()).url} (newest: ${newest})`,
        );
      }
      facts.doc = await readExport(await store(), location, facts.chosen.manifest);
      const { id, age, manifest } = facts.chosen;
      return {
        summary: t`${id} (${age} old, NocoBase ${manifest.nocobaseVersion}, ${manifest.collections.length} collections); sha256 matches`,
      };
    },
  };
}

function preflightStep(
  ctx: Ctx,
  database: Database,
  api: () => Promise<NocoBase>,
  facts: RecreateFacts,
): Step {
  const { apiUrl } = ctx.platform.collections!;
  const reads = [READ.info, READ.collectionsWithFields];
  return {
    title: t`Pre-flight: NocoBase at ${apiUrl} and database ${database.name}`,
    kind: "read",
    action: () => ({ call: reads.map((c) => callLine(apiUrl, c)).join("\n") }),
    run: async (step) => {
      const client = await api();
      facts.version = await serverVersion(client, step.signal);
      const expected = ctx.platform.collections!.version ?? facts.doc!.nocobaseVersion;
      if (facts.version !== expected) {
        const why = ctx.platform.collections!.version
          ? "collections.version"
          : t`the version export ${facts.chosen!.id} was taken from`;
        throw new RefusedError(
          t`NocoBase at ${apiUrl} answers as version ${facts.version}, expected ${expected} (${why}); nothing was changed`,
        );
      }
      const live = await liveCollections(client, step.signal);
      facts.replacing = ctx.params.replace && live.has(ctx.params.collection);
      facts.plan = planRecreate(facts.doc!, ctx.params.collection, live, ctx.params.replace);
      await checkTables(await step.pg(database), facts.plan, facts.replacing);
      return {
        summary: facts.replacing
          ? t`NocoBase ${facts.version}; replace ${facts.plan.collections.map((c) => c.name).join(", ")}; ${facts.plan.writes.length} API call(s)`
          : t`NocoBase ${facts.version}; create ${facts.plan.collections.map((c) => c.name).join(", ")}; ${facts.plan.writes.length} API call(s)`,
        evidence: [
          ...facts.plan.writes.map((w) => callLine(apiUrl, w.call)),
          ...facts.plan.lost.map((f) => t`not in the export, so --replace loses it: ${f}`),
        ].join("\n"),
      };
    },
  };
}

async function liveCollections(client: NocoBase, signal: AbortSignal): Promise<LiveCollections> {
  const all = await client.send<Record<string, unknown>[]>(READ.collectionsWithFields, signal);
  return new Map(
    all.map((raw) => {
      const c = normalizeCollection(raw, (raw.fields as Record<string, unknown>[]) ?? []);
      return [c.name, c.fields.map((f) => ({ name: f.name, target: f.target }))];
    }),
  );
}

/**
 * No table of a collection to create may exist already (NocoBase would take it over, rows and
 * old sequence included), except the one --replace destroys, and that one only while it holds
 * no rows: guardia deletes no data it has not seen elsewhere.
 */
async function checkTables(target: PgTarget, plan: RecreatePlan, replacing: boolean | undefined) {
  const problems = await withPgClient(target, async (client) => {
    const found: string[] = [];
    for (const c of plan.collections) {
      const table = tableOf(c);
      if ((await tableColumns(client, table)).length === 0) continue;
      if (replacing && c.name === plan.collection) {
        const rows = (await countRows(client, [table], target.database.database))[table]!;
        if (rows > 0)
          found.push(
            t`collection "${c.name}" holds ${rows} row(s); --replace only destroys an empty collection (guardia deletes no data it has not seen elsewhere): empty it, or back it up and destroy it yourself`,
          );
      } else {
        found.push(
          t`table "${table}" exists in database ${target.database.database} without a collection "${c.name}"; rename or drop it first`,
        );
      }
    }
    return found;
  });
  if (problems.length > 0) throw new RefusedError(problems.join("\n"));
}

function destroyStep(ctx: Ctx, api: () => Promise<NocoBase>, facts: RecreateFacts): Step {
  const call = WRITE.destroyCollection(ctx.params.collection);
  return {
    title: t`Destroy the existing collection ${ctx.params.collection} (--replace)`,
    kind: "change",
    action: () =>
      facts.replacing
        ? { call: callLine(ctx.platform.collections!.apiUrl, call) }
        : { target: { destroy: t`nothing: NocoBase does not have it` } },
    run: async (step) => {
      if (!facts.replacing) return { summary: t`nothing to destroy` };
      await (await api()).send(call, step.signal);
      return { summary: t`destroyed ${ctx.params.collection} (it held no rows)` };
    },
    manualUndo: t`${ctx.params.collection} held no rows; recreate it with guardia recreate-collection --collection ${ctx.params.collection}`,
  };
}

function createStep(ctx: Ctx, api: () => Promise<NocoBase>, facts: RecreateFacts): Step {
  const { apiUrl } = ctx.platform.collections!;
  return {
    title: t`Create ${ctx.params.collection} and its relations through the API`,
    kind: "change",
    action: () => ({ call: facts.plan!.writes.map((w) => callLine(apiUrl, w.call)).join("\n") }),
    run: async (step) => {
      const client = await api();
      try {
        facts.created = await applyWrites(client, facts.plan!.writes, step.signal, step.log);
      } catch (err) {
        if (!(err instanceof WriteFailure)) throw err;
        throw new Error(await afterFailedWrite(client, err), { cause: err });
      }
      return {
        summary: t`created ${describeCreated(facts.created)}`,
        evidence: facts.plan!.writes.map((w) => callLine(apiUrl, w.call)).join("\n"),
      };
    },
    rollback: {
      run: async () => {
        const undo = await undoWrites(await api(), facts.created);
        if (undo.failed.length > 0) throw new Error(t`could not undo: ${undo.failed.join("; ")}`);
      },
    },
  };
}

/** Undoes what the writes before the failed one created, and says what is left. */
async function afterFailedWrite(client: NocoBase, failure: WriteFailure): Promise<string> {
  if (failure.done.length === 0) return t`${failure.message}; nothing had been created`;
  const undo = await undoWrites(client, failure.done);
  const lines = [
    failure.message,
    t`created before the failure: ${describeCreated(failure.done)}`,
    ...undo.undone.map((u) => t`undone: ${u}`),
    ...undo.failed.map(
      (f) =>
        t`NOT undone, left in NocoBase: ${f}; send that call (or delete it in the collection manager) by hand`,
    ),
  ];
  if (undo.failed.length === 0) lines.push(t`NocoBase is as it was before this step`);
  return lines.join("\n");
}

function verifyStep(ctx: Ctx, api: () => Promise<NocoBase>, facts: RecreateFacts): Step {
  return {
    title: t`Read ${ctx.params.collection} back and compare it with the export`,
    kind: "verify",
    run: async (step) => {
      const client = await api();
      const plan = facts.plan!;
      const differences: string[] = [];
      for (const c of plan.collections) {
        differences.push(
          ...compareCollection(c, await readCollection(client, c.name, step.signal)),
        );
      }
      for (const r of plan.relations) {
        for (const side of [r, ...(r.reverse ? [r.reverse] : [])]) {
          if (plan.collections.some((c) => c.name === side.owner)) continue;
          const now = await readCollection(client, side.owner, step.signal);
          differences.push(...compareField(side.owner, side.field, now?.fields ?? []));
        }
        differences.push(...(await readsBothWays(client, r, step.signal)));
      }
      facts.differences = differences;
      if (differences.length > 0)
        throw new Error(
          t`${differences.length} difference(s) from export ${facts.chosen!.id}:\n${differences.join("\n")}`,
        );
      return {
        summary: t`${plan.collections.length} collection(s) and ${plan.relations.length} relation(s) match the export; each relation reads both ways`,
      };
    },
  };
}

/** Each side of a relation answers a read that follows it (`appends`). */
async function readsBothWays(
  client: NocoBase,
  r: RecreatePlan["relations"][number],
  signal: AbortSignal,
): Promise<string[]> {
  const problems: string[] = [];
  for (const side of [r, ...(r.reverse ? [r.reverse] : [])]) {
    try {
      await client.send(READ.records(side.owner, side.field.name), signal);
    } catch (err) {
      problems.push(t`${side.owner}.${side.field.name} cannot be read: ${(err as Error).message}`);
    }
  }
  return problems;
}
