import { z } from "zod";
import { withPgClient } from "../lib/adapters/postgres.js";
import { compactUtc } from "../lib/backup/stamp.js";
import { formatBytes } from "../lib/backup/store.js";
import { UsageError } from "../lib/errors.js";
import {
  readQuarantine,
  deleteEntries,
  quarantineFiles,
  restoreEntries,
  type Batch,
  type QuarantineEntry,
} from "../lib/media/quarantine.js";
import {
  djangoFileFieldsCommand,
  mergeReferences,
  parseFileFields,
  readReferences,
  referenceName,
} from "../lib/media/references.js";
import { QUARANTINE_DIR, resolveRoot, scanMedia, type MediaFile } from "../lib/media/scan.js";
import type { MediaCleanup, MediaReference } from "../lib/model/index.js";
import { defineRunbook, type RunContext, type Step } from "../lib/runbook/define.js";
import { mediaLock } from "../lib/runbook/locks.js";
import { formatTable } from "../lib/table.js";
import { printable } from "../lib/user-text.js";
import { restoreSteps } from "../lib/media/restore-steps.js";
import { t } from "../lib/i18n/index.js";

const params = z.object({
  restoreQuarantine: z
    .boolean()
    .default(false)
    .describe("put every quarantined file back where it was (with --batch, one batch's)"),
  batch: z
    .string()
    .regex(/^\d{8}T\d{6}Z$/, { error: "expected a batch id such as 20261123T033000Z" })
    .optional()
    .describe("with --restore-quarantine: only this batch"),
  stackReferencesOnly: z
    .boolean()
    .default(false)
    .describe("read only the stack's media.references, without asking Django (the CronJob)"),
});

type Params = z.infer<typeof params>;

/** What the steps found and did, shared between them and the result. */
export interface MediaFacts {
  root?: string;
  columns: MediaReference[];
  referenced?: ReadonlySet<string>;
  orphans: MediaFile[];
  expired: { batch: string; remove: QuarantineEntry[]; putBack: QuarantineEntry[] }[];
  batches: Batch[];
  moved: string[];
  batch?: string;
  deleted: string[];
  restored: string[];
  conflicts: string[];
}

export default defineRunbook({
  name: "cleanup-media",
  summary: "Quarantine the media files no database row references, delete them a month later",
  description: `
The logistics support plan, Mantenimiento preventivo ("programar tareas de limpieza de archivos
huérfanos en media/: scripts que consulten Answer sin referencia"), made safe. Which files are
referenced comes from the database, never from a file's name: the columns media.references
names, and every FileField and ImageField Django knows (asked through manage.py of
media.djangoService). Files younger than the grace age (24 h) are never candidates: an upload
whose row is not committed yet. Orphans move to a quarantine folder on the same volume
(${QUARANTINE_DIR}/<batch>/, with a manifest of what moved from where, written before the first
move); the references are read again right before the move. A later run deletes a batch's files
once its quarantine period (30 days) has passed, and only those still unreferenced (one
referenced again goes back). --restore-quarantine puts files back. The walk never follows a
symbolic link, and no path leads out of the media root. It works on the media root as mounted
where it runs: the CronJob's pod (the stack's claim), or the server of a local stack.`,
  outline: [
    "Read the referenced paths from the database (the stack's columns; Django's FileFields through manage.py)",
    "Scan the media root without following links: orphans older than the grace age, with sizes",
    "Read the quarantine: batches past their quarantine period",
    "Move the orphans into a new quarantine batch (manifest first), after reading the references again",
    "Delete the expired batches' files that are still unreferenced; put back those referenced again",
    "--restore-quarantine: read the quarantine, put the files back, check sizes and times",
  ],
  manual: [
    "logistics support plan, Mantenimiento preventivo (limpieza de archivos huérfanos en media/)",
  ],
  onFailure:
    "A failed move puts back what the run had moved (the batch's manifest says what and where). Nothing is deleted unless it sat unreferenced in the quarantine for the whole period. An interrupted run leaves moved files in the quarantine: `guardia cleanup-media --restore-quarantine --batch <id>` puts them back.",
  params,
  plan: (ctx) => {
    const media = ctx.platform.media;
    if (!media) throw new UsageError(t`this stack has no \`media\` section (the media root)`);
    if (ctx.params.batch && !ctx.params.restoreQuarantine)
      throw new UsageError(t`--batch: only with --restore-quarantine`);
    const database = ctx.database(media.database);
    const facts: MediaFacts = {
      ...{ columns: [], orphans: [], expired: [], batches: [], moved: [] },
      ...{ deleted: [], restored: [], conflicts: [] },
    };
    const steps = ctx.params.restoreQuarantine
      ? restoreSteps(media, ctx.params.batch, facts)
      : cleanupSteps(ctx, media, facts);
    return {
      steps,
      lock: mediaLock(ctx.platform, database),
      confirmTarget: media.root,
      result: () => result(facts),
      output: () => output(facts),
    };
  },
});

function cleanupSteps(ctx: RunContext<Params>, media: MediaCleanup, facts: MediaFacts): Step[] {
  return [
    referencesStep(ctx, media, facts),
    scanStep(media, facts),
    quarantineReadStep(media, facts),
    moveStep(ctx, media, facts),
    expireStep(ctx, media, facts),
  ];
}

/** The paths the database references now, in the columns found by the first step. */
async function referencedNow(ctx: RunContext, media: MediaCleanup, facts: MediaFacts) {
  const database = ctx.database(media.database);
  const target = await ctx.pg(database);
  return withPgClient(target, (client) => readReferences(client, facts.columns, facts.root!));
}

function referencesStep(ctx: RunContext<Params>, media: MediaCleanup, facts: MediaFacts): Step {
  const askDjango = media.djangoService !== undefined && !ctx.params.stackReferencesOnly;
  const command = askDjango
    ? djangoFileFieldsCommand(ctx.platform, ctx.kubectl, ctx.service(media.djangoService!))
    : undefined;
  return {
    title: t`Read which media files the database ${media.database} references`,
    kind: "read",
    action: () => (command ? { command } : undefined),
    run: async (step) => {
      facts.root = await resolveRoot(media.root);
      const fields = command ? parseFileFields((await step.exec(command)).stdout) : [];
      const named = new Set(media.references.map(referenceName));
      const unnamed = fields.filter((f) => !named.has(referenceName(f)));
      facts.columns = mergeReferences(media.references, fields);
      const refs = await referencedNow(step, media, facts);
      facts.referenced = refs.paths;
      const columns = Object.entries(refs.perColumn).map(([c, n]) => `${c} (${n})`);
      const warning = unnamed.length
        ? t`; Django's ${unnamed.map(referenceName).join(", ")} missing from media.references: the CronJob does not read them`
        : "";
      const outside = refs.outside ? t`; ${refs.outside} value(s) lead outside the root` : "";
      return {
        summary: t`${refs.paths.size} referenced file(s) in ${columns.join(", ") || t`no column`}${outside}${warning}`,
        data: { columns: facts.columns.map(referenceName) },
      };
    },
  };
}

function scanStep(media: MediaCleanup, facts: MediaFacts): Step {
  return {
    title: t`Scan ${media.root} (links not followed)`,
    kind: "read",
    run: async () => {
      const scan = await scanMedia(facts.root!);
      const youngest = Date.now() - media.grace.seconds * 1000;
      const unreferenced = scan.files.filter((f) => !facts.referenced!.has(f.path));
      facts.orphans = unreferenced.filter((f) => f.mtimeMs < youngest);
      const young = unreferenced.length - facts.orphans.length;
      const total = facts.orphans.reduce((sum, f) => sum + f.size, 0);
      const skipped = scan.skipped.length
        ? t`; ${scan.skipped.length} link(s) or special file(s) skipped`
        : "";
      return {
        summary: t`${facts.orphans.length} orphan(s), ${formatBytes(total)}, of ${scan.files.length} file(s); ${young} unreferenced but younger than ${media.grace}${skipped}`,
        evidence: [
          ...facts.orphans.map((f) => t`orphan  ${printable(f.path)} (${formatBytes(f.size)})`),
          ...scan.skipped.map((s) => t`skipped ${printable(s.path)}: ${s.why}`),
        ].join("\n"),
      };
    },
  };
}

function quarantineReadStep(media: MediaCleanup, facts: MediaFacts): Step {
  return {
    title: t`Read the quarantine (batches older than ${media.quarantine} expire)`,
    kind: "read",
    run: async () => {
      const { batches, unreadable } = await readQuarantine(facts.root!);
      const expiredBefore = Date.now() - media.quarantine.seconds * 1000;
      facts.expired = batches
        .filter((b) => Date.parse(b.manifest.quarantinedAt) <= expiredBefore)
        .map((b) => ({
          batch: b.manifest.batch,
          remove: b.present.filter((e) => !facts.referenced!.has(e.path)),
          putBack: b.present.filter((e) => facts.referenced!.has(e.path)),
        }));
      const due = facts.expired.reduce((n, b) => n + b.remove.length, 0);
      const left = unreadable.length ? t`; left alone: ${unreadable.join("; ")}` : "";
      return { summary: t`${batches.length} batch(es); ${due} expired file(s) to delete${left}` };
    },
  };
}

function moveStep(ctx: RunContext<Params>, media: MediaCleanup, facts: MediaFacts): Step {
  return {
    title: t`Move the orphans of ${media.root} into a new quarantine batch`,
    kind: "change",
    action: () => ({
      call:
        facts.orphans.map((f) => `move ${printable(f.path)} (${formatBytes(f.size)})`).join("\n") ||
        "nothing to move",
      target: {
        root: media.root,
        into: `${QUARANTINE_DIR}/<batch>/files/`,
        orphans: `${facts.orphans.length}, ${formatBytes(facts.orphans.reduce((s, f) => s + f.size, 0))}`,
      },
    }),
    run: async (step) => {
      if (facts.orphans.length === 0) return { summary: t`nothing to move` };
      // Read again now: a row committed since the scan protects its file.
      const now = (await referencedNow(step, media, facts)).paths;
      const moving = facts.orphans.filter((f) => !now.has(f.path));
      facts.batch = compactUtc(new Date());
      const moved = await quarantineFiles(facts.root!, facts.batch, moving, ctx.operator);
      facts.moved = moved.map((e) => e.path);
      const stayed = facts.orphans.length - moving.length;
      return {
        summary: t`moved ${moved.length} file(s) into ${QUARANTINE_DIR}/${facts.batch}${stayed ? t`; ${stayed} referenced since the scan stayed` : ""}`,
      };
    },
    rollback: {
      action: () => ({
        call: `put back the files of ${QUARANTINE_DIR}/${facts.batch ?? "<batch>"}`,
      }),
      run: async () => {
        const batch = (await readQuarantine(facts.root!)).batches.find(
          (b) => b.manifest.batch === facts.batch,
        );
        if (batch) await restoreEntries(facts.root!, facts.batch!, batch.present);
      },
    },
  };
}

function expireStep(ctx: RunContext<Params>, media: MediaCleanup, facts: MediaFacts): Step {
  return {
    title: t`Delete quarantined files older than ${media.quarantine} that are still unreferenced`,
    kind: "change",
    action: () => ({
      call:
        facts.expired
          .flatMap((b) => [
            ...b.remove.map(
              (e) =>
                `delete ${QUARANTINE_DIR}/${b.batch}/files/${printable(e.path)} (${formatBytes(e.size)})`,
            ),
            ...b.putBack.map((e) => `put back ${printable(e.path)} (referenced again)`),
          ])
          .join("\n") || "nothing expired",
      target: { root: media.root },
    }),
    run: async (step) => {
      if (facts.expired.length === 0) return { summary: t`nothing expired` };
      const now = (await referencedNow(step, media, facts)).paths;
      for (const { batch, remove, putBack } of facts.expired) {
        const back = [...putBack, ...remove.filter((e) => now.has(e.path))];
        const restored = await restoreEntries(facts.root!, batch, back);
        facts.restored.push(...restored.restored);
        const gone = remove.filter((e) => !now.has(e.path));
        facts.deleted.push(...(await deleteEntries(facts.root!, batch, gone)));
      }
      return {
        summary: t`deleted ${facts.deleted.length} file(s); put back ${facts.restored.length}`,
      };
    },
    manualUndo: t`deleted files are gone: each had been unreferenced in the quarantine for ${media.quarantine}`,
  };
}

function result(facts: MediaFacts): unknown {
  return {
    orphans: facts.orphans.map((f) => ({ path: f.path, size: f.size })),
    ...(facts.batch && { batch: facts.batch }),
    moved: facts.moved,
    deleted: facts.deleted,
    restored: facts.restored,
    conflicts: facts.conflicts,
  };
}

function output(facts: MediaFacts): string {
  const rows = facts.orphans.map((f) => [
    printable(f.path),
    formatBytes(f.size),
    facts.moved.includes(f.path) ? t`quarantined ${facts.batch}` : t`stayed`,
  ]);
  const lines = rows.length ? formatTable([[t`ORPHAN`, t`SIZE`, t`NOW`], ...rows]) : t`no orphans`;
  const extra = [
    facts.deleted.length ? t`deleted from the quarantine: ${facts.deleted.length}` : "",
    facts.restored.length ? t`put back: ${facts.restored.length}` : "",
  ].filter(Boolean);
  return [lines, ...extra].join("\n");
}
