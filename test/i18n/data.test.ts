import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { skippedText } from "../../lib/backup/list.js";
import { progressLine } from "../../lib/backup/meter.js";
import { setLanguage } from "../../lib/i18n/index.js";
import { rtoText } from "../../lib/restore/report.js";
import { createMiraDatabase, CRITICAL_TABLES } from "../backup/helpers.js";
import { runCli } from "../harness/cli.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * Backups in the operators' language: a stack that says `language: es` gets backup-db and
 * list-backups in Spanish (step titles, summaries, tables, errors) against a real PostgreSQL and
 * a real directory; `--lang en` gives the English texts back, and the --json keys and the
 * statuses code compares never change with the language.
 */

let pg: PgServer;
let work: string;
let stack: string;

beforeAll(async () => {
  pg = await startPostgres();
  await createMiraDatabase(pg, "mira_production", 50);
  work = mkdtempSync(path.join(tmpdir(), "guardia-i18n-data-"));
  stack = writeStackFile(
    {
      name: "mira",
      environment: "prod",
      namespace: "mira",
      runtime: "local",
      language: "es",
      databases: [
        {
          name: "mira",
          engine: "postgres",
          host: "127.0.0.1",
          port: pg.port,
          database: "mira_production",
          user: pg.user,
          passwordSecret: { name: "mira-db", key: "password", env: "MIRA_DB_PASSWORD" },
          criticalTables: CRITICAL_TABLES,
        },
      ],
      backups: {
        destination: { url: `file://${path.join(work, "backups")}` },
        schedules: [{ name: "daily", cron: "0 2 * * *", keepDays: 30 }],
      },
      alerting: {
        receivers: [{ name: "ops", type: "webhook", urlSecret: { name: "alerting", key: "url" } }],
      },
    },
    "mira-i18n",
  );
}, 120_000);

afterAll(async () => {
  await pg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** GUARDIA_LANG removed, so the stack's language (or --lang) decides. */
const guardia = (...args: string[]) =>
  runCli(args, {
    env: {
      GUARDIA_LANG: undefined,
      MIRA_DB_PASSWORD: pg.password,
      GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl"),
      GUARDIA_OPERATOR: "ana@hospital.example",
    },
    timeoutMs: 120_000,
  });

/** Every key of a JSON value, with its path: what must not change with the language. */
function keysOf(value: unknown, at = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => keysOf(v, `${at}[]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => [`${at}.${k}`, ...keysOf(v, `${at}.${k}`)]);
}

describe("backups in the stack's language", () => {
  it("backup-db speaks Spanish: step titles, summaries and its closing line", async () => {
    const run = await guardia("backup-db", "--stack", stack, "--database", "mira", "--yes");
    const text = run.stdout + run.stderr;
    expect(run.code, text).toBe(0);
    expect(text).toContain("Hacer backup de mira (mira_production en 127.0.0.1)");
    expect(text).toContain("Releer el backup nuevo y comparar su sha256");
    expect(text).toContain("cada objeto coincide con el manifiesto");
    expect(run.stdout).toMatch(/backup \d{8}T\d{6}Z-manual_[0-9a-f]{6} de mira: .* en [\d.]+ s → /);
    expect(text).not.toContain("Read the new backup back");
  });

  it("list-backups: a Spanish table, English with --lang en, the same --json keys in both", async () => {
    const es = await guardia("list-backups", "--stack", stack);
    const en = await guardia("list-backups", "--stack", stack, "--lang", "en");
    expect(es.code, es.stderr).toBe(0);
    expect(en.code, en.stderr).toBe(0);
    expect(es.stdout).toContain("BASE DE DATOS");
    expect(es.stdout).toMatch(/mira: --backup latest es \d{8}T/);
    expect(en.stdout).toContain("DATABASE");
    expect(en.stdout).toMatch(/mira: --backup latest is \d{8}T/);
    expect(en.stdout).not.toContain("BASE DE DATOS");

    const [jsonEs, jsonEn] = await Promise.all([
      guardia("list-backups", "--stack", stack, "--json"),
      guardia("list-backups", "--stack", stack, "--json", "--lang", "en"),
    ]);
    const [resultEs, resultEn] = [jsonEs, jsonEn].map(
      (r) => (JSON.parse(r.stdout) as { result: { backups: { status: string }[] } }).result,
    );
    expect(keysOf(resultEs)).toEqual(keysOf(resultEn));
    expect(keysOf(resultEs)).toContain(".backups[].status");
    // A status is compared by code: "complete" in every language.
    expect(resultEs!.backups.map((b) => b.status)).toEqual(["complete"]);
    expect(resultEn!.backups.map((b) => b.status)).toEqual(["complete"]);
  });

  it("says in Spanish that a backup does not exist, with the exit code English gives", async () => {
    const missing = ["--backup", "20200101T000000Z-daily_abcdef", "--yes"];
    const args = ["verify-backup", "--stack", stack, "--database", "mira", ...missing];
    const [es, en] = await Promise.all([guardia(...args), guardia(...args, "--lang", "en")]);
    expect(es.stderr).toContain(
      "no hay backup 20200101T000000Z-daily_abcdef de base de datos mira",
    );
    expect(en.stderr).toContain("no backup 20200101T000000Z-daily_abcdef of database mira");
    expect(es.code).not.toBe(0);
    expect(es.code).toBe(en.code);
  });
});

describe("a restore's and a backup's words in-process", () => {
  afterEach(() => setLanguage("en"));

  it("the RTO verdict, the progress line and the skipped backups, in Spanish and in English", () => {
    const skipped = [
      {
        id: "20261201T020000Z-daily_3f9a1c",
        status: "failed" as const,
        reason: "failed: its read-back failed",
      },
    ];
    const MiB = 1024 * 1024;
    setLanguage("es");
    expect(rtoText({ rto: "1h", withinRto: false })).toBe(" (RTO 1h: EXCEDIDO)");
    expect(progressLine(48 * MiB, 16_000, { bytes: 120 * MiB, from: "el último backup" })).toBe(
      "48.0 MiB guardados, 3.0 MiB/s; cerca del 40% de lo estimado según el último backup (120.0 MiB), faltan unos 24 s",
    );
    expect(skippedText(skipped)).toBe(
      "omitidos 1 más recientes: 20261201T020000Z-daily_3f9a1c (failed: its read-back failed)",
    );
    setLanguage("en");
    expect(rtoText({ rto: "1h", withinRto: false })).toBe(" (RTO 1h: EXCEEDED)");
    expect(skippedText(skipped)).toBe(
      "skipped 1 newer: 20261201T020000Z-daily_3f9a1c (failed: its read-back failed)",
    );
  });
});
