import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupDatabase } from "../../lib/backup/dump.js";
import { MASK } from "../../lib/secret.js";
import { runCli, type CliResult } from "../harness/cli.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { writeStackFile } from "../harness/stacks.js";
import {
  CRITICAL_TABLES,
  createMiraDatabase,
  fileDestination,
  LOCATION,
  removeTempDirs,
  storeFor,
  targetFor,
  tempDir,
} from "./helpers.js";

/**
 * Text from users is data, and a secret typed in the wrong place stays secret: against real
 * PostgreSQL and a file:// destination, through the CLI as an operator runs it.
 */

let server: PgServer;
const DB = "mira_production";
const OWNER = { user: "mira_owner", password: "Pa55-w0rd-in-the-wrong-place" };
let destination: ReturnType<typeof fileDestination>;
let stack: string;
let audit: string;

beforeAll(async () => {
  server = await startPostgres();
  await server.createRole(OWNER.user, OWNER.password);
  await createMiraDatabase(server, DB, 50);
  await server.query(`GRANT pg_read_all_data TO ${OWNER.user}`);
  destination = fileDestination();
  audit = join(tempDir("guardia-audit-"), "audit.jsonl");
  stack = writeStackFile(
    {
      ...{ name: "mira", environment: "dev", namespace: "mira", runtime: "local" },
      databases: [
        {
          ...{ name: "mira", engine: "postgres", host: server.host, port: server.port },
          ...{ database: DB, user: OWNER.user, criticalTables: CRITICAL_TABLES },
          passwordSecret: { name: "mira-db", key: "password", env: "MIRA_DB_PASSWORD" },
        },
      ],
      backups: { destination: { url: destination.url } },
    },
    "mira-user-text",
  );
}, 120_000);
afterAll(async () => {
  await server?.stop();
  removeTempDirs();
});

const cli = (args: string[]) =>
  runCli(args, {
    env: { MIRA_DB_PASSWORD: OWNER.password, GUARDIA_AUDIT_FILE: audit, GUARDIA_OPERATOR: "" },
    timeoutMs: 120_000,
  });

/** Every byte guardia wrote anywhere: stdout, stderr, the audit log and the stored backups. */
function everythingWritten(run: CliResult): string {
  const stored = readdirSync(destination.path, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".json"))
    .map((e) => readFileSync(join(e.parentPath, e.name), "utf8"));
  let log = "";
  try {
    log = readFileSync(audit, "utf8");
  } catch {
    // No run wrote an audit record yet.
  }
  return [run.stdout, run.stderr, log, ...stored].join("\n");
}

describe("a password typed in the wrong place", () => {
  it("in --operator of a run that never reads it (list-backups) is masked in the audit record", async () => {
    const run = await cli(["list-backups", "--stack", stack, "--operator", OWNER.password]);
    expect(run.code, run.stderr).toBe(0);
    expect(everythingWritten(run)).not.toContain(OWNER.password);
    const records = readFileSync(audit, "utf8").trim().split("\n");
    expect(JSON.parse(records.at(-1)!)).toMatchObject({ runbook: "list-backups", operator: MASK });
  });

  it("in --operator of backup-db is masked in the manifest and everything else", async () => {
    const run = await cli(
      ["backup-db", "--stack", stack, "--database", "mira", "--yes"].concat([
        "--operator",
        OWNER.password,
      ]),
    );
    expect(run.code, run.stderr).toBe(0);
    const written = everythingWritten(run);
    expect(written).toContain(`"operator": "${MASK}"`);
    expect(written).not.toContain(OWNER.password);
  }, 120_000);

  it("in --database is masked in the error and the audit record", async () => {
    const run = await cli(["backup-db", "--stack", stack, "--database", OWNER.password, "--yes"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(MASK);
    expect(everythingWritten(run)).not.toContain(OWNER.password);
  });
});

describe("text from users, stacks and manifests never drives the terminal", () => {
  const ESC = "\x1b";
  const hostile = `${ESC}[2J${ESC}]0;pwned\x07ana\nguardia: FORGED line`;

  it.each([
    [
      "screen-clear and title codes",
      hostile,
      /contains a control character \(\\u001b at position 1\)/,
    ],
    [
      "a bidi override",
      "ana\u202egnp.exe",
      /contains a control character \(\\u202e at position 4\)/,
    ],
    ["100 KB", "a".repeat(100_000), /is 100000 characters long/],
  ])("an --operator with %s is refused (exit 2) before anything is written", async (_, op, why) => {
    const before = readdirSync(destination.path, { recursive: true }).length;
    const run = await cli([
      "backup-db",
      "--stack",
      stack,
      "--database",
      "mira",
      "--yes",
      "--operator",
      op,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(why);
    expect(run.stderr).toMatch(/at most 128 long\n$/);
    expect(run.stderr.length).toBeLessThan(400);
    expect(run.stderr).not.toContain(ESC);
    expect(readdirSync(destination.path, { recursive: true }).length).toBe(before);
  });

  it("a manifest's operator (written by an older guardia) is listed escaped, one bounded line per backup", async () => {
    const target = targetFor(server, DB, OWNER);
    const common = {
      store: await storeFor(destination),
      location: LOCATION,
      target,
      schedule: "manual" as const,
    };
    await backupDatabase({ ...common, operator: hostile });
    await backupDatabase({ ...common, operator: "b".repeat(100_000) });
    const run = await cli(["list-backups", "--stack", stack, "--operator", "ops@example.org"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.replace(/\n/g, "")).not.toMatch(/\p{Cc}/u);
    expect(run.stdout).toContain("\\u001b[2J\\u001b]0;pwned\\u0007ana\\nguardia: FORGED line");
    expect(run.stdout.split("\n").filter((l) => l.startsWith("guardia: FORGED"))).toEqual([]);
    // Three backups, a header and the "latest" line; the 100 KB name is cut to one short cell.
    expect(run.stdout.length).toBeLessThan(3000);
    expect(run.stdout).toMatch(/(^|[^b])b{200}…/);
  }, 120_000);

  it("a flag value in an error message is escaped", async () => {
    const run = await cli([
      "backup-db",
      "--stack",
      stack,
      "--database",
      `${ESC}]0;pwned\x07`,
      "--yes",
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain(ESC);
    expect(run.stderr).toContain("\\u001b]0;pwned\\u0007");
  });
});
