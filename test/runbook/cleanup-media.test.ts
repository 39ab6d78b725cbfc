import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUARANTINE_DIR } from "../../lib/media/scan.js";
import { loadStack } from "../../lib/model/index.js";
import { executeRunbook } from "../../lib/runbook/executor.js";
import { createProgress } from "../../lib/runbook/progress.js";
import cleanupMedia from "../../runbooks/cleanup-media.js";
import { runCli, type CliResult } from "../harness/cli.js";
import { addFormsApp } from "../harness/django-apps.js";
import { createDjangoProject, PYTHON, type DjangoProject } from "../harness/django.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * cleanup-media on a real directory, with the references in a real Django project's tables on a
 * real PostgreSQL (Django's own models: Answer.file, Report.attachment, Report.photo as an
 * ImageField): what is referenced is never moved whatever its name, young files and anything
 * behind a link stay, the quarantine restores exactly, and only expired unreferenced files go.
 */

let pg: PgServer;
let django: DjangoProject;
let work: string;
let root: string;
let outside: string;
const DB = "logistica";
const DAY = 86_400_000;

beforeAll(async () => {
  pg = await startPostgres();
  django = await createDjangoProject(pg, "redis://127.0.0.1:9/0", DB);
  await addFormsApp(django);
  work = mkdtempSync(path.join(tmpdir(), "guardia-media-"));
  root = path.join(work, "media");
  outside = path.join(work, "outside");
  mkdirSync(outside);
  file(path.join(outside, "secret.txt"), 40, "outside the root");
  await sql(`INSERT INTO forms_answer (file) VALUES ('answers/a1.pdf'), ('../outside/secret.txt')`);
  await sql(`INSERT INTO forms_report (title, attachment, photo)
             VALUES ('r1', 'reports/orphan-copy-old.tmp', 'photos/p1.jpg')`);
  layout();
}, 180_000);

afterAll(async () => {
  delete process.env.LOGI_DB_PASSWORD;
  django?.remove();
  await pg?.stop();
});

async function sql(text: string): Promise<unknown[]> {
  return pg.query(text, DB);
}

/** A file of `size` bytes, `ageDays` old (modification time). */
function file(at: string, ageDays: number, content = "x".repeat(100)): void {
  mkdirSync(path.dirname(at), { recursive: true });
  writeFileSync(at, content);
  const when = new Date(Date.now() - ageDays * DAY);
  utimesSync(at, when, when);
}

function layout(): void {
  file(path.join(root, "answers/a1.pdf"), 40); // referenced by forms_answer.file
  file(path.join(root, "reports/orphan-copy-old.tmp"), 40); // looks orphaned; forms_report.attachment
  file(path.join(root, "photos/p1.jpg"), 40); // forms_report.photo: known to Django only
  file(path.join(root, "answers/old-orphan.pdf"), 40, "o".repeat(2048)); // the one orphan
  file(path.join(root, "answers/new-upload.pdf"), 0); // unreferenced, younger than the grace
  symlinkSync(path.join(outside, "secret.txt"), path.join(root, "answers/link.pdf"));
  symlinkSync(outside, path.join(root, "elsewhere"));
}

function stack(extra: object = {}): string {
  return writeStackFile({
    name: "logistica",
    environment: "staging",
    namespace: "logistica",
    runtime: "local",
    services: [
      { name: "api", diagnostics: { django: { python: PYTHON } }, local: { cwd: django.dir } },
    ],
    databases: [
      {
        ...{ name: "logistica", engine: "postgres", host: "127.0.0.1", port: pg.port },
        ...{ database: DB, user: pg.user, usedBy: ["api"] },
        passwordSecret: { name: "logistica-db", key: "password", env: "LOGI_DB_PASSWORD" },
      },
    ],
    media: {
      root,
      references: [
        { table: "forms_answer", column: "file" },
        { table: "forms_report", column: "attachment" },
      ],
      djangoService: "api",
      ...extra,
    },
  });
}

async function guardia(args: string[]): Promise<CliResult & { audit: string }> {
  const audit = path.join(work, "audit.jsonl");
  const result = await runCli(["cleanup-media", ...args], {
    env: { LOGI_DB_PASSWORD: pg.password, GUARDIA_AUDIT_FILE: audit, XDG_STATE_HOME: work },
    timeoutMs: 120_000,
  });
  return { ...result, audit: readFileSync(audit, "utf8") };
}

/** Every file under the root (links as links), relative, with size and mtime. */
function tree(dir = root): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const at = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(at);
      else if (entry.isSymbolicLink()) out[at] = "link";
      else {
        const stat = statSync(path.join(dir, at));
        out[at] = `${stat.size}@${stat.mtimeMs}`;
      }
    }
  };
  walk("");
  return out;
}

const KEPT = [
  "answers/a1.pdf",
  "reports/orphan-copy-old.tmp",
  "photos/p1.jpg",
  "answers/new-upload.pdf",
  "answers/link.pdf",
  "elsewhere",
];

function batches(): string[] {
  const dir = path.join(root, QUARANTINE_DIR);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

describe("cleanup-media", () => {
  let original: Record<string, string>;

  it("a dry run lists the orphans with sizes and the total, and changes nothing", async () => {
    original = tree();
    const run = await guardia(["--stack", stack(), "--dry-run"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      "3 referenced file(s) in forms_answer.file (2), forms_report.attachment (1), forms_report.photo (1); 1 value(s) lead outside the root; Django's forms_report.photo missing from media.references: the CronJob does not read them",
    );
    expect(run.stdout).toContain(
      "1 orphan(s), 2.0 KiB, of 5 file(s); 1 unreferenced but younger than 24h; 2 link(s) or special file(s) skipped",
    );
    expect(run.stdout).toContain("→ move answers/old-orphan.pdf (2.0 KiB)");
    expect(run.stdout).not.toMatch(
      /→ move (answers\/a1|reports|photos|answers\/new|answers\/link|elsewhere)/,
    );
    expect(tree()).toEqual(original);
    expect(readFileSync(path.join(outside, "secret.txt"), "utf8")).toBe("outside the root");
  });

  it("the CronJob's mode reads only the stack's columns, and says which Django columns it misses", async () => {
    const run = await guardia(["--stack", stack(), "--dry-run", "--stack-references-only"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      "2 referenced file(s) in forms_answer.file (2), forms_report.attachment (1); 1 value(s) lead outside the root",
    );
    expect(run.stdout).not.toContain("manage.py");
  });

  it("moves only the orphan into a quarantine batch with a manifest; referenced, young and linked files stay", async () => {
    const run = await guardia(["--stack", stack(), "--yes", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const [batch] = batches();
    expect(batch).toMatch(/^\d{8}T\d{6}Z$/);
    const now = tree();
    for (const kept of KEPT) expect(now[kept], kept).toBe(original[kept]);
    expect(now["answers/old-orphan.pdf"]).toBeUndefined();
    expect(now[`${QUARANTINE_DIR}/${batch}/files/answers/old-orphan.pdf`]).toBe(
      original["answers/old-orphan.pdf"],
    );
    const manifest = JSON.parse(
      readFileSync(path.join(root, QUARANTINE_DIR, batch!, "manifest.json"), "utf8"),
    );
    expect(manifest.files).toEqual([
      {
        path: "answers/old-orphan.pdf",
        size: 2048,
        mtimeMs: statSync(path.join(root, QUARANTINE_DIR, batch!, "files/answers/old-orphan.pdf"))
          .mtimeMs,
      },
    ]);
    expect(JSON.parse(run.stdout).result).toMatchObject({
      batch,
      moved: ["answers/old-orphan.pdf"],
      deleted: [],
    });
    expect(readFileSync(path.join(outside, "secret.txt"), "utf8")).toBe("outside the root");
  });

  it("--restore-quarantine puts the files back exactly (content, size, modification time)", async () => {
    const run = await guardia(["--stack", stack(), "--restore-quarantine", "--yes"]);
    expect(run.code, run.stderr).toBe(0);
    expect(tree()).toEqual(original);
    expect(batches()).toEqual([]);
    expect(readFileSync(path.join(root, "answers/old-orphan.pdf"), "utf8")).toBe("o".repeat(2048));
  });

  it("deletes a batch's files only after the quarantine period, and only those still unreferenced", async () => {
    file(path.join(root, "answers/old-orphan-2.pdf"), 40);
    expect((await guardia(["--stack", stack(), "--yes"])).code).toBe(0);
    const [old] = batches();
    // Thirty-one days pass for that batch; meanwhile a row starts referencing one of its files.
    const manifestFile = path.join(root, QUARANTINE_DIR, old!, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    manifest.quarantinedAt = new Date(Date.now() - 31 * DAY).toISOString();
    writeFileSync(manifestFile, JSON.stringify(manifest));
    await sql(`INSERT INTO forms_answer (file) VALUES ('answers/old-orphan-2.pdf')`);
    // A newer orphan goes into a batch of its own, which is not due.
    file(path.join(root, "answers/third.pdf"), 40);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const run = await guardia(["--stack", stack(), "--yes", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).result).toMatchObject({
      moved: ["answers/third.pdf"],
      deleted: ["answers/old-orphan.pdf"],
      restored: ["answers/old-orphan-2.pdf"],
    });
    expect(existsSync(path.join(root, "answers/old-orphan-2.pdf"))).toBe(true);
    expect(batches()).toHaveLength(1);
    expect(batches()[0]).not.toBe(old);
  });

  it("a row committed while the confirmation waits stops the move: the plan changed", async () => {
    file(path.join(root, "answers/racing.pdf"), 40);
    // manage.py, a child of this process, reads the database password from the environment.
    process.env.LOGI_DB_PASSWORD = pg.password;
    const run = await executeRunbook(cleanupMedia, {
      stack: loadStack(stack()),
      params: { restoreQuarantine: false, stackReferencesOnly: false },
      dryRun: false,
      yes: false,
      operator: "test",
      progress: createProgress({
        stream: { write: () => true } as unknown as NodeJS.WritableStream,
      }),
      confirmIO: {
        interactive: true,
        ask: async () => {
          await sql(`INSERT INTO forms_answer (file) VALUES ('answers/racing.pdf')`);
          return "y";
        },
      },
      env: { ...process.env, LOGI_DB_PASSWORD: pg.password },
    });
    expect(run.exitCode, run.error).toBe(3);
    expect(run.error).toContain("no longer the ones confirmed");
    expect(existsSync(path.join(root, "answers/racing.pdf"))).toBe(true);
  });

  it("leaves a tampered manifest's batch alone: no path leads out of the root", async () => {
    const batch = "20200101T000000Z";
    const dir = path.join(root, QUARANTINE_DIR, batch);
    mkdirSync(path.join(dir, "files"), { recursive: true });
    writeFileSync(
      path.join(dir, "manifest.json"),
      JSON.stringify({
        formatVersion: 1,
        batch,
        quarantinedAt: "2020-01-01T00:00:00.000Z",
        operator: "someone",
        files: [{ path: "../outside/secret.txt", size: 16, mtimeMs: 0 }],
      }),
    );
    const run = await guardia([
      "--stack",
      stack(),
      "--restore-quarantine",
      "--batch",
      batch,
      "--yes",
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no quarantine batch ${batch}`);
    const cleanup = await guardia(["--stack", stack(), "--yes", "--json"]);
    expect(cleanup.code, cleanup.stderr).toBe(0);
    expect(cleanup.stdout).toContain(
      'left alone: 20200101T000000Z: \\"../outside/secret.txt\\" is not a path inside the media root',
    );
    expect(readFileSync(path.join(outside, "secret.txt"), "utf8")).toBe("outside the root");
    expect(existsSync(dir)).toBe(true);
  });
});
