import { createHash } from "node:crypto";
import { Transform } from "node:stream";
import type { Readable, TransformCallback } from "node:stream";
import type { Destination } from "../model/index.js";
import type { S3StoreOptions } from "./s3-store.js";
import { t } from "../i18n/index.js";

/**
 * The few operations backups need from a destination, so the pipeline, listing, verification and
 * retention are written once for file:// and s3://. Keys are relative to the destination's root
 * (its directory, or its bucket + key prefix) and use "/" as separator.
 */
export interface ObjectStore {
  readonly kind: Destination["kind"];
  /** The destination as the stack names it, for messages: "s3://mira-backups/prod". */
  readonly url: string;
  /**
   * Streams `body` into `key`, hashing on the way. The object appears only once `body` ended
   * without error and is durable; if `body` or the write fails, nothing is left under `key`.
   */
  putStream(key: string, body: Readable, tags?: ObjectTags): Promise<StoredObject>;
  /** Small text objects (the manifest), with the same all-or-nothing guarantee. */
  putSmall(key: string, text: string, tags?: ObjectTags): Promise<StoredObject>;
  /**
   * Writes a small object only if `key` does not exist yet, atomically: of two writers, exactly
   * one gets `true` (file:// links into place; s3:// sends `If-None-Match: *`). Locks use it.
   */
  putIfAbsent(key: string, text: string): Promise<boolean>;
  /** Rejects with an error naming the object when it does not exist. */
  get(key: string): Promise<Readable>;
  /** Every object whose key starts with `prefix`, in no particular order (no partial ones). */
  list(prefix: string): Promise<ListedObject[]>;
  delete(key: string): Promise<void>;
  /**
   * Objects being written, or left by a writer that died, whose final key starts with `prefix`:
   * file:// `.partial-<host>-<pid>` files, s3:// multipart uploads neither completed nor aborted.
   */
  listPartial(prefix: string): Promise<PartialObject[]>;
  /** Removes one: deletes the file, or aborts the upload (its parts are deleted). */
  deletePartial(partial: PartialObject): Promise<void>;
  /** Where a key is, for messages: "s3://bucket/prefix/key" or the file's path. */
  describe(key: string): string;
  /** Releases connections (S3 keep-alive sockets) so a short-lived process exits at once. */
  close(): void;
}

/**
 * Where an object goes and how guardia writes it, for plans and command records (the part of a
 * backup pipeline that is guardia's own, not a shell command). `key` may hold a placeholder.
 */
export function storedAs(destination: Pick<ObjectStore, "kind" | "url">, key: string): string {
  const how =
    destination.kind === "file"
      ? "written beside it as .partial, fsynced, renamed into place"
      : "S3 multipart upload";
  return `${objectUrl(destination, key)} (${how})`;
}

/** An object's URL under its destination's, the same in a plan (no store open) and a run. */
export function objectUrl(destination: Pick<ObjectStore, "url">, key: string): string {
  return `${destination.url}/${key}`;
}

/** A small object's text (records, locks, manifests read whole). */
export async function readText(store: Pick<ObjectStore, "get">, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await store.get(key)) as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** Object tags (S3 lifecycle rules select by them; a directory has none). */
export type ObjectTags = Readonly<Record<string, string>>;

export interface StoredObject {
  readonly bytes: number;
  readonly sha256: string;
}

export interface ListedObject {
  readonly key: string;
  readonly bytes: number;
}

/** An object not yet complete: what `listPartial` finds. */
export interface PartialObject {
  /** The key it will have once complete. */
  readonly key: string;
  /** For messages: the partial file's name, or the key and upload id. */
  readonly name: string;
  /** Stored so far (the parts uploaded, the file's size). */
  readonly bytes: number;
  /** The file's last write, or when the upload started (S3 says no more). */
  readonly lastWrittenAt: Date;
  /** Who writes it, when the name says (file://). */
  readonly writer?: { readonly host: string; readonly pid: number };
  /** The multipart upload's id (s3://). */
  readonly upload?: string;
}

export interface OpenStoreOptions {
  /** S3 client settings on top of those taken from the destination (credentials in tests). */
  readonly s3?: S3StoreOptions;
}

/** `get` of a key that is not there: a backup that is incomplete or was deleted meanwhile. */
export class ObjectNotFoundError extends Error {
  override name = "ObjectNotFoundError";
  constructor(
    readonly key: string,
    where: string,
  ) {
    super(t`${where} does not exist`);
  }
}

/** The store for a stack's backup destination. The AWS SDK loads only for s3:// destinations. */
export async function openStore(
  destination: Destination,
  options: OpenStoreOptions = {},
): Promise<ObjectStore> {
  if (destination.kind === "file") {
    const { FileStore } = await import("./file-store.js");
    return new FileStore(destination.path, destination.url);
  }
  const { S3Store } = await import("./s3-store.js");
  return new S3Store(destination, options.s3);
}

/**
 * A pass-through that counts bytes and computes sha256 of what flows through it, so the digest
 * describes exactly the bytes handed to the store, without a second read.
 */
export class HashingStream extends Transform {
  #hash = createHash("sha256");
  #bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.#hash.update(chunk);
    this.#bytes += chunk.length;
    callback(null, chunk);
  }

  /** Call once the stream has ended. */
  result(): StoredObject {
    return { bytes: this.#bytes, sha256: this.#hash.digest("hex") };
  }
}

/** sha256 and size of a stream, read to the end (verification and retention checks). */
export async function hashStream(body: Readable): Promise<StoredObject> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest("hex") };
}

/** "1.2 GiB": sizes in messages and listings. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
