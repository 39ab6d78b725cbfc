import {
  CreateBucketCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./ports.js";
import { httpOk, startProcess } from "./process.js";
import { repoRoot } from "./tools.js";

/**
 * moto's standalone S3 server on loopback, driven by the real AWS SDK. Unlike older S3 clones it
 * implements what AWS does on the paths backups take: multipart upload and AbortMultipartUpload,
 * ListMultipartUploads, the x-amz-tagging header, versioning and Object Lock (a locked bucket
 * refuses a PutObject without Content-MD5, as AWS refuses one without an integrity header).
 * Installed from Debian trixie by scripts/fetch-monitoring-tools.sh; its Python dependencies come
 * from bookworm (.ci/run).
 */

/** Where scripts/fetch-monitoring-tools.sh unpacks python3-moto. */
const MOTO_PATH = join(repoRoot, ".tools", "root", "usr", "lib", "python3", "dist-packages");

// moto accepts any credentials; the SDK needs some to sign with.
const CREDENTIALS = { accessKeyId: "moto-test", secretAccessKey: "moto-test-secret" } as const;

export interface S3Server {
  endpoint: string;
  region: "us-east-1";
  credentials: typeof CREDENTIALS;
  /** A client for the test's own requests (path style: the endpoint is an IP address). */
  client(): S3Client;
  /** With `objectLockDays`, Object Lock is on with a GOVERNANCE default retention of that many days. */
  createBucket(name: string, options?: { objectLockDays?: number }): Promise<void>;
  /** Every object version (and delete marker) under `prefix`: what Object Lock would keep. */
  versions(bucket: string, prefix?: string): Promise<string[]>;
  /** Multipart uploads begun and neither completed nor aborted under `prefix`. */
  uploads(bucket: string, prefix?: string): Promise<{ key: string; uploadId: string }[]>;
  /** Closes the clients and stops the server. Idempotent. */
  stop(): Promise<void>;
}

export async function startS3(): Promise<S3Server> {
  if (!existsSync(join(MOTO_PATH, "moto"))) {
    throw new Error(`moto not found in ${MOTO_PATH}; run scripts/fetch-monitoring-tools.sh`);
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // /usr/bin/python3: the Debian interpreter that has moto's dependencies (another may be first on PATH).
  const proc = await startProcess({
    name: "moto",
    cmd: "/usr/bin/python3",
    args: ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)],
    env: { ...process.env, PYTHONPATH: MOTO_PATH, PYTHONDONTWRITEBYTECODE: "1" },
    ready: () => httpOk(`${endpoint}/moto-api/`),
    timeoutMs: 60_000,
  });
  const clients: S3Client[] = [];
  const client = () => {
    const c = new S3Client({
      endpoint,
      region: "us-east-1",
      credentials: CREDENTIALS,
      forcePathStyle: true,
    });
    clients.push(c);
    return c;
  };
  let admin: S3Client | undefined;
  const send = ((command: never) => (admin ??= client()).send(command)) as S3Client["send"];
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    region: "us-east-1",
    credentials: CREDENTIALS,
    client,
    async createBucket(name, options = {}) {
      const locked = options.objectLockDays !== undefined;
      await send(new CreateBucketCommand({ Bucket: name, ObjectLockEnabledForBucket: locked }));
      if (!locked) return;
      await send(
        new PutObjectLockConfigurationCommand({
          Bucket: name,
          ObjectLockConfiguration: {
            ObjectLockEnabled: "Enabled",
            Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: options.objectLockDays } },
          },
        }),
      );
    },
    async versions(bucket, prefix) {
      const out = await send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix }));
      return [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])].map((v) => v.Key!).sort();
    },
    async uploads(bucket, prefix) {
      const out = await send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
      return (out.Uploads ?? []).map((u) => ({ key: u.Key!, uploadId: u.UploadId! }));
    },
    stop: () =>
      (stopping ??= (async () => {
        for (const c of clients) c.destroy(); // drop keep-alive sockets
        await proc.stop();
      })()),
  };
}
