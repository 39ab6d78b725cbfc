import { describe, expect, it } from "vitest";
import {
  backupId,
  backupPrefix,
  databasePrefix,
  newestFirst,
  parseBackupId,
  tryParseBackupId,
} from "../../lib/backup/layout.js";
import { formatAge } from "../../lib/backup/list.js";
import { formatBytes } from "../../lib/backup/store.js";

describe("backup ids", () => {
  it("start with the UTC start time to the second, then the schedule and the run's tag", () => {
    const id = backupId(new Date("2026-11-23T02:00:00.987Z"), "daily", "3f9a1c");
    expect(id).toBe("20261123T020000Z-daily_3f9a1c");
    expect(parseBackupId(id)).toEqual({
      id,
      startedAt: new Date("2026-11-23T02:00:00Z"),
      schedule: "daily",
      run: "3f9a1c",
    });
  });

  it("differ for runs that start in the same second", () => {
    const at = new Date("2026-11-23T02:00:00Z");
    const ids = new Set(Array.from({ length: 1000 }, () => backupId(at, "daily")));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^20261123T020000Z-daily_[0-9a-f]{6}$/);
  });

  it("of older guardia releases (no run tag) still parse", () => {
    expect(parseBackupId("20261123T020000Z-daily-2")).toMatchObject({
      schedule: "daily-2",
      run: undefined,
    });
  });

  it("sort by time as strings, newest first", () => {
    const ids = ["20261123T020000Z-daily", "20261122T030000Z-weekly", "20261123T010000Z-manual"];
    expect(newestFirst(ids.map((id) => ({ id }))).map((b) => b.id)).toEqual([
      "20261123T020000Z-daily",
      "20261123T010000Z-manual",
      "20261122T030000Z-weekly",
    ]);
  });

  it("reject anything else, naming it", () => {
    for (const bad of [
      "latest",
      "20261123T020000Z",
      "20261340T020000Z-daily",
      "20261123T020000Z-Daily",
      "x/../20261123T020000Z-daily",
      "20261123T020000Z-daily_3F9A1C",
      "20261123T020000Z-daily_3f9a1",
      "20261123T020000Z-daily_3f9a1c_",
    ]) {
      expect(tryParseBackupId(bad)).toBeUndefined();
    }
    expect(() => parseBackupId("latest")).toThrow(
      '"latest" is not a backup id (expected e.g. 20261123T020000Z-daily_3f9a1c)',
    );
    expect(() => backupId(new Date(), "Daily backup")).toThrow(
      'schedule name "Daily backup" cannot go into a backup id',
    );
  });
});

describe("keys", () => {
  const location = { platform: "mira", environment: "prod", database: "mira" };

  it("follow <platform>/<env>/<database>/<backup-id>/", () => {
    expect(databasePrefix(location)).toBe("mira/prod/mira/");
    expect(backupPrefix(location, "20261123T020000Z-daily")).toBe(
      "mira/prod/mira/20261123T020000Z-daily/",
    );
  });

  it("refuse segments that would escape the destination", () => {
    expect(() => databasePrefix({ ...location, database: ".." })).toThrow(
      'backup location: database ".." is not a safe path segment',
    );
    expect(() => databasePrefix({ ...location, platform: "a/b" })).toThrow("platform");
  });
});

describe("display", () => {
  it("formats sizes and ages", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536 * 1024 * 1024)).toBe("1.5 GiB");
    expect(formatAge(30 * 60_000)).toBe("30 min");
    expect(formatAge(47 * 3_600_000)).toBe("47 h");
    expect(formatAge(12.5 * 86_400_000)).toBe("12.5 d");
  });
});
