import type { ClientBase } from "pg";
import { RefusedError } from "../errors.js";
import type { TokenPolicy } from "../model/index.js";
import { t } from "../i18n/index.js";

/**
 * The stack's token policy over DRF's `authtoken_token` (one token per user) and Django's
 * `auth_user`: which tokens go, the cap that stops an over-broad run, and the deletion itself in
 * one transaction that applies the policy again. Tokens are named by their user's id only: no
 * query here ever reads a token's key, so no key can reach a plan, a record or a report.
 */

export interface TokenHolder {
  readonly id: number;
  readonly username: string;
  /** Why the policy names this token: "created 120 days ago", "no login for 400 days". */
  readonly reasons: readonly string[];
}

export interface PolicyScan {
  /** Every token in the table. */
  readonly total: number;
  /** The users whose tokens the policy names, by id. */
  readonly holders: readonly TokenHolder[];
}

/** Deletions of this many tokens or fewer are never over-broad by fraction: 1 of 3 says little. */
export const FRACTION_FLOOR = 5;

/**
 * The policy as a condition on token `t` and its user `u`: older than $1 days, or (when $2 is
 * not null) a user without a login for $2 days (`last_login`, else when the account was made).
 */
const EXPIRED = "t.created < now() - make_interval(days => $1::int)";
const INACTIVE =
  "($2::int IS NOT NULL AND coalesce(u.last_login, u.date_joined) < now() - make_interval(days => $2::int))";
const POLICY = `(${EXPIRED} OR ${INACTIVE})`;

function policyParams(policy: TokenPolicy): [number, number | null] {
  return [policy.maxAgeDays, policy.inactiveDays ?? null];
}

export async function scanPolicy(client: ClientBase, policy: TokenPolicy): Promise<PolicyScan> {
  const [{ rows: count }, { rows }] = [
    await client.query<{ total: string }>("SELECT count(*) AS total FROM authtoken_token"),
    await client.query<{
      id: number;
      username: string;
      age: number;
      idle: number;
      expired: boolean;
    }>(
      `SELECT u.id, u.username,
              extract(day FROM now() - t.created)::int AS age,
              extract(day FROM now() - coalesce(u.last_login, u.date_joined))::int AS idle,
              ${EXPIRED} AS expired
         FROM authtoken_token t JOIN auth_user u ON u.id = t.user_id
        WHERE ${POLICY}
        ORDER BY u.id`,
      policyParams(policy),
    ),
  ];
  const holders = rows.map((row) => ({
    id: row.id,
    username: row.username,
    reasons: [
      ...(row.expired ? [t`created ${row.age} days ago`] : []),
      ...(policy.inactiveDays !== undefined && row.idle >= policy.inactiveDays
        ? [t`no login for ${row.idle} days`]
        : []),
    ],
  }));
  return { total: Number(count[0]?.total ?? 0), holders };
}

/** Why deleting `count` of `total` tokens is over the stack's cap, or undefined when it is not. */
export function capProblem(count: number, total: number, policy: TokenPolicy): string | undefined {
  if (count > policy.maxCount) return t`${count} tokens is more than maxCount (${policy.maxCount})`;
  if (count > FRACTION_FLOOR && count > policy.maxFraction * total) {
    const percent = Math.round((count / total) * 1000) / 10;
    return t`${count} of ${total} tokens (${percent} %) is more than maxFraction (${policy.maxFraction * 100} %)`;
  }
  return undefined;
}

export interface Deletion {
  /** Users whose token was deleted. */
  readonly deleted: readonly number[];
  /** Planned, but no longer named by the policy when the transaction ran (kept). */
  readonly kept: readonly number[];
}

/**
 * Deletes the tokens of `planned` users that the policy still names, in one transaction: the
 * DELETE applies the policy again, so a token renewed or a user who logged in since the plan
 * keeps theirs, and nothing beyond the planned users is touched. The cap is checked again on
 * what the DELETE found; over it, without `allowOverCap`, the transaction rolls back and the run is
 * refused.
 */
export async function deleteByPolicy(
  client: ClientBase,
  policy: TokenPolicy,
  planned: readonly number[],
  allowOverCap: boolean,
): Promise<Deletion> {
  await client.query("BEGIN");
  try {
    const { rows: count } = await client.query<{ total: string }>(
      "SELECT count(*) AS total FROM authtoken_token",
    );
    const { rows } = await client.query<{ user_id: number }>(
      `DELETE FROM authtoken_token t USING auth_user u
        WHERE u.id = t.user_id AND t.user_id = ANY($3::int[]) AND ${POLICY}
        RETURNING t.user_id`,
      [...policyParams(policy), planned],
    );
    const deleted = rows.map((r) => r.user_id).sort((a, b) => a - b);
    const over = capProblem(deleted.length, Number(count[0]?.total ?? 0), policy);
    if (over && !allowOverCap)
      throw new RefusedError(t`${over}; nothing was deleted (--allow-over-cap to delete them)`);
    await client.query("COMMIT");
    return { deleted, kept: planned.filter((id) => !deleted.includes(id)) };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  }
}

export interface UserToken {
  readonly id: number;
  readonly username: string;
  /** When the user's token was created; undefined: the user has none. */
  readonly created: Date | undefined;
}

/** One user and whether they hold a token (not its key). */
export async function findUser(
  client: ClientBase,
  username: string,
): Promise<UserToken | undefined> {
  const { rows } = await client.query<{ id: number; username: string; created: Date | null }>(
    `SELECT u.id, u.username, t.created
       FROM auth_user u LEFT JOIN authtoken_token t ON t.user_id = u.id
      WHERE u.username = $1`,
    [username],
  );
  const row = rows[0];
  return row && { id: row.id, username: row.username, created: row.created ?? undefined };
}

/** Deletes one user's token at once (a leaked token); true when there was one. */
export async function revokeToken(client: ClientBase, userId: number): Promise<boolean> {
  const { rowCount } = await client.query("DELETE FROM authtoken_token WHERE user_id = $1", [
    userId,
  ]);
  return (rowCount ?? 0) > 0;
}
