import { z } from "zod";
import {
  chooseBackup,
  entryOf,
  formatAge,
  formatBytes,
  locationOf,
  NoRestorableBackupError,
  openStore,
  scanBackups,
  statusText,
  type BackupLocation,
  type ObjectStore,
  type ScannedBackup,
  requireBackups,
} from "../lib/backup/index.js";
import type { Database } from "../lib/model/index.js";
import { formatTable } from "../lib/table.js";
import { defineRunbook, type RunContext, type Step } from "../lib/runbook/define.js";
import { t } from "../lib/i18n/index.js";

const params = z.object({
  database: z
    .string()
    .optional()
    .describe("only this database (default: every database of the stack)"),
  all: z
    .boolean()
    .default(false)
    .describe("also show incomplete, failed and damaged backups (never restorable), with why"),
  verify: z
    .boolean()
    .default(false)
    .describe(
      "read every listed backup in full and compare its sha256 with the manifest (slow: a full read of each dump)",
    ),
});

type Params = z.infer<typeof params>;

interface Row {
  readonly database: string;
  readonly id: string;
  /** "complete", "verified" (sha256 read now), or "damaged: …" with why: the status once. */
  readonly status: string;
  readonly schedule: string;
  readonly size: string;
  readonly age: string;
  readonly operator: string;
}

/** Per database: what `--backup latest` would use, and what it would skip. */
interface Latest {
  readonly database: string;
  readonly id: string | undefined;
  readonly skipped: readonly { readonly id: string; readonly reason: string }[];
}

export default defineRunbook({
  name: "list-backups",
  summary: "List the restorable backups of a stack's databases, newest first",
  description: `
The MIRA operations guide, Backup y Recovery: Procedimiento de Recovery, Escenario 1, step 1
("ls -lh /backups/mira-*.tar.gz | tail -1": which is the most recent backup), for
every destination guardia writes: restorable backups only, newest first, with size, age,
schedule and who made it, and which one --backup latest would use (the newest that passes its
checks: a manifest that is intact by its own checksum, not marked failed by its read-back,
every object present with its size). --verify also reads every listed backup and compares its
sha256 with the manifest (a flipped byte keeps the size), lists the failed and damaged ones
with why, and fails (exit 1) when any backup is damaged. --all also lists incomplete ones
(still running, or killed). Read-only.`,
  outline: [
    "Read every backup's manifest under the stack's destination (with --verify, every object's sha256 too)",
    "Print them newest first, and which one --backup latest would use",
    "With --verify: fail when a listed backup does not match its manifest",
  ],
  manual: [
    "MIRA operations guide, Backup y Recovery, Procedimiento de Recovery (identify the most recent backup)",
  ],
  onFailure:
    "It changes nothing. Exit 1 means the destination could not be read (credentials, network, a missing directory); the message names the destination.",
  params,
  plan: (ctx) => {
    const backups = requireBackups(ctx.stack);
    const databases = ctx.params.database
      ? [ctx.database(ctx.params.database)]
      : ctx.platform.databases;
    const rows: Row[] = [];
    const latest: Latest[] = [];
    const steps: Step[] = databases.map((database) => ({
      title: t`List backups of ${database.name} in ${backups.destination.url}`,
      kind: "read",
      run: async (step) => {
        const found = await listDatabase(ctx, database, step.signal);
        rows.push(...found.rows);
        latest.push(found.latest);
        const restorable = found.rows.filter((r) => /^(complete|verified)$/.test(r.status));
        return {
          summary: t`${restorable.length} restorable; latest: ${found.latest.id ?? t`none`}`,
        };
      },
    }));
    if (ctx.params.verify) steps.push(verifiedStep(rows));
    return {
      steps,
      result: () => ({ backups: rows, latest }),
      output: () => [table(rows), ...latest.map(latestLine)].join("\n"),
    };
  },
});

/** The check after --verify: every listed backup matched its manifest, or exit 1 naming those that did not. */
function verifiedStep(rows: readonly Row[]): Step {
  return {
    title: t`Check that every listed backup matches its manifest`,
    kind: "read",
    run: async () => {
      const damaged = rows.filter((r) => r.status.startsWith("damaged"));
      if (damaged.length > 0) {
        const lines = damaged.map((r) => `  ${r.database} ${r.id}: ${r.status}`);
        throw new Error(
          t`${damaged.length} backup(s) do not match their manifests:\n${lines.join("\n")}`,
        );
      }
      return { summary: t`${rows.length} backup(s) read in full, each matches its manifest` };
    },
  };
}

async function listDatabase(
  ctx: RunContext<Params>,
  database: Database,
  signal: AbortSignal,
): Promise<{ rows: Row[]; latest: Latest }> {
  const store = await openStore(requireBackups(ctx.stack).destination);
  try {
    const location = locationOf(ctx.platform, database);
    const scanned = await scanBackups(store, location, { sha256: ctx.params.verify, signal });
    // --verify shows what it found wrong; a backup still being written is shown with --all only.
    const shown = scanned.filter(
      (b) =>
        b.status === "complete" ||
        ctx.params.all ||
        (ctx.params.verify && b.status !== "incomplete"),
    );
    const rows = shown.map((b) => row(database, b, store, location));
    const choice = await chooseBackup(store, location, "latest", { scanned }).catch(
      (err: unknown) => {
        if (err instanceof NoRestorableBackupError)
          return { chosen: undefined, skipped: err.skipped };
        throw err;
      },
    );
    const skipped = choice.skipped.map(({ id, reason }) => ({ id, reason }));
    return { rows, latest: { database: database.name, id: choice.chosen?.id, skipped } };
  } finally {
    store.close();
  }
}

/** A restorable backup with its manifest's facts; any other with what is stored and why. */
function row(
  database: Database,
  b: ScannedBackup,
  store: ObjectStore,
  location: BackupLocation,
): Row {
  const e = b.status === "complete" ? entryOf(store, location, b) : undefined;
  return {
    database: database.name,
    id: b.id,
    status: e && b.sha256Checked ? "verified" : statusText(b),
    schedule: b.schedule,
    size: e?.sizeText ?? formatBytes(b.bytes),
    age: e?.age ?? formatAge(Date.now() - b.startedAt.getTime()),
    operator: e?.operator ?? b.manifest?.operator ?? "",
  };
}

function latestLine(l: Latest): string {
  const skipped =
    l.skipped.length > 0 ? t` (skipped ${l.skipped.map((s) => s.id).join(", ")})` : "";
  return t`${l.database}: --backup latest is ${l.id ?? t`none: no restorable backup`}${skipped}`;
}

function table(rows: readonly Row[]): string {
  if (rows.length === 0) return t`no backups`;
  return formatTable([
    [t`DATABASE`, t`BACKUP`, t`SCHEDULE`, t`SIZE`, t`AGE`, t`OPERATOR`, t`STATUS`],
    ...rows.map((r) => [r.database, r.id, r.schedule, r.size, r.age, r.operator, r.status]),
  ]);
}
