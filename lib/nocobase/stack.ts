import { UsageError } from "../errors.js";
import type { Collections, Database, LoadedStack } from "../model/index.js";
import type { RunContext } from "../runbook/types.js";
import { nocobaseClient, type NocoBase } from "./api.js";
import { t } from "../i18n/index.js";

/** What the NocoBase runbooks take from a stack: its `collections` section and what it names. */

export function requireCollections(stack: LoadedStack): Collections {
  const collections = stack.platform.collections;
  if (!collections) throw new UsageError(t`${stack.name} has no \`collections\` section`);
  return collections;
}

/** The database NocoBase keeps its tables in (`collections.database`). */
export function collectionsDatabase(ctx: RunContext, collections: Collections): Database {
  if (!collections.database) {
    throw new UsageError(
      t`${ctx.stack.name}: \`collections.database\` must name the database NocoBase keeps its tables in (recreate-collection sets id sequences there)`,
    );
  }
  return ctx.database(collections.database);
}

/** A client with the API key from `collections.tokenSecret` (never printed, never in argv). */
export async function connectNocoBase(
  ctx: RunContext,
  collections: Collections,
): Promise<NocoBase> {
  const token = await ctx.secret(collections.tokenSecret, "NocoBase API key");
  return nocobaseClient(collections.apiUrl, token);
}
