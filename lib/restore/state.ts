import { withPgClient, type PgTarget } from "../adapters/postgres.js";
import { formatAge } from "../backup/list.js";
import { formatBytes } from "../backup/store.js";
import { parseCopyName, parseMarker, scratchNameOf, type NamedCopy } from "./names.js";
import {
  databasesLike,
  dropDatabase,
  endSessions,
  MAINTENANCE_DATABASE,
  rename,
  unfence,
  type ServerDatabase,
} from "./server.js";
import { t } from "../i18n/index.js";

/**
 * What a database's server holds for restores of it: the live database, the copies restores and
 * rollbacks kept, scratch copies of runs that died, and any swap a killed run left half done;
 * and the statements that bring back a consistent live database from each of those states.
 */

export interface KeptCopy extends NamedCopy {
  readonly name: string;
  readonly bytes: number;
  readonly size: string;
  readonly age: string;
}

export interface ServerSurvey {
  readonly live: (ServerDatabase & { tablespace: string }) | undefined;
  /** Copies kept by restores (pre_restore) and rollbacks (pre_rollback), newest first. */
  readonly kept: readonly KeptCopy[];
  /** What a killed run left, one sentence each; empty when the server is in a clean state. */
  readonly found: readonly string[];
  /** The statements that repair it, in order (run on the maintenance database). */
  readonly repair: readonly string[];
  /**
   * The repair itself brings back the database from before the interrupted run: it renames, or a
   * scratch copy shows the run never swapped its copy in. Then a rollback has nothing left to do.
   */
  readonly restoresPrevious: boolean;
}

export async function surveyServer(
  target: PgTarget,
  database: string,
  now: Date = new Date(),
): Promise<ServerSurvey> {
  const all = await databasesLike(target, { exact: database, prefix: `${database}__` });
  const named = all.flatMap((d) => {
    const copy = parseCopyName(database, d.name);
    return copy ? [{ ...d, ...copy }] : [];
  });
  const kept = named
    .filter((d) => d.kind !== "restore")
    .sort((a, b) => b.stamp.localeCompare(a.stamp))
    .map((d) => ({
      ...d,
      size: formatBytes(d.bytes),
      age: formatAge(now.getTime() - d.createdAt.getTime()),
    }));
  const live = all.find((d) => d.name === database);
  const scratch = named.filter((d) => d.kind === "restore").map((d) => d.name);
  const { found, repair } = repairOf(database, live, kept, scratch);
  const tablespace = live ? await tablespaceOf(target, database) : "pg_default";
  const restoresPrevious = scratch.length > 0 || repair.some((r) => r.includes(" RENAME TO "));
  return { live: live && { ...live, tablespace }, kept, found, repair, restoresPrevious };
}

/** The one consistent state to go back to: the live database as it was before the killed run. */
function repairOf(
  database: string,
  live: ServerDatabase | undefined,
  kept: readonly KeptCopy[],
  scratch: readonly string[],
): { found: string[]; repair: string[] } {
  const found: string[] = [];
  const repair: string[] = [];
  let drop = [...scratch];
  const stamp = live && parseMarker(live.comment);
  const previous = stamp ? kept.find((k) => k.stamp === stamp) : kept[0];
  if (live && stamp && previous) {
    // Both renames happened, the settings step did not: the restored copy is live, unfinished.
    const aside = scratchNameOf(database, stamp);
    found.push(
      t`${database} is a restored copy whose swap did not complete (${previous.name} is the database it replaced)`,
    );
    repair.push(endSessions(database), rename(database, aside), rename(previous.name, database));
    repair.push(unfence(database));
    drop = [...drop, aside];
  } else if (!live && previous) {
    found.push(
      t`${database} does not exist: a run died between its renames; ${previous.name} is the newest kept copy`,
    );
    repair.push(rename(previous.name, database), unfence(database));
  } else if (live && !live.allowConnections) {
    found.push(t`${database} does not allow connections: a run died before it allowed them again`);
    repair.push(unfence(database));
  }
  for (const name of new Set(drop)) {
    found.push(
      t`${name}: a restored copy left by a run that died (a copy of a backup that still exists)`,
    );
    repair.push(dropDatabase(name));
  }
  return { found, repair };
}

async function tablespaceOf(target: PgTarget, database: string): Promise<string> {
  return withPgClient(
    target,
    async (c) => {
      const { rows } = await c.query<{ spcname: string }>(
        `SELECT t.spcname FROM pg_database d JOIN pg_tablespace t ON t.oid = d.dattablespace
          WHERE d.datname = $1`,
        [database],
      );
      return rows[0]?.spcname ?? "pg_default";
    },
    MAINTENANCE_DATABASE,
  );
}
