import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Destination } from "../model/index.js";
import { HashingStream, ObjectNotFoundError } from "./store.js";
import type {
  ListedObject,
  ObjectStore,
  ObjectTags,
  PartialObject,
  StoredObject,
} from "./store.js";

type S3Destination = Extract<Destination, { kind: "s3" }>;

/** Extra S3Client settings (credentials, a request handler); the destination's own come first. */
export type S3StoreOptions = Partial<S3ClientConfig>;

/** 8 MiB parts, at most 4 in flight: memory stays near 40 MiB whatever the dump's size. */
export const PART_SIZE = 8 * 1024 * 1024;
export const QUEUE_SIZE = 4;

/**
 * The S3Client for a destination. For an S3-compatible store (an `endpoint` is set) the SDK's
 * flexible checksums are sent only where an operation requires them: MinIO and Ceph releases that
 * predate them store a streamed body's aws-chunked framing as the object's bytes. Every write of
 * bytes still carries Content-MD5 (`S3Store`), the integrity header a bucket with Object Lock
 * requires everywhere.
 * Credentials come from the default chain (IRSA in the cluster, AWS_* variables from the
 * destination's credentialsSecret), unless `options` gives them.
 */
export function s3ClientConfig(destination: S3Destination, options: S3StoreOptions = {}) {
  const compat = destination.endpoint !== undefined;
  const config: S3ClientConfig = {
    // S3-compatible stores ignore the region but the SDK signs with one.
    region: destination.region ?? (compat ? "us-east-1" : undefined),
    endpoint: destination.endpoint,
    forcePathStyle: destination.forcePathStyle,
    ...(compat && {
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    }),
    ...options,
  };
  return config;
}

export class S3Store implements ObjectStore {
  readonly kind = "s3";
  readonly url: string;
  /** The SDK client, for callers that add middleware (tests record the requests sent). */
  readonly client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  /** Uploads in progress by full key: how to stop each one's input when one of its parts fails. */
  readonly #failFast = new Map<string, (err: Error) => void>();

  constructor(destination: S3Destination, options: S3StoreOptions = {}) {
    this.url = destination.url;
    this.client = new S3Client(s3ClientConfig(destination, options));
    this.#bucket = destination.bucket;
    this.#prefix = destination.prefix ? `${destination.prefix}/` : "";
    // Upload reports a failed part only after its other uploaders have read the rest of the
    // input, which for a dump means finishing pg_dump and sending every remaining part for
    // nothing. Seeing the failure here (after the SDK's retries) lets us stop the input at once.
    this.client.middlewareStack.add(
      (next, context) => async (args) => {
        try {
          return await next(args);
        } catch (err) {
          if (context.commandName === "UploadPartCommand") {
            const key = (args.input as { Key?: string }).Key;
            if (key) this.#failFast.get(key)?.(err as Error);
          }
          throw err;
        }
      },
      { step: "initialize", name: "guardiaFailFastOnPartError" },
    );
    this.client.middlewareStack.add(
      (next, context) => (args) => {
        addContentMd5(context.commandName, args.input as BodyInput);
        return next(args);
      },
      { step: "initialize", name: "guardiaContentMd5" },
    );
  }

  describe(key: string): string {
    return `s3://${this.#bucket}/${this.#prefix}${key}`;
  }

  async putStream(key: string, body: Readable, tags?: ObjectTags): Promise<StoredObject> {
    const hasher = new HashingStream();
    const fullKey = this.#prefix + key;
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.#bucket, Key: fullKey, Body: hasher, Tagging: taggingHeader(tags) },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      // Parts of a failed upload are deleted (AbortMultipartUpload), never completed.
      leavePartsOnError: false,
    });
    // An error in `body` destroys `hasher`, which ends the Upload's read loop with that error;
    // with leavePartsOnError false, done() then sends AbortMultipartUpload before it rejects. So
    // waiting for done() to settle is what guarantees the parts are gone. (Upload.abort() would
    // make done() reject at once, before that cleanup request has been sent.)
    const done = upload.done().catch((err: unknown) => {
      // The upload failed first: stop reading, so the producer upstream sees EPIPE and stops.
      hasher.destroy(err as Error);
      throw err;
    });
    const feeding = pipeline(body, hasher);
    this.#failFast.set(fullKey, (err) => hasher.destroy(err));
    const [uploaded, fed] = await Promise.allSettled([done, feeding]).finally(() =>
      this.#failFast.delete(fullKey),
    );
    if (fed.status === "rejected") throw fed.reason;
    if (uploaded.status === "rejected") throw uploaded.reason;
    return hasher.result();
  }

  async putSmall(key: string, text: string, tags?: ObjectTags): Promise<StoredObject> {
    const body = Buffer.from(text, "utf8");
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: this.#prefix + key,
        Body: body,
        ContentType: "application/json",
        Tagging: taggingHeader(tags),
      }),
    );
    return { bytes: body.length, sha256: createHash("sha256").update(body).digest("hex") };
  }

  /**
   * A conditional PUT (`If-None-Match: *`, which AWS S3 and MinIO honour): 412 means the key
   * exists. A store that ignores the header overwrites instead, so locks on it do not exclude
   * each other.
   */
  async putIfAbsent(key: string, text: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: this.#prefix + key,
          Body: Buffer.from(text, "utf8"),
          ContentType: "application/json",
          IfNoneMatch: "*",
        }),
      );
      return true;
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 412 || status === 409) return false;
      throw err;
    }
  }

  async get(key: string): Promise<Readable> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key }),
      );
      // In Node the SDK's body is an http.IncomingMessage, a Readable.
      return out.Body as Readable;
    } catch (err) {
      if (err instanceof NoSuchKey) throw new ObjectNotFoundError(key, this.describe(key));
      throw err;
    }
  }

  async list(prefix: string): Promise<ListedObject[]> {
    const objects: ListedObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.#bucket,
          Prefix: this.#prefix + prefix,
          ContinuationToken: token,
        }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key) objects.push({ key: o.Key.slice(this.#prefix.length), bytes: o.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return objects;
  }

  async delete(key: string): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key }),
    );
  }

  /** Multipart uploads begun under `prefix` and neither completed nor aborted, with their parts' size. */
  async listPartial(prefix: string): Promise<PartialObject[]> {
    const partials: PartialObject[] = [];
    let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
    do {
      const page = await this.client.send(
        new ListMultipartUploadsCommand({
          Bucket: this.#bucket,
          Prefix: this.#prefix + prefix,
          ...markers,
        }),
      );
      for (const u of page.Uploads ?? []) {
        if (!u.Key || !u.UploadId) continue;
        partials.push({
          key: u.Key.slice(this.#prefix.length),
          name: `${this.describe(u.Key.slice(this.#prefix.length))} (upload ${u.UploadId.slice(0, 12)}…)`,
          bytes: await this.#uploadedBytes(u.Key, u.UploadId),
          lastWrittenAt: u.Initiated ?? new Date(0),
          upload: u.UploadId,
        });
      }
      markers = page.IsTruncated
        ? { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker }
        : {};
    } while (markers.KeyMarker);
    return partials;
  }

  async #uploadedBytes(Key: string, UploadId: string): Promise<number> {
    let bytes = 0;
    let PartNumberMarker: string | undefined;
    do {
      const page = await this.client.send(
        new ListPartsCommand({ Bucket: this.#bucket, Key, UploadId, PartNumberMarker }),
      );
      for (const part of page.Parts ?? []) bytes += part.Size ?? 0;
      PartNumberMarker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (PartNumberMarker);
    return bytes;
  }

  async deletePartial(partial: PartialObject): Promise<void> {
    if (!partial.upload) throw new Error(`${partial.name} is not a multipart upload`);
    await this.client.send(
      new AbortMultipartUploadCommand({
        Bucket: this.#bucket,
        Key: this.#prefix + partial.key,
        UploadId: partial.upload,
      }),
    );
  }

  close(): void {
    this.client.destroy();
  }
}

type BodyInput = { Body?: unknown; ContentMD5?: string };

/**
 * Content-MD5 on every PutObject and UploadPart whose body is in memory (the manifest, each part
 * of a multipart upload, a dump small enough for one PutObject): a bucket with Object Lock refuses
 * a write without an integrity header, and an S3-compatible store accepts only this one. On AWS
 * it rides along with the SDK's own checksum.
 */
function addContentMd5(command: string | undefined, input: BodyInput): void {
  if (command !== "PutObjectCommand" && command !== "UploadPartCommand") return;
  if (input.ContentMD5 !== undefined || !(input.Body instanceof Uint8Array)) return;
  input.ContentMD5 = createHash("md5").update(input.Body).digest("base64");
}

/** `k=v&k2=v2`, as the x-amz-tagging header takes tags. */
function taggingHeader(tags: ObjectTags | undefined): string | undefined {
  if (!tags || Object.keys(tags).length === 0) return undefined;
  return new URLSearchParams(Object.entries(tags)).toString();
}
