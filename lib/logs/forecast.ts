import { formatBytes } from "../backup/store.js";
import type { LogFiles } from "../model/index.js";
import { formatTable } from "../table.js";
import { maxSizeBytes } from "./logrotate-config.js";
import type { LogrotateForecast } from "./logrotate-output.js";
import { ageInDays, planLogFiles, type ListedFile } from "./selection.js";
import { t } from "../i18n/index.js";

/**
 * What one run will do to an entry's files: logrotate's own decisions (from `--debug`) joined
 * with guardia's compression and deletion rules. The read step prints it, a dry run stops there,
 * and the change steps' plans quote it.
 */
export interface Forecast {
  readonly rotate: readonly RotationForecast[];
  /** Removed by logrotate itself (`maxage`, `rotate`) while it rotates. */
  readonly removeByLogrotate: readonly string[];
  /** Compressed by logrotate (`compress` + `delaycompress`, when compressAfterDays is 0). */
  readonly compressByLogrotate: readonly string[];
  /** Compressed by guardia: rotated, older than compressAfterDays. */
  readonly compress: readonly string[];
  /** Deleted by guardia: rotated, older than deleteAfterDays, missed by logrotate. */
  readonly delete: readonly string[];
  /** Left as they are: live files not due, young rotated files, other programs' files. */
  readonly live: readonly string[];
  readonly kept: readonly string[];
  readonly other: readonly string[];
}

export interface RotationForecast {
  readonly file: string;
  readonly to: string;
  readonly size: number;
  readonly reason: string;
}

export function forecastRun(
  entry: LogFiles,
  listing: readonly ListedFile[],
  logrotate: LogrotateForecast,
  now: Date,
): Forecast {
  const plan = planLogFiles(entry, listing, now);
  const byLogrotate = new Set(logrotate.remove);
  const sizes = new Map(listing.map((f) => [f.path, f.size]));
  const limit = maxSizeBytes(entry.maxSize);
  const rotate = logrotate.rotate.map(({ file, to }) => {
    const size = sizes.get(file) ?? 0;
    const reason = size > limit ? t`past maxSize ${entry.maxSize}` : t`daily`;
    return { file, to, size, reason };
  });
  const notRemoved = (files: readonly ListedFile[]) =>
    files.map((f) => f.path).filter((p) => !byLogrotate.has(p));
  return {
    rotate,
    removeByLogrotate: [...logrotate.remove],
    compressByLogrotate:
      entry.compressAfterDays === 0 ? delayCompressed(rotate, listing, byLogrotate) : [],
    compress: notRemoved(plan.compress),
    delete: notRemoved(plan.delete),
    live: plan.live.map((f) => f.path),
    kept: plan.keep.map((f) => f.path),
    other: plan.other.map((f) => f.path),
  };
}

/**
 * With `delaycompress`, rotating a file first compresses its earlier rotations that carry
 * logrotate's current date suffix (not the ones it does not recognize as its own).
 */
function delayCompressed(
  rotate: readonly RotationForecast[],
  listing: readonly ListedFile[],
  removed: ReadonlySet<string>,
): string[] {
  return listing
    .map((f) => f.path)
    .filter((p) => !removed.has(p))
    .filter((p) =>
      rotate.some(
        (r) => p.startsWith(`${r.file}-`) && /^-\d{8}-\d{6}$/.test(p.slice(r.file.length)),
      ),
    );
}

export function forecastSummary(forecast: Forecast): string {
  const parts = [
    t`${forecast.live.length} live file(s)`,
    t`${forecast.rotate.length} to rotate`,
    t`${forecast.compress.length + forecast.compressByLogrotate.length} to compress`,
    t`${forecast.delete.length + forecast.removeByLogrotate.length} to delete`,
    t`${forecast.kept.length} rotated kept`,
    t`${forecast.other.length} other file(s) left alone`,
  ];
  return parts.join(", ");
}

/** One line per file of the entry: size, age, and what happens to it. */
export function forecastTable(
  listing: readonly ListedFile[],
  forecast: Forecast,
  now: Date,
): string {
  const rotations = new Map(forecast.rotate.map((r) => [r.file, r]));
  const fates = new Map<string, string>([
    ...forecast.live.map((p) => [p, t`leave (live, not due)`] as const),
    ...forecast.kept.map((p) => [p, t`keep`] as const),
    ...forecast.other.map((p) => [p, t`leave (not this entry's)`] as const),
    ...forecast.removeByLogrotate.map((p) => [p, t`delete (logrotate maxage/rotate)`] as const),
    ...forecast.compressByLogrotate.map((p) => [p, t`compress (logrotate)`] as const),
    ...forecast.compress.map((p) => [p, t`compress (gzip)`] as const),
    ...forecast.delete.map((p) => [p, t`delete`] as const),
  ]);
  const rows = listing.map((f) => {
    const rotation = rotations.get(f.path);
    const fate = rotation
      ? t`rotate → ${rotation.to} (${rotation.reason})`
      : (fates.get(f.path) ?? t`leave`);
    return [f.path, formatBytes(f.size), `${ageInDays(f, now)} d`, fate];
  });
  if (rows.length === 0) return t`no files`;
  return formatTable(rows, ["left", "right", "right"]);
}
