import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * What the AWS SDK v3 (3.1169) needs against s3rver 3.7.1 (or any S3 clone that predates flexible
 * checksums). By default the SDK sends a streamed body (a Readable PutObject) as `aws-chunked` with a
 * CRC32 trailer; s3rver does not decode that and silently stores the chunk framing as the object's
 * bytes, and a stream of unknown length fails in the SDK. WHEN_REQUIRED sends checksums only for
 * operations that require one (DeleteObjects), which s3rver accepts. Path style because the endpoint
 * is an IP address, so bucket-name hosts cannot resolve.
 */
export const S3_COMPAT_CLIENT_OPTIONS = {
  forcePathStyle: true,
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
} as const satisfies S3ClientConfig;

// s3rver's only account; it checks the access key id but not SigV4 signatures.
const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

export interface S3Server {
  endpoint: string;
  region: "us-east-1";
  credentials: typeof CREDENTIALS;
  /** Where s3rver keeps buckets and objects. */
  directory: string;
  client(): S3Client;
  createBucket(name: string): Promise<void>;
  /** Closes clients and the server, removes the directory. Idempotent. */
  stop(): Promise<void>;
}

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
}) => S3rverInstance;

// s3rver is CommonJS without type declarations.
const S3rver = createRequire(import.meta.url)("s3rver") as S3rverClass;

export async function startS3(): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), "guardia-s3-"));
  // Port 0: the kernel picks a free port at bind time, so no race with other test workers.
  const s3rver = new S3rver({ address: "127.0.0.1", port: 0, directory, silent: true });
  let port: number;
  try {
    ({ port } = await s3rver.run());
  } catch (err) {
    rmSync(directory, { recursive: true, force: true });
    throw new Error(`s3rver did not start: ${(err as Error).message}`, { cause: err });
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: S3Client[] = [];
  const client = () => {
    const c = new S3Client({
      endpoint,
      region: "us-east-1",
      credentials: CREDENTIALS,
      ...S3_COMPAT_CLIENT_OPTIONS,
    });
    clients.push(c);
    return c;
  };
  let admin: S3Client | undefined;
  let stopping: Promise<void> | undefined;
  const close = async () => {
    for (const c of clients) c.destroy(); // drop keep-alive sockets so close() returns at once
    await s3rver.close();
    rmSync(directory, { recursive: true, force: true });
  };
  return {
    endpoint,
    region: "us-east-1",
    credentials: CREDENTIALS,
    directory,
    client,
    async createBucket(name) {
      await (admin ??= client()).send(new CreateBucketCommand({ Bucket: name }));
    },
    stop: () => (stopping ??= close()),
  };
}
