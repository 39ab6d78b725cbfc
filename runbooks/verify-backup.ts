import { z } from "zod";
import {
  listBackups,
  locationOf,
  openStore,
  verifyBackup,
  type BackupEntry,
  type ObjectStore,
  type VerifyReport,
} from "../lib/backup/index.js";
import { defineRunbook, type Step } from "../lib/runbook/define.js";
import { databaseLock, requireBackups } from "./backup-db.js";

const params = z.object({
  database: z.string().describe("database whose backup to check (a databases[].name of the stack)"),
  backup: z
    .string()
    .default("latest")
    .describe("backup id, or latest (the newest complete backup)"),
});

export default defineRunbook({
  name: "verify-backup",
  summary:
    "Restore drill: check a backup's checksums, restore it into a scratch database, compare counts",
  description: `
Seed 000 §4.3 (choose a recent backup, restore it in an isolated environment, verify the table
structure and that critical data is there, document the results) as a drill that runs every
week in the cluster. It downloads the backup, checks the sha256 of every object against the
manifest before any database is created, restores into a scratch database on the same server
(guardia_drill_<time>; the database user needs CREATEDB), compares the exact row counts of the
critical tables with the manifest, and drops the scratch database whatever happened. Any
mismatch fails the run (exit 1) and names the object or table, expected and found. The
database the backup came from is never touched.`,
  outline: [
    "Find the backup (latest complete, or the given id) and show its manifest",
    "Check the sha256 of every object against the manifest, before any database exists",
    "Restore into a scratch database, compare critical-table counts, drop the scratch database",
  ],
  params,
  plan: (ctx) => {
    const database = ctx.database(ctx.params.database);
    const backups = requireBackups(ctx);
    const location = locationOf(ctx.platform, database);
    const facts: { store?: ObjectStore; chosen?: BackupEntry; report?: VerifyReport } = {};
    const store = async () => (facts.store ??= await openStore(backups.destination));
    const steps: Step[] = [
      {
        title: `Find backup ${ctx.params.backup} of ${database.name}`,
        kind: "read",
        run: async () => {
          const all = await listBackups(await store(), location);
          const wanted = ctx.params.backup;
          facts.chosen = wanted === "latest" ? all[0] : all.find((b) => b.id === wanted);
          if (!facts.chosen) {
            const known =
              all
                .slice(0, 5)
                .map((b) => b.id)
                .join(", ") || "none";
            throw new Error(
              `no complete backup ${wanted} of ${database.name} in ${backups.destination.url} (newest: ${known})`,
            );
          }
          const { id, sizeText, age, operator, manifest } = facts.chosen;
          return {
            summary: `${id}: ${sizeText}, ${age} old, by ${operator}`,
            data: { id, criticalTables: manifest.criticalTables },
          };
        },
      },
      {
        title: `Restore drill of ${database.name} on ${database.host}`,
        kind: "change",
        timeoutMs: 4 * 3600_000,
        action: () => ({
          command: [
            "zstd",
            "-d",
            "-c",
            `<${facts.chosen?.id ?? ctx.params.backup}>/dump.pgcustom.zst`,
            "|",
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "-d",
            "guardia_drill_<time>",
          ],
          target: {
            server: `${database.host}:${database.port}`,
            backup: facts.chosen?.url ?? ctx.params.backup,
            scratch: "guardia_drill_<time> (dropped at the end)",
          },
        }),
        run: async (step) => {
          facts.report = await verifyBackup({
            store: await store(),
            location,
            target: await step.pg(database),
            backup: facts.chosen!.id,
            log: step.log,
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
      },
    ];
    return {
      steps,
      lock: databaseLock(ctx, database, "shared"),
      confirmTarget: database.database,
      cleanup: () => facts.store?.close(),
      result: () => facts.report && { ...facts.report, manifest: undefined },
      output: () =>
        facts.report
          ? `backup ${facts.report.id} of ${database.name} verified: restored in ${(facts.report.durationMs / 1000).toFixed(1)} s, counts match\n${tableEvidence(facts.report)}`
          : "",
    };
  },
});

function tableEvidence(report: VerifyReport): string {
  return report.tables
    .map((t) => `${t.table}: ${t.restored} rows restored, ${t.expected} in the manifest`)
    .join("\n");
}
