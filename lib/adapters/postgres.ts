import type { ClientBase, ClientConfig } from "pg";
import type { Command, SecretEnv } from "../command.js";
import type { Database, Platform } from "../model/index.js";
import { t } from "../i18n/index.js";
import { Secret } from "../secret.js";
import { resolveSecret, secretEnvName, type SecretSources } from "../secrets.js";

/**
 * How guardia reaches a stack's PostgreSQL: one target (database + password) turned into either a
 * `pg` client config or the PG* environment of a child process (pg_dump, pg_restore, psql). The
 * password travels in PGPASSWORD, never on a command line where `ps` would show it.
 */
export interface PgTarget {
  readonly database: Database;
  readonly password: Secret | undefined;
}

/** The password from the Secret reference, PGPASSWORD, or none (socket or trust authentication). */
export async function pgTarget(
  database: Database,
  platform: Platform,
  sources: SecretSources = {},
): Promise<PgTarget> {
  const label = `password of database ${database.name}`;
  if (database.passwordSecret) {
    const password = await resolveSecret(database.passwordSecret, platform, label, {
      ...sources,
      fallbackEnv: ["PGPASSWORD", ...(sources.fallbackEnv ?? [])],
    });
    if (!database.users) return { database, password };
    const user = await activeLogin(database, platform, sources);
    return { database: { ...database, user }, password };
  }
  const env = (sources.env ?? process.env).PGPASSWORD;
  return { database, password: env ? new Secret(env, label) : undefined };
}

/** The key of a two-role database's Secret that names the login role in use, beside its password. */
export const ACTIVE_LOGIN_KEY = "username";

/**
 * The login role a two-role database's Secret names now (rotate-db-password switches it). Not a
 * secret: a role name is printed in plans and records as any user name is.
 */
export async function activeLogin(
  database: Database,
  platform: Platform,
  sources: SecretSources = {},
): Promise<string> {
  const ref = { name: database.passwordSecret!.name, key: ACTIVE_LOGIN_KEY };
  const variable = secretEnvName(ref);
  let user = (sources.env ?? process.env)[variable];
  if (!user && platform.runtime === "kubernetes" && sources.readKubernetesSecret)
    user = await sources.readKubernetesSecret(platform.namespace, ref.name, ref.key);
  if (!user) throw new Error(t`no login role for database ${database.name}: set ${variable}`);
  if (!database.users!.includes(user))
    throw new Error(
      t`Secret ${ref.name} names login role "${user}" for database ${database.name}, which is not one of its users (${database.users!.join(", ")})`,
    );
  return user;
}

/**
 * The connection as libpq tools read it from their environment. `databaseName` overrides the
 * target's (a scratch restore database). Not secret: plans print these; the password travels
 * separately, in PGPASSWORD (`pgSecrets`).
 */
export function pgEnv(database: Database, databaseName?: string): Record<string, string> {
  return {
    PGHOST: database.host,
    PGPORT: String(database.port),
    PGUSER: database.user,
    PGDATABASE: databaseName ?? database.database,
    PGAPPNAME: "guardia",
    PGCONNECT_TIMEOUT: "10",
  };
}

/** A libpq tool (pg_dump, pg_restore, psql) as a command: argv, the connection, the password's name. */
export function pgCommand(
  argv: readonly string[],
  database: Database,
  databaseName?: string,
): Command {
  return { argv, env: pgEnv(database, databaseName), secretEnv: ["PGPASSWORD"] };
}

/** The password for a `pgCommand`, when the target has one (else socket or trust authentication). */
export function pgSecrets(target: PgTarget): SecretEnv {
  return { PGPASSWORD: target.password };
}

export function pgClientConfig(target: PgTarget, databaseName?: string): ClientConfig {
  const { database } = target;
  return {
    host: database.host,
    port: database.port,
    user: database.user,
    database: databaseName ?? database.database,
    password: target.password?.reveal(),
    application_name: "guardia",
    connectionTimeoutMillis: 10_000,
  };
}

/** Opens a client, runs `work`, and always closes it. */
export async function withPgClient<T>(
  target: PgTarget,
  work: (client: ClientBase) => Promise<T>,
  databaseName?: string,
): Promise<T> {
  const { default: pg } = await import("pg");
  const client = new pg.Client(pgClientConfig(target, databaseName));
  // A dropped connection also rejects the running query; the event alone must not crash guardia.
  client.on("error", () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Where a target points, for plans and messages (never the password). */
export function describeTarget(target: PgTarget, databaseName?: string): string {
  const { database } = target;
  return `postgres://${database.user}@${database.host}:${database.port}/${databaseName ?? database.database}`;
}
