// An example of the team's own runbook, written by `guardia init`: `guardia analyze-db --stack
// <stack>` runs it with guardia's engine (dry-run plan, confirmation, lock, audit, report).
// The file's name is the command's name; `guardia list` shows it next to guardia's own.
import {
  databaseLock,
  defineRunbook,
  pgCommand,
  pgSecrets,
  UsageError,
  z,
  type RunContext,
} from "guardia/runbook";

/** Per table: its name, when its planner statistics were last refreshed (epoch, and as text). */
const LAST_ANALYZED = `SELECT relname,
  coalesce(extract(epoch FROM greatest(last_analyze, last_autoanalyze)), 0),
  coalesce(greatest(last_analyze, last_autoanalyze)::text, 'never')
  FROM pg_stat_user_tables ORDER BY relname`;

/** `psql -A -t` lines → table → epoch seconds of its last ANALYZE (0: never). */
function analyzedAt(output: string): Map<string, number> {
  const rows = output.split("\n").filter(Boolean);
  return new Map(rows.map((row) => row.split("|")).map(([table, at]) => [table!, Number(at)]));
}

export default defineRunbook({
  name: "analyze-db",
  summary: "Refresh a database's planner statistics (ANALYZE) and show when each table had them",
  description: `
Preventive maintenance: after a large import or a restore, the query planner works from stale
statistics until autovacuum gets to each table. This runs ANALYZE on the whole database (it
reads the tables and changes no row), under the database's shared lock, so a restore never runs
at the same time.`,
  outline: [
    "Read when each table's statistics were last refreshed",
    "Run ANALYZE on every table of the database (vacuumdb --analyze-only)",
    "Read the times again: every table must have been analyzed by this run",
  ],
  params: z.object({
    database: z.string().optional().describe("the database (default: the stack's first)"),
  }),
  plan: (ctx) => {
    const database = ctx.params.database
      ? ctx.database(ctx.params.database)
      : ctx.platform.databases[0];
    if (!database) throw new UsageError(`stack ${ctx.stack.name} has no database`);
    const read = pgCommand(
      ["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", LAST_ANALYZED],
      database,
    );
    const analyze = pgCommand(
      ["vacuumdb", "--analyze-only", "--dbname", database.database],
      database,
    );
    const run = async (step: RunContext, command: typeof read) =>
      (await step.exec(command, { secrets: pgSecrets(await step.pg(database)) })).stdout.trim();
    let before = new Map<string, number>();
    return {
      lock: databaseLock(ctx.platform, database, "shared"),
      confirmTarget: database.name,
      steps: [
        {
          title: `Read when the tables of ${database.name} were last analyzed`,
          kind: "read",
          action: () => ({ command: read }),
          run: async (step) => {
            const output = await run(step, read);
            before = analyzedAt(output);
            return { summary: `${before.size} tables`, evidence: output };
          },
        },
        {
          title: `ANALYZE ${database.name}`,
          kind: "change",
          action: () => ({ command: analyze, target: { database: database.database } }),
          run: async (step) => {
            await run(step, analyze);
          },
        },
        {
          title: "Check that every table was analyzed by this run",
          kind: "verify",
          action: () => ({ command: read }),
          // The statistics views show a finished ANALYZE a moment after the command ends.
          retries: 5,
          retryDelayMs: 1000,
          run: async (step) => {
            const output = await run(step, read);
            const after = analyzedAt(output);
            const stale = [...before].filter(([table, at]) => !((after.get(table) ?? 0) > at));
            if (stale.length > 0)
              throw new Error(`not analyzed by this run: ${stale.map(([t]) => t).join(", ")}`);
            return { summary: `${after.size} tables analyzed`, evidence: output };
          },
        },
      ],
    };
  },
});
