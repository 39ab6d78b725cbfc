import { pgCommand, pgSecrets } from "../adapters/postgres.js";
import type { Command } from "../command.js";
import type { Database } from "../model/index.js";
import type { RunContext } from "../runbook/types.js";

/**
 * One SQL query through psql, as the routine's database checks run it: unaligned, tab-separated,
 * no psqlrc, stopping at the first error; the password in PGPASSWORD.
 */
export function psqlQuery(database: Database, sql: string): Command {
  const argv = ["psql", "-X", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql];
  return pgCommand(argv, database);
}

/** Runs a `psqlQuery`; its rows as arrays of fields. */
export async function psqlRows(
  step: RunContext,
  database: Database,
  command: Command,
): Promise<string[][]> {
  const { stdout } = await step.exec(command, {
    secrets: pgSecrets(await step.pg(database)),
    timeoutMs: 60_000,
  });
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.split("\t"));
}
