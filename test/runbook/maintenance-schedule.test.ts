import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAlertmanager, type AlertmanagerServer } from "../harness/alertmanager.js";
import { runCli } from "../harness/cli.js";
import { startHttpServer, type HttpServer } from "../harness/http.js";
import { startSmtp, type SmtpServer } from "../harness/smtp.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * Announced maintenance windows (logistics support plan, Comunicaciones: 48 hours' notice): a
 * window scheduled ahead is stored at the backup destination, announced to a real local webhook
 * and published in an iCalendar feed that Python's `icalendar` (Debian's python3-icalendar, an
 * independent parser) reads; too little notice is refused in prod; opening finds the scheduled
 * window and reminds the receivers. Against a real Alertmanager for the opening's silence.
 */

const ROUTING = "route:\n  receiver: none\nreceivers:\n  - name: none\n";
const DEBIAN_PYTHON = "/usr/bin/python3";
const HOUR = 3_600_000;

let am: AlertmanagerServer;
let web: HttpServer;
let hook: HttpServer;
let smtp: SmtpServer;
let hookStatus = 200;
const posts: { event: string; window: { id: string; objective: string; emergency?: string } }[] =
  [];
let work: string;
let backups: string;

beforeAll(async () => {
  [am, web, smtp] = await Promise.all([
    startAlertmanager(ROUTING),
    startHttpServer("ok"),
    startSmtp(),
  ]);
  hook = await startHttpServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      if (hookStatus === 200) posts.push(JSON.parse(body) as (typeof posts)[number]);
      res.writeHead(hookStatus).end(hookStatus === 200 ? "ok" : "down");
    });
  });
});

afterAll(async () => {
  await Promise.all([am?.stop(), web?.stop(), hook?.stop(), smtp?.stop()]);
});

beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), "guardia-schedule-"));
  backups = path.join(work, "backups");
  posts.length = 0;
  hookStatus = 200;
});

function stack(environment: "prod" | "staging", mail = false): string {
  const email = {
    name: "support",
    type: "email",
    to: ["soporte@logistica.example"],
    from: "guardia@logistica.example",
    smarthost: smtp.smarthost,
  };
  return writeStackFile(
    {
      name: "logistica",
      environment,
      namespace: "logistica",
      services: [{ name: "api", workload: "deployment/api", health: [{ url: `${web.url}/h` }] }],
      backups: { destination: { url: `file://${backups}` } },
      alerting: {
        receivers: [
          {
            name: "ops",
            type: "webhook",
            urlSecret: { name: "hooks", key: "ops", env: "OPS_HOOK" },
          },
          ...(mail ? [email] : []),
        ],
      },
      monitoring: { alertmanagerUrl: am.url },
    },
    `logistica-${environment}-${path.basename(work)}`,
  );
}

const window = (stackFile: string, ...args: string[]) =>
  runCli(["maintenance-window", "--stack", stackFile, "--operator", "ana", "--yes", ...args], {
    cwd: work,
    env: { GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl"), OPS_HOOK: `${hook.url}/ops` },
  });

const inHours = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

const schedule = (stackFile: string, startHours: number, ...extra: string[]) =>
  window(
    stackFile,
    "--schedule",
    "--objective",
    "Upgrade Django to 5.2",
    "--start",
    inHours(startHours),
    "--duration",
    "2h",
    "--rollback",
    "redeploy the previous image",
    "--criteria",
    "an order can be created",
    ...extra,
  );

const scheduleDir = () => path.join(backups, "maintenance", "logistica", "prod");

/** The feed as Python's icalendar reads it: one [uid, summary, start, end] per event. */
function parsedCalendar(file: string): string[][] {
  const script = [
    "import json, sys, icalendar",
    "cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())",
    "print(json.dumps([[str(e['UID']), str(e['SUMMARY']), e['DTSTART'].dt.isoformat(), e['DTEND'].dt.isoformat()] for e in cal.walk('VEVENT')]))",
  ].join("\n");
  return JSON.parse(execFileSync(DEBIAN_PYTHON, ["-c", script, file], { encoding: "utf8" }));
}

describe("maintenance-window --schedule", () => {
  it("refuses a prod window 24 h ahead without --emergency: nothing stored, nobody told", async () => {
    const run = await schedule(stack("prod"), 24);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/announces maintenance windows 48 h ahead/);
    expect(run.stderr).toMatch(/--emergency --reason/);
    expect(existsSync(scheduleDir())).toBe(false);
    expect(posts).toEqual([]);
  });

  it("announces a window 72 h ahead and publishes it in a calendar a standard parser reads", async () => {
    const start = inHours(72);
    const run = await window(
      stack("prod"),
      "--schedule",
      "--objective",
      "Upgrade Django to 5.2; migrate, then restart",
      "--start",
      start,
      "--duration",
      "2h",
      "--json",
    );
    expect(run.code, run.stderr).toBe(0);
    const id = `mw-${start.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}`;
    expect(posts).toEqual([
      expect.objectContaining({
        event: "maintenance-window-scheduled",
        window: expect.objectContaining({
          id,
          objective: "Upgrade Django to 5.2; migrate, then restart",
        }),
      }),
    ]);
    const events = parsedCalendar(path.join(scheduleDir(), "windows.ics"));
    const seconds = (iso: string) => new Date(iso).toISOString().replace(/\.\d+Z$/, "Z");
    expect(events).toHaveLength(1);
    const [uid, summary, dtstart, dtend] = events[0]!;
    expect(uid).toBe(`${id}@logistica.prod.guardia`);
    expect(summary).toBe(
      "Maintenance logistica prod: Upgrade Django to 5.2; migrate, then restart",
    );
    expect(seconds(dtstart!)).toBe(seconds(start));
    expect(Date.parse(dtend!) - Date.parse(dtstart!)).toBe(2 * HOUR);
    expect(readdirSync(scheduleDir()).sort()).toEqual([`${id}.json`, "windows.ics"]);
  });

  it("takes a window with less notice as an emergency, keeping the reason in the feed and the record", async () => {
    const prod = stack("prod");
    expect((await schedule(prod, 96)).code).toBe(0);
    const run = await schedule(prod, 24, "--emergency", "--reason", "security fix CVE-2026-1234");
    expect(run.code, run.stderr).toBe(0);
    expect(posts.map((p) => p.window.emergency)).toEqual([undefined, "security fix CVE-2026-1234"]);
    const events = parsedCalendar(path.join(scheduleDir(), "windows.ics"));
    expect(events).toHaveLength(2);
    const ics = readFileSync(path.join(scheduleDir(), "windows.ics"), "utf8");
    expect(ics.replace(/\r\n /g, "")).toContain(
      "Emergency\\, with less notice than usual: security fix CVE-2026-1234",
    );
    expect((await schedule(prod, 24, "--emergency")).code).toBe(2);
  });

  it("announces by e-mail too, through a real SMTP server", async () => {
    const before = smtp.messages().length;
    const run = await schedule(stack("prod", true), 80);
    expect(run.code, run.stderr).toBe(0);
    const mails = smtp.messages().slice(before);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!.replace(/=\r?\n/g, "");
    expect(mail).toMatch(/^To: soporte@logistica\.example$/m);
    expect(mail).toMatch(/^Subject: Maintenance window scheduled: logistica prod: Objective: /m);
    expect(mail).toContain("Rollback: redeploy the previous image");
    expect(mail).toContain(`Calendar: file://${backups}/maintenance/logistica/prod/windows.ics`);
    expect(posts).toHaveLength(1);
  });

  it("a dry run lists the notice check, the record, the calendar and the announcement, and changes nothing", async () => {
    const run = await schedule(stack("prod"), 72, "--dry-run");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Check the notice: the stack asks 48 h/);
    expect(run.stdout).toMatch(/Store the window mw-/);
    expect(run.stdout).toContain(`file://${backups}/maintenance/logistica/prod/windows.ics`);
    expect(run.stdout).toContain("POST <URL from Secret hooks/ops>");
    expect(run.stdout).not.toContain(hook.url);
    expect(existsSync(scheduleDir())).toBe(false);
    expect(posts).toEqual([]);
  });

  it("an announcement that does not arrive takes the window back out of the schedule and the feed", async () => {
    const prod = stack("prod");
    expect((await schedule(prod, 100)).code).toBe(0);
    hookStatus = 500;
    const run = await schedule(prod, 72);
    expect(run.code).toBe(1);
    expect(run.stderr + run.stdout).toMatch(/receiver ops answered 500/);
    const stored = readdirSync(scheduleDir()).filter((f) => f.endsWith(".json"));
    expect(stored).toHaveLength(1);
    expect(parsedCalendar(path.join(scheduleDir(), "windows.ics"))).toHaveLength(1);
  });
});

describe("opening a window and the schedule", () => {
  it("in prod an unscheduled window is refused without --emergency, and no silence is created", async () => {
    const run = await window(stack("prod"), "--objective", "hotfix", "--duration", "30m");
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/starts now/);
    expect((await am.silences()).filter((s) => s.status.state !== "expired")).toEqual([]);
  });

  it("opens a scheduled window: the record says it was announced, and the receivers are reminded", async () => {
    const staging = stack("staging");
    expect((await schedule(staging, 0.5)).code).toBe(0);
    const run = await window(staging, "--objective", "Upgrade Django to 5.2", "--duration", "1h");
    expect(run.code, run.stderr).toBe(0);
    expect(posts.map((p) => p.event)).toEqual([
      "maintenance-window-scheduled",
      "maintenance-window-opens",
    ]);
    const [record] = readdirSync(path.join(work, "maintenance"));
    const text = readFileSync(path.join(work, "maintenance", record!), "utf8");
    expect(text).toMatch(/- Announced: scheduled as mw-\S+ by ana at /);
    await closeWindow(staging);
  });

  it("an unscheduled window where the stack asks no notice is opened, and its record says so", async () => {
    const staging = stack("staging");
    const run = await window(staging, "--objective", "restart Redis", "--duration", "30m");
    expect(run.code, run.stderr).toBe(0);
    const [record] = readdirSync(path.join(work, "maintenance"));
    expect(readFileSync(path.join(work, "maintenance", record!), "utf8")).toContain(
      "- Announced: never scheduled: opened without announcement",
    );
    expect(posts.map((p) => p.event)).toEqual(["maintenance-window-opens"]);
    await closeWindow(staging);
  });
});

async function closeWindow(stackFile: string): Promise<void> {
  const closed = await window(stackFile, "--close");
  expect(closed.code, closed.stderr).toBe(0);
}
