import { printable } from "../user-text.js";
import { overJobMounts, type Rule } from "./checks.js";
import { impliedDatabase } from "./resolve-hygiene.js";
import type { ModelIssue } from "./resolve.js";
import type { PlatformInput } from "./schema.js";

/**
 * The cross-field rules of the hygiene chores: which database rotate-tokens and cleanup-media
 * work in, what cleanup-media learns its references from, where its CronJob mounts the media
 * volume, and the two login roles of a database that rotate-db-password alternates between.
 */

export const HYGIENE_RULES: readonly Rule[] = [
  { reads: ["tokens", "databases"], check: tokenDatabaseRules },
  { reads: ["media", "databases", "services"], check: mediaSourceRules },
  { reads: ["runtime", "media"], check: mediaMountRules },
  { reads: ["databases"], check: twoRoleRules },
];

const names = (items: readonly { name: string }[] | undefined) =>
  (items ?? []).map((i) => i.name).join(", ") || "none declared";

/** A named database must exist; an implied one must be implied by exactly one database. */
function databaseIssue(
  input: PlatformInput,
  section: "tokens" | "media",
  named: string | undefined,
  service: string | undefined,
): ModelIssue[] {
  const known = (input.databases ?? []).map((d) => d.name);
  if (named !== undefined) {
    return known.includes(named)
      ? []
      : [
          {
            path: [section, "database"],
            message: `unknown database "${named}" (databases: ${names(input.databases)})`,
          },
        ];
  }
  if (impliedDatabase(input, service) !== undefined) return [];
  const by = service ? `no single database lists "${service}" in usedBy, and ` : "";
  return [
    {
      path: [section, "database"],
      message: `required here: ${by}the stack has ${known.length} databases (${names(input.databases)})`,
    },
  ];
}

function tokenDatabaseRules(input: PlatformInput): ModelIssue[] {
  const tokens = input.tokens;
  return tokens ? databaseIssue(input, "tokens", tokens.database, tokens.service) : [];
}

/**
 * cleanup-media needs to know every column that references a file: named in the stack, or
 * asked of Django. The CronJob cannot ask Django (its pod has no access to the API to exec into
 * the service), so a claim needs the columns named in the stack.
 */
function mediaSourceRules(input: PlatformInput): ModelIssue[] {
  const media = input.media;
  if (!media) return [];
  const issues = databaseIssue(input, "media", media.database, media.djangoService);
  const hasReferences = (media.references ?? []).length > 0;
  if (!hasReferences && media.djangoService === undefined) {
    issues.push({
      path: ["media"],
      message:
        "name the columns that reference files (`references`) or the Django service that knows them (`djangoService`): without them every file would look orphaned",
    });
  }
  if (media.claim !== undefined && !hasReferences) {
    issues.push({
      path: ["media", "references"],
      message: `required with \`claim\`: the cleanup CronJob cannot ask Django, so the stack must name every table and column that references a file`,
    });
  }
  if (media.djangoService !== undefined) {
    const service = (input.services ?? []).find((s) => s.name === media.djangoService);
    if (!service) {
      issues.push({
        path: ["media", "djangoService"],
        message: `unknown service "${media.djangoService}" (services: ${names(input.services)})`,
      });
    } else if (!service.diagnostics?.django) {
      issues.push({
        path: ["media", "djangoService"],
        message: `service "${service.name}" has no \`diagnostics.django\`: guardia needs its manage.py to ask Django for the file fields`,
      });
    }
  }
  return issues;
}

/** The cleanup CronJob mounts the claim at the media root: not `/`, not over its own mounts. */
function mediaMountRules(input: PlatformInput): ModelIssue[] {
  const media = input.media;
  if ((input.runtime ?? "kubernetes") !== "kubernetes" || media?.claim === undefined) return [];
  const root = media.root.replace(/\/+$/, "") || "/";
  if (root === "/") {
    return [
      {
        path: ["media", "root"],
        message: `claim ${media.claim} would be mounted at /, over the cleanup job's whole file system`,
      },
    ];
  }
  return overJobMounts(root).map((reserved) => ({
    path: ["media", "root"],
    message: `claim ${media.claim} would be mounted at ${printable(root, 80)}, over the cleanup job's own ${reserved}`,
  }));
}

/** Two different login roles, neither the owner, and a Secret to switch between them. */
function twoRoleRules(input: PlatformInput): ModelIssue[] {
  return (input.databases ?? []).flatMap((db, i) => {
    if (!db.users) return [];
    const issues: ModelIssue[] = [];
    const [a, b] = db.users;
    if (a === b)
      issues.push({ path: ["databases", i, "users", 1], message: `the two roles are both "${a}"` });
    db.users.forEach((role, j) => {
      if (role === db.user)
        issues.push({
          path: ["databases", i, "users", j],
          message: `"${role}" is \`user\`, the owner role the two login roles are members of; name two other roles`,
        });
    });
    if (!db.passwordSecret)
      issues.push({
        path: ["databases", i, "passwordSecret"],
        message:
          "required with `users`: the Secret names the active login role and holds its password",
      });
    return issues;
  });
}
