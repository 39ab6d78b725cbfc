import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ACTIVE_LOGIN_KEY } from "../lib/adapters/postgres.js";
import { mediaCleanupJob, tokenRotationJob } from "../lib/jobs.js";
import type { Database, Platform } from "../lib/model/index.js";
import { secretEnvName } from "../lib/secrets.js";
import { guardiaCronJob, type JobFoundation } from "./guardia-cronjob.js";

/**
 * The credential and data hygiene chores in the cluster: `guardia rotate-tokens` weekly (the
 * stack's token policy, capped; the database only, no kubectl) when `tokens.cron` is set, and
 * `guardia cleanup-media --stack-references-only` daily when `media.claim` names the volume
 * holding MEDIA_ROOT, mounted at `media.root` (the job moves orphans into the quarantine there
 * and deletes expired ones). Both run in the restricted pod every guardia job gets, as uid and
 * gid 10001: the media volume must be writable by group 10001, as the log volumes are.
 */

export interface HygieneJobsArgs extends JobFoundation {
  readonly platform: Platform;
}

export class HygieneJobs extends pulumi.ComponentResource {
  readonly cronJobNames: pulumi.Output<string>[];

  constructor(name: string, args: HygieneJobsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardia:index:HygieneJobs", name, {}, opts);
    const jobs = [tokenJob(name, args, this), mediaJob(name, args, this)];
    this.cronJobNames = jobs.filter((j) => j !== undefined).map((j) => j.metadata.name);
    this.registerOutputs({ cronJobNames: this.cronJobNames });
  }
}

/** The database's password (and, with two login roles, the role in use) from its Secret. */
function databaseEnv(database: Database) {
  const ref = database.passwordSecret;
  if (!ref) return [];
  const keys = database.users ? [ref.key, ACTIVE_LOGIN_KEY] : [ref.key];
  return keys.map((key) => ({
    name: key === ref.key ? secretEnvName(ref) : secretEnvName({ name: ref.name, key }),
    valueFrom: { secretKeyRef: { name: ref.name, key } },
  }));
}

function databaseNamed(platform: Platform, name: string): Database {
  return platform.databases.find((d) => d.name === name)!;
}

function tokenJob(name: string, args: HygieneJobsArgs, parent: pulumi.Resource) {
  const { platform } = args;
  const tokens = platform.tokens;
  if (!tokens?.cron) return undefined;
  return guardiaCronJob(
    `${name}-rotate-tokens`,
    {
      ...foundationOf(args),
      platform,
      job: tokenRotationJob(platform),
      env: databaseEnv(databaseNamed(platform, tokens.database)),
    },
    { parent },
  );
}

function mediaJob(
  name: string,
  args: HygieneJobsArgs,
  parent: pulumi.Resource,
): k8s.batch.v1.CronJob | undefined {
  const { platform } = args;
  const media = platform.media;
  if (!media?.claim) return undefined;
  return guardiaCronJob(
    `${name}-cleanup-media`,
    {
      ...foundationOf(args),
      platform,
      job: mediaCleanupJob(platform),
      env: databaseEnv(databaseNamed(platform, media.database)),
      mounts: [
        {
          volume: { name: "media", persistentVolumeClaim: { claimName: media.claim } },
          mount: { name: "media", mountPath: media.root },
        },
      ],
    },
    { parent },
  );
}

function foundationOf(args: JobFoundation): JobFoundation {
  return {
    serviceAccountName: args.serviceAccountName,
    stackConfigMapName: args.stackConfigMapName,
  };
}

/** The stack's hygiene CronJobs, or undefined when it has none. */
export function hygieneJobsFor(
  platform: Platform,
  foundation: JobFoundation,
): HygieneJobs | undefined {
  if (!platform.tokens?.cron && !platform.media?.claim) return undefined;
  return new HygieneJobs(`${platform.name}-hygiene`, { platform, ...foundationOf(foundation) });
}
