import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../lib/incidents/record.js";
import { runCli } from "../harness/cli.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * Incidents in the operators' language: a stack that says `language: es` opens, lists and writes
 * the post-mortem and the support report in Spanish (the post-mortem under the MIRA operations
 * guide's own headings), `--lang en` switches the same commands to English, and what a program
 * reads — the --json keys, the stored record's fields and values — is the same in both.
 */

let dir: string;
let stack: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "guardia-i18n-incidents-"));
  stack = writeStackFile(
    {
      name: "shop",
      environment: "dev",
      namespace: "shop",
      runtime: "local",
      language: "es",
      services: [
        { name: "web", workload: "deployment/web", health: [{ url: "http://127.0.0.1:9/" }] },
      ],
      backups: {
        destination: { url: `file://${dir}/dest` },
        schedules: [{ name: "daily", cron: "0 2 * * *", keepDays: 7 }],
      },
    },
    "shop-dev",
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (stack) rmSync(path.dirname(stack), { recursive: true, force: true });
});

/** The stack's own language: GUARDIA_LANG (set to "en" for every test) removed. */
function guardia(args: string[], cwd = dir) {
  return runCli([...args, "--stack", stack, "--yes"], {
    cwd,
    env: {
      GUARDIA_LANG: undefined,
      GUARDIA_AUDIT_FILE: path.join(dir, "audit.jsonl"),
      GUARDIA_OPERATOR: "ana",
    },
  });
}

function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v).map((c) => `${k}.${c}`)]);
}

const NO_AM = ["--alertmanager-url", "http://127.0.0.1:9"];

describe("incidents in the stack's language, and in English with --lang en", () => {
  const open = ["incident", "open", "--priority", "P3", "--title", "Pedidos fallan"];

  it("open: Spanish by the stack, English with --lang en", async () => {
    const [es, en] = await Promise.all([guardia(open), guardia([...open, "--lang", "en"])]);
    expect(es.code, es.stderr).toBe(0);
    expect(es.stdout).toMatch(/Incidente inc-\S+ abierto: P3 \(responder en 4 horas, antes de /);
    expect(es.stdout).toContain("responsable ana.");
    expect(en.code, en.stderr).toBe(0);
    expect(en.stdout).toMatch(/Incident inc-\S+ open: P3 \(respond within 4 hours, by /);
    expect(en.stdout).not.toContain("Incidente");
  });

  it("open --json: the same keys in both languages", async () => {
    const [jsonEs, jsonEn] = await Promise.all([
      guardia([...open, "--json"]),
      guardia([...open, "--json", "--lang", "en"]),
    ]);
    const [a, b] = [jsonEs, jsonEn].map((r) => JSON.parse(r.stdout) as Record<string, unknown>);
    expect(keysOf(a).length).toBeGreaterThan(10);
    expect(keysOf(a)).toEqual(keysOf(b));
    const incidentEs = (a as { result: { incident: Incident } }).result.incident;
    expect(incidentEs).toMatchObject({ status: "open", priority: "P3" });
  });

  it("list: the table's headings and statuses in Spanish, in English with --lang en", async () => {
    const [listEs, listEn] = await Promise.all([
      guardia(["incident", "list"]),
      guardia(["incident", "list", "--lang", "en"]),
    ]);
    expect(listEs.stdout).toMatch(/ID +PRIORIDAD +ESTADO +RESPONSABLE +ÚLTIMA ENTRADA +TÍTULO/);
    expect(listEs.stdout).toMatch(/P3 +abierto +ana/);
    expect(listEn.stdout).toMatch(/ID +PRIORITY +STATUS +OWNER +LAST ENTRY +TITLE/);
    expect(listEn.stdout).toMatch(/P3 +open +ana/);
  });

  let id = "";

  it("a P1 opened without Alertmanager is stored, and takes a note", async () => {
    const opened = await guardia([
      "incident",
      "open",
      "--priority",
      "P1",
      "--title",
      "La tienda no responde",
      "--json",
      ...NO_AM,
    ]);
    // Alertmanager is not there: the notification fails after the record was stored.
    id = (
      JSON.parse(
        readFileSync(
          path.join(dir, "dest", "incidents", "shop", "dev", `${latestId()}.json`),
          "utf8",
        ),
      ) as Incident
    ).id;
    expect(opened.stdout + opened.stderr).toContain(id);
    const note = await guardia(["incident", "note", "--id", id, "--text", "revisando los pods"]);
    expect(note.code, note.stderr).toBe(0);
  });

  it("the P1's post-mortem under the MIRA template's headings in Spanish, in English with --lang en", async () => {
    const out = path.join(dir, "postmortem-en.md");
    const [es, en] = await Promise.all([
      guardia(["incident", "postmortem", "--id", id, "--json", ...NO_AM]),
      guardia(["incident", "postmortem", "--id", id, "--out", out, "--lang", "en", ...NO_AM]),
    ]);
    expect(es.code, es.stderr).toBe(0);
    const esFile = (JSON.parse(es.stdout) as { result: { postmortem: string } }).result.postmortem;
    const spanish = readFileSync(esFile, "utf8");
    for (const heading of [
      "## Resumen",
      "## Impacto",
      "## Timeline",
      "## Causa Raíz",
      "## Solución",
      "## Acciones Preventivas",
      "## Lecciones Aprendidas",
    ])
      expect(spanish).toContain(`\n${heading}\n`);
    expect(spanish).toMatch(/\*\*Duración\*\*: \d+\.\d horas \(/);
    expect(spanish).toMatch(/\[incidente\] nota: revisando los pods — ana/);
    expect(spanish).toMatch(/\[sin datos\] alertas no leídas: /);

    expect(en.code, en.stderr).toBe(0);
    expect(en.stdout).toContain(`Post-mortem: ${out}`);
    const english = readFileSync(out, "utf8");
    for (const heading of [
      "## Summary",
      "## Impact",
      "## Timeline",
      "## Root cause",
      "## Fix",
      "## Preventive actions",
      "## Lessons learned",
    ])
      expect(english).toContain(`\n${heading}\n`);
    expect(english).toMatch(/\*\*Duration\*\*: \d+\.\d hours \(/);
    expect(english).toMatch(/\[incident\] note: revisando los pods — ana/);
    expect(english).not.toContain("Causa Raíz");
  });

  it("the support report in Spanish, in English with --lang en", async () => {
    const [es, en] = await Promise.all([
      guardia(["support-report", ...NO_AM]),
      guardia(["support-report", "--lang", "en", ...NO_AM]),
    ]);
    expect(es.code, es.stderr).toBe(0);
    expect(es.stdout).toContain("# Indicadores de soporte — shop-dev");
    expect(es.stdout).toContain("| Prioridad | Incidentes | Atendidos |");
    expect(es.stdout).toContain("## No contabilizado");
    expect(en.stdout).toContain("# Support indicators — shop-dev");
    expect(en.stdout).toContain("## Closed with a root cause identified");
  });

  it("the support report's JSON is the same in both languages", async () => {
    const json = async (lang: string[]) => {
      const run = await guardia(["support-report", "--format", "json", ...lang, ...NO_AM]);
      return JSON.parse(run.stdout) as Record<string, unknown>;
    };
    const [a, b] = await Promise.all([json([]), json(["--lang", "en"])]);
    expect(keysOf(a)).toContain("perPriority.P1.meanResolveMinutes");
    expect(keysOf(a)).toEqual(keysOf(b));
    expect(a.incidents).toBeGreaterThan(0);
    expect(a.incidents).toBe(b.incidents);
  });
});

/** The newest incident stored (ids sort by opening time). */
function latestId(): string {
  const files = readdirSync(path.join(dir, "dest", "incidents", "shop", "dev"))
    .filter((f) => f.endsWith(".json"))
    .sort();
  return files.at(-1)!.slice(0, -5);
}
