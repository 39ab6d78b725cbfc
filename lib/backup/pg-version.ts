import { describeTarget, withPgClient } from "../adapters/postgres.js";
import type { PgTarget } from "../adapters/postgres.js";
import type { ClientBase } from "pg";
import type { Command, CommandLog } from "../command.js";
import { capture, findExecutable } from "./process.js";
import { t } from "../i18n/index.js";

/**
 * pg_dump refuses (or, across some versions, silently misdumps) a server of a newer major version,
 * so the backup checks first and says exactly what to install instead of leaving a cryptic
 * "aborting because of server version mismatch" in a CronJob log.
 */

/** "15.18" from `pg_dump --version` ("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"). */
export function parseToolVersion(output: string): string {
  const match = /\(PostgreSQL\)\s+(\d+(?:\.\d+)*(?:(?:beta|rc|devel)\d*)?)/.exec(output);
  if (!match?.[1]) {
    throw new Error(t`cannot read a PostgreSQL version from ${JSON.stringify(output.trim())}`);
  }
  return match[1];
}

/** Major version: 15 for "15.18 (Debian ...)", 16 for "16beta1", 9.6 for "9.6.24" (pre-10 scheme). */
export function majorVersion(version: string): number {
  const match = /^(\d+)(?:\.(\d+))?/.exec(version.trim());
  if (!match?.[1]) throw new Error(t`cannot read a major version from "${version}"`);
  const first = Number(match[1]);
  return first >= 10 ? first : Number(`${first}.${match[2] ?? 0}`);
}

export class PgDumpTooOldError extends Error {
  override name = "PgDumpTooOldError";
}

export interface PgDumpFound {
  /** Absolute path of the pg_dump that would run. */
  readonly path: string;
  /** Its version, e.g. "14.10". */
  readonly version: string;
}

export interface ServerFound {
  /** `SHOW server_version`, e.g. "15.4" or "15.4 (Debian 15.4-1.pgdg120+1)". */
  readonly version: string;
  /** Where the server is, for the message (describeTarget). */
  readonly where: string;
}

/** Throws PgDumpTooOldError when pg_dump's major version is below the server's. */
export function checkPgDumpVersion(pgDump: PgDumpFound, server: ServerFound): void {
  const serverMajor = majorVersion(server.version);
  if (majorVersion(pgDump.version) >= serverMajor) return;
  const serverVersion = server.version.split(" ")[0];
  throw new PgDumpTooOldError(
    t`pg_dump ${pgDump.version} at ${pgDump.path} is older than the server it would dump (PostgreSQL ${serverVersion} at ${server.where}): pg_dump cannot dump a newer major version. Install the PostgreSQL ${serverMajor} client (Debian/Ubuntu: apt-get install postgresql-client-${serverMajor}) and put /usr/lib/postgresql/${serverMajor}/bin first on PATH.`,
  );
}

/** `SHOW server_version` of the server `client` is connected to. */
export async function serverVersion(client: ClientBase): Promise<string> {
  const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
  return rows[0]!.server_version;
}

/** `pg_dump --version` of the pg_dump at `path` (a plan passes the one it would find). */
export function pgDumpVersionCommand(path: string): Command {
  return { argv: [path, "--version"] };
}

/** The pg_dump that a backup would run (in `pgBinDir`, else on PATH) and its version. */
export async function findPgDump(pgBinDir?: string, record?: CommandLog): Promise<PgDumpFound> {
  const path = findExecutable("pg_dump", pgBinDir);
  const output = await capture(pgDumpVersionCommand(path), record);
  return { path, version: parseToolVersion(output) };
}

export interface PgDumpCheck {
  readonly pgDump: PgDumpFound;
  /** "pg_dump 15.18 (/usr/bin/pg_dump) can dump PostgreSQL 15.18 at postgres://…" */
  readonly summary: string;
}

/** The check on its own, for a runbook's read-only step: connects, compares, says what it found. */
export async function checkPgDumpAgainstServer(
  target: PgTarget,
  opts: { readonly pgBinDir?: string; readonly record?: CommandLog } = {},
): Promise<PgDumpCheck> {
  const pgDump = await findPgDump(opts.pgBinDir, opts.record);
  const version = await withPgClient(target, serverVersion);
  const where = describeTarget(target);
  checkPgDumpVersion(pgDump, { version, where });
  const summary = t`pg_dump ${pgDump.version} (${pgDump.path}) can dump PostgreSQL ${version.split(" ")[0]} at ${where}`;
  return { pgDump, summary };
}
