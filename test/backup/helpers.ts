import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { PgTarget } from "../../lib/adapters/postgres.js";
import type { BackupLocation } from "../../lib/backup/layout.js";
import { openStore } from "../../lib/backup/store.js";
import type { ObjectStore } from "../../lib/backup/store.js";
import type { Database, Destination } from "../../lib/model/index.js";
import { Secret } from "../../lib/secret.js";
import type { PgServer } from "../harness/postgres.js";
import type { S3Server } from "../harness/s3.js";
import type { BackupChildInput } from "./fixtures/backup-child.js";

/** Shared set-up of the backup tests: a stack-shaped database, destinations and stores. */

export const LOCATION: BackupLocation = { platform: "mira", environment: "dev", database: "mira" };
export const CRITICAL_TABLES = ["onco_casos", "onco_episodios"];

export function databaseModel(server: PgServer, database: string, user = server.user): Database {
  return {
    name: LOCATION.database,
    engine: "postgres",
    host: server.host,
    port: server.port,
    database,
    user,
    passwordSecret: { name: "mira-db", key: "password", env: "PGPASSWORD" },
    usedBy: ["nocobase"],
    criticalTables: CRITICAL_TABLES,
    exporterJob: undefined,
    rto: undefined,
    smokeQueries: [],
  };
}

export function targetFor(
  server: PgServer,
  database: string,
  login: { user: string; password: string } = server,
): PgTarget {
  return {
    database: databaseModel(server, database, login.user),
    password: new Secret(login.password, `password of ${login.user}`),
  };
}

/**
 * The MIRA operations guide's tables (onco_casos) with `casos` and `casos * 4` rows: text, numbers, timestamps, an index and
 * a foreign key, so the restore has to replay constraints too.
 */
export async function createMiraDatabase(server: PgServer, name: string, casos = 2000) {
  await server.createDatabase(name);
  await server.query(
    `CREATE TABLE onco_casos (
       id bigserial PRIMARY KEY, paciente_rut text NOT NULL, estado text NOT NULL,
       fecha_ingreso timestamptz NOT NULL, notas text);
     CREATE TABLE onco_episodios (
       id bigserial PRIMARY KEY, caso_id bigint NOT NULL REFERENCES onco_casos(id),
       fecha timestamptz NOT NULL, tipo text NOT NULL, monto numeric(12,2));
     CREATE INDEX idx_onco_casos_estado ON onco_casos(estado);
     CREATE INDEX idx_onco_episodios_caso ON onco_episodios(caso_id);`,
    name,
  );
  await addRows(server, name, casos);
}

/** Appends `casos` cases with four episodes each. */
export async function addRows(server: PgServer, name: string, casos: number) {
  await server.query(
    `WITH c AS (
       INSERT INTO onco_casos (paciente_rut, estado, fecha_ingreso, notas)
       SELECT (10000000 + g)::text || '-' || (g % 10),
              (ARRAY['sospecha','confirmado','tratamiento','alta'])[1 + g % 4],
              timestamptz '2025-01-01' + g * interval '17 minutes',
              md5(g::text) || ' ' || md5((g * 31)::text)
       FROM generate_series(1, ${casos}) g RETURNING id)
     INSERT INTO onco_episodios (caso_id, fecha, tipo, monto)
     SELECT c.id, timestamptz '2025-01-01' + (c.id * 4 + k) * interval '1 hour',
            (ARRAY['consulta','quimio','radio','control'])[1 + k], round((random() * 1e5)::numeric, 2)
     FROM c, generate_series(0, 3) k`,
    name,
  );
}

export async function countTables(server: PgServer, name: string) {
  const rows = await server.query<{ casos: string; episodios: string }>(
    `SELECT (SELECT count(*) FROM onco_casos) AS casos, (SELECT count(*) FROM onco_episodios) AS episodios`,
    name,
  );
  return { onco_casos: Number(rows[0]!.casos), onco_episodios: Number(rows[0]!.episodios) };
}

export async function drillDatabases(server: PgServer): Promise<string[]> {
  const rows = await server.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE 'guardia\\_drill\\_%'",
  );
  return rows.map((r) => r.datname);
}

const tempDirs: string[] = [];

/** A fresh temp directory, removed by `removeTempDirs` (call it in afterAll). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function fileDestination(): Destination & { kind: "file" } {
  const path = tempDir("guardia-backups-");
  return {
    kind: "file",
    url: pathToFileURL(path).href,
    path,
    volumeSize: "50Gi",
    storageClass: undefined,
  };
}

/** A bucket on the test S3 server; with `objectLockDays`, Object Lock as on an AWS bucket guardia creates. */
export async function s3Destination(
  s3: S3Server,
  bucket: string,
  objectLockDays?: number,
): Promise<Destination & { kind: "s3" }> {
  await s3.createBucket(bucket, { objectLockDays });
  return {
    kind: "s3",
    url: `s3://${bucket}/backups`,
    bucket,
    prefix: "backups",
    endpoint: s3.endpoint,
    credentialsSecret: undefined,
    forcePathStyle: true,
    region: s3.region,
    objectLockDays,
  };
}

export function storeFor(destination: Destination, s3?: S3Server): Promise<ObjectStore> {
  return openStore(destination, s3 ? { s3: { credentials: s3.credentials } } : {});
}

/**
 * The destination of one `describe.each(["file", "s3", "s3-locked"])` block and its open store, set up before
 * its tests and closed after. `s3` is read when the block starts (the server starts in beforeAll).
 */
export type DestinationKind = "file" | "s3" | "s3-locked";

export function useDestination(
  kind: DestinationKind,
  s3: () => S3Server,
  bucket: string,
): { readonly destination: Destination; readonly store: ObjectStore } {
  const current = {} as { destination: Destination; store: ObjectStore };
  beforeAll(async () => {
    current.destination =
      kind === "file"
        ? fileDestination()
        : await s3Destination(s3(), bucket, kind === "s3-locked" ? 1 : undefined);
    current.store = await storeFor(current.destination, s3());
  });
  afterAll(() => current.store?.close());
  return current;
}

export interface KillOptions {
  readonly destination: Destination;
  readonly s3?: S3Server;
  readonly database: Database;
  readonly password: string;
  /** SIGKILL once this many bytes are stored… */
  readonly afterBytes: number;
  /** …and this holds for its backup id (its S3 upload is open), checked at each progress line after that. */
  readonly ready?: (id: string) => Promise<boolean>;
  readonly schedule?: string;
}

/**
 * A backup in a child node process (tsx), as an OOM kill or a lost node ends it: SIGKILL mid-
 * stream. Returns what it printed, its pid and its backup id.
 */
export async function killBackupMidStream(opts: KillOptions) {
  const input: BackupChildInput = {
    destination: opts.destination,
    ...(opts.s3 && { s3Credentials: opts.s3.credentials }),
    database: opts.database,
    location: LOCATION,
    schedule: opts.schedule ?? "daily",
  };
  const fixture = fileURLToPath(new URL("./fixtures/backup-child.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", fixture], {
    env: { ...process.env, GUARDIA_TEST_BACKUP: JSON.stringify(input), PGPASSWORD: opts.password },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: string[] = [];
  let id = "";
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once("exit", (_code, signal) => resolve(signal)),
  );
  for await (const line of createInterface({ input: child.stdout })) {
    lines.push(line);
    const [word, value] = line.split(" ");
    if (word === "id") id = value!;
    if (
      word === "progress" &&
      Number(value) > opts.afterBytes &&
      (await (opts.ready?.(id) ?? true))
    ) {
      child.kill("SIGKILL");
      break;
    }
  }
  const signal = await exited;
  return { pid: child.pid!, lines, signal, id };
}
