/**
 * "20261123T050000Z": a UTC time to the second that sorts as text. Backup ids start with one, and
 * scratch database names carry one (lowercase, without the Z, so PostgreSQL needs no quoting).
 */
const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/i;

export function compactUtc(time: Date): string {
  return time
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

/** The time of a stamp (either case), or undefined unless it is a real one. */
export function parseCompactUtc(stamp: string): Date | undefined {
  const parts = STAMP.exec(stamp)?.slice(1).map(Number);
  if (!parts) return undefined;
  const [year, month, day, hour, minute, second] = parts as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const at = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 20261340 over into the next year: only a real time round-trips.
  return compactUtc(at).toLowerCase() === stamp.toLowerCase() ? at : undefined;
}
