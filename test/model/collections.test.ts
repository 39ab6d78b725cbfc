import { describe, expect, it } from "vitest";
import { COLLECTIONS_EXPORT } from "../../lib/model/defaults.js";
import { DATABASE, onlyProblem, platformOf, problemsOf, stackText } from "./builders.js";

/** The stack's `collections` section: NocoBase's database, its version, the scheduled export. */

const COLLECTIONS = `
collections:
  apiUrl: http://nocobase.mira.svc:13000/api
  tokenSecret: { name: nocobase-api, key: token }
  database: mira
`;
const BACKUPS = `
backups:
  destination: { url: "file:///backups/mira" }
`;

describe("collections", () => {
  it("exports daily at 02:00 and keeps 30 days by default, when there is a backup destination", () => {
    const { collections } = platformOf(`${DATABASE}${BACKUPS}${COLLECTIONS}`);
    expect(collections).toMatchObject({ database: "mira", version: undefined });
    expect(collections?.export?.cron.expression).toBe(COLLECTIONS_EXPORT.cron);
    expect(collections?.export?.keepDays).toBe(30);
    expect(COLLECTIONS_EXPORT).toEqual({ cron: "0 2 * * *", keepDays: 30 });
  });

  it("has no scheduled export without a backup destination, or when it is turned off", () => {
    expect(platformOf(`${DATABASE}${COLLECTIONS}`).collections?.export).toBeUndefined();
    const off = `${DATABASE}${BACKUPS}${COLLECTIONS}  export: null\n`;
    expect(platformOf(off).collections?.export).toBeUndefined();
    const own = `${DATABASE}${BACKUPS}${COLLECTIONS}  export: { cron: "30 1 * * *", keepDays: 60 }\n`;
    expect(platformOf(own).collections?.export).toMatchObject({ keepDays: 60 });
    expect(platformOf(own).collections?.export?.cron.expression).toBe("30 1 * * *");
  });

  it("names a database of the stack", () => {
    const body = `${DATABASE}${COLLECTIONS.replace("database: mira", "database: nocobase")}`;
    expect(onlyProblem(stackText(body))).toEqual({
      path: "guardia:platform.collections.database",
      line: 12,
      message: 'unknown database "nocobase" (databases: mira)',
    });
  });

  it("refuses a scheduled export with nowhere to store it, and a database named like its folder", () => {
    const noBackups = `${DATABASE}${COLLECTIONS}  export: { keepDays: 30 }\n`;
    expect(onlyProblem(stackText(noBackups))).toMatchObject({
      path: "guardia:platform.collections.export",
      message:
        "the scheduled export is stored at `backups.destination`: add a `backups` section, or set `export: null`",
    });
    const clash = `${DATABASE.replaceAll("mira", "collections")}${BACKUPS}${COLLECTIONS.replace("database: mira", "database: collections")}`;
    expect(problemsOf(stackText(clash)).map((p) => p.path)).toEqual([
      "guardia:platform.databases[0].name",
    ]);
  });
});
