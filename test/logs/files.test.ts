import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { gzipSafely } from "../../lib/logs/compress.js";
import { deleteFiles, listLogDirectories } from "../../lib/logs/listing.js";

/** The file system side of rotate-logs on real files: gzip that never loses a line, listing, deletion. */

const root = mkdtempSync(path.join(tmpdir(), "guardia-log-files-"));
let dir: string;
let n = 0;

beforeEach(() => {
  dir = path.join(root, `case-${++n}`);
  mkdirSync(dir);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function rotated(name: string, text: string, daysAgo = 40): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  const time = new Date(Date.now() - daysAgo * 24 * 3600_000);
  utimesSync(file, time, time);
  return file;
}

describe("gzipSafely", () => {
  it("replaces the file with a .gz of the same bytes and the same mtime", async () => {
    const text = "line\n".repeat(10_000);
    const file = rotated("app.log-20261013-003000", text);
    const mtimeMs = statSync(file).mtimeMs;
    const result = await gzipSafely(file);
    expect(result).toEqual({
      file,
      to: `${file}.gz`,
      bytes: text.length,
      compressedBytes: statSync(`${file}.gz`).size,
    });
    expect(result.compressedBytes).toBeLessThan(text.length / 10);
    expect(gunzipSync(readFileSync(`${file}.gz`)).toString()).toBe(text);
    expect(statSync(`${file}.gz`).mtimeMs).toBe(mtimeMs);
    expect(readdirSync(dir)).toEqual(["app.log-20261013-003000.gz"]);
  });

  it("finishes what a stopped run left: the same content already compressed", async () => {
    const file = rotated("app.log-20261013-003000", "kept twice\n");
    writeFileSync(`${file}.gz`, gzipSync("kept twice\n"));
    await gzipSafely(file);
    expect(readdirSync(dir)).toEqual(["app.log-20261013-003000.gz"]);
    expect(gunzipSync(readFileSync(`${file}.gz`)).toString()).toBe("kept twice\n");
  });

  it("never overwrites a .gz holding other lines, and leaves no temporary file", async () => {
    const file = rotated("app.log-20261013-003000", "new lines\n");
    writeFileSync(`${file}.gz`, gzipSync("older lines\n"));
    await expect(gzipSafely(file)).rejects.toThrow(
      `compressing ${file}: ${file}.gz already exists with other content; both left as they are`,
    );
    expect(readdirSync(dir).sort()).toEqual([
      "app.log-20261013-003000",
      "app.log-20261013-003000.gz",
    ]);
    expect(gunzipSync(readFileSync(`${file}.gz`)).toString()).toBe("older lines\n");
    expect(readFileSync(file, "utf8")).toBe("new lines\n");
  });

  it("names the file when it cannot read it", async () => {
    const missing = path.join(dir, "gone.log-20261013-003000");
    await expect(gzipSafely(missing)).rejects.toThrow(`compressing ${missing}: ENOENT`);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("listLogDirectories and deleteFiles", () => {
  it("lists regular files of every directory a glob names, never symlinks, and what is missing", async () => {
    mkdirSync(path.join(dir, "api"));
    mkdirSync(path.join(dir, "worker"));
    mkdirSync(path.join(dir, ".cache"));
    writeFileSync(path.join(dir, "api", "a.log"), "12345");
    writeFileSync(path.join(dir, "worker", "w.log"), "1");
    writeFileSync(path.join(dir, ".cache", "c.log"), "1");
    symlinkSync(path.join(dir, "api", "a.log"), path.join(dir, "worker", "link.log"));
    const listing = await listLogDirectories([`${dir}/*/*.log`, `${dir}/nowhere/*.log`]);
    expect(listing.directories).toEqual([path.join(dir, "api"), path.join(dir, "worker")]);
    expect(listing.missing).toEqual([path.join(dir, "nowhere")]);
    expect(listing.files.map((f) => [f.path, f.size])).toEqual([
      [path.join(dir, "api", "a.log"), 5],
      [path.join(dir, "worker", "w.log"), 1],
    ]);
  });

  it("deletes what it is given, and takes a file already gone as deleted by someone else", async () => {
    const a = rotated("a.log-20260101", "a");
    const kept = rotated("b.log-20260101", "b");
    expect(await deleteFiles([a, path.join(dir, "never-there")])).toEqual([a]);
    expect(existsSync(a)).toBe(false);
    expect(existsSync(kept)).toBe(true);
  });
});
