import { z } from "zod";
import {
  applyRetention,
  openStore,
  planRetention,
  requireBackups,
  retentionSummary,
  retentionTarget,
  type ObjectStore,
  type RetentionPlan,
} from "../lib/backup/index.js";
import { databasePrefix } from "../lib/backup/layout.js";
import { formatBytes } from "../lib/backup/store.js";
import type { Backups, Collections } from "../lib/model/index.js";
import { COLLECTIONS_EXPORT } from "../lib/model/defaults.js";
import { callLine, READ, type NocoBase } from "../lib/nocobase/api.js";
import { readCollections, type CollectionsDocument } from "../lib/nocobase/definitions.js";
import {
  EXPORT_SCHEDULE,
  exportLocation,
  listExports,
  readExport,
  readExportManifest,
  writeExport,
  type ExportEntry,
  type StoredExport,
} from "../lib/nocobase/export-store.js";
import { connectNocoBase, requireCollections } from "../lib/nocobase/stack.js";
import { defineRunbook, type RunContext, type Step } from "../lib/runbook/define.js";
import { t } from "../lib/i18n/index.js";

const params = z.object({
  schedule: z
    .enum(["manual", EXPORT_SCHEDULE])
    .default("manual")
    .describe(
      `'${EXPORT_SCHEDULE}' (the CronJob's exports, kept collections.export.keepDays) or 'manual' (never deleted by retention)`,
    ),
});

type Params = z.infer<typeof params>;

interface Facts {
  store?: ObjectStore;
  latest?: ExportEntry;
  api?: NocoBase;
  document?: CollectionsDocument;
  stored?: StoredExport;
  retention?: RetentionPlan;
  deleted: string[];
}

export default defineRunbook({
  name: "export-collections",
  summary: "Export every NocoBase collection's definition to the backup destination",
  description: `
MIRA operations guide, Backup y Recovery: the daily collections export that scenario 1
("Recuperar Colección Eliminada") recreates a deleted collection from. Reads every collection
(or those in collections.include) with all its options and fields, in NocoBase's order, through
the API with the key from collections.tokenSecret, and stores it as collections.json beside the
database backups, at <destination>/<platform>/<env>/collections/<id>/, with the same rules: the
size and sha256 of the object in manifest.json, written last, so an export without one is never
listed or used. The export is read back and checked. Exports of the CronJob (--schedule
scheduled; daily at 02:00 by default, the guide's Backups Diarios) are kept
collections.export.keepDays (30 by default): on file:// destinations this run deletes older ones
(never the newest, nothing while the newest is incomplete or damaged); S3 buckets expire them by
lifecycle rule. Nothing in NocoBase is changed.`,
  outline: [
    "Check the destination and list the latest exports",
    "Read NocoBase's version, collections and fields through the API",
    "Plan retention (file://): which exports are past keepDays",
    "Store collections.json, then manifest.json with its size and sha256",
    "Read the export back and compare its sha256 with the manifest",
    "Delete expired exports (file://)",
  ],
  manual: [
    "MIRA operations guide, Backup y Recovery, Backups Diarios (Automáticos): backup_collections.sh, kept 30 days",
  ],
  onFailure:
    "NocoBase is only read, never changed. An export that fails before its manifest.json is written stays incomplete: it is never listed or used by recreate-collection, and retention deletes nothing while the newest export is incomplete or damaged (a collections.json without a manifest can be deleted by hand). When the read-back fails, the export stays in the destination: treat it as damaged and run export-collections again once the cause is fixed. Deleted exports are gone, but only scheduled ones older than keepDays and never the newest complete one.",
  params,
  plan: (ctx) => {
    const backups = requireBackups(ctx.stack);
    const collections = requireCollections(ctx.stack);
    const location = exportLocation(ctx.platform);
    const facts: Facts = { deleted: [] };
    const store = async () => (facts.store ??= await openStore(backups.destination));
    const where = `${backups.destination.url}/${databasePrefix(location)}`;
    const keepDays = collections.export?.keepDays ?? COLLECTIONS_EXPORT.keepDays;
    const retention = (checksum: boolean, verified?: StoredExport) => async () =>
      planRetention({
        store: await store(),
        location,
        schedules: [{ name: EXPORT_SCHEDULE, keepDays }],
        read: readExportManifest,
        checksum,
        verified: verified?.manifest,
      });
    const onFile = backups.destination.kind === "file";
    const steps: Step[] = [
      destinationStep(where, store, facts),
      readStep(ctx, collections, facts),
      ...(onFile ? [planRetentionStep(retention(ctx.dryRun), facts)] : []),
      ...storeSteps(ctx, where, store, facts),
      ...(onFile ? [applyRetentionStep(backups, store, retention, facts)] : []),
    ];
    return {
      steps,
      cleanup: () => facts.store?.close(),
      result: () =>
        facts.stored && {
          id: facts.stored.id,
          url: facts.stored.url,
          nocobaseVersion: facts.document?.nocobaseVersion,
          collections: facts.stored.manifest.collections,
          objects: facts.stored.manifest.objects,
          deleted: facts.deleted,
        },
      output: () =>
        facts.stored
          ? t`export ${facts.stored.id}: ${facts.stored.manifest.collections.length} collection(s) of NocoBase ${facts.document?.nocobaseVersion} → ${facts.stored.url}`
          : "",
    };
  },
});

type Store = () => Promise<ObjectStore>;

function destinationStep(where: string, store: Store, facts: Facts): Step {
  return {
    title: t`Check the destination ${where}`,
    kind: "read",
    run: async (step) => {
      const all = await listExports(await store(), exportLocation(step.platform));
      facts.latest = all[0];
      const latest = facts.latest
        ? t`latest ${facts.latest.id} (${facts.latest.sizeText}, ${facts.latest.age} old)`
        : t`no export yet`;
      return { summary: t`${all.length} export(s); ${latest}` };
    },
  };
}

/** collections.json then the manifest; then both read back, as a restore would read them. */
function storeSteps(ctx: RunContext<Params>, where: string, store: Store, facts: Facts): Step[] {
  const location = exportLocation(ctx.platform);
  return [
    {
      title: t`Store the export at ${where}<id>/`,
      kind: "change",
      action: () => ({
        target: {
          destination: `${where}<id>-${ctx.params.schedule}/`,
          objects: "collections.json, manifest.json (last)",
        },
      }),
      run: async () => {
        facts.stored = await writeExport({
          store: await store(),
          location,
          document: facts.document!,
          schedule: ctx.params.schedule,
          operator: ctx.operator,
          startedAt: new Date(),
        });
        const { id, manifest } = facts.stored;
        const { bytes, sha256 } = manifest.objects[0]!;
        return {
          summary: `${id}: ${formatBytes(bytes)}, sha256 ${sha256.slice(0, 12)}…`,
          data: { id, url: facts.stored.url },
        };
      },
      manualUndo: t`nothing to undo: an export only adds objects to the destination`,
    },
    {
      title: t`Read the export back and compare its sha256`,
      kind: "verify",
      run: async () => {
        const back = await readExport(await store(), location, facts.stored!.manifest);
        return { summary: t`${back.collections.length} collection(s) read back; sha256 matches` };
      },
    },
  ];
}

function readStep(ctx: RunContext, collections: Collections, facts: Facts): Step {
  const calls = [READ.info, READ.collections, READ.fields("<each collection>")];
  return {
    title: t`Read the collections of NocoBase at ${collections.apiUrl}`,
    kind: "read",
    action: () => ({ call: calls.map((c) => callLine(collections.apiUrl, c)).join("\n") }),
    run: async (step) => {
      facts.api ??= await connectNocoBase(ctx, collections);
      facts.document = await readCollections(facts.api, collections.include, step.signal);
      const { collections: all, nocobaseVersion } = facts.document;
      const fields = all.reduce((n, c) => n + c.fields.length, 0);
      return {
        summary: t`NocoBase ${nocobaseVersion}: ${all.length} collection(s), ${fields} field(s)`,
        evidence: all.map((c) => `${c.name}: ${c.fields.map((f) => f.name).join(", ")}`).join("\n"),
      };
    },
  };
}

function planRetentionStep(plan: () => Promise<RetentionPlan>, facts: Facts): Step {
  return {
    title: t`Plan retention`,
    kind: "read",
    run: async () => {
      facts.retention = await plan();
      return { summary: retentionSummary(facts.retention, "export") };
    },
  };
}

function applyRetentionStep(
  backups: Backups,
  store: () => Promise<ObjectStore>,
  retention: (checksum: boolean, verified?: StoredExport) => () => Promise<RetentionPlan>,
  facts: Facts,
): Step {
  return {
    title: t`Delete expired exports`,
    kind: "change",
    action: () => ({ target: retentionTarget(facts.retention, backups.destination) }),
    run: async () => {
      // Planned again: the new export exists now, and was just read back in full.
      const plan = await retention(true, facts.stored)();
      facts.deleted = [...(await applyRetention(await store(), plan)).deleted];
      return { summary: retentionSummary(plan, "export") };
    },
    manualUndo: t`deleted exports are gone; only expired ones older than a newer complete export`,
  };
}
