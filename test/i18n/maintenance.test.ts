import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setLanguage } from "../../lib/i18n/index.js";
import { windowClosing, windowHeader } from "../../lib/monitoring/maintenance-record.js";
import { silencePlan } from "../../lib/monitoring/silences.js";
import { loadStack } from "../../lib/model/index.js";
import { runCli } from "../harness/cli.js";
import { startSmtp, type SmtpServer } from "../harness/smtp.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * Maintenance windows in the operators' language: a Spanish stack schedules a window and its
 * announcement mail (a real SMTP server), its calendar event (read by Python's icalendar) and the
 * run's output are Spanish; `--lang en` gives the operator English, while the feed and the
 * announcement, which the whole team reads, stay in the stack's language; the stored window has the same fields in
 * both. The window record (the INATrace operations manual's format) is written in either.
 */

const HOUR = 3_600_000;
const DEBIAN_PYTHON = "/usr/bin/python3";

let smtp: SmtpServer;
let work: string;
let stack: string;

beforeAll(async () => {
  smtp = await startSmtp();
  work = mkdtempSync(path.join(tmpdir(), "guardia-i18n-maintenance-"));
  stack = writeStackFile(
    {
      name: "logistica",
      environment: "prod",
      namespace: "logistica",
      language: "es",
      services: [
        { name: "api", workload: "deployment/api", health: [{ url: "http://127.0.0.1:9/" }] },
      ],
      backups: { destination: { url: `file://${work}/backups` } },
      alerting: {
        receivers: [
          {
            name: "support",
            type: "email",
            to: ["soporte@logistica.example"],
            from: "guardia@logistica.example",
            smarthost: smtp.smarthost,
          },
        ],
      },
    },
    "logistica-prod",
  );
});

afterAll(async () => {
  await smtp?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
  if (stack) rmSync(path.dirname(stack), { recursive: true, force: true });
});

/** The stack's own language: GUARDIA_LANG (set to "en" for every test) removed. */
const schedule = (hours: number, ...extra: string[]) =>
  runCli(
    [
      "maintenance-window",
      "--stack",
      stack,
      "--operator",
      "ana",
      "--yes",
      "--schedule",
      "--objective",
      "Actualizar Django",
      "--start",
      new Date(Date.now() + hours * HOUR).toISOString(),
      "--rollback",
      "volver a la imagen anterior",
      ...extra,
    ],
    {
      cwd: work,
      env: { GUARDIA_LANG: undefined, GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl") },
    },
  );

const scheduleDir = () => path.join(work, "backups", "maintenance", "logistica", "prod");

/** The feed's event summaries as Python's icalendar reads them. */
function summaries(): string[] {
  const script = [
    "import json, sys, icalendar",
    "cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())",
    "print(json.dumps([str(e['SUMMARY']) for e in cal.walk('VEVENT')]))",
  ].join("\n");
  const file = path.join(scheduleDir(), "windows.ics");
  return JSON.parse(execFileSync(DEBIAN_PYTHON, ["-c", script, file], { encoding: "utf8" }));
}

function storedWindows(): Record<string, unknown>[] {
  return readdirSync(scheduleDir())
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(path.join(scheduleDir(), f), "utf8")));
}

describe("maintenance windows in the stack's language, and in English with --lang en", () => {
  it("schedules and announces in Spanish; --lang en changes the operator's output, not the feed or the announcement; the stored window is the same", async () => {
    const es = await schedule(72);
    expect(es.code, es.stderr).toBe(0);
    expect(es.stdout).toMatch(/Ventana de mantenimiento mw-\S+ programada desde /);
    expect(es.stdout).toContain("Calendario: file://");
    expect(summaries()).toEqual(["Mantenimiento logistica prod: Actualizar Django"]);
    // Soft line breaks of quoted-printable, and folded header lines, joined again.
    const mails = () =>
      smtp.messages().map((m) => m.replace(/=\r?\n/g, "").replace(/\r?\n /g, " "));
    const [mailEs] = mails();
    expect(mailEs).toMatch(
      /^Subject: Ventana de mantenimiento programada: logistica prod: Objetivo: Actualizar Django$/m,
    );
    expect(mailEs).toContain("Calendario: file://");
    expect(mailEs).toContain("Programada por ana el ");

    const en = await schedule(96, "--lang", "en");
    expect(en.code, en.stderr).toBe(0);
    expect(en.stdout).toMatch(/Maintenance window mw-\S+ scheduled from /);
    // What the whole team reads — the feed and the announcement — stays in the stack's language
    // whoever schedules; only the operator's own output follows --lang.
    expect(summaries()).toEqual([
      "Mantenimiento logistica prod: Actualizar Django",
      "Mantenimiento logistica prod: Actualizar Django",
    ]);
    const mailEn = mails().at(-1)!;
    expect(mailEn).toMatch(/^Subject: Ventana de mantenimiento programada: logistica prod: /m);

    const [a, b] = storedWindows();
    expect(Object.keys(a!).length).toBeGreaterThan(8);
    expect(Object.keys(a!)).toEqual(Object.keys(b!));
  });

  it("refuses too little notice in Spanish, and in English with --lang en, with the same exit code", async () => {
    const es = await schedule(24);
    expect(es.stderr).toContain("anuncia las ventanas de mantenimiento con 48 h de anticipación");
    expect(es.stderr).toContain('--emergency --reason "<por qué no puede esperar>"');
    const en = await schedule(24, "--lang", "en");
    expect(en.stderr).toContain("announces maintenance windows 48 h ahead");
    expect(es.code).not.toBe(0);
    expect(es.code).toBe(en.code);
  });

  it("writes the window record in Spanish or English", () => {
    const { platform } = loadStack(stack);
    const record = (language: "es" | "en") => {
      setLanguage(language);
      try {
        const silence = silencePlan({
          platform,
          createdBy: "ana",
          comment: "guardia maintenance-window mw-x: Actualizar Django",
          durationSeconds: 7200,
        });
        const header = windowHeader(
          {
            id: "mw-x",
            stack: "logistica-prod",
            objective: "Actualizar Django",
            ticket: undefined,
            services: ["api"],
            silence,
            steps: ["migrar"],
            rollback: [],
            criteria: [],
            smokeFlows: [],
            openedBy: "ana",
          },
          "s-1",
          "",
          undefined,
        );
        const closing = windowClosing({ closedBy: "luis", health: "", newAlerts: [], failed: [] });
        return header + closing;
      } finally {
        setLanguage("en");
      }
    };
    const es = record("es");
    for (const text of [
      "# Ventana de mantenimiento mw-x — logistica-prod",
      "- Objetivo: Actualizar Django",
      "## Pasos\n\n1. migrar",
      "## Reversión\n\n_no indicada (--rollback)_",
      "## Criterios de éxito",
      "silencio {",
      "Veredicto: **ÉXITO**: se cumplieron todos los criterios.",
    ])
      expect(es).toContain(text);
    const en = record("en");
    expect(en).toContain("## Steps\n\n1. migrar");
    expect(en).toContain("Verdict: **SUCCESS**: every criterion passed.");
    expect(en).not.toContain("Objetivo");
  });
});
