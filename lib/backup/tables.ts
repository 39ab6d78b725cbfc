import type { ClientBase } from "pg";
import { t } from "../i18n/index.js";

/**
 * Exact row counts of a database's critical tables: in the dump's snapshot when backing up, in
 * the scratch database after a restore. count(*) rather than pg_class estimates, because the drill
 * compares them for equality.
 */
export async function countRows(
  client: ClientBase,
  tables: readonly string[],
  where: string,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    try {
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${quoteTable(client, table)}`,
      );
      counts[table] = Number(rows[0]!.n);
    } catch (err) {
      throw new Error(
        t`counting rows of critical table ${table} in ${where} failed: ${(err as Error).message} (check the database's criticalTables in the stack)`,
        { cause: err },
      );
    }
  }
  return counts;
}

/** `schema.table` or `table`, each part quoted as an identifier. */
function quoteTable(client: ClientBase, table: string): string {
  return table
    .split(".")
    .map((part) => client.escapeIdentifier(part))
    .join(".");
}
