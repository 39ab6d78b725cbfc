import { describe, expect, it } from "vitest";
import { forecastRun, forecastSummary } from "../../lib/logs/forecast.js";
import {
  globSource,
  liveMatcher,
  liveNameOf,
  logPathProblem,
  mountDirectory,
  rotatedMatcher,
} from "../../lib/logs/patterns.js";
import {
  DAY_MS,
  olderThanDays,
  planLogFiles,
  rotatedChanges,
  type ListedFile,
} from "../../lib/logs/selection.js";
import type { LogFiles } from "../../lib/model/index.js";

/** Which files are live, rotated or someone else's, and what happens to each, at a fixed moment. */

const NOW = new Date("2026-11-23T00:30:00Z");
const HOUR_MS = 3600_000;

const ENTRY: LogFiles = {
  name: "mira",
  paths: ["/var/log/mira/*.log"],
  maxSize: "100M",
  compressAfterDays: 30,
  deleteAfterDays: 90,
  claim: "mira-logs",
};

/** A file last modified `days` (and `hours`) before NOW. */
function file(name: string, days: number, hours = 0, size = 100): ListedFile {
  const mtimeMs = NOW.getTime() - days * DAY_MS - hours * HOUR_MS;
  return { path: `/var/log/mira/${name}`, size, mtimeMs };
}

const paths = (files: readonly ListedFile[]) => files.map((f) => f.path.split("/").pop());

describe("names: live, rotated, other", () => {
  const live = liveMatcher(ENTRY.paths);
  const rotated = rotatedMatcher(ENTRY.paths);

  it("follows glob(3): * stays in one directory and skips dot files", () => {
    expect(live("/var/log/mira/app.log")).toBe(true);
    expect(live("/var/log/mira/.guardia-logrotate.state")).toBe(false);
    expect(live("/var/log/mira/.hidden.log")).toBe(false);
    expect(live("/var/log/mira/sub/app.log")).toBe(false);
    expect(live("/var/log/mira/app.log-20261123-003000")).toBe(false);
    expect(globSource("/a/[!x]?.l[og]g")).toBe(String.raw`\/a\/(?!\.)[^/x][^/]\.l[og]g`);
  });

  it("knows rotated names: ours, logrotate's default date, gzipped or not", () => {
    for (const name of [
      "app.log-20261123-003000",
      "app.log-20261123-003000.gz",
      "app.log-20261123",
      "app.log-20261123.gz",
    ]) {
      expect(rotated(`/var/log/mira/${name}`), name).toBe(true);
    }
    for (const name of [
      "app.log",
      "app.log.1",
      "app.log.1.gz",
      "app.log-2026",
      "notes.txt",
      "app.log-20261123-003000.gz.guardia-tmp",
    ]) {
      expect(rotated(`/var/log/mira/${name}`), name).toBe(false);
    }
    expect(liveNameOf("/var/log/mira/app.log-20261123-003000.gz")).toBe("/var/log/mira/app.log");
  });

  it("mounts the claim at the deepest directory without globs that holds every path", () => {
    expect(mountDirectory(["/var/log/mira/*.log"])).toBe("/var/log/mira");
    expect(mountDirectory(["/var/log/mira/api/*.log", "/var/log/mira/worker/*.log"])).toBe(
      "/var/log/mira",
    );
    expect(mountDirectory(["/var/log/mira/*/app.log"])).toBe("/var/log/mira");
    expect(mountDirectory(["/var/log/a/x.log", "/srv/b/y.log"])).toBe("/");
  });

  it("refuses globs that match their own rotated files, and paths logrotate cannot read", () => {
    expect(logPathProblem("/var/log/mira/*.log")).toBeUndefined();
    expect(["/var/log/mira/*", '/var/log/"x"/*.log', "/var/log/mira/"].map(logPathProblem)).toEqual(
      [
        'path "/var/log/mira/*" also matches its own rotated files (/var/log/mira/app-20260101-000000); end it with the files\' extension, e.g. /var/log/mira/*.log',
        'path "/var/log/\\"x\\"/*.log" contains " { } or a line break: logrotate cannot read it',
        'path "/var/log/mira/" names a directory; name the files, e.g. /var/log/mira/*.log',
      ],
    );
    expect(logPathProblem("/var/log/mira/app.log*")).toMatch(/also matches its own rotated files/);
  });
});

describe("planLogFiles at a fixed moment", () => {
  const listing = [
    file("app.log", 0, 0, 500_000_000),
    file("stale.log", 400),
    file("app.log-20261122-003000", 1),
    file("app.log-20261024-003000", 30, -1), // 29 d 23 h: not yet older than 30 days
    file("app.log-20261023-003000", 30, 1), // 30 d 1 h: older than 30 days
    file("app.log-20260901-003000.gz", 83),
    file("app.log-20260825.gz", 90, -1),
    file("app.log-20260824.gz", 90, 1),
    file("app.log-20260601", 175), // rotated by hand, never compressed: deleted, not compressed
    file("app.log.1", 400),
    file("notes.txt", 400),
    file(".guardia-logrotate.state", 0),
  ];

  it("compresses after compressAfterDays, deletes after deleteAfterDays, by mtime", () => {
    const plan = planLogFiles(ENTRY, listing, NOW);
    expect(paths(plan.live)).toEqual(["app.log", "stale.log"]);
    expect(paths(plan.compress)).toEqual(["app.log-20261023-003000"]);
    expect(paths(plan.delete)).toEqual(["app.log-20260601", "app.log-20260824.gz"]);
    expect(paths(plan.keep)).toEqual([
      "app.log-20260825.gz",
      "app.log-20260901-003000.gz",
      "app.log-20261024-003000",
      "app.log-20261122-003000",
    ]);
    expect(paths(plan.other)).toEqual([".guardia-logrotate.state", "app.log.1", "notes.txt"]);
  });

  it("counts days as logrotate's maxage does: strictly more than N × 24 h", () => {
    expect(olderThanDays(file("a", 30), 30, NOW)).toBe(false);
    expect(olderThanDays({ ...file("a", 30), mtimeMs: file("a", 30).mtimeMs - 1 }, 30, NOW)).toBe(
      true,
    );
  });

  it("leaves compression to logrotate when compressAfterDays is 0", () => {
    const plan = planLogFiles({ ...ENTRY, compressAfterDays: 0 }, listing, NOW);
    expect(plan.compress).toEqual([]);
    expect(paths(plan.delete)).toEqual(["app.log-20260601", "app.log-20260824.gz"]);
  });

  it("never plans anything for a live file, however old", () => {
    const plan = planLogFiles({ ...ENTRY, deleteAfterDays: 1, compressAfterDays: 1 }, listing, NOW);
    const touched = [...plan.compress, ...plan.delete].map((f) => f.path);
    expect(touched).not.toContain("/var/log/mira/stale.log");
    expect(touched).not.toContain("/var/log/mira/app.log");
    expect(touched).not.toContain("/var/log/mira/notes.txt");
  });
});

describe("forecastRun and rotatedChanges", () => {
  const listing = [
    file("app.log", 0, 0, 200 * 1024 * 1024),
    file("quiet.log", 0, 5, 10),
    file("app.log-20261101-003000", 22),
    file("app.log-20261010-003000", 44),
    file("app.log-20260801-003000", 114),
  ];
  const logrotate = {
    rotate: [
      { file: "/var/log/mira/app.log", to: "/var/log/mira/app.log-20261123-003000" },
      { file: "/var/log/mira/quiet.log", to: "/var/log/mira/quiet.log-20261123-003000" },
    ],
    remove: ["/var/log/mira/app.log-20260801-003000"],
    errors: [],
  };

  it("joins logrotate's decisions with guardia's, never listing a file twice", () => {
    const forecast = forecastRun(ENTRY, listing, logrotate, NOW);
    expect(forecast.rotate).toEqual([
      { ...logrotate.rotate[0], size: 200 * 1024 * 1024, reason: "past maxSize 100M" },
      { ...logrotate.rotate[1], size: 10, reason: "daily" },
    ]);
    expect(forecast.removeByLogrotate).toEqual(["/var/log/mira/app.log-20260801-003000"]);
    expect(forecast.compress).toEqual(["/var/log/mira/app.log-20261010-003000"]);
    expect(forecast.delete).toEqual([]);
    expect(forecast.compressByLogrotate).toEqual([]);
    expect(forecastSummary(forecast)).toBe(
      "2 live file(s), 2 to rotate, 1 to compress, 1 to delete, 1 rotated kept, 0 other file(s) left alone",
    );
  });

  it("forecasts logrotate's delayed compression of earlier rotations when compressAfterDays is 0", () => {
    const forecast = forecastRun({ ...ENTRY, compressAfterDays: 0 }, listing, logrotate, NOW);
    expect(forecast.compressByLogrotate).toEqual([
      "/var/log/mira/app.log-20261101-003000",
      "/var/log/mira/app.log-20261010-003000",
    ]);
    expect(forecast.compress).toEqual([]);
  });

  it("tells rotated files that appeared from those that went", () => {
    const after = [
      file("app.log", 0, 0, 0),
      file("app.log-20261123-003000", 0),
      file("app.log-20261101-003000", 22),
      file("app.log-20261010-003000", 44),
      file("unrelated.txt", 0),
    ];
    const changes = rotatedChanges(ENTRY.paths, listing, after);
    expect(paths(changes.created)).toEqual(["app.log-20261123-003000"]);
    expect(paths(changes.removed)).toEqual(["app.log-20260801-003000"]);
  });
});
