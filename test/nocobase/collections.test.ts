import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileStore } from "../../lib/backup/file-store.js";
import { nocobaseClient } from "../../lib/nocobase/api.js";
import { compareCollection } from "../../lib/nocobase/compare.js";
import { readCollection, type CollectionsDocument } from "../../lib/nocobase/definitions.js";
import { listExports, writeExport } from "../../lib/nocobase/export-store.js";
import type { RunRecord } from "../../lib/runbook/record.js";
import { Secret } from "../../lib/secret.js";
import { runCli } from "../harness/cli.js";
import { observedRuns, programs, type ObservedRuns } from "../harness/commands-as-run.js";
import { startNocoBase, type NocoBaseServer } from "../harness/nocobase.js";
import { installPathShims, type PathShims } from "../harness/path-shims.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { writeStackFile } from "../harness/stacks.js";
import { addMiraRecords, createMiraCollections } from "./fixture.js";

/**
 * MIRA operations guide, Backup y Recovery, scenario 1 against a real NocoBase 2.2.15 on a real
 * PostgreSQL: the daily export, a collection with relations destroyed through the API, and
 * recreate-collection bringing it back, with and without its rows. One server for the file;
 * the tests follow one incident in order. Both runbooks are also run as a dry run and for real
 * with recording wrappers of zstd, pg_restore and psql first on PATH: what started is what the
 * plan, the audit record and the report print (test/harness/commands-as-run.ts).
 */

let pg: PgServer;
let nb: NocoBaseServer;
let work: string;
let stack: string;
let apiKey: string;
let shims: PathShims;
let runs: ObservedRuns;
const LOCATION = { platform: "mira", environment: "dev", database: "collections" };

beforeAll(async () => {
  pg = await startPostgres();
  nb = await startNocoBase(pg);
  await createMiraCollections(nb.api);
  await addMiraRecords(nb.api);
  apiKey = (
    await nb.api<{ token: string }>("POST", "apiKeys:create", {
      name: "guardia",
      role: { name: "root" },
      expiresIn: "never",
    })
  ).token;
  work = mkdtempSync(path.join(tmpdir(), "guardia-nocobase-"));
  stack = writeStackFile(platform(), "mira-nocobase");
  shims = installPathShims({ zstd: undefined, pg_restore: undefined, psql: undefined });
  runs = observedRuns({
    shims,
    work,
    env: { MIRA_DB_PASSWORD: pg.password, NOCOBASE_TOKEN: apiKey },
    secrets: [pg.password, apiKey],
  });
}, 600_000);

afterAll(async () => {
  shims?.cleanup();
  await nb?.stop();
  await pg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function platform(collections: object = {}) {
  return {
    name: "mira",
    environment: "dev",
    namespace: "mira",
    runtime: "local",
    databases: [
      {
        name: "mira",
        engine: "postgres",
        host: "127.0.0.1",
        port: pg.port,
        database: nb.database,
        user: pg.user,
        passwordSecret: { name: "mira-db", key: "password", env: "MIRA_DB_PASSWORD" },
      },
    ],
    backups: { destination: { url: `file://${path.join(work, "backups")}` } },
    collections: {
      apiUrl: nb.apiUrl,
      tokenSecret: { name: "nocobase-api", key: "token", env: "NOCOBASE_TOKEN" },
      database: "mira",
      ...collections,
    },
  };
}

const audit = () => path.join(work, "audit.jsonl");

async function guardia(...args: string[]) {
  const result = await runCli([...args, "--json"], {
    env: {
      MIRA_DB_PASSWORD: pg.password,
      NOCOBASE_TOKEN: apiKey,
      GUARDIA_AUDIT_FILE: audit(),
      GUARDIA_OPERATOR: "ana@hospital.example",
    },
    timeoutMs: 300_000,
  });
  // The API key never shows: not in output, not in the audit log (argv is checked by exec).
  expect(`${result.stdout}${result.stderr}${readFileSync(audit(), "utf8")}`).not.toContain(apiKey);
  const run = JSON.parse(result.stdout) as RunRecord & { result: Record<string, unknown> };
  return { ...result, run };
}

const recreate = (...args: string[]) =>
  guardia("recreate-collection", "--stack", stack, "--collection", "pacientes", "--yes", ...args);

/** Collections and their fields as NocoBase serves them now, in its order. */
async function liveState() {
  const all = await nb.api<{ name: string; fields: { name: string }[] }[]>(
    "GET",
    "collections:list?paginate=false&sort=sort&appends[]=fields",
  );
  return all.map(
    (c) =>
      `${c.name}: ${c.fields
        .map((f) => f.name)
        .sort()
        .join(", ")}`,
  );
}

const rows = <T>(action: string) => nb.api<T[]>("GET", action);
const store = () => new FileStore(path.join(work, "backups"));
let exported: CollectionsDocument;
let exportId: string;

describe("export-collections", () => {
  it("stores every collection with its fields in order, relations and keys; manifest last with sha256", async () => {
    const { code, run } = await guardia("export-collections", "--stack", stack, "--yes");
    expect(code, run.error).toBe(0);
    exportId = String(run.result.id);
    expect(exportId).toMatch(/^\d{8}T\d{6}Z-manual_[0-9a-f]{6}$/);
    const dir = path.join(work, "backups", "mira", "dev", "collections", exportId);
    const bytes = readFileSync(path.join(dir, "collections.json"));
    const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8"));
    expect(manifest.objects).toEqual([
      {
        name: "collections.json",
        bytes: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
      },
    ]);
    expect(manifest).toMatchObject({ kind: "nocobase-collections", nocobaseVersion: "2.2.15" });
    exported = JSON.parse(bytes.toString("utf8")) as CollectionsDocument;
    const pacientes = exported.collections.find((c) => c.name === "pacientes")!;
    expect(pacientes.fields.map((f) => f.name)).toEqual([
      ...["id", "createdAt", "updatedAt", "createdBy", "updatedBy"],
      ...["rut", "nombre", "estado", "episodios", "medicos"],
    ]);
    const episodios = exported.collections.find((c) => c.name === "episodios")!;
    const hasMany = pacientes.fields.find((f) => f.name === "episodios")!;
    const belongsTo = episodios.fields.find((f) => f.name === "paciente")!;
    expect(hasMany).toMatchObject({
      type: "hasMany",
      foreignKey: "pacienteId",
      onDelete: "SET NULL",
    });
    expect(hasMany.reverseKey).toBe(belongsTo.key);
    expect(belongsTo.reverseKey).toBe(hasMany.key);
    expect(pacientes.fields.find((f) => f.name === "rut")).toMatchObject({ unique: true });
    expect(JSON.stringify(exported)).not.toMatch(/unavailableActions|collectionName|null/);
    expect(exported.collections.map((c) => c.name)).toContain("medicos_pacientes");
    // What the export holds is exactly what NocoBase serves for it.
    const api = nocobaseClient(nb.apiUrl, new Secret(apiKey, "NocoBase API key"));
    expect(compareCollection(pacientes, await readCollection(api, "pacientes"))).toEqual([]);
    expect((await listExports(store(), LOCATION)).map((e) => e.id)).toEqual([exportId]);
  });

  it("prints, records and reports what ran: no command, its calls go to NocoBase's API", async () => {
    // A destination of its own, so the incident below sees only the export above.
    const elsewhere = { destination: { url: `file://${path.join(work, "checked-exports")}` } };
    const own = writeStackFile({ ...platform(), backups: elsewhere }, "mira-checked-exports");
    const [dry, real] = await runs.dryThenRun(["export-collections", "--stack", own]);
    expect([dry.started, real.started]).toEqual([[], []]);
    expect(real.stdout).toMatch(
      /^export \d{8}T\d{6}Z-manual_[0-9a-f]{6}: \d+ collection\(s\) of NocoBase 2\.2\.15/m,
    );
    // Two runs of guardia, each reading every collection through the API.
  }, 180_000);

  it("backs up NocoBase's database, for the records later", async () => {
    const { code, run } = await guardia(
      "backup-db",
      "--stack",
      stack,
      "--database",
      "mira",
      "--yes",
    );
    expect(code, run.error).toBe(0);
  });
});

describe("recreate-collection", () => {
  it("refuses before any write while the collection exists, or holds rows, or the version differs", async () => {
    const before = await liveState();
    const exists = await recreate();
    expect(exists.code).toBe(3);
    expect(exists.run.error).toContain('collection "pacientes" exists in NocoBase; pass --replace');
    const full = await recreate("--replace");
    expect(full.code).toBe(3);
    expect(full.run.error).toContain('collection "pacientes" holds 3 row(s)');
    const otherVersion = writeStackFile(platform({ version: "2.3.0" }), "mira-other-version");
    const version = await guardia(
      ...["recreate-collection", "--stack", otherVersion, "--collection", "pacientes", "--yes"],
    );
    expect(version.code).toBe(3);
    expect(version.run.error).toContain("answers as version 2.2.15, expected 2.3.0");
    for (const run of [exists.run, full.run, version.run]) {
      expect(run.steps.filter((s) => s.kind === "change").map((s) => s.status)).toEqual(
        run.steps.filter((s) => s.kind === "change").map(() => "not-run"),
      );
    }
    expect(await liveState()).toEqual(before);
  });

  it("plans every API call in a dry run after the collection is destroyed, and changes nothing", async () => {
    await nb.api("POST", "collections:destroy?filterByTk=pacientes");
    const before = await liveState();
    expect(before.join("\n")).not.toMatch(/^pacientes:|paciente\b|medicos: .*pacientes/m);
    const { code, run } = await recreate("--dry-run");
    expect(code, run.error).toBe(0);
    const create = run.steps.find((s) => s.title.startsWith("Create pacientes"))!;
    expect(create.status).toBe("planned");
    expect(create.action!.call!.split("\n")).toEqual([
      "POST /api/collections:create pacientes: id, createdAt, updatedAt, rut, nombre, estado",
      "POST /api/collections/pacientes/fields:create pacientes.createdBy: belongsTo → users (createdById)",
      "POST /api/collections/pacientes/fields:create pacientes.updatedBy: belongsTo → users (updatedById)",
      "POST /api/collections/pacientes/fields:create pacientes.episodios: hasMany → episodios (pacienteId), reverse episodios.paciente",
      "POST /api/collections/pacientes/fields:create pacientes.medicos: belongsToMany → medicos through medicos_pacientes (pacienteId/medicoId), reverse medicos.pacientes",
      "POST /api/collections/informes/fields:create informes.paciente: belongsTo → pacientes (pacienteId)",
    ]);
    const sequence = run.steps.find((s) => s.title.startsWith("Set id sequences"))!;
    expect(sequence.action!.target!.sequences).toBe(
      "pacientes.id past episodios.pacienteId, medicos_pacientes.pacienteId, informes.pacienteId",
    );
    expect(await liveState()).toEqual(before);
  });

  it("a failed recreate undoes what it created and says what it left", async () => {
    const before = await liveState();
    // An export NocoBase rejects half way: the last relation names a key users do not have.
    const broken = structuredClone(exported);
    const informes = broken.collections.find((c) => c.name === "informes")!;
    informes.fields.find((f) => f.name === "paciente")!.targetKey = "sinClave";
    const { id } = await writeExport({
      store: store(),
      location: LOCATION,
      document: broken,
      schedule: "manual",
      operator: "test",
      // Older than the good export, so "latest" stays the good one.
      startedAt: new Date(Date.now() - 3_600_000),
    });
    const { code, run } = await recreate("--export", id);
    expect(code).toBe(1);
    expect(run.error).toContain("POST /api/collections/informes/fields:create: HTTP");
    expect(run.error).toContain('Unknown attribute "sinClave"');
    expect(run.error).toContain("created before the failure: collection pacientes");
    expect(run.error).toContain("undone: POST /api/collections:destroy?filterByTk=pacientes");
    expect(run.error).toContain("NocoBase is as it was before this step");
    expect(await liveState()).toEqual(before);
    const kept = await pg.query<{ n: string }>(
      'SELECT count("pacienteId") AS n FROM episodios',
      nb.database,
    );
    expect(Number(kept[0]!.n)).toBe(4);
  });

  it("recreates it from the export: same definition, relations both ways, new ids past the old", async () => {
    const { code, run } = await recreate();
    expect(code, run.error).toBe(0);
    expect(run.result).toMatchObject({ export: exportId, differences: [] });
    const api = nocobaseClient(nb.apiUrl, new Secret(apiKey, "NocoBase API key"));
    for (const name of ["pacientes", "episodios", "medicos", "informes"]) {
      const expected = exported.collections.find((c) => c.name === name)!;
      expect(compareCollection(expected, await readCollection(api, name)), name).toEqual([]);
    }
    // Episodio 4 still points at paciente 3: a new paciente must not become its owner.
    const nuevo = await nb.api<{ id: number }>("POST", "pacientes:create", {
      rut: "44444444-4",
      nombre: "Nuevo",
    });
    expect(nuevo.id).toBe(4);
    const episodio = await nb.api<{ id: number }>("POST", "episodios:create", {
      diagnostico: "C71",
      paciente: nuevo.id,
    });
    const paciente = await nb.api<{ episodios: { id: number }[] }>(
      "GET",
      `pacientes:get?filterByTk=${nuevo.id}&appends[]=episodios`,
    );
    expect(paciente.episodios.map((e) => e.id)).toEqual([episodio.id]);
    const back = await nb.api<{ paciente: { nombre: string } }>(
      "GET",
      `episodios:get?filterByTk=${episodio.id}&appends[]=paciente`,
    );
    expect(back.paciente.nombre).toBe("Nuevo");
  });

  it("--replace --with-records brings the rows back with their ids from the newest backup", async () => {
    const withRows = await recreate("--replace", "--with-records");
    expect(withRows.code).toBe(3);
    expect(withRows.run.error).toContain('collection "pacientes" holds 1 row(s)');
    await nb.api("POST", "episodios:destroy?filterByTk=5");
    await nb.api("POST", "pacientes:destroy?filterByTk=4");

    // The table of contents, the restore and the copy of rows are pipelines of real tools: what
    // started is what the plan, the audit record and the report print.
    const [dry, real] = await runs.dryThenRun([
      "recreate-collection",
      "--stack",
      stack,
      "--collection",
      "pacientes",
      "--replace",
      "--with-records",
    ]);
    const toc = ["zstd", "pg_restore"];
    expect(programs(dry)).toEqual({ 3: toc });
    expect(programs(real)).toEqual({ 3: toc, 4: ["zstd", "pg_restore"], 8: ["psql", "psql"] });
    // Printed only when the read-back found no difference; the copy compared the counts.
    expect(real.stdout).toMatch(
      /^pacientes recreated from export \S+: .*; 3 row\(s\) from backup \S+$/m,
    );
    const pacientes = await rows<{ id: number; nombre: string; episodios: { id: number }[] }>(
      "pacientes:list?sort=id&appends[]=episodios&appends[]=medicos",
    );
    expect(pacientes.map((p) => [p.id, p.nombre, p.episodios.map((e) => e.id).sort()])).toEqual([
      [1, "Ana", [1]],
      [2, "Luis", [2]],
      [3, "Eva", [3, 4]],
    ]);
    const medico = await nb.api<{ pacientes: { id: number }[] }>(
      "GET",
      "medicos:get?filterByTk=1&appends[]=pacientes",
    );
    expect(medico.pacientes.map((p) => p.id).sort()).toEqual([1, 2]);
    const [informe] = await rows<{ paciente: { nombre: string } }>(
      "informes:list?appends[]=paciente",
    );
    expect(informe!.paciente.nombre).toBe("Eva");
    // Past the backup's rows; and records can be written and read again.
    const next = await nb.api<{ id: number }>("POST", "pacientes:create", {
      rut: "5-5",
      nombre: "Otra",
    });
    expect(next.id).toBe(4);
    await nb.api("POST", "episodios:create", { diagnostico: "C25", paciente: 1 });
    const ana = await nb.api<{ episodios: { diagnostico: string }[] }>(
      "GET",
      "pacientes:get?filterByTk=1&appends[]=episodios",
    );
    expect(ana.episodios.map((e) => e.diagnostico).sort()).toEqual(["C25", "C50"]);
    const drills = await pg.query(
      "SELECT datname FROM pg_database WHERE datname LIKE 'guardia_drill%'",
    );
    expect(drills).toEqual([]);
    // A refusal, a dry run and a run with a side-by-side restore: three runs of guardia.
  }, 240_000);
});
