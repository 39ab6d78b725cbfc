import { z } from "zod";
import type { Command } from "../lib/command.js";
import { withPgClient } from "../lib/adapters/postgres.js";
import { RefusedError, UsageError } from "../lib/errors.js";
import type { Database, TokenPolicy } from "../lib/model/index.js";
import { defineRunbook, type RunContext, type Step } from "../lib/runbook/define.js";
import { databaseLock } from "../lib/runbook/locks.js";
import {
  capProblem,
  deleteByPolicy,
  findUser,
  revokeToken,
  scanPolicy,
  type Deletion,
  type PolicyScan,
  type UserToken,
} from "../lib/tokens/policy.js";
import {
  hasTerminal,
  newTokenFrom,
  reissueCommand,
  showOnTerminal,
} from "../lib/tokens/reissue.js";
import { t } from "../lib/i18n/index.js";

const params = z.object({
  user: z
    .string()
    .min(1)
    .optional()
    .describe("revoke this user's token at once, whatever the policy says (a leaked token)"),
  reissue: z
    .boolean()
    .default(false)
    .describe("with --user: a new token made by Django, shown once on this terminal only"),
  allowOverCap: z
    .boolean()
    .default(false)
    .describe("delete even when the policy names more tokens than the stack's cap allows"),
});

type Params = z.infer<typeof params>;

/** What the steps found and did, for later steps and the result. */
interface Facts {
  scan?: PolicyScan;
  deletion?: Deletion;
  user?: UserToken;
  revoked?: boolean;
  reissued?: boolean;
}

export default defineRunbook({
  name: "rotate-tokens",
  summary: "Revoke the DRF tokens the stack's policy names, or one user's token at once",
  description: `
The logistics support plan, Mantenimiento preventivo ("validar que los tokens inactivos se roten
según políticas de TI": cleanup of DRF's Token), which DRF itself leaves to the operator: its
tokens never expire. The stack's \`tokens\` policy names the tokens older than maxAgeDays and,
with inactiveDays, those of users without a login for that long (auth_user.last_login). The
deletion runs in one transaction whose DELETE applies the policy again, so a token renewed or a
user who logged in since the plan keeps theirs. A run that would delete more than the cap
(maxFraction of all tokens, or maxCount) refuses with exit 3 unless --allow-over-cap: a policy written
wrong must not log everyone out. --user revokes one user's token at once (a leaked token); with
--reissue, Django itself makes the new one (\`manage.py drf_create_token -r\`, in the service's
pod or its local directory), and guardia shows it once on the operator's terminal, never in the
output, --json, the audit log or the report. No token key is ever read by a query, printed or
recorded: tokens are named by their user's id.`,
  outline: [
    "Apply the policy to authtoken_token: the count and the users (id, username), and whether it is over the cap",
    "Delete those tokens in one transaction that applies the policy again and checks the cap again",
    "--user: find the user and their token; revoke it (--reissue: drf_create_token -r, shown once on the terminal); check",
  ],
  manual: [
    "logistics support plan, Mantenimiento preventivo (tokens inactivos rotados según políticas de TI)",
  ],
  onFailure:
    "The policy's deletion is one transaction: a failed, refused or interrupted run deleted nothing. A deleted token cannot come back; its user gets a new one by logging in again, or with --user <name> --reissue. A --reissue that failed after drf_create_token ran has replaced the token: run it again to see a new one (the previous new one was never shown).",
  params,
  plan: (ctx) => {
    const policy = ctx.platform.tokens;
    if (!policy)
      throw new UsageError(t`this stack has no \`tokens\` section (the DRF token policy)`);
    if (ctx.params.reissue && !ctx.params.user)
      throw new UsageError(t`--reissue: needs --user <username> (whose token to reissue)`);
    const database = ctx.database(policy.database);
    const facts: Facts = {};
    const steps = ctx.params.user
      ? userSteps(ctx, policy, database, ctx.params.user, facts)
      : policySteps(ctx, policy, database, facts);
    return {
      steps,
      lock: databaseLock(ctx.platform, database, "shared"),
      confirmTarget: database.database,
      result: () => result(facts),
    };
  },
});

function policyText(policy: TokenPolicy): string {
  const inactive = policy.inactiveDays ? `, inactiveDays ${policy.inactiveDays}` : "";
  return `maxAgeDays ${policy.maxAgeDays}${inactive}`;
}

function usersText(holders: PolicyScan["holders"]): string {
  return holders.map((h) => `${h.id} ${h.username}`).join(", ") || t`none`;
}

function policySteps(
  ctx: RunContext<Params>,
  policy: TokenPolicy,
  database: Database,
  facts: Facts,
): Step[] {
  const where = `${database.host}:${database.port}/${database.database}`;
  return [
    {
      title: t`Apply the token policy (${policyText(policy)}) to authtoken_token in ${database.name}`,
      kind: "read",
      run: async (step) => {
        const scan = await withPgClient(await step.pg(database), (c) => scanPolicy(c, policy));
        facts.scan = scan;
        const over = capProblem(scan.holders.length, scan.total, policy);
        const named = t`${scan.holders.length} of ${scan.total} token(s) named by the policy`;
        if (over && !ctx.params.allowOverCap && !ctx.dryRun)
          throw new RefusedError(
            t`over the cap: ${over}; nothing was deleted (--allow-over-cap to delete them)`,
          );
        const cap = over
          ? t`; over the cap: ${over}${ctx.params.allowOverCap ? " (--allow-over-cap)" : t`, so the run refuses without --allow-over-cap`}`
          : "";
        const evidence = scan.holders.map((h) => `${h.id} ${h.username}: ${h.reasons.join(", ")}`);
        return { summary: `${named}${cap}`, evidence: evidence.join("\n") };
      },
    },
    {
      title: t`Delete those tokens in one transaction that applies the policy again`,
      kind: "change",
      action: () => ({
        call: "DELETE FROM authtoken_token (the policy again, the planned users only, the cap again; one transaction)",
        target: {
          database: where,
          tokens: facts.scan ? `${facts.scan.holders.length} of ${facts.scan.total}` : "<count>",
          users: facts.scan ? usersText(facts.scan.holders) : "<id username, ...>",
        },
      }),
      run: async (step) => {
        const planned = (facts.scan?.holders ?? []).map((h) => h.id);
        if (planned.length === 0) return { summary: t`nothing to delete` };
        facts.deletion = await withPgClient(await step.pg(database), (c) =>
          deleteByPolicy(c, policy, planned, ctx.params.allowOverCap),
        );
        const { deleted, kept } = facts.deletion;
        const keptText = kept.length
          ? t`; kept ${kept.join(", ")} (no longer named by the policy)`
          : "";
        return {
          summary: t`deleted the tokens of ${deleted.length} user(s): ids ${deleted.join(", ") || t`none`}${keptText}`,
          data: facts.deletion,
        };
      },
      manualUndo: t`a deleted token cannot come back: its user logs in again, or gets a new one with --user <name> --reissue`,
    },
  ];
}

function userSteps(
  ctx: RunContext<Params>,
  policy: TokenPolicy,
  database: Database,
  username: string,
  facts: Facts,
): Step[] {
  const service = ctx.service(policy.service);
  const command = ctx.params.reissue
    ? reissueCommand(ctx.platform, ctx.kubectl, service, username)
    : undefined;
  const where = `${database.host}:${database.port}/${database.database}`;
  return [
    findUserStep(ctx, database, username, where, facts),
    command
      ? reissueStep(command, service.name, username, facts)
      : revokeStep(database, username, where, facts),
    checkTokenStep(ctx, database, username, facts),
  ];
}

function findUserStep(
  ctx: RunContext<Params>,
  database: Database,
  username: string,
  where: string,
  facts: Facts,
): Step {
  return {
    title: t`Find user ${username} and their token in ${database.name}`,
    kind: "read",
    run: async (step) => {
      facts.user = await withPgClient(await step.pg(database), (c) => findUser(c, username));
      if (!facts.user)
        throw new UsageError(t`--user: no user "${username}" in auth_user of ${where}`);
      if (ctx.params.reissue && !hasTerminal())
        throw new UsageError(
          t`--reissue shows the new token on your terminal only, and there is none here (a pipe, a CronJob): run it from a terminal`,
        );
      const { id, created } = facts.user;
      const token = created ? t`token created ${created.toISOString()}` : t`no token`;
      return { summary: t`user ${id} ${username}: ${token}` };
    },
  };
}

function reissueStep(command: Command, service: string, username: string, facts: Facts): Step {
  return {
    title: t`Revoke the token of ${username} and make a new one through Django`,
    kind: "change",
    action: () => ({ command, target: { user: username, service } }),
    run: async (step) => {
      // The output holds the new key: it is never recorded, and a failure shows stderr only.
      const ran = await step.exec(command, { sensitiveOutput: true, allowFailure: true });
      if (ran.code !== 0)
        throw new Error(
          t`drf_create_token exited with ${ran.code}: ${ran.stderr.trim().split("\n").slice(-3).join("\n")}`,
        );
      showOnTerminal(username, newTokenFrom(ran.stdout, username));
      facts.revoked = facts.reissued = true;
      return { summary: t`old token revoked; the new one was shown on the terminal only` };
    },
    manualUndo: t`the old token is gone for good; the new one was shown once (run again for another)`,
  };
}

function revokeStep(database: Database, username: string, where: string, facts: Facts): Step {
  return {
    title: t`Revoke the token of ${username}`,
    kind: "change",
    action: () => ({
      call: `DELETE FROM authtoken_token WHERE user_id = ${facts.user?.id ?? "<id>"}`,
      target: { database: where, user: username },
    }),
    run: async (step) => {
      const id = facts.user!.id;
      facts.revoked = await withPgClient(await step.pg(database), (c) => revokeToken(c, id));
      return { summary: facts.revoked ? t`token of user ${id} revoked` : t`there was no token` };
    },
    manualUndo: t`a revoked token cannot come back; make a new one with --reissue`,
  };
}

function checkTokenStep(
  ctx: RunContext<Params>,
  database: Database,
  username: string,
  facts: Facts,
): Step {
  const { reissue } = ctx.params;
  return {
    title: t`Check the token of ${username}`,
    kind: "verify",
    run: async (step) => {
      const now = await withPgClient(await step.pg(database), (c) => findUser(c, username));
      const created = now?.created;
      const before = facts.user?.created;
      if (!reissue && created)
        throw new Error(t`user ${username} still has a token (created ${created.toISOString()})`);
      // Both times come from Django's clock: no skew between this machine and the pod.
      if (reissue && !(created && (!before || created > before)))
        throw new Error(t`user ${username} has no token made by this run`);
      return {
        summary: reissue ? t`a new token, created ${created!.toISOString()}` : t`no token left`,
      };
    },
  };
}

function result(facts: Facts): unknown {
  if (facts.user)
    return {
      user: { id: facts.user.id, username: facts.user.username },
      revoked: facts.revoked ?? false,
      reissued: facts.reissued ?? false,
    };
  return facts.scan
    ? {
        total: facts.scan.total,
        planned: facts.scan.holders.map((h) => h.id),
        deleted: facts.deletion?.deleted ?? [],
        kept: facts.deletion?.kept ?? [],
      }
    : undefined;
}
