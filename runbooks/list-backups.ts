import { z } from "zod";
import {
  listBackups,
  locationOf,
  openStore,
  scanBackups,
  type BackupEntry,
  requireBackups,
} from "../lib/backup/index.js";
import type { Database } from "../lib/model/index.js";
import { formatTable } from "../lib/table.js";
import { defineRunbook, type RunContext, type Step } from "../lib/runbook/define.js";

const params = z.object({
  database: z
    .string()
    .optional()
    .describe("only this database (default: every database of the stack)"),
  all: z
    .boolean()
    .default(false)
    .describe("also show incomplete and damaged backups (never restorable)"),
});

type Params = z.infer<typeof params>;

interface Row {
  readonly database: string;
  readonly id: string;
  readonly status: string;
  readonly schedule: string;
  readonly size: string;
  readonly age: string;
  readonly operator: string;
}

export default defineRunbook({
  name: "list-backups",
  summary: "List the restorable backups of a stack's databases, newest first",
  description: `
The MIRA operations guide, Backup y Recovery: Procedimiento de Recovery, Escenario 1, step 1
("ls -lh /backups/mira-*.tar.gz | tail -1": which is the most recent backup), for
every destination guardia writes: complete backups only (a backup whose manifest.json is
missing never counts), newest first, with size, age, schedule and who made it. --all also
lists incomplete and damaged ones, with why. Read-only.`,
  outline: [
    "Read every backup's manifest under the stack's destination",
    "Print them newest first",
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
    const steps: Step[] = databases.map((database) => ({
      title: `List backups of ${database.name} in ${backups.destination.url}`,
      kind: "read",
      run: async () => {
        const found = await rowsOf(ctx, database);
        rows.push(...found);
        return { summary: `${found.filter((r) => r.status === "complete").length} restorable` };
      },
    }));
    return { steps, result: () => ({ backups: rows }), output: () => table(rows) };
  },
});

async function rowsOf(ctx: RunContext<Params>, database: Database): Promise<Row[]> {
  const store = await openStore(requireBackups(ctx.stack).destination);
  try {
    const location = locationOf(ctx.platform, database);
    const complete = (await listBackups(store, location)).map((b) => row(database, b));
    if (!ctx.params.all) return complete;
    const broken = (await scanBackups(store, location))
      .filter((b) => b.status !== "complete")
      .map((b) => ({
        database: database.name,
        id: b.id,
        status: `${b.status}: ${b.problem ?? ""}`,
        schedule: "",
        size: "",
        age: "",
        operator: "",
      }));
    return [...complete, ...broken];
  } finally {
    store.close();
  }
}

function row(database: Database, b: BackupEntry): Row {
  return {
    database: database.name,
    id: b.id,
    status: "complete",
    schedule: b.schedule,
    size: b.sizeText,
    age: b.age,
    operator: b.operator,
  };
}

function table(rows: readonly Row[]): string {
  if (rows.length === 0) return "no backups";
  return formatTable([
    ["DATABASE", "BACKUP", "SCHEDULE", "SIZE", "AGE", "OPERATOR", "STATUS"],
    ...rows.map((r) => [r.database, r.id, r.schedule, r.size, r.age, r.operator, r.status]),
  ]);
}
