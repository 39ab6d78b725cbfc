import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../harness/cli.js";
import { startHttpServer, type HttpServer } from "../harness/http.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * The routine in the operators' language: a local stack that says `language: es` runs its daily
 * checklist against real log files and writes its report in Spanish (at the backup destination,
 * as the Markdown a person reads); `--lang en` writes the same report in English, and the JSON
 * result keeps its keys, ids and verdicts whatever the language. health-check against real HTTP
 * servers on loopback prints its table and verdict in Spanish too.
 */

let work: string;
let stack: string;
let up: HttpServer;
let down: HttpServer;

beforeAll(async () => {
  [up, down] = await Promise.all([startHttpServer("ok"), startHttpServer("error")]);
  work = mkdtempSync(path.join(tmpdir(), "guardia-i18n-ops-"));
  const logs = path.join(work, "logs");
  mkdirSync(logs);
  const at = new Date(Date.now() - 600_000).toISOString();
  const lines = Array.from({ length: 4 }, (_, i) => `${at} ERROR timeout calling ALMA ${i}`);
  writeFileSync(path.join(logs, "app.log"), `${lines.join("\n")}\n${at} INFO all good\n`);
  stack = writeStackFile(
    {
      name: "mira",
      environment: "staging",
      namespace: "mira",
      runtime: "local",
      language: "es",
      services: [{ name: "api", local: { cwd: work } }],
      backups: {
        destination: { url: `file://${path.join(work, "backups")}` },
        schedules: [{ name: "daily", cron: "0 2 * * *", keepDays: 30 }],
      },
      logs: [{ name: "app", paths: [`${logs}/*.log`], deleteAfterDays: 30 }],
      routine: { receivers: [] },
    },
    "mira-staging",
  );
});

afterAll(async () => {
  await up?.stop();
  await down?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
  if (stack) rmSync(path.dirname(stack), { recursive: true, force: true });
});

/** The stack's own language: GUARDIA_LANG (English for every other test) removed. */
async function routine(...args: string[]) {
  const run = await runCli(["routine", "--stack", stack, "--period", "daily", "--yes", ...args], {
    env: { GUARDIA_LANG: undefined, GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl") },
    timeoutMs: 120_000,
  });
  expect(run.code, run.stderr).toBe(0);
  return run;
}

function newestReport(): string {
  const dir = path.join(work, "backups", "mira", "staging", "reports", "daily");
  const newest = readdirSync(dir)
    .filter((f) => f.endsWith(".md"))
    .sort()
    .at(-1)!;
  return readFileSync(path.join(dir, newest), "utf8");
}

interface Result {
  result: Record<string, unknown> & { items: { id: string; verdict: string; summary: string }[] };
}

function shape(json: Result) {
  return {
    keys: Object.keys(json.result).sort(),
    items: json.result.items.map((i) => [i.id, i.verdict, Object.keys(i).sort().join()]),
  };
}

describe("the routine in Spanish and English", () => {
  it("writes the report in the stack's language, and in English with --lang en", async () => {
    const spanish = await routine();
    const es = newestReport();
    expect(es).toMatch(/^# guardia, rutina diaria: mira staging$/m);
    expect(es).toContain("**0 fallidos, 1 requieren atención, 0 manuales, 0 ok**");
    expect(es).toContain("Primer informe de este período: no hay con qué comparar.");
    expect(es).toContain("## Problemas");
    expect(es).toContain("### ATENCIÓN: Líneas de error de los archivos de log app");
    expect(es).toContain(
      "4 línea(s) de error en el período de 24 h; los mensajes más frecuentes, abajo (1)",
    );
    expect(es).toContain("## El resto");
    expect(es).not.toMatch(/Problems|error line|First report/);
    // The report printed at the end of the run is the same document; the progress is Spanish too.
    expect(spanish.stdout).toContain("## Problemas");
    expect(spanish.stderr).toContain("Leer el informe anterior de la rutina diaria");

    await routine("--lang", "en");
    const en = newestReport();
    expect(en).toMatch(/^# guardia routine, daily: mira staging$/m);
    expect(en).toContain("**0 failed, 1 attention, 0 manual, 0 ok**. 0 changed since the last run");
    expect(en).toContain("### ATTENTION: Error lines of the app log files");
    expect(en).not.toMatch(/Problemas|rutina|línea/);
  });

  it("keeps the JSON result's keys, ids and verdicts in every language", async () => {
    const es = JSON.parse((await routine("--json")).stdout) as Result;
    const en = JSON.parse((await routine("--json", "--lang", "en")).stdout) as Result;
    expect(shape(es)).toEqual(shape(en));
    expect(es.result.items[0]!.summary).toMatch(/^4 línea\(s\) de error/);
    expect(en.result.items[0]!.summary).toMatch(/^4 error line\(s\)/);
  });
});

describe("health-check in Spanish", () => {
  it("prints the table and the failed verdict in the stack's language", async () => {
    const env = { GUARDIA_LANG: undefined, GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl") };
    const checked = writeStackFile(
      {
        name: "mira",
        environment: "staging",
        namespace: "mira",
        runtime: "local",
        language: "es",
        services: [
          { name: "api", local: { cwd: work }, health: [{ url: `${up.url}/health` }] },
          { name: "web", local: { cwd: work }, health: [{ url: `${down.url}/health` }] },
        ],
      },
      "mira-staging",
    );
    const es = await runCli(["health-check", "--stack", checked], { env });
    expect(es.code, es.stderr).toBe(1);
    expect(es.stdout).toMatch(
      /^DISPONIBLE\s+endpoint\s+api http:\/\/127\.0\.0\.1:\d+\/health\s+\d+ ms\s+HTTP 200$/m,
    );
    expect(es.stdout).toMatch(/^CAÍDO\s+endpoint\s+web .*HTTP 500, se esperaba 200$/m);
    expect(es.stderr).toContain("Sondear 2 endpoint(s) y 0 base(s) de datos");
    expect(es.stderr).toContain("1 de 2 verificación(es) fallaron");
    const en = await runCli(["health-check", "--stack", checked, "--lang", "en"], { env });
    expect(en.code).toBe(1);
    expect(en.stdout).toMatch(/^DOWN\s+endpoint\s+web .*HTTP 500, expected 200$/m);
    expect(en.stderr).toContain("1 of 2 check(s) failed");
    rmSync(path.dirname(checked), { recursive: true, force: true });
  });
});

describe("rotate-logs in Spanish", () => {
  it("plans in the stack's language with the real logrotate, and changes nothing in a dry run", async () => {
    const env = { GUARDIA_LANG: undefined, GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl") };
    const state = path.join(work, "logrotate.state");
    const args = ["rotate-logs", "--stack", stack, "--dry-run", "--state-file", state];
    const es = await runCli(args, { env });
    expect(es.code, es.stderr).toBe(0);
    const plan = `${es.stdout}${es.stderr}`;
    expect(plan).toContain('Listar los archivos de log "app" y lo que pasará con ellos');
    expect(plan).toContain("1 archivo(s) activo(s), 0 por rotar");
    expect(plan).toContain('Rotar los archivos de log "app" con logrotate');
    // The commands are data: the same argv in every language.
    expect(plan).toMatch(/\$ \S*logrotate --debug --state /);
    const en = await runCli([...args, "--lang", "en"], { env });
    expect(`${en.stdout}${en.stderr}`).toContain("1 live file(s), 0 to rotate");
    expect(readdirSync(path.join(work, "logs"))).toEqual(["app.log"]);
  });
});
