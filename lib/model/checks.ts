import { logPathProblem, mountDirectory } from "../logs/patterns.js";
import { SCRATCH_MOUNT, STACK_MOUNT_DIR } from "../naming.js";
import { printable } from "../user-text.js";
import { fileUrlPath } from "./fields.js";
import { HYGIENE_RULES } from "./hygiene-checks.js";
import type { ModelIssue } from "./resolve.js";
import type { PlatformInput } from "./schema.js";
import { smokeRules } from "./smoke-checks.js";
import { ROUTINE_RULES } from "./routine-checks.js";
import { waiverRules } from "./waiver-checks.js";

/**
 * Rules that span several fields of a stack: names that must be unique, references that must
 * resolve, what prod may not leave out, and what the cluster's jobs need. These are the only
 * copies of these rules: infra/ and the runbooks read a Platform that passed them.
 *
 * Each rule names the top-level sections it reads. When a stack has schema errors, the rules
 * whose sections all parsed still run, so one pass reports every problem it can.
 */

type Section = keyof PlatformInput;

export interface Rule {
  /** The top-level keys of `guardia:platform` the rule reads. */
  readonly reads: readonly Section[];
  readonly check: (input: PlatformInput) => ModelIssue[];
}

/** Sections whose items have a `name` that must be unique within the list. */
const NAMED_LISTS: readonly [Section, (input: PlatformInput) => readonly { name: string }[]][] = [
  ["services", (input) => input.services ?? []],
  ["databases", (input) => input.databases ?? []],
  ["logs", (input) => input.logs ?? []],
  ["externalDependencies", (input) => input.externalDependencies ?? []],
  ["smokeChecks", (input) => input.smokeChecks ?? []],
];

export const RULES: readonly Rule[] = [
  ...NAMED_LISTS.map(([section, items]) => ({
    reads: [section],
    check: (input: PlatformInput) => duplicates([section], items(input)),
  })),
  {
    reads: ["alerting"],
    check: (input) => duplicates(["alerting", "receivers"], input.alerting?.receivers ?? []),
  },
  {
    reads: ["backups"],
    check: (input) => duplicates(["backups", "schedules"], input.backups?.schedules ?? []),
  },
  { reads: ["databases", "services"], check: usedByReferences },
  { reads: ["alerting"], check: routeReferences },
  { reads: ["tokens", "services"], check: tokenReferences },
  { reads: ["backups"], check: objectLockRules },
  { reads: ["runtime", "backups", "aws"], check: s3OnAwsRules },
  { reads: ["runtime", "monitoring", "aws"], check: uptimeCheckRules },
  { reads: ["environment", "databases", "backups"], check: productionBackupRules },
  { reads: ["environment", "alerting"], check: productionReceiverRules },
  { reads: ["runtime", "databases", "backups"], check: backupPasswordRules },
  { reads: ["alerting"], check: deadMansSwitchRules },
  { reads: ["environment", "alerting"], check: productionDeadMansSwitchRules },
  { reads: ["logs"], check: logPathRules },
  { reads: ["logs"], check: logClaimRules },
  { reads: ["runtime", "backups"], check: backupMountRules },
  { reads: ["collections", "databases", "backups"], check: collectionsRules },
  { reads: ["policy"], check: waiverRules },
  { reads: ["environment", "services", "smokeChecks", "smokeFlows"], check: smokeRules },
  ...HYGIENE_RULES,
  ...ROUTINE_RULES,
];

/**
 * Every cross-field problem of `input`. `parsed` names the top-level sections that passed the
 * schema (all of them when it is omitted): a rule that reads a section that did not is skipped,
 * since it would judge a value it cannot read (and "backups are required" about a `backups:`
 * that is there but misspelt would only mislead).
 */
export function crossCheck(input: PlatformInput, parsed?: ReadonlySet<string>): ModelIssue[] {
  const runs = (rule: Rule) => !parsed || rule.reads.every((section) => parsed.has(section));
  return RULES.filter(runs).flatMap((rule) => rule.check(input));
}

export function duplicates(
  path: readonly (string | number)[],
  items: readonly { name: string }[],
): ModelIssue[] {
  const seen = new Map<string, number>();
  return items.flatMap((item, index) => {
    const first = seen.get(item.name);
    seen.set(item.name, first ?? index);
    return first === undefined
      ? []
      : [
          {
            path: [...path, index, "name"],
            message: `duplicate name "${item.name}" (also at index ${first})`,
          },
        ];
  });
}

const known = (names: readonly string[]) => names.join(", ") || "none declared";

export function usedByReferences(input: PlatformInput): ModelIssue[] {
  const services = (input.services ?? []).map((s) => s.name);
  return (input.databases ?? []).flatMap((db, i) =>
    (db.usedBy ?? []).flatMap((name, j) =>
      services.includes(name)
        ? []
        : [
            {
              path: ["databases", i, "usedBy", j],
              message: `unknown service "${name}" (services: ${known(services)})`,
            },
          ],
    ),
  );
}

export function routeReferences(input: PlatformInput): ModelIssue[] {
  const receivers = (input.alerting?.receivers ?? []).map((r) => r.name);
  return Object.entries(input.alerting?.routes ?? {}).flatMap(([priority, names]) =>
    (names ?? []).flatMap((name, j) =>
      receivers.includes(name)
        ? []
        : [
            {
              path: ["alerting", "routes", priority, j],
              message: `unknown receiver "${name}" (receivers: ${known(receivers)})`,
            },
          ],
    ),
  );
}

export function tokenReferences(input: PlatformInput): ModelIssue[] {
  const services = (input.services ?? []).map((s) => s.name);
  if (!input.tokens || services.includes(input.tokens.service)) return [];
  return [
    {
      path: ["tokens", "service"],
      message: `unknown service "${input.tokens.service}" (services: ${known(services)})`,
    },
  ];
}

export function objectLockRules(input: PlatformInput): ModelIssue[] {
  const backups = input.backups;
  const lockDays = backups?.destination.objectLock?.days;
  if (!backups || lockDays === undefined) return [];
  const issues: ModelIssue[] = [];
  if (!backups.destination.url.startsWith("s3://")) {
    issues.push({
      path: ["backups", "destination", "objectLock"],
      message: "Object Lock applies to s3:// destinations only",
    });
  }
  const shortest = Math.min(...(backups.schedules ?? []).map((s) => s.keepDays));
  if (Number.isFinite(shortest) && lockDays > shortest) {
    issues.push({
      path: ["backups", "destination", "objectLock", "days"],
      message: `Object Lock days (${lockDays}) must not exceed the shortest keepDays (${shortest}): locked backups could not expire on time`,
    });
  }
  return issues;
}

const inCluster = (input: PlatformInput) => (input.runtime ?? "kubernetes") === "kubernetes";

/** The bucket and its IRSA role on AWS need the cluster's OIDC provider (and a region). */
export function s3OnAwsRules(input: PlatformInput): ModelIssue[] {
  const destination = input.backups?.destination;
  if (!inCluster(input) || !destination?.url.startsWith("s3://") || destination.endpoint) return [];
  if (input.aws?.oidcProviderArn) return [];
  return [
    {
      path: ["backups", "destination", "url"],
      message:
        "an s3:// destination on AWS needs `aws.region` and `aws.oidcProviderArn` for the bucket and its IRSA role; set `endpoint` for an S3-compatible store",
    },
  ];
}

export function uptimeCheckRules(input: PlatformInput): ModelIssue[] {
  if (!inCluster(input) || !input.monitoring?.externalUptimeChecks || input.aws) return [];
  return [
    {
      path: ["monitoring", "externalUptimeChecks"],
      message: "Route 53 uptime checks need the stack's `aws` section",
    },
  ];
}

/**
 * INATrace operations manual, 4.1 Política General: daily backups, and periodic test restores
 * (4.3 Pruebas de Restauración).
 */
export function productionBackupRules(input: PlatformInput): ModelIssue[] {
  if (input.environment !== "prod") return [];
  const issues: ModelIssue[] = [];
  if ((input.databases ?? []).length > 0 && !input.backups) {
    issues.push({
      path: ["backups"],
      message:
        "required in prod when the stack has databases (INATrace operations manual, 4.1 Política General: daily backups)",
    });
  }
  if (input.backups?.restoreDrill === null) {
    issues.push({
      path: ["backups", "restoreDrill"],
      message:
        "prod may not turn off the restore drill (INATrace operations manual, 4.3 Pruebas de Restauración: periodic test restores)",
    });
  }
  return issues;
}

/** Someone hears production's alerts. */
export function productionReceiverRules(input: PlatformInput): ModelIssue[] {
  if (input.environment !== "prod" || (input.alerting?.receivers ?? []).length > 0) return [];
  return [
    {
      path: ["alerting", "receivers"],
      message: "prod needs at least one receiver, or its alerts reach nobody",
    },
  ];
}

/** In a cluster the backup CronJobs read each password from its Secret; there is no PGPASSWORD. */
export function backupPasswordRules(input: PlatformInput): ModelIssue[] {
  if (!inCluster(input) || !input.backups) return [];
  return (input.databases ?? []).flatMap((db, i) =>
    db.passwordSecret
      ? []
      : [
          {
            path: ["databases", i, "passwordSecret"],
            message: `required when runtime is kubernetes and backups are configured: the backup CronJobs of "${db.name}" read the password from this Secret`,
          },
        ],
  );
}

/**
 * The dead man's switch names a receiver, and hears the watchdog alone: another alert reaching the
 * heartbeat service would count as a heartbeat and hide a watchdog that stopped.
 */
export function deadMansSwitchRules(input: PlatformInput): ModelIssue[] {
  const name = input.alerting?.deadMansSwitch;
  if (name === undefined) return [];
  const receivers = (input.alerting?.receivers ?? []).map((r) => r.name);
  if (!receivers.includes(name)) {
    return [
      {
        path: ["alerting", "deadMansSwitch"],
        message: `unknown receiver "${name}" (receivers: ${known(receivers)})`,
      },
    ];
  }
  return Object.entries(input.alerting?.routes ?? {}).flatMap(([priority, names]) =>
    (names ?? []).flatMap((routed, j) =>
      routed === name
        ? [
            {
              path: ["alerting", "routes", priority, j],
              message: `receiver "${name}" is the dead man's switch: it hears GuardiaWatchdog alone, or other alerts would stand in for a heartbeat that stopped`,
            },
          ]
        : [],
    ),
  );
}

export function productionDeadMansSwitchRules(input: PlatformInput): ModelIssue[] {
  const name = input.alerting?.deadMansSwitch;
  const receivers = (input.alerting?.receivers ?? []).map((r) => r.name);
  if (input.environment !== "prod" || name === undefined || !receivers.includes(name)) return [];
  if (!receivers.every((r) => r === name)) return [];
  return [
    {
      path: ["alerting", "receivers"],
      message: `prod needs a receiver besides the dead man's switch "${name}", or its alerts reach nobody`,
    },
  ];
}

/** logrotate must be able to read each path, and a glob must not match its own rotated files. */
export function logPathRules(input: PlatformInput): ModelIssue[] {
  return (input.logs ?? []).flatMap((entry, i) =>
    entry.paths.flatMap((p, j) => {
      const problem = logPathProblem(p);
      return problem ? [{ path: ["logs", i, "paths", j], message: problem }] : [];
    }),
  );
}

/**
 * A `logs` entry with a claim gets a rotation CronJob that mounts the claim at the deepest
 * directory holding every path (`mountDirectory`), so the paths mean the same files in the job
 * as in the application. That directory cannot be `/`, nor overlap the job's own mounts.
 */
export function logClaimRules(input: PlatformInput): ModelIssue[] {
  return (input.logs ?? []).flatMap((entry, i) => {
    if (entry.claim === undefined) return [];
    const dir = mountDirectory(entry.paths);
    if (dir === "/") {
      return [
        {
          path: ["logs", i, "paths"],
          message: `these paths share no directory but /, where claim ${entry.claim} cannot be mounted; split the entry by directory`,
        },
      ];
    }
    return overJobMounts(dir).map((reserved) => ({
      path: ["logs", i, "claim"],
      message: `claim ${entry.claim} would be mounted at ${printable(dir, 80)}, over the rotation job's own ${reserved}`,
    }));
  });
}

/**
 * The backup CronJobs mount a file:// destination's claim at its path: not `/`, and not over the
 * job's own directories.
 */
export function backupMountRules(input: PlatformInput): ModelIssue[] {
  const url = input.backups?.destination.url;
  if (!inCluster(input) || !url?.startsWith("file:")) return [];
  const dir = fileUrlPath(url);
  const path = ["backups", "destination", "url"];
  if (dir === "/") {
    return [
      {
        path,
        message:
          "the backups' claim would be mounted at /, over the job's whole file system; name a directory (e.g. file:///backups)",
      },
    ];
  }
  return overJobMounts(dir ?? "").map((reserved) => ({
    path,
    message: `the backups' claim would be mounted at ${printable(dir ?? "", 80)}, over the backup job's own ${reserved}`,
  }));
}

/** The directories of every guardia job's pod that `dir` would cover or sit inside. */
export function overJobMounts(dir: string): string[] {
  const within = (x: string, y: string) => x === y || x.startsWith(`${y}/`);
  return [STACK_MOUNT_DIR, SCRATCH_MOUNT].filter((r) => within(dir, r) || within(r, dir));
}

/**
 * NocoBase's collections: the database named as NocoBase's must exist; exports live beside the
 * database backups in a `collections/` folder, so no database may be called that; and a scheduled
 * export needs the backup destination it is stored in.
 */
export const COLLECTIONS_FOLDER = "collections";

function collectionsRules(input: PlatformInput): ModelIssue[] {
  const collections = input.collections;
  if (!collections) return [];
  const databases = (input.databases ?? []).map((d) => d.name);
  const issues: ModelIssue[] = [];
  if (collections.database !== undefined && !databases.includes(collections.database)) {
    issues.push({
      path: ["collections", "database"],
      message: `unknown database "${collections.database}" (databases: ${databases.join(", ") || "none declared"})`,
    });
  }
  const clash = databases.indexOf(COLLECTIONS_FOLDER);
  if (clash >= 0 && input.backups) {
    issues.push({
      path: ["databases", clash, "name"],
      message: `"${COLLECTIONS_FOLDER}" is where the NocoBase collection exports are stored beside the backups; give this database another name`,
    });
  }
  if (collections.export && !input.backups) {
    issues.push({
      path: ["collections", "export"],
      message:
        "the scheduled export is stored at `backups.destination`: add a `backups` section, or set `export: null`",
    });
  }
  return issues;
}
