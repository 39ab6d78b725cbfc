import { addAbortSignal } from "node:stream";
import { objectKey } from "./layout.js";
import type { BackupLocation } from "./layout.js";
import type { Manifest } from "./manifest.js";
import { hashStream } from "./store.js";
import type { ObjectStore } from "./store.js";
import { t } from "../i18n/index.js";

/**
 * Does a backup still hold what its manifest says? Used by the restore drill (before it creates
 * any database) and by retention (before it trusts the newest backup).
 */

export interface Mismatch {
  readonly kind: "object" | "table";
  /** Object name ("dump.pgcustom.zst") or table name. */
  readonly name: string;
  readonly field: "sha256" | "bytes" | "rows";
  readonly expected: string | number;
  readonly got: string | number;
}

/** A backup that does not match its manifest. The message names each object or table. */
export class BackupVerificationError extends Error {
  override name = "BackupVerificationError";
  constructor(
    readonly backupId: string,
    readonly mismatches: readonly Mismatch[],
    where: string,
  ) {
    const lines = mismatches.map((m) => `  ${describeMismatch(m)}`);
    super(t`backup ${backupId} (${where}) does not match its manifest:\n${lines.join("\n")}`);
  }
}

/** "object dump.pgcustom.zst: sha256 expected …, got …". */
export function describeMismatch(m: Mismatch): string {
  return t`${m.kind} ${m.name}: ${m.field} expected ${m.expected}, got ${m.got}`;
}

/**
 * Reads every object of a backup once and compares its size and sha256 with the manifest. An
 * abort of `signal` stops the read (a dump of hundreds of GB takes a while).
 */
export async function checkObjects(
  store: ObjectStore,
  location: BackupLocation,
  manifest: Pick<Manifest, "id" | "objects">,
  signal?: AbortSignal,
): Promise<Mismatch[]> {
  const mismatches: Mismatch[] = [];
  for (const object of manifest.objects) {
    signal?.throwIfAborted();
    const body = await store.get(objectKey(location, manifest.id, object.name));
    const got = await hashStream(signal ? addAbortSignal(signal, body) : body);
    mismatches.push(...objectMismatches(object, got));
  }
  return mismatches;
}

export function objectMismatches(
  expected: Manifest["objects"][number],
  got: { bytes: number; sha256: string },
): Mismatch[] {
  const base = { kind: "object", name: expected.name } as const;
  return [
    ...(got.bytes !== expected.bytes
      ? [{ ...base, field: "bytes", expected: expected.bytes, got: got.bytes } as const]
      : []),
    ...(got.sha256 !== expected.sha256
      ? [{ ...base, field: "sha256", expected: expected.sha256, got: got.sha256 } as const]
      : []),
  ];
}
