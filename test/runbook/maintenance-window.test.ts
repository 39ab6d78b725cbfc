import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAlertmanager, type AlertmanagerServer } from "../harness/alertmanager.js";
import { runCli } from "../harness/cli.js";
import { startHttpServer, type HttpServer } from "../harness/http.js";
import { waitUntil } from "../harness/process.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * maintenance-window against a real Alertmanager (0.28) and real HTTP services: the silence it
 * creates, the record it writes, and the success criteria it runs when the window closes.
 */

const ROUTING = "route:\n  receiver: none\nreceivers:\n  - name: none\n";
let am: AlertmanagerServer;
let web: HttpServer;
let smokeBody = "Bienvenido a MIRA";
let stack: string;
let work: string;

beforeAll(async () => {
  am = await startAlertmanager(ROUTING);
  web = await startHttpServer((req, res) =>
    res.writeHead(200).end(req.url === "/login" ? smokeBody : "ok"),
  );
  stack = writeStackFile(
    {
      name: "mira",
      environment: "staging",
      namespace: "mira",
      services: [
        {
          name: "nocobase",
          workload: "deployment/nocobase",
          health: [{ url: `${web.url}/api/__health_check` }],
        },
      ],
      smokeChecks: [{ name: "login", url: `${web.url}/login`, contains: "Bienvenido" }],
      monitoring: { alertmanagerUrl: am.url },
    },
    "mira-staging",
  );
});

afterAll(async () => {
  await Promise.all([am.stop(), web.stop()]);
});

beforeEach(async () => {
  work = mkdtempSync(path.join(tmpdir(), "guardia-window-"));
  smokeBody = "Bienvenido a MIRA";
  for (const silence of await am.silences()) {
    if (silence.status.state !== "expired")
      await fetch(`${am.url}/api/v2/silence/${silence.id}`, { method: "DELETE" });
  }
});

const window = (...args: string[]) =>
  runCli(["maintenance-window", "--stack", stack, "--operator", "ana@hospital.cl", ...args], {
    cwd: work,
    env: { GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl") },
  });
const open = (...extra: string[]) =>
  window(
    "--objective",
    "Upgrade NocoBase to 2.2.15",
    "--duration",
    "1h",
    "--steps",
    "stop app; migrate; start app",
    "--rollback",
    "restore the backup",
    "--yes",
    ...extra,
  );
const activeSilences = async () =>
  (await am.silences()).filter((s) => s.status.state !== "expired");

describe("maintenance-window", () => {
  it("--dry-run shows the silence it would create and creates none", async () => {
    const result = await window(
      "--objective",
      "Upgrade NocoBase",
      "--duration",
      "90m",
      "--dry-run",
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`→ POST ${am.url}/api/v2/silences`);
    expect(result.stdout).toMatch(
      /target: silence=silence \{platform="mira", environment="staging", namespace="mira", alertname!="GuardiaWatchdog"\} from (\S+) to (\S+) by ana@hospital\.cl: guardia maintenance-window mw-\d{8}T\d{6}Z: Upgrade NocoBase/,
    );
    const [, from, to] = /from (\S+) to (\S+) by/.exec(result.stdout)!;
    expect(Date.parse(to!) - Date.parse(from!)).toBe(90 * 60_000);
    expect(await activeSilences()).toEqual([]);
  });

  it("opens: pre-checks, a silence on the stack's labels, and the window record", async () => {
    const result = await open("--ticket", "CHG-1042");
    expect(result.code).toBe(0);
    const [silence] = await activeSilences();
    expect(silence?.matchers).toEqual([
      { name: "platform", value: "mira", isRegex: false, isEqual: true },
      { name: "environment", value: "staging", isRegex: false, isEqual: true },
      { name: "namespace", value: "mira", isRegex: false, isEqual: true },
      { name: "alertname", value: "GuardiaWatchdog", isRegex: false, isEqual: false },
    ]);
    expect(silence?.createdBy).toBe("ana@hospital.cl");
    expect(silence?.comment).toMatch(
      /^guardia maintenance-window mw-\d{8}T\d{6}Z: Upgrade NocoBase to 2\.2\.15 \(CHG-1042\)$/,
    );
    const [, id] = /(mw-\d{8}T\d{6}Z)/.exec(silence!.comment)!;
    const record = readFileSync(path.join(work, "maintenance", `mira-staging-${id}.md`), "utf8");
    expect(record).toContain("- Objective: Upgrade NocoBase to 2.2.15");
    expect(record).toContain("- Affected services: nocobase");
    expect(record).toContain("## Steps\n\n1. stop app\n2. migrate\n3. start app");
    expect(record).toContain("## Rollback\n\n1. restore the backup");
    expect(record).toContain("- Smoke flows pass: login");
    expect(record).toMatch(/UP\s+endpoint\s+nocobase/);
  });

  it("mutes the stack's alerts during the window, but not the dead man's switch", async () => {
    expect((await open()).code).toBe(0);
    const [silence] = await activeSilences();
    const labels = { platform: "mira", environment: "staging", namespace: "mira" };
    await am.postAlerts([
      { labels: { ...labels, alertname: "TlsCertificateExpiring", priority: "P3" } },
      { labels: { ...labels, alertname: "GuardiaWatchdog", priority: "P4", severity: "info" } },
    ]);
    const state = async (alertname: string) =>
      (await am.alerts()).find((a) => a.labels.alertname === alertname)?.status;
    await waitUntil(
      async () => (await state("TlsCertificateExpiring"))?.state === "suppressed",
      5_000,
      () => "the window's silence did not mute the stack's alert",
    );
    expect((await state("TlsCertificateExpiring"))?.silencedBy).toEqual([silence!.id]);
    expect(await state("GuardiaWatchdog")).toMatchObject({ state: "active", silencedBy: [] });
  });

  it("refuses (exit 3) to open a second window while one is open", async () => {
    expect((await open()).code).toBe(0);
    const second = await open();
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(
      /mira-staging already has an open window: guardia maintenance-window mw-\S+: Upgrade NocoBase to 2\.2\.15 \(silence \S+ by ana@hospital\.cl until \S+\); close it first with --close/,
    );
    expect(await activeSilences()).toHaveLength(1);
  });

  it("closes: success criteria pass, the silence is expired, the record says SUCCESS", async () => {
    await open();
    const result = await window("--close", "--yes");
    expect(result.code).toBe(0);
    expect(await activeSilences()).toEqual([]);
    const [file] = readdirMarkdown(work);
    const record = readFileSync(file!, "utf8");
    expect(record).toContain("New critical or warning alerts: none");
    expect(record).toContain("Verdict: **SUCCESS**: every criterion passed.");
  });

  it("a failed smoke check or a new critical alert fails the close, which still expires the silence", async () => {
    await open();
    smokeBody = "502 Bad Gateway";
    await am.postAlerts([
      {
        labels: {
          alertname: "EndpointDown",
          platform: "mira",
          environment: "staging",
          namespace: "mira",
          severity: "critical",
          priority: "P1",
        },
      },
    ]);
    const result = await window("--close", "--yes");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'the window closed, but its success criteria failed: smoke flow login: step get: the body does not contain "Bienvenido"',
    );
    expect(result.stderr).toMatch(/alert EndpointDown \(P1\) since \S+/);
    expect(await activeSilences()).toEqual([]);
    const record = readFileSync(readdirMarkdown(work)[0]!, "utf8");
    expect(record).toContain("Verdict: **FAILED**");
  });

  it("--close without an open window fails and changes nothing", async () => {
    const result = await window("--close", "--yes");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("mira-staging has no open maintenance window");
  });

  it("opening needs an objective and a valid duration (exit 2)", async () => {
    expect((await window("--yes")).stderr).toContain(
      "--objective: required to open or schedule a window (or pass --close)",
    );
    const bad = await window("--objective", "x", "--duration", "2 hours", "--yes");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      '--duration: expected a duration like "30s", "5m", "1h" or "1d", got "2 hours"',
    );
  });
});

function readdirMarkdown(dir: string): string[] {
  const folder = path.join(dir, "maintenance");
  return readdirSync(folder).map((f) => path.join(folder, f));
}
