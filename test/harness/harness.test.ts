import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAlertmanager } from "./alertmanager.js";
import type { AlertmanagerServer } from "./alertmanager.js";
import { pgBinDir, startPostgres } from "./postgres.js";
import type { PgServer } from "./postgres.js";
import { run } from "./process.js";
import { startS3 } from "./s3.js";
import type { S3Server } from "./s3.js";
import { toolPath, toolVersion, versionAtLeast } from "./tools.js";

describe("postgres", () => {
  let server: PgServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server?.stop());

  it("accepts the admin over TCP with its password, on loopback, fsync off", async () => {
    const [row] = await server.query<{ user: string; port: number; fsync: string; listen: string }>(
      `SELECT current_user AS user, inet_server_port() AS port,
              current_setting('fsync') AS fsync, current_setting('listen_addresses') AS listen`,
    );
    expect(row).toEqual({
      user: "guardia_admin",
      port: server.port,
      fsync: "off",
      listen: "127.0.0.1",
    });
  });

  it("refuses a connection without a password or with a wrong one", async () => {
    const env = psqlEnv(server, { withPassword: false });
    await expect(run(join(pgBinDir(), "psql"), ["-w", "-c", "SELECT 1"], { env })).rejects.toThrow(
      /no password supplied/,
    );
    const client = new pg.Client({ ...connection(server), password: "wrong" });
    await expect(client.connect()).rejects.toMatchObject({ code: "28P01" });
  });

  it("allows no trust authentication in pg_hba.conf", async () => {
    const rules = await server.query<{ auth_method: string }>(
      "SELECT auth_method FROM pg_hba_file_rules",
    );
    expect(rules.length).toBeGreaterThan(0);
    expect(new Set(rules.map((r) => r.auth_method))).toEqual(new Set(["scram-sha-256"]));
  });

  it("gives child processes working libpq variables", async () => {
    const env = psqlEnv(server, { withPassword: true });
    const { stdout } = await run(join(pgBinDir(), "psql"), ["-Atc", "SELECT current_user"], {
      env,
    });
    expect(stdout.trim()).toBe("guardia_admin");
  });

  it("creates roles and databases they own", async () => {
    await server.createRole("app_user", "app secret with 'quote'");
    await server.createDatabase("app_db", "app_user");
    const client = new pg.Client({
      ...connection(server),
      user: "app_user",
      password: "app secret with 'quote'",
      database: "app_db",
    });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT current_user AS u, current_database() AS d");
      expect(rows[0]).toEqual({ u: "app_user", d: "app_db" });
    } finally {
      await client.end();
    }
  });

  it("ran initdb as a non-root user", async () => {
    const [row] = await server.query<{ dir: string }>(
      "SELECT current_setting('data_directory') AS dir",
    );
    expect(row?.dir).toBe(server.dataDir);
    expect(statSync(server.dataDir).uid).not.toBe(0);
  });

  it("stops idempotently and removes its temp dir", async () => {
    const other = await startPostgres();
    await Promise.all([other.stop(), other.stop()]);
    await other.stop();
    expect(existsSync(other.socketDir)).toBe(false);
  });
});

// No ~/.pgpass either: the password must come from server.env() or nowhere.
function psqlEnv(server: PgServer, opts: { withPassword: boolean }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    PGPASSFILE: "/dev/null",
    ...server.env(),
  };
  if (!opts.withPassword) delete env.PGPASSWORD;
  return env;
}

function connection(server: PgServer) {
  const { host, port, user, password } = server;
  return { host, port, user, password, database: "postgres" };
}

describe("s3", () => {
  const bucket = "guardia-backups";
  let s3: S3Server;
  let client: S3Client;
  beforeAll(async () => {
    s3 = await startS3();
    await s3.createBucket(bucket);
    client = s3.client();
  });
  afterAll(() => s3?.stop());

  async function sha256Of(key: string): Promise<{ size: number; sha256: string }> {
    const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const hash = createHash("sha256");
    let size = 0;
    for await (const chunk of res.Body as Readable) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    return { size, sha256: hash.digest("hex") };
  }

  it("round-trips a ~20 MB stream through a multipart Upload", async () => {
    const size = 20 * 1024 * 1024 + 12_345; // the last part is short
    const hash = createHash("sha256");
    function* chunks() {
      for (let left = size; left > 0; left -= 1 << 20) {
        const chunk = randomBytes(Math.min(left, 1 << 20));
        hash.update(chunk);
        yield chunk;
      }
    }
    const upload = new Upload({
      client,
      params: { Bucket: bucket, Key: "big/dump.bin", Body: Readable.from(chunks()) },
      partSize: 5 * 1024 * 1024,
    });
    const parts = new Set<number>();
    upload.on("httpUploadProgress", (p) => p.part && parts.add(p.part));
    await upload.done();
    const expected = hash.digest("hex");

    expect(parts.size).toBe(5);
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "big/dump.bin" }));
    expect(head.ContentLength).toBe(size);
    expect(await sha256Of("big/dump.bin")).toEqual({ size, sha256: expected });
  });

  it("stores a streamed PutObject byte for byte (no aws-chunked framing)", async () => {
    const body = Buffer.from("streamed body\n");
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: "small/stream.txt",
        Body: Readable.from([body]),
        ContentLength: body.length,
      }),
    );
    const sha256 = createHash("sha256").update(body).digest("hex");
    expect(await sha256Of("small/stream.txt")).toEqual({ size: body.length, sha256 });
  });

  it("lists with prefix and delimiter, deletes objects", async () => {
    const base = "mira/prod/mira/";
    const keys = ["20261123T020000Z-daily", "20261124T020000Z-daily"].flatMap((id) => [
      `${base}${id}/dump.sql.zst`,
      `${base}${id}/manifest.json`,
    ]);
    for (const Key of keys) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: `{"key":"${Key}"}` }));
    }
    const list = (Prefix: string, Delimiter?: string) =>
      client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix, Delimiter }));

    const top = await list(base, "/");
    expect(top.Contents ?? []).toEqual([]);
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual([
      `${base}20261123T020000Z-daily/`,
      `${base}20261124T020000Z-daily/`,
    ]);
    const one = await list(`${base}20261124T020000Z-daily/`, "/");
    expect(one.Contents?.map((o) => o.Key)).toEqual(keys.slice(2));

    const deleted = await client.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: keys.map((Key) => ({ Key })) },
      }),
    );
    expect(deleted.Deleted).toHaveLength(4);
    expect((await list(base)).KeyCount).toBe(0);
  });
});

describe("s3 as AWS behaves (moto)", () => {
  let s3: S3Server;
  let client: S3Client;
  beforeAll(async () => {
    s3 = await startS3();
    client = s3.client();
  });
  afterAll(() => s3?.stop());

  it("a bucket with Object Lock refuses a PutObject without Content-MD5, accepts one with it", async () => {
    await s3.createBucket("locked", { objectLockDays: 1 });
    const body = Buffer.from("manifest\n");
    await expect(
      client.send(new PutObjectCommand({ Bucket: "locked", Key: "a", Body: body })),
    ).rejects.toThrow(/Content MD5 header is invalid/);
    const ContentMD5 = createHash("md5").update(body).digest("base64");
    await client.send(new PutObjectCommand({ Bucket: "locked", Key: "a", Body: body, ContentMD5 }));
    expect(await s3.versions("locked")).toEqual(["a"]);
  });

  it("applies the x-amz-tagging header of a PutObject", async () => {
    await s3.createBucket("tags");
    await client.send(
      new PutObjectCommand({
        Bucket: "tags",
        Key: "t",
        Body: "x",
        Tagging: "guardia-schedule=daily",
      }),
    );
    const tags = await client.send(new GetObjectTaggingCommand({ Bucket: "tags", Key: "t" }));
    expect(tags.TagSet).toEqual([{ Key: "guardia-schedule", Value: "daily" }]);
  });

  it("lists a multipart upload until it is aborted, and the abort leaves nothing", async () => {
    await s3.createBucket("mpu");
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: "mpu", Key: "dump" }),
    );
    expect(await s3.uploads("mpu")).toEqual([{ key: "dump", uploadId: UploadId }]);
    await client.send(new AbortMultipartUploadCommand({ Bucket: "mpu", Key: "dump", UploadId }));
    expect(await s3.uploads("mpu")).toEqual([]);
    expect(await s3.versions("mpu")).toEqual([]);
  });
});

const ALERTMANAGER_CONFIG = `
route:
  receiver: default
  group_wait: 1s
receivers:
  - name: default
`;

describe("alertmanager", () => {
  let am: AlertmanagerServer;
  beforeAll(async () => {
    am = await startAlertmanager(ALERTMANAGER_CONFIG);
  });
  afterAll(() => am?.stop());

  it("is a current release (>= 0.27)", () => {
    const version = toolVersion("amtool");
    expect(versionAtLeast(version, "0.27.0"), `amtool ${version}`).toBe(true);
    expect(versionAtLeast(toolVersion("alertmanager"), "0.27.0")).toBe(true);
  });

  it("accepts an alert and lists it", async () => {
    const labels = { alertname: "GuardiaHarness", priority: "P2", severity: "critical" };
    await am.postAlerts([{ labels, annotations: { summary: "harness test" } }]);
    // A new alert may show as "unprocessed" until the dispatcher has seen it.
    await expect
      .poll(async () => (await am.alerts()).map((a) => [a.labels, a.status.state]), {
        timeout: 5_000,
      })
      .toEqual([[labels, "active"]]);
  });

  it("lists a silence created with amtool", async () => {
    expect(await am.silences()).toEqual([]);
    const { stdout } = await run(toolPath("amtool"), [
      `--alertmanager.url=${am.url}`,
      ...["silence", "add", "alertname=GuardiaHarness", "--duration=1h"],
      ...["--comment=harness", "--author=vitest"],
    ]);
    const silences = await am.silences();
    expect(silences.map((s) => s.id)).toEqual([stdout.trim()]);
    expect(silences[0]?.status.state).toBe("active");
  });

  it("amtool check-config accepts webhook_configs with url_file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "guardia-amtool-"));
    try {
      writeFileSync(join(dir, "webhook-url"), "http://127.0.0.1:9/hook\n");
      const config = `${ALERTMANAGER_CONFIG}    webhook_configs:
      - url_file: ${join(dir, "webhook-url")}
`;
      writeFileSync(join(dir, "am.yml"), config);
      const { stdout } = await run(toolPath("amtool"), ["check-config", join(dir, "am.yml")]);
      expect(stdout).toContain("SUCCESS");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("tools", () => {
  it.each([
    ["promtool", "2.53.0"],
    ["prometheus", "2.53.0"],
    ["blackbox_exporter", "0.26.0"],
  ] as const)("%s is >= %s", (name, minimum) => {
    const version = toolVersion(name);
    expect(versionAtLeast(version, minimum), `${toolPath(name)} is ${version}`).toBe(true);
  });

  it("compares versions numerically", () => {
    expect(versionAtLeast("0.28.1", "0.27.0")).toBe(true);
    expect(versionAtLeast("0.25.0", "0.27.0")).toBe(false);
    expect(versionAtLeast("2.100.0", "2.53.0")).toBe(true);
  });
});
