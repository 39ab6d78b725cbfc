import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { setLanguage } from "../../lib/i18n/index.js";
import { confirmChanges, type ConfirmIO } from "../../lib/runbook/confirm.js";
import type { RunRecord } from "../../lib/runbook/record.js";
import { planMarkdown, reportMarkdown } from "../../lib/runbook/report.js";
import { stateAfterFailure } from "../../lib/runbook/steps.js";
import { runCli } from "../harness/cli.js";
import { startHttpServer, type HttpServer } from "../harness/http.js";
import { writeStackFile } from "../harness/stacks.js";
import { repoRoot } from "../harness/tools.js";

/**
 * The language every runbook shares: the plan, the refusal and the state after a failure speak
 * the stack's language (the example stacks say `language: es`) unless --lang or GUARDIA_LANG
 * choose another; what code reads — the --json result's keys, exit codes — never changes.
 */

const MIRA = path.join(repoRoot, "stacks", "Pulumi.mira-local.yaml");
let web: HttpServer;
let english: string;
let work: string;

beforeAll(async () => {
  web = await startHttpServer("ok");
  english = writeStackFile({
    name: "shop",
    environment: "dev",
    namespace: "shop",
    runtime: "local",
    services: [{ name: "web", health: [{ url: `${web.url}/health` }] }],
  });
  work = mkdtempSync(path.join(tmpdir(), "guardia-i18n-"));
});

afterAll(async () => {
  await web.stop();
});

/** guardia with GUARDIA_LANG unset unless `lang` sets it: the stack's language decides. */
const guardia = (args: readonly string[], lang?: string) =>
  runCli(args, {
    env: { GUARDIA_LANG: lang, GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl") },
  });

const restartDryRun = ["restart-service", "--stack", "mira-local", "--service", "nocobase"];

describe("a Spanish example stack through the command line", () => {
  it("prints its dry-run plan in Spanish, and in English with --lang en", async () => {
    const es = await guardia([...restartDryRun, "--dry-run"]);
    expect(es.code).toBe(0);
    expect(es.stdout.split("\n")[0]).toBe(
      `Plan: restart-service en mira-local (dev, ${MIRA}) — simulación, no se cambió nada`,
    );
    expect(es.stdout).toMatch(/^ {2}1\. \[cambio\] .* — planificado$/m);

    const en = await guardia([...restartDryRun, "--dry-run", "--lang", "en"]);
    expect(en.code).toBe(0);
    expect(en.stdout.split("\n")[0]).toBe(
      `Plan: restart-service on mira-local (dev, ${MIRA}) — dry run, nothing was changed`,
    );
    expect(en.stdout).toMatch(/^ {2}1\. \[change\] .* — planned$/m);
    // The commands the plan shows are the same in both: only the words around them change.
    const commands = (text: string) => text.split("\n").filter((l) => l.trim().startsWith("$"));
    expect(commands(es.stdout)).toEqual(commands(en.stdout));
    expect(commands(es.stdout).length).toBeGreaterThan(0);
  });

  it("refuses an unconfirmable change in Spanish, with the same exit code", async () => {
    const es = await guardia(restartDryRun);
    const en = await guardia([...restartDryRun, "--lang=en"]);
    expect([es.code, en.code]).toEqual([3, 3]);
    expect(es.stderr).toContain(
      "guardia restart-service: no se ejecutan 1 paso(s) que cambian el sistema sin confirmación",
    );
    expect(es.stderr).toContain("Estado tras la falla: no se cambió nada.");
    expect(en.stderr).toContain("refusing to run 1 mutating step(s) without confirmation");
  });

  it("gives the same --json keys and exit code in both languages", async () => {
    const es = await guardia([...restartDryRun, "--dry-run", "--json"]);
    const en = await guardia([...restartDryRun, "--dry-run", "--json", "--lang", "en"]);
    expect([es.code, en.code]).toEqual([0, 0]);
    const esResult = JSON.parse(es.stdout) as RunRecord;
    const enResult = JSON.parse(en.stdout) as RunRecord;
    expect(shape(esResult)).toEqual(shape(enResult));
    expect(esResult).toMatchObject({ outcome: "planned", exitCode: 0 });
    expect(esResult.steps.map((s) => [s.kind, s.status])).toEqual(
      enResult.steps.map((s) => [s.kind, s.status]),
    );
  });
});

describe("GUARDIA_LANG and --lang", () => {
  it("GUARDIA_LANG=es makes an English stack's plan Spanish", async () => {
    const args = ["health-check", "--stack", english, "--dry-run"];
    const es = await guardia(args, "es");
    expect(es.code).toBe(0);
    expect(es.stdout.split("\n")[0]).toBe(
      `Plan: health-check en test (dev, ${english}) — simulación, no se cambió nada`,
    );
    expect(es.stdout).toMatch(/\[lectura\] .* — ejecutado/);
    const en = await guardia(args);
    expect(en.stdout.split("\n")[0]).toBe(
      `Plan: health-check on test (dev, ${english}) — dry run, nothing was changed`,
    );
  });

  it("--lang beats GUARDIA_LANG", async () => {
    const result = await guardia(
      ["health-check", "--stack", english, "--dry-run", "--lang", "es"],
      "en",
    );
    expect(result.stdout).toMatch(/^Plan: health-check en test/);
  });

  it("an unknown --lang is bad input (exit 2) that says which languages there are", async () => {
    const text = await guardia([...restartDryRun, "--dry-run", "--lang", "xx"]);
    expect(text.code).toBe(2);
    expect(text.stdout).toBe("");
    expect(text.stderr).toBe('guardia: --lang: expected one of en, es, got "xx"\n');
    const json = await guardia([...restartDryRun, "--dry-run", "--json", "--lang", "xx"]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({
      outcome: "bad-input",
      exitCode: 2,
      error: '--lang: expected one of en, es, got "xx"',
    });
  });

  it("a usage error speaks the chosen language", async () => {
    const es = await guardia(["health-check", "--lang", "es"]);
    expect(es.code).toBe(2);
    expect(es.stderr).toBe("guardia: health-check necesita --stack <nombre o ruta>\n");
  });
});

describe("the engine's texts in Spanish, in-process", () => {
  afterEach(() => setLanguage("en"));

  const run: RunRecord = {
    runbook: "restore-db",
    stack: "mira-prod",
    stackFile: "stacks/Pulumi.mira-prod.yaml",
    environment: "prod",
    params: { database: "mira" },
    dryRun: false,
    operator: "ana@example.org",
    startedAt: "2026-12-02T01:00:00.000Z",
    finishedAt: "2026-12-02T01:00:03.000Z",
    durationMs: 3000,
    outcome: "failed",
    exitCode: 1,
    error: "step 2 failed",
    steps: [
      {
        index: 1,
        title: "Stop the workers",
        kind: "change",
        status: "ok",
        durationMs: 1000,
        startedAt: "2026-12-02T01:00:00.000Z",
        attempts: 1,
        commands: [],
      },
      {
        index: 2,
        title: "Load the dump",
        kind: "change",
        status: "failed",
        durationMs: 2000,
        startedAt: "2026-12-02T01:00:01.000Z",
        attempts: 1,
        commands: [],
        error: "disk full",
      },
    ],
    rollback: [{ step: "Stop the workers", status: "manual", detail: "start them again" }],
    guardiaVersion: "0.0.0",
  };

  it("writes the report, the Markdown plan and the state after the failure", () => {
    setLanguage("es");
    const report = reportMarkdown(run);
    expect(report).toContain("# Evidencia: `restore-db` en `mira-prod` — fallido");
    expect(report).toContain("| # | paso | tipo | estado | tiempo | resumen |");
    expect(report).toContain("| 2 | Load the dump | cambio | fallido | 2.0 s | disk full |");
    expect(report).toContain("- Stop the workers: manual — start them again");
    expect(planMarkdown(run)).toContain("- Modo: ejecución");
    expect(stateAfterFailure(run, [])).toBe(
      "Estado tras la falla:\n  no terminó: Load the dump\n  quedó así: Stop the workers (para deshacerlo: start them again)",
    );
    setLanguage("en");
    expect(reportMarkdown(run)).toContain("# Evidence: `restore-db` on `mira-prod` — failed");
  });

  it("asks in Spanish and takes «sí» as yes; in English «s» is no", async () => {
    const asked: string[] = [];
    const io = (answer: string): ConfirmIO => ({
      interactive: true,
      ask: async (question) => (asked.push(question), answer),
    });
    const options = { environment: "dev" as const, target: "mira", summary: "Cambios:" };
    setLanguage("es");
    await confirmChanges({ ...options, io: io("sí") });
    expect(asked[0]).toBe(
      "Cambios:\nSin respuesta en 5 min se entiende que no.\n¿Continuar? [s/N] ",
    );
    await expect(confirmChanges({ ...options, io: io("no") })).rejects.toThrow("no confirmado");
    setLanguage("en");
    await expect(confirmChanges({ ...options, io: io("s") })).rejects.toThrow("not confirmed");
  });
});

/** The value's keys, recursively, with every leaf replaced by its type: what JSON readers rely on. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shape(v)]),
    );
  return typeof value;
}
