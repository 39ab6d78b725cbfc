import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import pg from "pg";
import { freePort } from "./ports.js";
import { lastLines, run } from "./process.js";

const ADMIN = "guardia_admin";

export interface PgServer {
  host: "127.0.0.1";
  port: number;
  user: string;
  password: string;
  socketDir: string;
  dataDir: string;
  /** libpq variables for child processes (psql, pg_dump, runbooks). */
  env(db?: string): Record<string, string>;
  query<R extends pg.QueryResultRow = Record<string, unknown>>(
    sql: string,
    db?: string,
  ): Promise<R[]>;
  createDatabase(name: string, owner?: string): Promise<void>;
  createRole(name: string, password: string): Promise<void>;
  /** Whether `user` logs in to `db` with `password`: a refused login is an answer, not an error. */
  canLogIn(user: string, password: string, db: string): Promise<boolean>;
  /** Fast shutdown, then the temp dir is removed. Idempotent. */
  stop(): Promise<void>;
}

let binDirCache: string | undefined;

/** The newest PostgreSQL server binaries: Debian's /usr/lib/postgresql/<major>/bin, else pg_config. */
export function pgBinDir(): string {
  if (binDirCache) return binDirCache;
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root) ? readdirSync(root) : [];
  const newest = majors
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a))[0];
  if (newest) return (binDirCache = join(root, newest, "bin"));
  try {
    const dir = execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
    if (existsSync(join(dir, "initdb"))) return (binDirCache = dir);
  } catch {
    // No pg_config either; reported below.
  }
  throw new Error(
    "PostgreSQL server (initdb) not found in /usr/lib/postgresql/*/bin nor via pg_config",
  );
}

// initdb and postgres refuse to run as root, so as root the cluster belongs to `nobody`.
function serverOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, "nobody"], { encoding: "utf8" }));
  return { uid: id("-u"), gid: id("-g") };
}

function settings(port: number, socketDir: string, extra: Record<string, string>): string {
  // Loopback only; fsync and friends off because a test cluster is thrown away anyway.
  return `
listen_addresses = '127.0.0.1'
port = ${port}
unix_socket_directories = '${socketDir}'
fsync = off
synchronous_commit = off
full_page_writes = off
${Object.entries(extra)
  .map(([name, value]) => `${name} = ${value}`)
  .join("\n")}
`;
}

export interface PostgresOptions {
  /** More postgresql.conf settings (an eager autovacuum, say), as name → value. */
  readonly settings?: Record<string, string>;
  /**
   * Where the data directory is made, e.g. a small filesystem for a disk-full test. The WAL stays
   * in the temp dir: a full data disk then fails the statement that needed the space, while a
   * full WAL disk would stop the server. @default the temp dir
   */
  readonly dataParent?: string;
}

export async function startPostgres(options: PostgresOptions = {}): Promise<PgServer> {
  const bin = pgBinDir();
  const dir = mkdtempSync(join(tmpdir(), "guardia-pg-"));
  const dataDir = options.dataParent
    ? join(mkdtempSync(join(options.dataParent, "guardia-pg-")), "data")
    : join(dir, "data");
  const logFile = join(dir, "server.log");
  const password = randomBytes(18).toString("base64url");
  const owner = serverOwner();
  const asOwner = (tool: string, args: string[]) =>
    owner
      ? run("runuser", ["-u", "nobody", "--", join(bin, tool), ...args], { cwd: dir })
      : run(join(bin, tool), args, { cwd: dir });
  let port = 0;
  try {
    if (owner) chownSync(dir, owner.uid, owner.gid);
    if (owner && options.dataParent) chownSync(dirname(dataDir), owner.uid, owner.gid);
    const pwfile = join(dir, "pwfile");
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (owner) chownSync(pwfile, owner.uid, owner.gid);
    await asOwner("initdb", [
      ...["-D", dataDir, "-U", ADMIN, `--pwfile=${pwfile}`],
      ...["--auth-host=scram-sha-256", "--auth-local=scram-sha-256"],
      ...["-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
      ...(options.dataParent ? [`--waldir=${join(dir, "wal")}`] : []),
    ]);
    rmSync(pwfile);
    port = await freePort();
    appendFileSync(join(dataDir, "postgresql.conf"), settings(port, dir, options.settings ?? {}));
    await asOwner("pg_ctl", ["-D", dataDir, "-l", logFile, "-w", "-t", "30", "start"]);
  } catch (err) {
    await asOwner("pg_ctl", ["-D", dataDir, "-m", "immediate", "stop"]).catch(() => undefined);
    const log = existsSync(logFile) ? lastLines(readFileSync(logFile, "utf8")) : "(no server log)";
    rmSync(dir, { recursive: true, force: true });
    if (options.dataParent) rmSync(dirname(dataDir), { recursive: true, force: true });
    const message = `PostgreSQL (${bin}) did not start in ${dir} on port ${port}`;
    throw new Error(`${message}: ${(err as Error).message}\n--- server log ---\n${log}`, {
      cause: err,
    });
  }

  const connection = (database: string) =>
    new pg.Client({ host: "127.0.0.1", port, user: ADMIN, password, database });
  const stopCluster = async () => {
    try {
      await asOwner("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "stop"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      if (options.dataParent) rmSync(dirname(dataDir), { recursive: true, force: true });
    }
  };
  let stopping: Promise<void> | undefined;
  const server: PgServer = {
    host: "127.0.0.1",
    port,
    user: ADMIN,
    password,
    socketDir: dir,
    dataDir,
    env: (db = "postgres") => ({
      PGHOST: "127.0.0.1",
      PGPORT: String(port),
      PGUSER: ADMIN,
      PGPASSWORD: password,
      PGDATABASE: db,
    }),
    async query<R extends pg.QueryResultRow>(sql: string, db = "postgres") {
      const client = connection(db);
      await client.connect();
      try {
        return (await client.query<R>(sql)).rows;
      } finally {
        await client.end();
      }
    },
    async createDatabase(name, dbOwner) {
      const ownerClause = dbOwner ? ` OWNER ${pg.escapeIdentifier(dbOwner)}` : "";
      await server.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}${ownerClause}`);
    },
    async createRole(name, rolePassword) {
      const literal = pg.escapeLiteral(rolePassword);
      await server.query(`CREATE ROLE ${pg.escapeIdentifier(name)} LOGIN PASSWORD ${literal}`);
    },
    async canLogIn(user, rolePassword, db) {
      const login = { user, password: rolePassword, database: db };
      const client = new pg.Client({ host: "127.0.0.1", port, ...login });
      client.on("error", () => {});
      try {
        await client.connect();
        await client.query("SELECT 1");
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => {});
      }
    },
    stop: () => (stopping ??= stopCluster()),
  };
  return server;
}
