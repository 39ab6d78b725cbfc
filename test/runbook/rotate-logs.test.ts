import { createHash } from "node:crypto";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../harness/cli.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * rotate-logs as the CronJob and engineers run it: the real logrotate on real files in a temp
 * directory, then guardia's gzip and deletion by age, through the CLI.
 */

const DAY_MS = 24 * 3600_000;
const STATE = ".guardia-logrotate.state";

let work: string;
let logs: string;
let quick: string;
let stack: string;
/** The live app.log's bytes before the first rotation, and the files' original contents. */
const content: Record<string, Buffer> = {};

interface Done {
  rotated: { file: string; to: string; bytes: number }[];
  removedByLogrotate: string[];
  compressedByLogrotate: string[];
  compressed: { file: string; to: string; bytes: number; compressedBytes: number }[];
  deleted: string[];
}
interface Planned {
  rotate: { file: string; to: string; reason: string }[];
  removeByLogrotate: string[];
  compressByLogrotate: string[];
  compress: string[];
  delete: string[];
}
interface RunJson {
  outcome: string;
  dryRun: boolean;
  steps: { title: string; status: string; commands: { command: string; code: number }[] }[];
  result: { logs: { name: string; stateFile: string; planned: Planned; done: Done }[] };
}

const at = (name: string) => path.join(logs, name);

/** Writes a file and sets its mtime `days` ago. */
function put(dir: string, name: string, data: Buffer | string, days: number): void {
  const file = path.join(dir, name);
  content[file] = Buffer.from(data);
  writeFileSync(file, data);
  const time = new Date(Date.now() - days * DAY_MS);
  utimesSync(file, time, time);
}

/** logrotate's state line for a file it last rotated yesterday (local time, as logrotate writes). */
function rotatedYesterday(file: string): string {
  const d = new Date(Date.now() - DAY_MS);
  return `"${file}" ${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}-12:0:0`;
}

/** Every file of a directory: size, mtime and content hash (what "nothing changed" compares). */
function snapshot(dir: string, except: readonly string[] = []): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((name) => !except.includes(name))
      .sort()
      .map((name) => {
        const file = path.join(dir, name);
        const { size, mtimeMs } = statSync(file);
        const sha = createHash("sha256").update(readFileSync(file)).digest("hex");
        return [name, `${size} ${mtimeMs} ${sha}`];
      }),
  );
}

const lines = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix} ${i} ${"x".repeat(40)}\n`).join("");

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "guardia-rotate-logs-"));
  logs = path.join(work, "logs");
  quick = path.join(work, "quick");
  mkdirSync(logs);
  mkdirSync(quick);
  put(logs, "app.log", lines("app", 100), 0); // 5 KB: past maxSize 1k
  put(logs, "quiet.log", "one quiet line\n", 0); // small, rotated yesterday: daily
  put(logs, "fresh.log", "first line\n", 0); // small, unknown to logrotate: not yet due
  put(logs, "empty.log", "", 0); // notifempty
  put(logs, "stale.log", "a live file nobody writes\n", 200); // live: never touched
  put(logs, "app.log-20261013-003000", lines("forty days ago", 20), 40); // → gzip
  put(logs, "app.log-20261113-003000", lines("ten days ago", 20), 10); // kept
  put(logs, "app.log-20260815-003000", "logrotate's maxage takes it\n", 100);
  put(logs, "app.log-20260814", "rotated by hand, missed by maxage\n", 100); // → deleted
  put(logs, "quiet.log-20260101-000000.gz", "not really gzip", 200); // → deleted
  for (const name of ["notes.txt", "app.log.1", "app.log.bak", ".hidden"]) {
    put(logs, name, `unrelated ${name}\n`, 200);
  }
  const state = [
    "logrotate state -- version 2",
    ...["quiet.log", "empty.log"].map((n) => rotatedYesterday(at(n))),
  ];
  writeFileSync(at(STATE), `${state.join("\n")}\n`, { mode: 0o600 });

  put(quick, "api.log", lines("api", 50), 0);
  put(quick, "api.log-20261120-003000", lines("three days ago", 5), 3);
  stack = writeStackFile(
    {
      name: "mira",
      environment: "prod",
      namespace: "mira",
      runtime: "local",
      logs: [
        {
          name: "app",
          paths: [`${logs}/*.log`],
          maxSize: "1k",
          compressAfterDays: 30,
          deleteAfterDays: 90,
        },
        {
          name: "quick",
          paths: [`${quick}/*.log`],
          maxSize: "1k",
          compressAfterDays: 0,
          deleteAfterDays: 14,
        },
      ],
      alerting: {
        receivers: [{ name: "ops", type: "webhook", urlSecret: { name: "alerting", key: "url" } }],
      },
    },
    "mira-logs",
  );
});

afterAll(() => {
  for (const dir of [work, path.dirname(stack)]) rmSync(dir, { recursive: true, force: true });
});

const env = () => ({
  XDG_STATE_HOME: path.join(work, "state"),
  GUARDIA_AUDIT_FILE: path.join(work, "audit.jsonl"),
  GUARDIA_OPERATOR: "cronjob/mira-rotate-logs-app",
});
const guardia = (...args: string[]) =>
  runCli(["rotate-logs", "--stack", stack, ...args], { env: env() });
const asJob = (entry: string, ...more: string[]) =>
  guardia(
    "--logs",
    entry,
    "--state-file",
    path.join(entry === "app" ? logs : quick, STATE),
    ...more,
  );

describe("rotate-logs on real files with the real logrotate", () => {
  it("--dry-run changes nothing and names every file it would rotate, compress and delete", async () => {
    const before = snapshot(logs);
    const text = await asJob("app", "--dry-run");
    expect(text.code).toBe(0);
    for (const name of [
      "app.log",
      "quiet.log",
      "app.log-20261013-003000",
      "app.log-20260815-003000",
      "app.log-20260814",
      "quiet.log-20260101-000000.gz",
    ]) {
      expect(text.stdout, name).toContain(at(name));
    }
    for (const name of [
      "fresh.log",
      "empty.log",
      "stale.log",
      "notes.txt",
      "app.log.1",
      "app.log-20261113-003000",
    ]) {
      expect(text.stdout, name).not.toContain(at(name));
    }
    const json = await asJob("app", "--dry-run", "--json");
    expect(json.code).toBe(0);
    const run = JSON.parse(json.stdout) as RunJson;
    expect(run.outcome).toBe("planned");
    const planned = run.result.logs[0]!.planned;
    expect(planned.rotate.map((r) => [r.file, r.reason])).toEqual([
      [at("app.log"), "past maxSize 1k"],
      [at("quiet.log"), "daily"],
    ]);
    expect(planned.rotate[0]!.to).toMatch(/\/app\.log-\d{8}-\d{6}$/);
    expect(planned.removeByLogrotate).toEqual([at("app.log-20260815-003000")]);
    expect(planned.compress).toEqual([at("app.log-20261013-003000")]);
    expect(planned.delete).toEqual([at("app.log-20260814"), at("quiet.log-20260101-000000.gz")]);
    expect(run.result.logs[0]!.done).toMatchObject({ rotated: [], compressed: [], deleted: [] });
    expect(snapshot(logs)).toEqual(before);
  });

  it("rotates, gzips and deletes, and never touches live or unrelated files", async () => {
    const unrelated = [
      "fresh.log",
      "empty.log",
      "stale.log",
      "notes.txt",
      "app.log.1",
      "app.log.bak",
      ".hidden",
      "app.log-20261113-003000",
    ];
    const untouched = (s: Record<string, string>) =>
      Object.fromEntries(unrelated.map((n) => [n, s[n]]));
    const before = snapshot(logs);
    const inode = statSync(at("app.log")).ino;
    // The application keeps its file open across the rotation, as copytruncate assumes.
    const appFd = openSync(at("app.log"), "a");
    const result = await asJob("app", "--yes", "--json");
    writeSync(appFd, "written after the rotation\n");
    closeSync(appFd);
    expect(result.code, result.stderr).toBe(0);
    const { done } = (JSON.parse(result.stdout) as RunJson).result.logs[0]!;

    expect(statSync(at("app.log")).ino).toBe(inode);
    expect(readFileSync(at("app.log"), "utf8")).toBe("written after the rotation\n");
    const rotatedApp = done.rotated.find((r) => r.file === at("app.log"))!;
    expect(rotatedApp.to).toMatch(/\/app\.log-\d{8}-\d{6}$/);
    expect(readFileSync(rotatedApp.to).equals(content[at("app.log")]!)).toBe(true);
    expect(done.rotated.map((r) => r.file).sort()).toEqual([at("app.log"), at("quiet.log")]);
    const rotatedQuiet = done.rotated.find((r) => r.file === at("quiet.log"))!;
    expect(readFileSync(rotatedQuiet.to, "utf8")).toBe("one quiet line\n");
    expect(statSync(at("quiet.log")).size).toBe(0);

    const gz = `${at("app.log-20261013-003000")}.gz`;
    expect(done.compressed).toEqual([
      expect.objectContaining({ file: at("app.log-20261013-003000"), to: gz }),
    ]);
    expect(gunzipSync(readFileSync(gz)).equals(content[at("app.log-20261013-003000")]!)).toBe(true);
    expect(statSync(gz).mtimeMs).toBe(Number(before["app.log-20261013-003000"]!.split(" ")[1]));
    expect(readdirSync(logs)).not.toContain("app.log-20261013-003000");

    expect(done.removedByLogrotate).toEqual([at("app.log-20260815-003000")]);
    expect(done.deleted).toEqual([at("app.log-20260814"), at("quiet.log-20260101-000000.gz")]);
    const left = readdirSync(logs);
    for (const gone of [
      "app.log-20260815-003000",
      "app.log-20260814",
      "quiet.log-20260101-000000.gz",
    ]) {
      expect(left).not.toContain(gone);
    }
    expect(untouched(snapshot(logs))).toEqual(untouched(before));
    expect(left.filter((n) => n.includes(".guardia-tmp"))).toEqual([]);
  });

  it("records what it did in the audit log, with the logrotate command", () => {
    const records = readFileSync(path.join(work, "audit.jsonl"), "utf8").trim().split("\n");
    const last = JSON.parse(records.at(-1)!) as RunJson & { operator: string; runbook: string };
    expect(last).toMatchObject({
      runbook: "rotate-logs",
      operator: "cronjob/mira-rotate-logs-app",
      outcome: "done",
    });
    expect(last.steps.map((s) => s.status)).toEqual(["ok", "ok", "ok", "ok"]);
    const rotate = last.steps[1]!.commands[0]!;
    expect(rotate.command).toMatch(/logrotate --verbose --state (\S+) \S+\/app\.conf$/);
    expect(rotate.command.split(" ")[3]).toBe(at(STATE));
    expect(rotate.code).toBe(0);
  });

  it("changes nothing when run again the same day", async () => {
    const before = snapshot(logs, [STATE]);
    const again = await asJob("app", "--yes", "--json");
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as RunJson).result.logs[0]!.done).toEqual({
      rotated: [],
      removedByLogrotate: [],
      compressedByLogrotate: [],
      compressed: [],
      deleted: [],
    });
    expect(snapshot(logs, [STATE])).toEqual(before);
  });
});

describe("rotate-logs with compressAfterDays 0: logrotate compresses", () => {
  it("gzips the earlier rotation (delaycompress) and keeps the newest readable", async () => {
    const result = await asJob("quick", "--yes", "--json");
    expect(result.code, result.stderr).toBe(0);
    const run = JSON.parse(result.stdout) as RunJson;
    expect(run.steps.map((s) => s.title)).toEqual([
      'List the "quick" log files and what will happen to them',
      'Rotate the "quick" log files with logrotate',
      'Delete "quick" files rotated more than 14 days ago',
    ]);
    const { done, planned } = run.result.logs[0]!;
    const earlier = path.join(quick, "api.log-20261120-003000");
    expect(planned.compressByLogrotate).toEqual([earlier]);
    expect(done.compressedByLogrotate).toEqual([earlier]);
    expect(gunzipSync(readFileSync(`${earlier}.gz`)).equals(content[earlier]!)).toBe(true);
    expect(done.rotated).toHaveLength(1);
    expect(readFileSync(done.rotated[0]!.to).equals(content[path.join(quick, "api.log")]!)).toBe(
      true,
    );
  });
});

describe("rotate-logs refuses bad input (exit 2) and says where state lives", () => {
  it("names the known entries for an unknown --logs", async () => {
    const result = await guardia("--logs", "nope", "--dry-run");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--logs: no logs entry "nope" in this stack (logs: app, quick)',
    );
  });

  it("refuses a glob that would match its own rotated files", async () => {
    const bad = writeStackFile({
      name: "shop",
      environment: "dev",
      namespace: "shop",
      runtime: "local",
      logs: [{ name: "all", paths: [`${logs}/*`] }],
    });
    const before = snapshot(logs);
    const result = await runCli(["rotate-logs", "--stack", bad, "--yes"], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`path "${logs}/*" also matches its own rotated files`);
    expect(snapshot(logs)).toEqual(before);
    rmSync(path.dirname(bad), { recursive: true, force: true });
  });

  it.each([
    ["a directory", () => logs, /is not a regular file/],
    [
      "a file that is not logrotate's state",
      () => path.join(logs, "notes.txt"),
      /is not a logrotate state file/,
    ],
    ["under a file", () => path.join(logs, "notes.txt", "state"), /notes\.txt is not a directory/],
  ])("refuses a --state-file that is %s, and changes nothing", async (_, file, why) => {
    const before = snapshot(logs);
    const result = await guardia("--logs", "app", "--yes", "--state-file", file());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(why);
    expect(snapshot(logs)).toEqual(before);
  });

  it("keeps logrotate's state under guardia's state directory by default", async () => {
    const result = await guardia("--logs", "quick", "--dry-run", "--json");
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as RunJson).result.logs[0]!.stateFile).toBe(
      path.join(work, "state", "guardia", "logrotate", "mira-prod.state"),
    );
  });
});
