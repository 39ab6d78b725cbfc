import { withPgClient, type PgTarget } from "../adapters/postgres.js";
import { comment, ident, literal, MAINTENANCE_DATABASE } from "./server.js";
import { t } from "../i18n/index.js";

/**
 * What belongs to the database itself rather than to its contents, so pg_restore does not bring
 * it: the owner, `GRANT … ON DATABASE`, `ALTER DATABASE … SET` and `ALTER ROLE … IN DATABASE …
 * SET`, the connection limit and the comment. Read from the live database before the swap and
 * applied to the restored one, as SQL statements the plan prints.
 */

export interface DatabaseSettings {
  readonly owner: string;
  /** ACL entries: grantee ("" for PUBLIC), privilege, grantable; undefined: the default ACL. */
  readonly grants:
    readonly { grantee: string; privilege: string; grantable: boolean }[] | undefined;
  /** `setconfig` entries: role ("" for every role), "name=value". */
  readonly config: readonly { role: string; setting: string }[];
  readonly connectionLimit: number;
  readonly comment: string | null;
}

// Settings whose value is a list that PostgreSQL stores already quoted ("$user", public).
const LIST_SETTINGS = new Set([
  "search_path",
  "temp_tablespaces",
  "local_preload_libraries",
  "session_preload_libraries",
]);

export async function readSettings(target: PgTarget, db: string): Promise<DatabaseSettings> {
  return withPgClient(
    target,
    async (client) => {
      const { rows } = await client.query<{
        owner: string;
        connlimit: number;
        acl: boolean;
        comment: string | null;
      }>(
        `SELECT pg_get_userbyid(datdba) AS owner, datconnlimit AS connlimit, datacl IS NOT NULL AS acl,
                shobj_description(oid, 'pg_database') AS comment
           FROM pg_database WHERE datname = $1`,
        [db],
      );
      if (!rows[0]) throw new Error(t`database ${db} does not exist`);
      const grants = await client.query<{ grantee: string; privilege: string; grantable: boolean }>(
        `SELECT coalesce(pg_get_userbyid(NULLIF(a.grantee, 0)), '') AS grantee,
                a.privilege_type AS privilege, a.is_grantable AS grantable
           FROM pg_database d, aclexplode(d.datacl) a
          WHERE d.datname = $1 AND a.grantee <> d.datdba ORDER BY 1, 2`,
        [db],
      );
      const config = await client.query<{ role: string; setting: string }>(
        `SELECT coalesce(pg_get_userbyid(NULLIF(s.setrole, 0)), '') AS role, unnest(s.setconfig) AS setting
           FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
          WHERE d.datname = $1 ORDER BY 1, 2`,
        [db],
      );
      return {
        owner: rows[0].owner,
        grants: rows[0].acl ? grants.rows : undefined,
        config: config.rows,
        connectionLimit: rows[0].connlimit,
        comment: rows[0].comment,
      };
    },
    MAINTENANCE_DATABASE,
  );
}

/** The statements that give `db` these settings; the last one replaces the restore's marker comment. */
export function settingsStatements(db: string, s: DatabaseSettings): string[] {
  const on = `ON DATABASE ${ident(db)}`;
  const grantee = (g: string) => (g === "" ? "PUBLIC" : ident(g));
  return [
    `ALTER DATABASE ${ident(db)} OWNER TO ${ident(s.owner)}`,
    ...(s.grants
      ? [
          `REVOKE ALL ${on} FROM PUBLIC`,
          ...s.grants.map(
            (g) =>
              `GRANT ${g.privilege} ${on} TO ${grantee(g.grantee)}${g.grantable ? " WITH GRANT OPTION" : ""}`,
          ),
        ]
      : []),
    ...s.config.map(({ role, setting }) => {
      const at = setting.indexOf("=");
      const [name, value] = [setting.slice(0, at), setting.slice(at + 1)];
      const target =
        role === "" ? `DATABASE ${ident(db)}` : `ROLE ${ident(role)} IN DATABASE ${ident(db)}`;
      const setting_ = /^[a-z_][a-z0-9_.]*$/.test(name) ? name : ident(name);
      return `ALTER ${target} SET ${setting_} TO ${LIST_SETTINGS.has(name) ? value : literal(value)}`;
    }),
    `ALTER DATABASE ${ident(db)} CONNECTION LIMIT ${s.connectionLimit}`,
    comment(db, s.comment),
  ];
}
