import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openIncidentsPastResponse } from "../../lib/incidents/index.js";
import { tokenFingerprint, type Incident } from "../../lib/incidents/record.js";
import { loadStack } from "../../lib/model/index.js";
import { runCli } from "../harness/cli.js";
import { startS3, type S3Server } from "../harness/s3.js";
import { writeStackFile } from "../harness/stacks.js";
import { repoRoot } from "../harness/tools.js";

/**
 * Incident records at a real backup destination: a directory (file://) and the S3 test server
 * with the real AWS SDK, through the CLI as an operator runs it.
 */

let dir: string;
let fileStack: string;
let s3: S3Server;
let s3Stack: string;
const env = () => ({ GUARDIA_AUDIT_FILE: path.join(dir, "audit.jsonl"), GUARDIA_OPERATOR: "ana" });

function platform(url: string, extra: object = {}) {
  return {
    name: "shop",
    environment: "dev",
    namespace: "shop",
    runtime: "local",
    services: [
      { name: "web", workload: "deployment/web", health: [{ url: "http://127.0.0.1:9/" }] },
    ],
    backups: {
      destination: { url, ...extra },
      schedules: [{ name: "daily", cron: "0 2 * * *", keepDays: 7 }],
    },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "guardia-incidents-"));
  fileStack = writeStackFile(platform(`file://${dir}/dest`), "shop-dev");
  s3 = await startS3();
  await s3.createBucket("shop-backups");
  s3Stack = writeStackFile(
    platform("s3://shop-backups/ops", { endpoint: s3.endpoint, forcePathStyle: true }),
    "shop-s3",
  );
});

afterAll(async () => {
  await s3?.stop();
  rmSync(dir, { recursive: true, force: true });
  for (const f of [fileStack, s3Stack])
    if (f) rmSync(path.dirname(f), { recursive: true, force: true });
});

const s3Env = () => ({
  ...env(),
  AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
});

async function incident(
  stack: string,
  args: string[],
  extraEnv: Record<string, string> = env(),
): Promise<Record<string, unknown>> {
  const run = await runCli(["incident", ...args, "--stack", stack, "--yes", "--json"], {
    env: extraEnv,
  });
  expect(run.stderr).not.toMatch(/Error:/);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { result: Record<string, unknown> }).result;
}

describe("incident records at the backup destination", () => {
  it("open keeps the INATrace and logistics minimum record; the token only as a fingerprint", async () => {
    const logs = path.join(dir, "web.log");
    writeFileSync(logs, "x".repeat(5000) + "\nERROR 500 on /api/v1/orders\n");
    const { incident: opened } = (await incident(
      fileStack,
      [
        "open",
        "--priority",
        "P3",
        "--title",
        "Orders page fails",
        "--service",
        "web",
        "--affected",
        "warehouse clerks, Lima",
        "--endpoint",
        "/api/v1/orders",
        "--token-env",
        "AFFECTED_TOKEN",
        "--description",
        "500 on every order",
        "--reproduce",
        "open /orders",
        "--log-excerpt",
        logs,
        "--steps-taken",
        "restarted the browser",
      ],
      { ...env(), AFFECTED_TOKEN: "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b" },
    )) as { incident: Incident };
    const stored = JSON.parse(
      readFileSync(path.join(dir, "dest", "incidents", "shop", "dev", `${opened.id}.json`), "utf8"),
    ) as Incident;
    expect(stored).toMatchObject({
      priority: "P3",
      status: "open",
      owner: "ana",
      reporter: "ana",
      service: "web",
      affected: "warehouse clerks, Lima",
      endpoint: "/api/v1/orders",
      tokenFingerprint: tokenFingerprint("9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"),
      reproduce: "open /orders",
      stepsTaken: "restarted the browser",
      environment: "dev",
    });
    expect(JSON.stringify(stored)).not.toContain("9944b09199c62bcf");
    expect(readFileSync(path.join(dir, "audit.jsonl"), "utf8")).not.toContain("9944b09199c62bcf");
    expect(stored.logExcerpt!.length).toBe(4000);
    expect(stored.logExcerpt).toContain("ERROR 500 on /api/v1/orders");
    // P3: 4 hours to respond.
    expect(Date.parse(stored.responseDue) - Date.parse(stored.openedAt)).toBe(4 * 3600_000);
  });

  it("note and update add entries; a closed incident keeps root cause, fix and evidence", async () => {
    const { incident: opened } = (await incident(fileStack, [
      "open",
      "--priority",
      "P4",
      "--title",
      "Typo",
    ])) as { incident: Incident };
    await incident(fileStack, ["note", "--id", opened.id, "--text", "seen on the login page"]);
    await incident(fileStack, [
      "update",
      "--id",
      opened.id,
      "--owner",
      "luis",
      "--status",
      "investigating",
      "--text",
      "frontend",
    ]);
    const evidence = path.join(dir, "screenshot.txt");
    writeFileSync(evidence, "the typo");
    const { incident: closed } = (await incident(fileStack, [
      "close",
      "--id",
      opened.id,
      "--root-cause",
      "copy edit",
      "--fix",
      "fixed the label",
      "--evidence",
      evidence,
      "--alertmanager-url",
      "http://127.0.0.1:9",
    ])) as { incident: Incident };
    expect(closed.entries.map((e) => [e.kind, e.author])).toEqual([
      ["opened", "ana"],
      ["note", "ana"],
      ["update", "ana"],
      ["closed", "ana"],
    ]);
    expect(closed).toMatchObject({
      status: "closed",
      owner: "luis",
      rootCause: "copy edit",
      fix: "fixed the label",
    });
    expect(closed.acknowledgedAt).toBe(closed.entries[1]!.time);
    expect(closed.evidence).toEqual([
      expect.objectContaining({ name: "screenshot.txt", bytes: 8 }),
    ]);
    expect(readFileSync(path.join(dir, "dest", closed.evidence[0]!.key), "utf8")).toBe("the typo");
    // Alertmanager was unreachable: closing still works, and the timeline says what it missed.
    expect(
      closed
        .timeline!.filter((e) => e.source === "gap")
        .map((e) => e.text)
        .join("\n"),
    ).toMatch(/alerts not read/);
    const list = (await incident(fileStack, ["list", "--open"])) as { incidents: { id: string }[] };
    expect(list.incidents.map((i) => i.id)).not.toContain(opened.id);
  });

  it("bad input is exit 2 and stores nothing", async () => {
    const before = readdirSync(path.join(dir, "dest", "incidents", "shop", "dev")).length;
    const run = await runCli(["incident", "open", "--stack", fileStack, "--yes", "--title", "x"], {
      env: env(),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--priority: required");
    const close = await runCli(
      ["incident", "close", "--stack", fileStack, "--yes", "--id", "inc-20261201T000000Z-0000"],
      { env: env() },
    );
    expect(close.code).toBe(2);
    expect(close.stderr).toContain("--root-cause and --fix are required");
    expect(readdirSync(path.join(dir, "dest", "incidents", "shop", "dev")).length).toBe(before);
  });

  it("a P1/P2 with no entry past its response time shows in list and in openIncidentsPastResponse", async () => {
    const late: Incident = JSON.parse(
      readFileSync(
        path.join(
          dir,
          "dest",
          "incidents",
          "shop",
          "dev",
          readdirSync(path.join(dir, "dest", "incidents", "shop", "dev")).find((f) =>
            f.endsWith(".json"),
          )!,
        ),
        "utf8",
      ),
    ) as Incident;
    const openedAt = new Date(Date.now() - 20 * 60_000).toISOString();
    const id = "inc-20200101T000000Z-beef";
    const record = {
      ...late,
      id,
      priority: "P1",
      status: "open",
      openedAt,
      closedAt: undefined,
      entries: [{ time: openedAt, author: "ana", kind: "opened", text: "P1" }],
    };
    writeFileSync(
      path.join(dir, "dest", "incidents", "shop", "dev", `${id}.json`),
      JSON.stringify(record),
    );
    const list = (await incident(fileStack, ["list", "--open"])) as {
      incidents: { id: string; pastResponse: boolean }[];
    };
    expect(list.incidents.filter((i) => i.pastResponse).map((i) => i.id)).toEqual([id]);
    const human = await runCli(["incident", "list", "--stack", fileStack, "--open"], {
      env: env(),
    });
    expect(human.stdout).toMatch(new RegExp(`${id}.*PAST RESPONSE TIME \\(15 minutes\\)`));
    const past = await openIncidentsPastResponse(loadStack(fileStack).platform);
    expect(past.map((i) => i.id)).toEqual([id]);
    // A note is a sign of life: no longer past its response time.
    await incident(fileStack, ["note", "--id", id, "--text", "on it"]);
    expect(await openIncidentsPastResponse(loadStack(fileStack).platform)).toEqual([]);
  });

  it("two processes adding notes to one incident at once lose neither's entries", async () => {
    const { incident: opened } = (await incident(fileStack, [
      "open",
      "--priority",
      "P3",
      "--title",
      "Busy",
    ])) as { incident: Incident };
    const writer = (tag: string) =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(
          path.join(repoRoot, "node_modules", ".bin", "tsx"),
          [
            path.join(repoRoot, "test", "incidents", "note-writer.ts"),
            path.join(dir, "dest"),
            "shop",
            "dev",
            opened.id,
            "25",
            tag,
          ],
          { stdio: ["ignore", "inherit", "inherit"] },
        );
        child.on("error", reject);
        child.on("close", (code) => resolve(code ?? -1));
      });
    expect(await Promise.all([writer("a"), writer("b")])).toEqual([0, 0]);
    // And two `guardia incident note` processes.
    await Promise.all([
      incident(fileStack, ["note", "--id", opened.id, "--text", "cli one"]),
      incident(fileStack, ["note", "--id", opened.id, "--text", "cli two"]),
    ]);
    const stored = JSON.parse(
      readFileSync(path.join(dir, "dest", "incidents", "shop", "dev", `${opened.id}.json`), "utf8"),
    ) as Incident;
    const notes = stored.entries.filter((e) => e.kind === "note").map((e) => e.text);
    expect(notes.filter((t) => t.startsWith("a ")).length).toBe(25);
    expect(notes.filter((t) => t.startsWith("b ")).length).toBe(25);
    expect(notes).toEqual(expect.arrayContaining(["cli one", "cli two"]));
    expect(
      readdirSync(path.join(dir, "dest", "incidents", "shop", "dev")).filter((f) =>
        f.endsWith(".lock"),
      ),
    ).toEqual([]);
  });

  it("works the same on S3: open, note, list, close", async () => {
    const { incident: opened } = (await incident(
      s3Stack,
      ["open", "--priority", "P3", "--title", "S3 incident"],
      s3Env(),
    )) as { incident: Incident };
    await incident(s3Stack, ["note", "--id", opened.id, "--text", "stored in the bucket"], s3Env());
    const list = (await incident(s3Stack, ["list"], s3Env())) as { incidents: { id: string }[] };
    expect(list.incidents.map((i) => i.id)).toEqual([opened.id]);
    const { incident: closed } = (await incident(
      s3Stack,
      [
        "close",
        "--id",
        opened.id,
        "--root-cause",
        "r",
        "--fix",
        "f",
        "--alertmanager-url",
        "http://127.0.0.1:9",
      ],
      s3Env(),
    )) as { incident: Incident };
    expect(closed.status).toBe("closed");
    const objects = await s3.versions("shop-backups");
    expect(objects.some((o) => o.includes(`incidents/shop/dev/${opened.id}.json`))).toBe(true);
  });
});
