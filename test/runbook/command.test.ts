import { describe, expect, it } from "vitest";
import {
  assertNoSecretInArguments,
  commandNotes,
  recordOf,
  shellLine,
  stageEnv,
  type Pipeline,
} from "../../lib/command.js";
import { Secret } from "../../lib/secret.js";
import { parseShellLine } from "../harness/command-lines.js";

describe("a command as data", () => {
  const restore: Pipeline = {
    input: "file:///b/dump.pgcustom.zst, sha256 checked",
    pipeline: [
      { argv: ["zstd", "-q", "-d", "-c"] },
      {
        argv: ["pg_restore", "-d", "it's a db"],
        env: { PGHOST: "db host", PGDATABASE: "it's a db" },
        secretEnv: ["PGPASSWORD"],
      },
    ],
  };

  it("prints a pipeline as one line a shell reads back as the same argv and environment", () => {
    const line = shellLine(restore);
    expect(line).toBe(
      "zstd -q -d -c | PGHOST='db host' PGDATABASE='it'\\''s a db' pg_restore -d 'it'\\''s a db'",
    );
    expect(parseShellLine(line)).toEqual([
      { argv: ["zstd", "-q", "-d", "-c"], env: {} },
      {
        argv: ["pg_restore", "-d", "it's a db"],
        env: { PGHOST: "db host", PGDATABASE: "it's a db" },
      },
    ]);
  });

  it("says in notes, not as commands, what guardia does itself and which secrets it passes", () => {
    expect(commandNotes(restore)).toEqual([
      "in guardia, into the pipe: file:///b/dump.pgcustom.zst, sha256 checked",
      "pg_restore also gets PGPASSWORD in its environment (a secret, not shown)",
    ]);
    const local = { argv: ["python3", "manage.py", "check"], cwd: "/srv/my app" };
    expect(shellLine(local)).toBe("cd '/srv/my app' && python3 manage.py check");
    expect(commandNotes(local)).toEqual([]);
  });

  it("gives a secret only to a command that declares it, and never in its arguments", () => {
    const password = new Secret("s3cr3t-for-command-test", "password of database mira");
    const [zstd, pgRestore] = restore.pipeline;
    expect(stageEnv(pgRestore!, { PGPASSWORD: password }).PGPASSWORD).toBe(password.reveal());
    expect(() => stageEnv(zstd!, { PGPASSWORD: password })).toThrow(
      "zstd: PGPASSWORD is not one of its declared secretEnv",
    );
    expect(() =>
      assertNoSecretInArguments({ argv: ["psql", `postgres://u:${password.reveal()}@h/db`] }),
    ).toThrow("refusing to run psql: a secret value is in its arguments");
    const record = recordOf(
      { argv: ["echo"], env: { NOTE: password.reveal() } },
      { code: 0, durationMs: 1 },
      password.reveal(),
    );
    expect(JSON.stringify(record)).not.toContain(password.reveal());
  });
});
