import { maxSizeBytes } from "../logs/logrotate-config.js";
import { CronSchedule } from "./cron.js";
import { MEDIA_CLEANUP, TOKEN_ROTATION } from "./defaults.js";
import { Duration } from "./duration.js";
import type { LogFiles, MediaCleanup, TokenPolicy } from "./platform.js";
import type { PlatformInput } from "./schema.js";

/**
 * The resolved `tokens` and `media` sections and the log-size cap: the credential and data
 * hygiene chores (rotate-tokens, cleanup-media, the log-growth alert), with their defaults.
 */

/**
 * The database a chore works in when the stack does not name it: the one whose `usedBy` names
 * `service`, else the stack's only database. Undefined when neither tells (the model's rules
 * report it), so resolve never runs on such a stack.
 */
export function impliedDatabase(input: PlatformInput, service?: string): string | undefined {
  const databases = input.databases ?? [];
  const users = databases.filter((db) => service !== undefined && db.usedBy?.includes(service));
  if (users.length === 1) return users[0]!.name;
  return databases.length === 1 ? databases[0]!.name : undefined;
}

export function resolveTokens(
  input: PlatformInput,
  maxAgeDefault: number,
): TokenPolicy | undefined {
  const tokens = input.tokens;
  if (!tokens) return undefined;
  const cron = tokens.cron === null ? undefined : (tokens.cron ?? TOKEN_ROTATION.cron);
  return {
    service: tokens.service,
    maxAgeDays: tokens.maxAgeDays ?? maxAgeDefault,
    inactiveDays: tokens.inactiveDays,
    maxFraction: tokens.maxFraction ?? TOKEN_ROTATION.maxFraction,
    maxCount: tokens.maxCount ?? TOKEN_ROTATION.maxCount,
    database: tokens.database ?? impliedDatabase(input, tokens.service)!,
    cron: cron === undefined ? undefined : CronSchedule.parse(cron),
  };
}

export function resolveMedia(input: PlatformInput): MediaCleanup | undefined {
  const media = input.media;
  if (!media) return undefined;
  return {
    root: media.root.replace(/\/+$/, "") || "/",
    references: media.references ?? [],
    djangoService: media.djangoService,
    database: media.database ?? impliedDatabase(input, media.djangoService)!,
    grace: Duration.parse(media.grace ?? MEDIA_CLEANUP.grace),
    quarantine: Duration.parse(media.quarantine ?? MEDIA_CLEANUP.quarantine),
    claim: media.claim,
    cron: CronSchedule.parse(media.cron ?? MEDIA_CLEANUP.cron),
  };
}

/**
 * The bytes a `logs` entry may take together: its `sizeCap`, else what rotation keeps of it
 * (each path's live file and deleteAfterDays rotated ones, each up to maxSize).
 */
export function logSizeCapBytes(entry: LogFiles): number {
  if (entry.sizeCap !== undefined) return maxSizeBytes(entry.sizeCap);
  return maxSizeBytes(entry.maxSize) * (entry.deleteAfterDays + 1) * entry.paths.length;
}
