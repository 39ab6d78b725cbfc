import { createHash } from "node:crypto";
import type { ClientBase } from "pg";
import { z } from "zod";
import { t } from "../i18n/index.js";

/**
 * A database's structure in a few hundred bytes: per table, the sha256 of its columns (name, type,
 * NOT NULL, in order), its indexes and its constraints as PostgreSQL prints them back. A backup
 * records it from the dump's own snapshot; a restore computes it again on the restored copy, and
 * any table whose digest differs (or that is missing or extra) stops the restore before the swap.
 */

export const schemaFingerprint = z.strictObject({
  /** sha256 over every table's entry: one value to compare. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** "public.onco_casos" → the first 16 hex digits of that table's sha256. */
  tables: z.record(z.string(), z.string().regex(/^[0-9a-f]{16}$/)),
});

export type SchemaFingerprint = z.infer<typeof schemaFingerprint>;

// Ordinary and partitioned tables outside PostgreSQL's own schemas; format_type and the pg_get_*
// functions print types and definitions the same way on the source and on a restored copy.
const STRUCTURE = `
WITH t AS (
  SELECT c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p')
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%')
SELECT t.name,
  (SELECT coalesce(string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
            || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END, E'\\n' ORDER BY a.attnum), '')
     FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
  (SELECT coalesce(string_agg(pg_get_indexdef(i.indexrelid), E'\\n' ORDER BY pg_get_indexdef(i.indexrelid)), '')
     FROM pg_index i WHERE i.indrelid = t.oid) AS indexes,
  (SELECT coalesce(string_agg(k.conname || ' ' || pg_get_constraintdef(k.oid), E'\\n' ORDER BY k.conname), '')
     FROM pg_constraint k WHERE k.conrelid = t.oid) AS constraints
  FROM t ORDER BY t.name`;

/** The fingerprint of the database `client` is connected to (in its transaction's snapshot). */
export async function fingerprintSchema(client: ClientBase): Promise<SchemaFingerprint> {
  const { rows } = await client.query<{
    name: string;
    columns: string;
    indexes: string;
    constraints: string;
  }>(STRUCTURE);
  const tables: Record<string, string> = {};
  for (const row of rows) {
    const text = `columns\n${row.columns}\nindexes\n${row.indexes}\nconstraints\n${row.constraints}`;
    tables[row.name] = sha256(text).slice(0, 16);
  }
  const all = Object.entries(tables).map(([name, digest]) => `${name} ${digest}`);
  return { sha256: sha256(all.join("\n")), tables };
}

/** What differs between the recorded structure and a restored copy's, one line each; [] when equal. */
export function compareFingerprints(expected: SchemaFingerprint, got: SchemaFingerprint): string[] {
  if (expected.sha256 === got.sha256) return [];
  const names = [...new Set([...Object.keys(expected.tables), ...Object.keys(got.tables)])].sort();
  return names.flatMap((name) => {
    const [want, have] = [expected.tables[name], got.tables[name]];
    if (want === have) return [];
    if (have === undefined) return [t`table ${name} is missing`];
    if (want === undefined) return [t`table ${name} is not in the backup's manifest`];
    return [t`table ${name}: columns, indexes or constraints differ`];
  });
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
