import { createHash } from "node:crypto";
import { z } from "zod";
import { schemaFingerprint } from "./fingerprint.js";
import { MANIFEST_OBJECT, objectKey, SCHEDULE_TAG, tryParseBackupId } from "./layout.js";
import type { BackupLocation } from "./layout.js";
import { ObjectNotFoundError } from "./store.js";
import type { ObjectStore } from "./store.js";
import { t } from "../i18n/index.js";

/**
 * manifest.json: what a backup holds and how to check it. Written last, so its presence marks a
 * complete backup. Parsed strictly: a manifest this version does not fully understand is not
 * trusted for a restore. It carries a checksum of its own (`manifestSha256`, the sha256 of the
 * manifest as written without that field), so a flipped byte in the manifest itself, which sizes
 * alone cannot reveal, makes the backup damaged instead of lying about what the dump holds.
 */

/**
 * 2: with `manifestSha256`; 3: with `schema` (the structure's fingerprint) and `readCommand`.
 * Format 2 manifests still restore; their structure is not compared.
 */
export const MANIFEST_FORMAT_VERSION = 3;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { error: "expected 64 lowercase hex digits" });
const count = z.number().int().nonnegative();

export const storedObject = z.strictObject({
  /** File name inside the backup's directory: "dump.pgcustom.zst". */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  bytes: count,
  sha256,
});

export const manifestSchema = z
  .strictObject({
    formatVersion: z.union([z.literal(2), z.literal(MANIFEST_FORMAT_VERSION)]),
    id: z.string(),
    platform: z.string().min(1),
    environment: z.string().min(1),
    /** Logical name from the stack. */
    database: z.string().min(1),
    /** Where it was dumped from: postgres://user@host:port/dbname (no password). */
    source: z.string().min(1),
    /** `SHOW server_version` of the dumped server, e.g. "15.18 (Debian 15.18-0+deb12u1)". */
    serverVersion: z.string().min(1),
    /** "15.18": the pg_dump that wrote the dump; pg_restore must be at least as new. */
    pgDumpVersion: z.string().min(1),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    operator: z.string().min(1),
    schedule: z.string().min(1),
    format: z.literal("pg_dump custom"),
    compression: z.literal("zstd"),
    compressionLevel: z.number().int(),
    objects: z.array(storedObject).min(1),
    /** Exact row counts of the stack's criticalTables, from the dump's own snapshot. */
    criticalTables: z.record(z.string(), count),
    /** Tables, columns and types, indexes, constraints, from the dump's own snapshot (format 3). */
    schema: schemaFingerprint.optional(),
    /**
     * The standard tools that read the dump without guardia, as a shell line (format 3):
     * "zstd -d -c dump.pgcustom.zst > dump.pgcustom && pg_restore --list dump.pgcustom".
     */
    readCommand: z.string().min(1).optional(),
    guardiaVersion: z.string().min(1),
    /** sha256 of this manifest as written without this field (`manifestText`). */
    manifestSha256: sha256,
  })
  .superRefine((m, ctx) => {
    for (const field of ["schema", "readCommand"] as const) {
      if (m.formatVersion === MANIFEST_FORMAT_VERSION && m[field] === undefined)
        ctx.addIssue({ code: "custom", path: [field], message: `required in format 3` });
    }
    const parsed = tryParseBackupId(m.id);
    if (!parsed) {
      ctx.addIssue({ code: "custom", path: ["id"], message: `not a backup id: ${m.id}` });
    } else if (parsed.schedule !== m.schedule) {
      ctx.addIssue({
        code: "custom",
        path: ["schedule"],
        message: `"${m.schedule}" differs from the id's "${parsed.schedule}"`,
      });
    }
  });

export type Manifest = z.infer<typeof manifestSchema>;
/** A manifest before it is sealed with its own checksum. */
export type ManifestBody = Omit<Manifest, "manifestSha256">;
export type ManifestObject = z.infer<typeof storedObject>;

/** A manifest that is missing, unreadable or not valid: the backup is not restorable. */
export class ManifestError extends Error {
  override name = "ManifestError";
  constructor(
    readonly key: string,
    readonly reason: "missing" | "invalid",
    message: string,
  ) {
    super(message);
  }
}

/**
 * The manifest file's exact text: the body with `manifestSha256`, the sha256 of the body as
 * serialized here, added last. A reader recomputes this text from what it parsed and requires
 * it byte for byte, so no change to the file goes unnoticed (reordered keys, whitespace too).
 */
export function manifestText(manifest: ManifestBody | Manifest): string {
  const body: Record<string, unknown> = { ...manifest };
  delete body.manifestSha256;
  const digest = createHash("sha256")
    .update(JSON.stringify(body, null, 2))
    .digest("hex");
  return `${JSON.stringify({ ...body, manifestSha256: digest }, null, 2)}\n`;
}

/** Writes the manifest, sealed with its own checksum; returns what it returned, with that checksum. */
export async function writeManifest(
  store: ObjectStore,
  location: BackupLocation,
  manifest: ManifestBody | Manifest,
): Promise<Manifest> {
  const text = manifestText(manifest);
  const sealed = manifestSchema.parse(JSON.parse(text));
  await store.putSmall(objectKey(location, manifest.id, MANIFEST_OBJECT), text, {
    [SCHEDULE_TAG]: manifest.schedule,
  });
  return sealed;
}

/** Reads and strictly parses a backup's manifest; checks it describes this location and id. */
export async function readManifest(
  store: ObjectStore,
  location: BackupLocation,
  id: string,
): Promise<Manifest> {
  const key = objectKey(location, id, MANIFEST_OBJECT);
  const where = store.describe(key);
  let text: string;
  try {
    text = await readText(await store.get(key));
  } catch (err) {
    if (err instanceof ObjectNotFoundError) {
      throw new ManifestError(
        key,
        "missing",
        t`backup ${id} is incomplete: ${where} does not exist`,
      );
    }
    throw err;
  }
  return parseManifest(text, key, where, location, id);
}

export function parseManifest(
  text: string,
  key: string,
  where: string,
  location: BackupLocation,
  id: string,
): Manifest {
  const invalid = (why: string) =>
    new ManifestError(key, "invalid", t`manifest ${where} cannot be trusted: ${why}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalid(t`not JSON (${(err as Error).message})`);
  }
  const seal = sealProblem(json, text);
  if (seal) throw invalid(seal);
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw invalid(issues.join("; "));
  }
  const m = result.data;
  const expected = { ...location, id };
  const actual = {
    platform: m.platform,
    environment: m.environment,
    database: m.database,
    id: m.id,
  };
  for (const field of Object.keys(expected) as (keyof typeof expected)[]) {
    if (actual[field] !== expected[field]) {
      throw invalid(t`${field} is "${actual[field]}", but it is stored under "${expected[field]}"`);
    }
  }
  return m;
}

/** Why the text is not exactly the sealed manifest of what it holds, if it is not. */
function sealProblem(json: unknown, text: string): string | undefined {
  const stored = (json as { manifestSha256?: unknown } | null)?.manifestSha256;
  if (typeof json !== "object" || json === null || typeof stored !== "string") {
    return t`it has no manifestSha256 (its own checksum)`;
  }
  if (manifestText(json as Manifest) === text) return undefined;
  return t`its manifestSha256 does not match its content: the manifest changed after it was written`;
}

async function readText(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}
