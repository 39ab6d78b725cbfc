/**
 * Backup benchmark: the MIRA operations guide's backup_database.sh (Backup y Recovery, Backups
 * Semanales: `pg_dump > file`) against guardia's backup, on a generated MIRA-like database of
 * 1 GiB and then 2 GiB. Not part of `npm test`. Run:
 *
 *   npx tsx bench/backup.ts [--sizes 1,2] [--levels 1,3]
 *
 * Per size it measures wall time and output size of `pg_dump | gzip > file` (the guide's script
 * with compression, the baseline), plain `pg_dump > file` (the guide's script as written),
 * `pg_dump -Fc > file`, and
 * guardia's backupDatabase to a file:// destination in a child process, whose peak RSS is read
 * from the child itself (node) and from /usr/bin/time -v (the largest process of the tree:
 * node, pg_dump or zstd). Everything lives in a temp directory that is removed at the end.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { backupDatabase, zstdArgs } from "../lib/backup/dump.js";
import { FileStore } from "../lib/backup/file-store.js";
import { Secret } from "../lib/secret.js";
import { startPostgres } from "../test/harness/postgres.js";
import type { PgServer } from "../test/harness/postgres.js";

const DB = "mira_bench";
const GiB = 1024 ** 3;
const TIME = "/usr/bin/time";

interface ChildInput {
  readonly root: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly level: number;
}

interface Measurement {
  readonly label: string;
  readonly seconds: number;
  readonly bytes: number;
  readonly nodeRssMiB?: number;
  readonly treeRssMiB?: number;
}

async function main(): Promise<void> {
  const sizes = listArg("--sizes", [1, 2]);
  const levels = listArg("--levels", [1, 3]);
  const runs = listArg("--runs", [3])[0]!;
  const work = mkdtempSync(join(tmpdir(), "guardia-bench-backup-"));
  const pg = await startPostgres();
  const report = [
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
    "",
  ];
  try {
    const childScript = await bundleChild(work);
    await createSchema(pg);
    for (const gib of sizes) {
      const dbBytes = await growTo(pg, gib * GiB);
      const results = await measureAll(pg, work, childScript, levels, runs);
      removeOutputs(work);
      report.push(table(gib, dbBytes, runs, results));
      console.error(report.at(-1));
    }
  } finally {
    await pg.stop();
    rmSync(work, { recursive: true, force: true });
  }
  report.push(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  console.log(report.join("\n"));
}

/**
 * The child runs from an esbuild bundle under plain node, as `guardia` itself runs from dist/:
 * under tsx the loader alone adds ~40 MiB of RSS that production does not have.
 */
async function bundleChild(work: string): Promise<string> {
  const { build } = await import("esbuild");
  const outfile = join(work, "backup-child.mjs");
  await build({
    entryPoints: [fileURLToPath(import.meta.url)],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: ["pg-native", "@aws-sdk/*", "esbuild"],
    banner: {
      js: "import { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);",
    },
    logLevel: "error",
  });
  return outfile;
}

function listArg(flag: string, fallback: number[]): number[] {
  const i = process.argv.indexOf(flag);
  return i > 0 ? process.argv[i + 1]!.split(",").map(Number) : fallback;
}

// ---------------------------------------------------------------------------------------------
// Data: patients, cases, episodes and an audit log, with names, states, dates, amounts, free text
// built from a vocabulary (so it compresses like real notes, not like zeros or pure noise), JSON
// payloads and the indexes a NocoBase schema would have.

async function createSchema(pg: PgServer): Promise<void> {
  await pg.createDatabase(DB);
  await pg.query(
    `CREATE TABLE frases (i int PRIMARY KEY, texto text NOT NULL);
     INSERT INTO frases
       -- ORDER BY k makes string_agg an aggregate of the subquery, not of the outer query.
       SELECT i, (SELECT string_agg(w[1 + floor(random() * array_length(w, 1))::int], ' ' ORDER BY k)
                  FROM generate_series(1, 6 + i % 9) k)
       FROM generate_series(0, 4095) i,
            (SELECT ARRAY[${VOCABULARY.map((v) => `'${v}'`).join(",")}] AS w) v;
     CREATE TABLE pacientes (id bigint PRIMARY KEY, rut text NOT NULL, nombre text, apellido text,
       nacimiento date, comuna text, email text, creado timestamptz);
     CREATE TABLE casos (id bigint PRIMARY KEY, paciente_id bigint NOT NULL, estado text,
       diagnostico text, ingreso timestamptz, prioridad int, notas text);
     CREATE TABLE episodios (id bigint PRIMARY KEY, caso_id bigint NOT NULL, fecha timestamptz,
       tipo text, monto numeric(12,2), detalle text);
     CREATE TABLE auditoria (id bigint PRIMARY KEY, at timestamptz, actor text, accion text,
       payload jsonb);
     CREATE INDEX ON pacientes (rut);
     CREATE INDEX ON casos (paciente_id);
     CREATE INDEX ON casos (estado, ingreso);
     CREATE INDEX ON episodios (caso_id);
     CREATE INDEX ON episodios (fecha);
     CREATE INDEX ON auditoria (at);`,
    DB,
  );
}

let batches = 0;
const PATIENTS_PER_BATCH = 100_000;

/** Adds batches (~350 MB each) until the database is at least `bytes`; returns its size. */
async function growTo(pg: PgServer, bytes: number): Promise<number> {
  for (;;) {
    const size = await databaseSize(pg);
    if (size >= bytes) return size;
    const started = Date.now();
    await addBatch(pg, batches++);
    const now = await databaseSize(pg);
    console.error(
      `batch ${batches}: ${mib(now)} MiB (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
  }
}

async function databaseSize(pg: PgServer): Promise<number> {
  const rows = await pg.query<{ n: string }>(`SELECT pg_database_size('${DB}') AS n`, DB);
  return Number(rows[0]!.n);
}

async function addBatch(pg: PgServer, batch: number): Promise<void> {
  const p0 = batch * PATIENTS_PER_BATCH;
  const range = (per: number) =>
    `generate_series(${p0 * per + 1}, ${(p0 + PATIENTS_PER_BATCH) * per}) g`;
  const pick = (values: string[], expr: string) =>
    `(ARRAY[${values.map((v) => `'${v}'`).join(",")}])[1 + (${expr}) % ${values.length}]`;
  const noteJoin = (expr: string) => `JOIN frases f ON f.i = ((${expr}) * 2654435761) % 4096`;
  await pg.query(
    `INSERT INTO pacientes
       SELECT g, (10000000 + g)::text || '-' || (g % 11), ${pick(NAMES, "g")}, ${pick(SURNAMES, "g / 7")},
              date '1940-01-01' + (random() * 30000)::int, ${pick(COMUNAS, "g / 3")},
              lower(${pick(NAMES, "g")}) || '.' || g || '@correo.cl', timestamptz '2020-01-01' + g * interval '41 s'
       FROM ${range(1)};
     INSERT INTO casos
       SELECT g, (g + 1) / 2, ${pick(["sospecha", "confirmado", "tratamiento", "seguimiento", "alta"], "g")},
              ${pick(["C50.9", "C18.7", "C61", "C34.1", "C16.9", "C73", "C43.5", "C67.9"], "g / 5")},
              timestamptz '2020-01-01' + g * interval '23 s', 1 + g % 4,
              f.texto || '. Ref ' || left(md5(g::text), 10)
       FROM ${range(2)} ${noteJoin("g")};
     INSERT INTO episodios
       SELECT g, (g + 3) / 4, timestamptz '2020-01-01' + g * interval '7 s',
              ${pick(["consulta", "quimioterapia", "radioterapia", "control", "examen", "cirugia"], "g")},
              round((random() * 2e6)::numeric, 2), f.texto
       FROM ${range(8)} ${noteJoin("g + 17")};
     INSERT INTO auditoria
       SELECT g, timestamptz '2020-01-01' + g * interval '3 s', ${pick(NAMES, "g / 13")},
              ${pick(["create", "update", "view", "export", "login"], "g")},
              jsonb_build_object('coleccion', ${pick(["onco_casos", "onco_episodios", "pacientes"], "g")},
                'registro', g / 3, 'ip', '10.0.' || (g % 250) || '.' || (g % 199),
                'cambios', jsonb_build_object('estado', ${pick(["sospecha", "confirmado", "alta"], "g / 2")},
                  'nota', f.texto), 'token', md5(g::text))
       FROM ${range(4)} ${noteJoin("g + 31")};`,
    DB,
  );
  await pg.query("VACUUM ANALYZE", DB);
}

const VOCABULARY = [
  "paciente",
  "refiere",
  "dolor",
  "control",
  "tratamiento",
  "quimioterapia",
  "sesion",
  "evolucion",
  "favorable",
  "derivado",
  "oncologia",
  "biopsia",
  "resultado",
  "pendiente",
  "examen",
  "tomografia",
  "indicacion",
  "alta",
  "ingreso",
  "hospitalizacion",
  "sin",
  "con",
  "de",
  "el",
  "la",
  "en",
  "seguimiento",
  "mensual",
  "comite",
  "revisa",
  "caso",
  "estable",
  "progresion",
  "radioterapia",
  "ciclo",
  "dosis",
  "mg",
  "cada",
  "dias",
  "semanas",
];
const NAMES = [
  "Maria",
  "Jose",
  "Juan",
  "Ana",
  "Luis",
  "Carmen",
  "Pedro",
  "Rosa",
  "Jorge",
  "Elena",
  "Diego",
  "Paula",
  "Carlos",
  "Sofia",
  "Manuel",
  "Isabel",
  "Andres",
  "Lucia",
  "Felipe",
  "Teresa",
];
const SURNAMES = [
  "Gonzalez",
  "Munoz",
  "Rojas",
  "Diaz",
  "Perez",
  "Soto",
  "Contreras",
  "Silva",
  "Martinez",
  "Sepulveda",
  "Morales",
  "Rodriguez",
  "Lopez",
  "Fuentes",
  "Hernandez",
  "Torres",
];
const COMUNAS = [
  "Ovalle",
  "La Serena",
  "Coquimbo",
  "Monte Patria",
  "Combarbala",
  "Punitaqui",
  "Rio Hurtado",
  "Vicuna",
  "Andacollo",
  "Illapel",
];

// ---------------------------------------------------------------------------------------------
// Measurements

/**
 * Every procedure once per round, `runs` rounds, so that load from other processes falls on all of
 * them alike; the fastest run of each counts (other load only ever adds time).
 */
async function measureAll(
  pg: PgServer,
  work: string,
  childScript: string,
  levels: number[],
  runs: number,
): Promise<Measurement[]> {
  const env = { ...process.env, ...pg.env(DB) };
  const out = (name: string) => join(work, name);
  const procedures: (() => Promise<Measurement>)[] = [
    () =>
      shellLike("guide + gzip: pg_dump \\| gzip > file", out("guide.sql.gz"), env, [
        ["pg_dump", []],
        ["gzip", ["-c"]],
      ]),
    () => shellLike("guide as written: pg_dump > file", out("guide.sql"), env, [["pg_dump", []]]),
    () => shellLike("pg_dump -Fc > file", out("dump.pgcustom"), env, [["pg_dump", ["-Fc"]]]),
    ...levels.map((level) => () => guardia(pg, childScript, join(work, `guardia-${level}`), level)),
  ];
  const results: Measurement[][] = procedures.map(() => []);
  for (let round = 0; round < runs; round++) {
    for (const [i, procedure] of procedures.entries()) results[i]!.push(await procedure());
  }
  return results.map((all) => {
    const fastest = all.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    console.error(`  ${fastest.label}: ${all.map((r) => r.seconds.toFixed(1)).join(" / ")} s`);
    // Peak RSS: the highest of all runs, so that no run's peak is hidden.
    const peak = (f: (m: Measurement) => number | undefined) => {
      const values = all.map(f).filter((v): v is number => v !== undefined);
      return values.length > 0 ? Math.max(...values) : undefined;
    };
    return {
      ...fastest,
      nodeRssMiB: peak((m) => m.nodeRssMiB),
      treeRssMiB: peak((m) => m.treeRssMiB),
    };
  });
}

/** The last run's outputs; the next size writes them again. */
function removeOutputs(work: string): void {
  for (const name of ["guide.sql.gz", "guide.sql", "dump.pgcustom"]) {
    rmSync(join(work, name), { force: true });
  }
}

/** `a | b | ... > file`, spawned without a shell: each stage's stdout is the next one's stdin. */
async function shellLike(
  label: string,
  file: string,
  env: NodeJS.ProcessEnv,
  stages: [string, string[]][],
): Promise<Measurement> {
  const fd = openSync(file, "w");
  const started = performance.now();
  const children: ChildProcess[] = [];
  stages.forEach(([cmd, args], i) => {
    const stdin = i === 0 ? "ignore" : children[i - 1]!.stdout!;
    const stdout = i === stages.length - 1 ? fd : "pipe";
    children.push(spawn(cmd, args, { env, stdio: [stdin, stdout, "inherit"] }));
    if (i > 0) children[i - 1]!.stdout!.destroy();
  });
  await Promise.all(children.map(exited));
  const seconds = (performance.now() - started) / 1000;
  closeSync(fd);
  return { label, seconds, bytes: statSync(file).size };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) =>
    child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`)))),
  );
}

/** guardia's backup in a child process, under /usr/bin/time -v when it exists. */
async function guardia(
  pg: PgServer,
  childScript: string,
  root: string,
  level: number,
): Promise<Measurement> {
  const input: ChildInput = { root, host: pg.host, port: pg.port, user: pg.user, level };
  const node = [process.execPath, childScript, "--child"];
  const [cmd, ...args] = existsSync(TIME) ? [TIME, "-v", ...node] : node;
  const started = performance.now();
  const child = spawn(cmd!, args, {
    env: { ...process.env, BENCH_CHILD: JSON.stringify(input), PGPASSWORD: pg.password },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  await exited(child).catch((err: Error) => {
    throw new Error(`guardia backup child failed (${err.message}):\n${stderr}`);
  });
  const seconds = (performance.now() - started) / 1000;
  const result = JSON.parse(stdout.trim().split("\n").at(-1)!) as {
    size: number;
    maxRssKiB: number;
  };
  const tree = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1];
  rmSync(root, { recursive: true, force: true });
  return {
    label: `guardia backup (zstd ${zstdArgs(level).slice(2).join(" ")}), file://`,
    seconds,
    bytes: result.size,
    nodeRssMiB: result.maxRssKiB / 1024,
    treeRssMiB: tree ? Number(tree) / 1024 : undefined,
  };
}

async function child(input: ChildInput): Promise<void> {
  const result = await backupDatabase({
    store: new FileStore(input.root),
    location: { platform: "mira", environment: "bench", database: "mira" },
    target: {
      database: {
        name: "mira",
        engine: "postgres",
        host: input.host,
        port: input.port,
        database: DB,
        user: input.user,
        passwordSecret: undefined,
        usedBy: [],
        criticalTables: ["casos", "episodios"],
        exporterJob: undefined,
        rto: undefined,
        smokeQueries: [],
      },
      password: new Secret(process.env.PGPASSWORD ?? "", "bench password"),
    },
    schedule: "bench",
    operator: "bench",
    zstdLevel: input.level,
  });
  const maxRssKiB = process.resourceUsage().maxRSS;
  console.log(JSON.stringify({ size: result.size, durationMs: result.durationMs, maxRssKiB }));
}

// ---------------------------------------------------------------------------------------------
// Report

function mib(bytes: number): string {
  return (bytes / 1024 ** 2).toFixed(0);
}

function table(gib: number, dbBytes: number, runs: number, results: Measurement[]): string {
  const guide = results[0]!;
  const lines = [
    `### ${gib} GiB target: database ${mib(dbBytes)} MiB (pg_database_size), fastest of ${runs} runs`,
    "",
    "| procedure | wall time | output | time / guide | size / guide | peak RSS node | peak RSS largest process |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of results) {
    const rss = (v: number | undefined) => (v === undefined ? "" : `${v.toFixed(0)} MiB`);
    lines.push(
      `| ${r.label} | ${r.seconds.toFixed(1)} s | ${mib(r.bytes)} MiB | ` +
        `${(r.seconds / guide.seconds).toFixed(2)}× | ${(r.bytes / guide.bytes).toFixed(2)}× | ` +
        `${rss(r.nodeRssMiB)} | ${rss(r.treeRssMiB)} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

// Last, so that every constant above is initialised.
if (process.argv[2] === "--child") {
  await child(JSON.parse(process.env.BENCH_CHILD ?? "") as ChildInput);
} else {
  await main();
}
