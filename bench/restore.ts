/**
 * Restore benchmark: `guardia restore-db` end to end against the plain tools, on a generated
 * MIRA-like database (default ≥ 1 GiB). Not part of `npm test`. Run:
 *
 *   npx tsx bench/restore.ts [--gib 1] [--runs 1]
 *
 * One backup is made with `guardia backup-db`; from it, per round and per fsync setting (on: the
 * server's defaults; off: fsync, full_page_writes and synchronous_commit off), alternated:
 * - guardia: `guardia restore-db --yes` of a local stack, end to end (find, download and
 *   decompress with its sha256, pg_restore -j, ANALYZE, verify, swap, health check);
 * - raw pg_restore -j2: `createdb` + `pg_restore -j2` of the already decompressed custom dump, with
 *   the same session settings guardia uses: the floor;
 * - MIRA manual: `createdb` + `psql -f` of a plain `pg_dump` (the MIRA operations guide, Backup y
 *   Recovery, scenario 2).
 * Each restored database is dropped after its run. Everything lives in a temp directory.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { RESTORE_SESSION } from "../lib/restore/copy.js";
import { GUARDIA_BIN } from "../test/harness/cli.js";
import { startPostgres, type PgServer } from "../test/harness/postgres.js";
import { writeStackFile } from "../test/harness/stacks.js";

const DB = "mira_bench";
const GiB = 1024 ** 3;

async function main(): Promise<void> {
  const gib = Number(arg("--gib", "1"));
  const runs = Number(arg("--runs", "1"));
  const work = mkdtempSync(path.join(tmpdir(), "guardia-bench-restore-"));
  const pg = await startPostgres();
  const stack = stackFile(pg, work);
  const env = { ...process.env, ...pg.env(), MIRA_DB_PASSWORD: pg.password, XDG_STATE_HOME: work };
  const sh = (script: string) => {
    const r = spawnSync("bash", ["-c", `set -euo pipefail\n${script}`], {
      env,
      cwd: work,
      stdio: ["ignore", "ignore", "inherit"],
    });
    if (r.status !== 0) throw new Error(`failed (${r.status}): ${script}`);
  };
  const timed = (script: string) => {
    const started = performance.now();
    sh(script);
    return (performance.now() - started) / 1000;
  };
  const lines = [
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  ];
  try {
    const bytes = await generate(pg, gib * GiB);
    lines.push(`database: ${(bytes / GiB).toFixed(2)} GiB (pg_database_size)`);
    const guardia = (args: string) => `${process.execPath} ${GUARDIA_BIN} ${args} --stack ${stack}`;
    lines.push(
      `backup-db: ${timed(`${guardia("backup-db --database mira --yes")} > /dev/null`).toFixed(1)} s`,
    );
    sh(`zstd -d -q -c $(find backups -name dump.pgcustom.zst) > dump.pgcustom`);
    lines.push(`pg_dump plain: ${timed(`pg_dump -d ${DB} -f plain.sql`).toFixed(1)} s`);
    const methods: Record<string, string> = {
      guardia: `${guardia("restore-db --database mira --yes --json")} > guardia.json
        psql -X -q -d postgres -Atc "SELECT datname FROM pg_database WHERE datname LIKE '${DB}__%'" |
          while read -r db; do dropdb "$db"; done`,
      "raw pg_restore -j2": `createdb -T template0 raw && PGOPTIONS='${RESTORE_SESSION}' pg_restore -j2 --exit-on-error -d raw dump.pgcustom && dropdb raw`,
      "MIRA manual (psql)": `createdb -T template0 manual && psql -X -q -v ON_ERROR_STOP=1 -d manual -f plain.sql > /dev/null && dropdb manual`,
    };
    const results: Record<string, number[]> = {};
    for (const fsync of ["on", "off"]) {
      await durability(pg, fsync === "on");
      for (let round = 0; round < runs; round++)
        for (const [name, script] of Object.entries(methods)) {
          const s = timed(script);
          // Where guardia's time goes, from its own result: the gap to the floor, phase by phase.
          const phases =
            name === "guardia" ? ` (${phasesOf(path.join(work, "guardia.json"))})` : "";
          console.error(`fsync=${fsync} ${name}: ${s.toFixed(1)} s${phases}`);
          if (phases) lines.push(`fsync=${fsync} guardia phases:${phases}`);
          (results[`${fsync}|${name}`] ??= []).push(s);
        }
    }
    lines.push(...table(results));
    lines.push(
      `load average at end: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
    );
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    await pg.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(path.dirname(stack), { recursive: true, force: true });
  }
}

/** Cases and episodes, with indexes, until the database is at least `bytes`. */
async function generate(pg: PgServer, bytes: number): Promise<number> {
  await pg.createDatabase(DB);
  await pg.query(
    `CREATE TABLE onco_casos (id bigint PRIMARY KEY, paciente_rut text NOT NULL, estado text NOT NULL,
       fecha_ingreso timestamptz NOT NULL, notas text);
     CREATE TABLE onco_episodios (id bigint PRIMARY KEY, caso_id bigint NOT NULL REFERENCES onco_casos(id),
       fecha timestamptz NOT NULL, tipo text NOT NULL, monto numeric(12,2), detalle text);
     CREATE INDEX ON onco_casos (estado, fecha_ingreso);
     CREATE INDEX ON onco_episodios (caso_id);
     CREATE INDEX ON onco_episodios (fecha);`,
    DB,
  );
  const batch = 500_000;
  for (let b = 0; ; b++) {
    const [row] = await pg.query<{ n: string }>(`SELECT pg_database_size('${DB}') AS n`);
    if (Number(row!.n) >= bytes) return Number(row!.n);
    await pg.query(
      `INSERT INTO onco_casos SELECT g, (10000000 + g)::text || '-' || (g % 10),
              (ARRAY['sospecha','confirmado','tratamiento','alta'])[1 + g % 4],
              timestamptz '2020-01-01' + g * interval '17 s', md5(g::text) || ' ' || md5((g * 7)::text)
         FROM generate_series(${b * batch + 1}, ${(b + 1) * batch}) g;
       INSERT INTO onco_episodios SELECT g * 4 + k, g, timestamptz '2020-01-01' + (g * 4 + k) * interval '5 s',
              (ARRAY['consulta','quimio','radio','control'])[1 + k], round((random() * 1e5)::numeric, 2),
              md5((g * 4 + k)::text)
         FROM generate_series(${b * batch + 1}, ${(b + 1) * batch}) g, generate_series(0, 3) k;`,
      DB,
    );
  }
}

/** fsync, full_page_writes and synchronous_commit: all on (a real server) or all off. */
async function durability(pg: PgServer, on: boolean): Promise<void> {
  for (const name of ["fsync", "full_page_writes", "synchronous_commit"])
    await pg.query(`ALTER SYSTEM SET ${name} = ${on ? "on" : "off"}`);
  await pg.query("SELECT pg_reload_conf()");
}

function stackFile(pg: PgServer, work: string): string {
  return writeStackFile(
    {
      name: "mira",
      environment: "dev",
      namespace: "mira",
      runtime: "local",
      databases: [
        {
          name: "mira",
          engine: "postgres",
          host: pg.host,
          port: pg.port,
          database: DB,
          user: pg.user,
          passwordSecret: { name: "mira-db", key: "password", env: "MIRA_DB_PASSWORD" },
          criticalTables: ["onco_casos", "onco_episodios"],
        },
      ],
      backups: {
        destination: { url: `file://${path.join(work, "backups")}` },
        schedules: [{ name: "daily", cron: "0 2 * * *", keepDays: 30 }],
      },
    },
    "mira-bench",
  );
}

function table(results: Record<string, number[]>): string[] {
  const out = [
    "",
    "| fsync | method | fastest s | runs | ÷ raw pg_restore -j2 |",
    "|---|---|---|---|---|",
  ];
  for (const key of Object.keys(results)) {
    const [fsync, name] = key.split("|") as [string, string];
    const best = Math.min(...results[key]!);
    const raw = Math.min(...results[`${fsync}|raw pg_restore -j2`]!);
    out.push(
      `| ${fsync} | ${name} | ${best.toFixed(1)} | ${results[key]!.map((s) => s.toFixed(1)).join(", ")} | ${(best / raw).toFixed(2)}× |`,
    );
  }
  return out;
}

/** "download 2.1 s, checksum 0.0 s, …, downtime 1.2 s" from a restore-db --json result. */
function phasesOf(file: string): string {
  const { result } = JSON.parse(readFileSync(file, "utf8")) as {
    result: { phasesMs: Record<string, number>; downtimeMs?: number };
  };
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const phases = Object.entries(result.phasesMs).map(([p, ms]) => `${p} ${s(ms)}`);
  return [...phases, `downtime ${s(result.downtimeMs ?? 0)}`].join(", ");
}

function arg(flag: string, fallback: string): string {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

await main();
