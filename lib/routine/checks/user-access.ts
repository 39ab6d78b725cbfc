import type { Database } from "../../model/index.js";
import type { Step } from "../../runbook/types.js";
import { SOURCES } from "../checklist.js";
import { checkStep, type RoutineRun } from "../check-step.js";
import { psqlQuery, psqlRows } from "../psql.js";
import { t } from "../../i18n/index.js";

/**
 * Monthly: who can get in (MIRA operations guide, Mensual: Auditar accesos de usuarios). Per
 * database: the roles that can log in and the superusers; and the application's own users that
 * are active but have not logged in for `routine.inactiveUserDays` — from Django's auth_user
 * (last_login) or NocoBase's users (the newest sign-in among its issuedTokens), whichever the
 * database holds.
 */

const TOP = 20;

type AppKind = "django" | "nocobase";

const ROLES_SQL =
  "SELECT 'role', rolname, rolsuper::int FROM pg_roles WHERE rolcanlogin " +
  "UNION ALL SELECT 'table', t, 0 FROM unnest(ARRAY['auth_user', 'users', 'issuedTokens', 'rolesUsers']) AS t " +
  "WHERE to_regclass(quote_ident(t)) IS NOT NULL ORDER BY 1, 2";

/** Active users unused for `days`, the most privileged first, with the total in every row. */
export function inactiveUsersSql(kind: AppKind, days: number): string {
  if (kind === "django") {
    return (
      "SELECT username, is_superuser::int, is_staff::int, coalesce(last_login::date::text, 'never'), count(*) OVER () " +
      `FROM auth_user WHERE is_active AND coalesce(last_login, date_joined) < now() - interval '${days} days' ` +
      `ORDER BY is_superuser DESC, is_staff DESC, last_login NULLS FIRST LIMIT ${TOP}`
    );
  }
  return (
    "SELECT u.username, bool_or(r.\"roleName\" = 'root')::int, bool_or(r.\"roleName\" = 'admin')::int, " +
    "coalesce(to_timestamp(max(t.\"signInTime\") / 1000)::date::text, 'never'), count(*) OVER () " +
    'FROM users u LEFT JOIN "issuedTokens" t ON t."userId" = u.id LEFT JOIN "rolesUsers" r ON r."userId" = u.id ' +
    'GROUP BY u.id, u.username, u."createdAt" ' +
    `HAVING coalesce(to_timestamp(max(t."signInTime") / 1000), u."createdAt") < now() - interval '${days} days' ` +
    `ORDER BY 2 DESC, 3 DESC, 4 LIMIT ${TOP}`
  );
}

interface Found {
  roles: { name: string; superuser: boolean }[];
  app: AppKind | undefined;
}

export function userAccessSteps(run: RoutineRun): Step[] {
  if (run.period !== "monthly") return [];
  return run.platform.databases.flatMap((db) => {
    const found: Found = { roles: [], app: undefined };
    return [rolesStep(db, found), usersStep(run, db, found)];
  });
}

function rolesStep(db: Database, found: Found): Step {
  const command = psqlQuery(db, ROLES_SQL);
  return {
    title: t`Login roles and superusers of ${db.name}, and which application's users it holds`,
    kind: "read",
    timeoutMs: 90_000,
    action: () => ({ command }),
    run: async (step) => {
      found.roles = [];
      found.app = undefined;
      const rows = await psqlRows(step, db, command).catch((err: Error) => {
        if (step.signal.aborted) throw err;
        return [];
      });
      const tables = rows.filter((r) => r[0] === "table").map((r) => r[1]);
      found.roles = rows
        .filter((r) => r[0] === "role")
        .map((r) => ({ name: r[1]!, superuser: r[2] === "1" }));
      found.app = tables.includes("auth_user")
        ? "django"
        : ["users", "issuedTokens", "rolesUsers"].every((t) => tables.includes(t))
          ? "nocobase"
          : undefined;
      return {
        summary: t`${found.roles.length} login role(s); application users: ${found.app ?? t`none found`}`,
      };
    },
  };
}

function usersStep(run: RoutineRun, db: Database, found: Found): Step {
  const days = run.platform.routine!.inactiveUserDays;
  const commands = {
    django: psqlQuery(db, inactiveUsersSql("django", days)),
    nocobase: psqlQuery(db, inactiveUsersSql("nocobase", days)),
  };
  return checkStep(
    run,
    {
      title: t`Users of ${db.name} with no login for ${days} days`,
      item: {
        id: `user-access/${db.name}`,
        title: t`User access of ${db.name}`,
        source: SOURCES.userAccess,
      },
      action: () => (found.app ? { command: commands[found.app] } : undefined),
    },
    async (step) => {
      if (found.roles.length === 0) throw new Error(t`could not read the roles of ${db.name}`);
      const superusers = found.roles.filter((r) => r.superuser).map((r) => r.name);
      const roles = t`login roles: ${found.roles.map((r) => r.name).join(", ")}; superusers: ${superusers.join(", ") || t`none`}`;
      if (!found.app)
        return {
          verdict: "ok",
          summary: t`${found.roles.length} login role(s), no application users here`,
          evidence: roles,
        };
      const rows = await psqlRows(step, db, commands[found.app]);
      const total = Number(rows[0]?.[4] ?? 0);
      const privileged = rows.filter((r) => r[1] === "1" || r[2] === "1").length;
      const lines = rows.map(
        ([user, su, staff, last]) =>
          t`${user}${su === "1" ? t` (superuser)` : staff === "1" ? t` (staff/admin)` : ""}: last login ${last}`,
      );
      const data = { inactive: total, privilegedInactive: privileged, superusers };
      if (total === 0)
        return {
          verdict: "ok",
          summary: t`every active ${found.app} user logged in within ${days} days`,
          evidence: roles,
          data,
        };
      return {
        verdict: "attention",
        summary: t`${total} active ${found.app} user(s) without a login for ${days} days${privileged ? t`, ${privileged} of them privileged` : ""}: deactivate or confirm`,
        evidence: [...lines, roles].join("\n"),
        data,
      };
    },
  );
}
