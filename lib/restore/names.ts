import { compactUtc, parseCompactUtc } from "../backup/stamp.js";
import { UsageError } from "../errors.js";
import { t } from "../i18n/index.js";

/**
 * The names a restore gives databases on the server, here and nowhere else. One run has one
 * stamp: it restores into `<db>__restore_<stamp>`, keeps the database it replaces as
 * `<db>__pre_restore_<stamp>`, and a rollback keeps the one it replaces as
 * `<db>__pre_rollback_<stamp>`. A run killed half way is recognised by these names alone, and
 * the restored copy carries `MARKER` as its comment until the swap has completed.
 */

/** PostgreSQL's limit on an identifier, in bytes. */
const MAX_NAME_BYTES = 63;

export type KeptKind = "pre_restore" | "pre_rollback";

/** "20261123t050000": lowercase, so PostgreSQL needs no quoting. */
export function runStamp(now: Date): string {
  return compactUtc(now).slice(0, -1).toLowerCase();
}

export function scratchNameOf(database: string, stamp: string): string {
  return checked(`${database}__restore_${stamp}`);
}

export function keptNameOf(
  database: string,
  stamp: string,
  kind: KeptKind = "pre_restore",
): string {
  return checked(`${database}__${kind}_${stamp}`);
}

function checked(name: string): string {
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
    throw new UsageError(
      t`database name ${name} would be longer than PostgreSQL's ${MAX_NAME_BYTES} bytes: restore into --target <shorter name>`,
    );
  }
  return name;
}

export interface NamedCopy {
  readonly kind: "restore" | KeptKind;
  readonly stamp: string;
  readonly createdAt: Date;
}

/** What `name` is to a restore of `database`, or undefined for any other name. */
export function parseCopyName(database: string, name: string): NamedCopy | undefined {
  if (!name.startsWith(`${database}__`)) return undefined;
  const m = /^(restore|pre_restore|pre_rollback)_(\d{8}t\d{6})$/.exec(
    name.slice(database.length + 2),
  );
  const createdAt = m ? parseCompactUtc(`${m[2]}z`) : undefined;
  if (!m || !createdAt) return undefined;
  return { kind: m[1] as NamedCopy["kind"], stamp: m[2]!, createdAt };
}

/** The comment a restored copy carries until its swap completes (the settings step replaces it). */
export function markerOf(stamp: string): string {
  return `guardia restore-db ${stamp}: restored copy, swap not completed`;
}

/** The stamp of a marker comment, or undefined for any other comment. */
export function parseMarker(comment: string | null): string | undefined {
  return /^guardia restore-db (\d{8}t\d{6}): restored copy, swap not completed$/.exec(
    comment ?? "",
  )?.[1];
}
