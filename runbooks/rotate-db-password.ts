import { z } from "zod";
import { ACTIVE_LOGIN_KEY, withPgClient, type PgTarget } from "../lib/adapters/postgres.js";
import { probeUrl } from "../lib/checks/http-probe.js";
import {
  alterRolePassword,
  alterRoleText,
  newPassword,
  quoteIdent,
  scramVerifier,
} from "../lib/db-password/scram.js";
import {
  changeText,
  patchCommand,
  getSecretCommand,
  patchSecret,
  readSecretData,
  type SecretChange,
  type SecretData,
} from "../lib/db-password/secret-patch.js";
import { RefusedError, UsageError } from "../lib/errors.js";
import type { Database, Workload } from "../lib/model/index.js";
import { defineRunbook, type RunContext, type Step } from "../lib/runbook/define.js";
import { databaseLock } from "../lib/runbook/locks.js";
import type { Secret } from "../lib/secret.js";
import { t } from "../lib/i18n/index.js";

const params = z.object({
  database: z.string().describe("database whose password to rotate (a databases[].name)"),
  timeout: z.number().int().positive().default(300).describe("seconds to wait for each rollout"),
});

type Params = z.infer<typeof params>;

/** Where the Secret keeps the values it had until the run ends: `<key>-previous`. */
const PREVIOUS = "-previous";

/** What the steps found and did. */
interface Facts {
  /** The login role in use when the run started, and its password. */
  login?: string;
  old?: Secret;
  /** The role that gets the new password: the same one, or the idle one of two. */
  target?: string;
  fresh?: Secret;
  changedAt?: Date;
  /** The workloads restarted so far: a rollback restarts them again, onto the old value. */
  restarted: string[];
  done: string[];
}

export default defineRunbook({
  name: "rotate-db-password",
  summary:
    "Give a database's login role a new password, in PostgreSQL and its Secret, and roll the apps",
  description: `
The logistics support plan, Mantenimiento preventivo (credenciales rotadas según políticas de TI),
for a database's password. guardia makes a random password and computes its SCRAM-SHA-256
verifier itself, so \`ALTER ROLE\` carries no plaintext and no server log can show it; the
Secret is changed with a merge patch kubectl reads from stdin, never from its arguments. The
value the Secret had stays under \`<key>-previous\` until the run ends. Then every workload of
the database's usedBy services is restarted and waited for, their health endpoints checked, and
pg_stat_activity must show no session of the role from before the change (a client nobody
declared would fail at its next login). Any failure puts the old password back in PostgreSQL
and in the Secret, and restarts the workloads again. With \`users: [a, b]\` (two login roles,
members of the owner role \`user\`), the idle one gets the new password and the Secret switches
to it: the running pods keep logging in as the other, so no login fails during the rollout.`,
  outline: [
    "Read the Secret; log in with it (after a killed run: with `<key>` or `<key>-previous`, whichever PostgreSQL accepts)",
    "Keep the current value under `<key>-previous`",
    "ALTER ROLE ... PASSWORD '<SCRAM verifier>' (two roles: the idle one, before the Secret switches to it)",
    "Patch the Secret (values on kubectl's stdin)",
    "Per usedBy workload: kubectl rollout restart, then kubectl rollout status",
    "Health-check the usedBy services; pg_stat_activity: no session of the role from before",
    "Remove `<key>-previous`",
  ],
  manual: [
    "logistics support plan, Mantenimiento preventivo (credenciales rotadas según políticas de TI)",
  ],
  onFailure:
    "A failure at any step puts the old password back: PostgreSQL's role first, then the Secret, then the workloads are restarted again. If that rollback itself fails, the report says which part did not come back; the old value is still in the Secret under `<key>-previous` (kubectl get secret <name> -o jsonpath='{.data.<key>-previous}' | base64 -d) and the new one under `<key>`. With two login roles, the role in use before the run keeps its password throughout: pointing the Secret back at it is the whole rollback. A run that was killed (SIGKILL, a lost node) leaves `<key>-previous` behind: the next run repairs it by itself. It logs in with `<key>`, or else with `<key>-previous`, starts from whichever value PostgreSQL accepts and ends, done or rolled back, with one value in the Secret and no `-previous` key. It refuses (exit 3) only when PostgreSQL accepts neither. One window is not repaired by itself: with one login role, a run killed between the Secret's patch and the ALTER ROLE leaves a `<key>` PostgreSQL does not accept, and the next run cannot take its lock (it logs in with `<key>`); copy the base64 value under `<key>-previous` to `<key>` first (kubectl edit secret <name>), then run again.",
  params,
  plan: (ctx) => {
    if (ctx.platform.runtime !== "kubernetes")
      throw new UsageError(
        t`rotate-db-password changes the database's Kubernetes Secret: this stack runs locally (change its password by hand)`,
      );
    const database = ctx.database(ctx.params.database);
    if (!database.passwordSecret)
      throw new UsageError(t`--database: ${database.name} has no passwordSecret to rotate`);
    const workloads = database.usedBy.map((name) => {
      const service = ctx.service(name);
      if (!service.workload)
        throw new UsageError(
          t`service ${name} uses database ${database.name} but has no \`workload\` to restart onto the new password`,
        );
      return service.workload;
    });
    const facts: Facts = { restarted: [], done: [] };
    return {
      steps: steps(ctx, database, workloads, facts),
      lock: databaseLock(ctx.platform, database, "exclusive"),
      confirmTarget: database.database,
      result: () => ({
        database: database.name,
        role: facts.target,
        previousLogin: facts.login,
        changedAt: facts.changedAt?.toISOString(),
        restarted: facts.restarted,
        done: facts.done,
      }),
    };
  },
});

function steps(
  ctx: RunContext<Params>,
  database: Database,
  workloads: readonly Workload[],
  facts: Facts,
): Step[] {
  const twoRoles = database.users !== undefined;
  const [keep, secret, alter] = [
    keepStep(ctx, database, facts),
    secretStep(ctx, database, workloads, facts),
    alterStep(database, facts),
  ];
  // One role: the Secret first, so a rollback puts PostgreSQL back before the pods restart onto
  // the old value. Two roles: the idle role must have its password before the Secret names it.
  const changes = twoRoles ? [keep, alter, secret] : [keep, secret, alter];
  return [
    readStep(ctx, database, facts),
    ...changes,
    ...restartSteps(ctx, workloads, facts),
    healthStep(ctx, database),
    sessionsStep(database, facts),
    dropPreviousStep(ctx, database, facts),
  ];
}

function target(database: Database, user: string, password: Secret | undefined): PgTarget {
  return { database: { ...database, user }, password };
}

/** A login the Secret holds: the role, its password, and the key the password is under. */
interface Login {
  readonly role: string;
  readonly password: Secret;
  readonly from: string;
}

/** The Secret's login, then the one a run that never finished kept under `-previous`. */
function secretLogins(database: Database, data: SecretData): Login[] {
  const ref = database.passwordSecret!;
  if (!data.secrets[ref.key]) throw new Error(t`Secret ${ref.name} has no key "${ref.key}"`);
  return ["", PREVIOUS].flatMap((suffix) => {
    const password = data.secrets[`${ref.key}${suffix}`];
    if (!password) return [];
    const role = database.users ? data.plain[`${ACTIVE_LOGIN_KEY}${suffix}`] : database.user;
    if (!role || (database.users && !database.users.includes(role)))
      throw new Error(
        t`Secret ${ref.name}'s ${ACTIVE_LOGIN_KEY}${suffix} should name one of ${database.users!.join(", ")}`,
      );
    return [{ role, password, from: `${ref.key}${suffix}` }];
  });
}

/**
 * The first of `logins` PostgreSQL accepts, and its password_encryption. After a run that was
 * killed, the Secret's value and the one under `-previous` are both tried: whichever works is
 * where this run starts, and it ends with the Secret holding one value again.
 */
async function workingLogin(
  database: Database,
  logins: readonly Login[],
): Promise<{ login: Login; encryption: string }> {
  const refused: string[] = [];
  for (const login of logins) {
    try {
      const encryption = await withPgClient(target(database, login.role, login.password), (c) =>
        c.query<{ v: string }>("SELECT current_setting('password_encryption') AS v"),
      );
      return { login, encryption: encryption.rows[0]!.v };
    } catch (err) {
      if (logins.length === 1) throw err;
      refused.push(t`${login.role} with ${login.from}: ${(err as Error).message}`);
    }
  }
  const ref = database.passwordSecret!;
  throw new RefusedError(
    t`Secret ${ref.name} still has the keys of a rotation that did not finish, and PostgreSQL accepts neither value (${refused.join("; ")}). Put the value PostgreSQL accepts under ${ref.key}, remove the ${PREVIOUS} keys, then run again`,
  );
}

function readStep(ctx: RunContext<Params>, database: Database, facts: Facts): Step {
  const ref = database.passwordSecret!;
  const command = getSecretCommand(ctx.kubectl, ref.name);
  const plainKeys = [ACTIVE_LOGIN_KEY, `${ACTIVE_LOGIN_KEY}${PREVIOUS}`];
  return {
    title: t`Read Secret ${ref.name} and log in to ${database.name} with it`,
    kind: "read",
    action: () => ({ command, target: { secret: ref.name } }),
    run: async (step) => {
      const data = await readSecretData(step.exec, command, ref.name, plainKeys);
      const { login, encryption } = await workingLogin(database, secretLogins(database, data));
      [facts.login, facts.old] = [login.role, login.password];
      facts.target = database.users?.find((u) => u !== facts.login) ?? facts.login;
      const leftover = [...Object.keys(data.secrets), ...Object.keys(data.plain)].filter((k) =>
        k.endsWith(PREVIOUS),
      );
      const resumed = leftover.length
        ? t`; ${leftover.join(", ")} left by a rotation that did not finish: this run starts from ${login.from} and removes them`
        : "";
      const idle =
        facts.target === facts.login ? "" : t`; role ${facts.target} (idle) gets the new password`;
      return {
        summary: t`${facts.login} logs in with the Secret's ${login.from}${idle}; password_encryption ${encryption}${resumed}`,
      };
    },
  };
}

function keepStep(ctx: RunContext<Params>, database: Database, facts: Facts): Step {
  const ref = database.passwordSecret!;
  const command = patchCommand(ctx.kubectl, ref.name);
  const keep = (): SecretChange => ({
    [`${ref.key}${PREVIOUS}`]: facts.old ?? null,
    ...(database.users && { [`${ACTIVE_LOGIN_KEY}${PREVIOUS}`]: facts.login ?? null }),
  });
  const drop = (): SecretChange => Object.fromEntries(Object.keys(keep()).map((k) => [k, null]));
  return {
    title: t`Keep the current value in Secret ${ref.name} under ${ref.key}${PREVIOUS}`,
    kind: "change",
    action: () => ({ command, target: { secret: ref.name, keys: changeText(keep()) } }),
    run: async (step) => {
      await patchSecret(step.exec, command, keep());
      return { summary: t`kept: ${changeText(keep())}` };
    },
    rollback: {
      action: () => ({ command, target: { secret: ref.name, keys: changeText(drop()) } }),
      run: (step) => patchSecret(step.exec, command, drop()),
    },
  };
}

function alterStep(database: Database, facts: Facts): Step {
  const owner = database.users ? database.user : undefined;
  const sql = (role: string) =>
    `${owner ? `SET ROLE ${quoteIdent(owner)}; ` : ""}${alterRoleText(role)}`;
  // One role: it changes its own password. Two: the active login, as the owner role (CREATEROLE),
  // changes the idle one's.
  const alter = async (login: string, password: Secret, role: string, value: Secret) =>
    withPgClient(target(database, login, password), async (c) => {
      if (owner) await c.query(`SET ROLE ${quoteIdent(owner)}`);
      await c.query(alterRolePassword(role, scramVerifier(value)));
    });
  // Two roles: the idle role's password was nobody's; the active one never changed.
  const undo = owner
    ? undefined
    : () => alter(facts.target!, facts.fresh!, facts.target!, facts.old!);
  return {
    title: database.users
      ? t`Set a new password for the idle login role in ${database.name}`
      : t`Set a new password for role ${database.user} in ${database.name}`,
    kind: "change",
    action: () => ({
      call: sql(facts.target ?? "<role>"),
      target: { database: `${database.host}:${database.port}/${database.database}` },
    }),
    run: async () => {
      facts.fresh ??= newPassword(`new password of role ${facts.target}`);
      facts.changedAt = await withPgClient(target(database, facts.login!, facts.old), async (c) => {
        const { rows } = await c.query<{ now: Date }>("SELECT clock_timestamp() AS now");
        return rows[0]!.now;
      });
      await alter(facts.login!, facts.old!, facts.target!, facts.fresh);
      facts.done.push(t`password of ${facts.target} changed`);
      await loginWithNew(database, facts, undo);
      return { summary: t`${facts.target} logs in with the new password` };
    },
    ...(undo && {
      rollback: {
        action: () => ({ call: t`${alterRoleText(facts.target!)} (the old password again)` }),
        run: undo,
      },
    }),
    manualUndo: owner
      ? t`nothing to undo: ${database.users!.join(" and ")} keep working with what the Secret holds; the idle role's new password is in no Secret`
      : t`ALTER ROLE back to the value under ${database.passwordSecret!.key}${PREVIOUS}`,
  };
}

/**
 * The target role logs in with its new password. When it does not, the step undoes its ALTER
 * itself before failing: the executor rolls back finished steps only, and with one role the
 * Secret's rollback would otherwise hand the apps a password PostgreSQL no longer takes.
 */
async function loginWithNew(
  database: Database,
  facts: Facts,
  undo: (() => Promise<void>) | undefined,
): Promise<void> {
  try {
    await withPgClient(target(database, facts.target!, facts.fresh), (c) => c.query("SELECT 1"));
  } catch (err) {
    const failed = t`${facts.target} does not log in with the new password: ${(err as Error).message}`;
    if (!undo) throw new Error(failed, { cause: err });
    const back = await undo().then(
      () => t`its old password was put back`,
      (e: Error) => t`putting its old password back failed too (${e.message})`,
    );
    facts.done.push(t`password of ${facts.target}: ${back}`);
    throw new Error(`${failed}; ${back}`, { cause: err });
  }
}

function secretStep(
  ctx: RunContext<Params>,
  database: Database,
  workloads: readonly Workload[],
  facts: Facts,
): Step {
  const ref = database.passwordSecret!;
  const command = patchCommand(ctx.kubectl, ref.name);
  const change = (password: Secret | undefined, login: string | undefined): SecretChange => ({
    [ref.key]: password ?? null,
    ...(database.users && { [ACTIVE_LOGIN_KEY]: login ?? null }),
  });
  const setKeys = changeText(
    Object.fromEntries(Object.keys(change(undefined, undefined)).map((k) => [k, k])),
  );
  return {
    title: database.users
      ? t`Put the new password and role in Secret ${ref.name}`
      : t`Put the new password in Secret ${ref.name}`,
    kind: "change",
    action: () => ({
      command,
      target: { secret: ref.name, keys: setKeys },
    }),
    run: async (step) => {
      facts.fresh ??= newPassword(`new password of role ${facts.target}`);
      await patchSecret(step.exec, command, change(facts.fresh, facts.target));
      facts.done.push(t`Secret ${ref.name} changed`);
      return { summary: t`Secret ${ref.name}: ${setKeys}` };
    },
    rollback: {
      action: () => ({
        command,
        target: {
          secret: ref.name,
          keys: t`${changeText(change(facts.old, facts.login))} (the old values)`,
        },
      }),
      run: async (step) => {
        await patchSecret(step.exec, command, change(facts.old, facts.login));
        for (const w of workloads.filter((w) => facts.restarted.includes(w.ref)))
          await rollout(step, w, ctx.params.timeout).catch((err: Error) => {
            throw new Error(
              t`the Secret has its old values again, but restarting ${w.ref} onto them failed: ${err.message}`,
              { cause: err },
            );
          });
      },
    },
  };
}

async function rollout(step: RunContext, workload: Workload, timeout: number): Promise<void> {
  await step.kubectl.run(["rollout", "restart", workload.ref]);
  await step.kubectl.run(["rollout", "status", workload.ref, `--timeout=${timeout}s`]);
}

/** Per workload: the restart (a change) and the wait for its rollout (a verification). */
function restartSteps(
  ctx: RunContext<Params>,
  workloads: readonly Workload[],
  facts: Facts,
): Step[] {
  const { timeout } = ctx.params;
  return workloads.flatMap((w): Step[] => {
    const restart = ctx.kubectl.command(["rollout", "restart", w.ref]);
    const status = ctx.kubectl.command(["rollout", "status", w.ref, `--timeout=${timeout}s`]);
    return [
      {
        title: t`Restart ${w.ref} onto the new password`,
        kind: "change",
        action: () => ({ command: restart }),
        run: async (step) => {
          facts.restarted.push(w.ref);
          await step.exec(restart);
          return { summary: t`restart requested` };
        },
        manualUndo: t`the Secret's rollback restarts it again, onto the old value`,
      },
      {
        title: t`Wait for ${w.ref} to roll out`,
        kind: "verify",
        timeoutMs: (timeout + 30) * 1000,
        action: () => ({ command: status }),
        run: async (step) => {
          const { stdout } = await step.exec(status);
          return { summary: stdout.trim().split("\n").at(-1) ?? "" };
        },
      },
    ];
  });
}

function healthStep(ctx: RunContext<Params>, database: Database): Step {
  const endpoints = database.usedBy.flatMap((name) =>
    ctx.service(name).health.map((h) => ({ name, h })),
  );
  return {
    title: t`Health-check ${database.usedBy.join(", ")}`,
    kind: "verify",
    retries: 5,
    retryDelayMs: 5000,
    action: () => ({
      call: endpoints.map(({ h }) => `GET ${h.url}`).join(", ") || t`no health endpoints declared`,
    }),
    run: async (step) => {
      const results = await Promise.all(
        endpoints.map(({ name, h }) => probeUrl(name, h, step.signal)),
      );
      const failed = results.filter((r) => !r.ok).map((r) => `${r.url}: ${r.detail}`);
      if (failed.length) throw new Error(failed.join("; "));
      return {
        summary: results.map((r) => `${r.url} ${r.detail}`).join(", ") || t`no endpoints to check`,
      };
    },
  };
}

/**
 * Sessions still logged in with the old credentials. guardia's own (this run's lock, another
 * run's) are left out: each run reads the Secret again when it starts. With two roles the query
 * runs as the new role, which PostgreSQL shows another role's sessions to without their start
 * time or address (NULL): so `$2` is NULL then, and every session of the old role counts.
 */
const OLD_SESSIONS = `
  SELECT coalesce(nullif(application_name, ''), '?') AS app,
         coalesce(host(client_addr), CASE WHEN backend_start IS NULL THEN 'an address hidden from this role' ELSE 'socket' END) AS addr,
         count(*)::int AS n
    FROM pg_stat_activity
   WHERE datname = current_database() AND usename = $1
     AND ($2::timestamptz IS NULL OR backend_start < $2)
     AND application_name NOT LIKE 'guardia%' AND pid <> pg_backend_pid()
   GROUP BY 1, 2 ORDER BY 1, 2`;

function sessionsStep(database: Database, facts: Facts): Step {
  return {
    title: t`pg_stat_activity: no session with the old credentials`,
    kind: "verify",
    // Pods of the old ReplicaSet may take their grace period to close their connections.
    retries: 6,
    retryDelayMs: 5000,
    action: () => ({
      call: `SELECT ... FROM pg_stat_activity WHERE usename = '${facts.login ?? "<role>"}'${database.users ? "" : " AND backend_start < <change>"}`,
    }),
    run: async () => {
      const rows = await withPgClient(target(database, facts.target!, facts.fresh), async (c) => {
        const { rows } = await c.query<{ app: string; addr: string; n: number }>(OLD_SESSIONS, [
          facts.login,
          // Two roles: the old one keeps working, so any session of it is a client not switched.
          database.users ? null : (facts.changedAt ?? new Date()),
        ]);
        return rows;
      });
      if (rows.length)
        throw new Error(
          t`sessions of ${facts.login} from before the change remain: ${rows.map((r) => t`${r.n} of ${r.app} from ${r.addr}`).join(", ")}; a client not in usedBy still uses the old credentials`,
        );
      return { summary: t`none: every client logged in again since` };
    },
  };
}

function dropPreviousStep(ctx: RunContext<Params>, database: Database, facts: Facts): Step {
  const ref = database.passwordSecret!;
  const command = patchCommand(ctx.kubectl, ref.name);
  const drop: SecretChange = {
    [`${ref.key}${PREVIOUS}`]: null,
    ...(database.users && { [`${ACTIVE_LOGIN_KEY}${PREVIOUS}`]: null }),
  };
  return {
    title: t`Remove ${ref.key}${PREVIOUS} from Secret ${ref.name}`,
    kind: "change",
    action: () => ({ command, target: { secret: ref.name, keys: changeText(drop) } }),
    run: async (step) => {
      await patchSecret(step.exec, command, drop);
      facts.done.push(t`${ref.key}${PREVIOUS} removed`);
      return { summary: t`the rotation of ${facts.target} is complete` };
    },
  };
}
