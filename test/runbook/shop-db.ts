import type { PgServer } from "../harness/postgres.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * rotate-db-password's world, shared by its tests: a `shop` database on a real PostgreSQL with
 * one login role (`app`), and two login roles in an owner role that may change their passwords;
 * a staging stack whose services `web` and `worker` use it, the Kubernetes side on the recording
 * kubectl fake.
 */

export const DB = "shop";
export const OLD = "old-Password-0123456789";
export const OWNER = "shop_owner";

/** The database and its roles: `app` with OLD; `app_a`, `app_b` with OLD-<role>, in OWNER. */
export async function createShopRoles(server: PgServer): Promise<void> {
  await server.createDatabase(DB);
  await server.query(`CREATE ROLE app LOGIN PASSWORD '${OLD}'`);
  await server.query(`CREATE ROLE ${OWNER} NOLOGIN CREATEROLE`);
  for (const role of ["app_a", "app_b"])
    await server.query(`CREATE ROLE ${role} LOGIN PASSWORD '${OLD}-${role}' IN ROLE ${OWNER}`);
  await server.query(`GRANT ALL ON DATABASE ${DB} TO app, ${OWNER}`);
}

/** The stack file: `database` on top of the one-login-role entry, `web` on top of its service. */
export function shopStack(server: PgServer, database: object, web: object = {}): string {
  return writeStackFile(
    {
      name: "shop",
      environment: "staging",
      namespace: "shop",
      services: [
        { name: "web", workload: "deployment/web", ...web },
        { name: "worker", workload: "deployment/worker" },
      ],
      databases: [
        {
          ...{ name: "shop", engine: "postgres", host: "127.0.0.1", port: server.port },
          ...{ database: DB, user: "app", usedBy: ["web", "worker"] },
          passwordSecret: { name: "shop-db", key: "password" },
          ...database,
        },
      ],
    },
    "shop-staging",
  );
}

/** The fake's answers to a rollout that goes well. */
export function rollout(statusDelayMs = 0) {
  return [
    { match: ["rollout", "restart"], stdout: "restarted\n" },
    { match: ["rollout", "status"], stdout: "successfully rolled out\n", delayMs: statusDelayMs },
  ];
}
