import { createWriteStream } from "node:fs";
import { link, mkdir, open, readdir, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join, relative, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { fsyncPath } from "../fsync.js";
import { HashingStream, ObjectNotFoundError } from "./store.js";
import type { ListedObject, ObjectStore, PartialObject, StoredObject } from "./store.js";

/**
 * A file:// destination: a directory (often a PersistentVolume). Objects are written beside their
 * final name as `<name>.partial-<host>-<pid>`, fsynced, renamed into place and the directory
 * fsynced, so after a crash or power loss a name either holds the complete object or does not
 * exist. The host and pid in the name say who writes it, so a later run can tell a partial file
 * whose writer died (SIGKILL, an OOM kill) from one still being written.
 */

/** `<name>.partial-<host>-<pid>`, or `<name>.partial-<pid>` as older guardia named them. */
const PARTIAL = /^(.+)\.partial-(?:(.+)-)?(\d+)$/;

/** Calls of putIfAbsent in this process, which number their partial files. */
let putIfAbsentCalls = 0;

/** The host part of a partial file's name: the hostname, with anything unusual replaced. */
function writerHost(): string {
  return hostname().replace(/[^A-Za-z0-9.-]/g, "_") || "unknown";
}
export class FileStore implements ObjectStore {
  readonly kind = "file";

  constructor(
    /** Absolute directory: the destination's root. */
    readonly root: string,
    readonly url: string = pathToFileURL(root).href,
  ) {}

  describe(key: string): string {
    // Prefixes ("<...>/<id>/") keep their slash: it says "a directory".
    return key.endsWith("/") ? `${this.#path(key.slice(0, -1))}/` : this.#path(key);
  }

  async putStream(key: string, body: Readable): Promise<StoredObject> {
    const final = this.#path(key);
    await mkdir(dirname(final), { recursive: true });
    const partial = `${final}.partial-${writerHost()}-${process.pid}`;
    const hasher = new HashingStream();
    try {
      await pipeline(body, hasher, createWriteStream(partial));
      await fsyncPath(partial);
      await rename(partial, final);
      await fsyncPath(dirname(final));
    } catch (err) {
      await rm(partial, { force: true });
      // A failed backup leaves no empty directory that looks like a backup id.
      await rmdir(dirname(final)).catch(() => undefined);
      throw err;
    }
    return hasher.result();
  }

  putSmall(key: string, text: string): Promise<StoredObject> {
    return this.putStream(key, Readable.from([Buffer.from(text, "utf8")]));
  }

  async putIfAbsent(key: string, text: string): Promise<boolean> {
    const final = this.#path(key);
    await mkdir(dirname(final), { recursive: true });
    // Written whole and fsynced first, then linked: link() fails if the name exists, so nobody
    // ever sees a half-written object under `key` and only one writer wins.
    // Its own name per call: writers in one process race for a key too (the same pid, the same
    // millisecond), and a shared partial file would be linked by one and removed under another.
    const partial = `${final}~${++putIfAbsentCalls}.partial-${writerHost()}-${process.pid}`;
    try {
      await writeFile(partial, text, { mode: 0o600 });
      await fsyncPath(partial);
      await link(partial, final);
      await fsyncPath(dirname(final));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw err;
    } finally {
      await rm(partial, { force: true });
    }
  }

  async get(key: string): Promise<Readable> {
    const path = this.#path(key);
    try {
      // Opening first turns a missing file into an error here, not a late stream error.
      const handle = await open(path, "r");
      return handle.createReadStream();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") {
        throw new ObjectNotFoundError(key, path);
      }
      throw err;
    }
  }

  async list(prefix: string): Promise<ListedObject[]> {
    const files = await this.#files(prefix);
    return files
      .filter((f) => !PARTIAL.test(basename(f.key)))
      .map(({ key, bytes }) => ({ key, bytes }));
  }

  async listPartial(prefix: string): Promise<PartialObject[]> {
    const partials: PartialObject[] = [];
    for (const file of await this.#files(prefix)) {
      const m = PARTIAL.exec(basename(file.key));
      if (!m) continue;
      const key = `${file.key.slice(0, file.key.length - basename(file.key).length)}${m[1]}`;
      const pid = Number(m[3]);
      partials.push({
        key,
        name: file.key,
        bytes: file.bytes,
        lastWrittenAt: file.modifiedAt,
        ...(m[2] !== undefined && { writer: { host: m[2], pid } }),
      });
    }
    return partials;
  }

  async deletePartial(partial: PartialObject): Promise<void> {
    if (!PARTIAL.test(basename(partial.name))) {
      throw new Error(`${partial.name} is not a partial file`);
    }
    await this.delete(partial.name);
  }

  /** Every file under the deepest directory `prefix` names completely, filtered by prefix. */
  async #files(prefix: string): Promise<{ key: string; bytes: number; modifiedAt: Date }[]> {
    const dir = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    const base = dir ? this.#path(dir) : this.root;
    let names: string[];
    try {
      names = await readdir(base, { recursive: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
    const files: { key: string; bytes: number; modifiedAt: Date }[] = [];
    for (const name of names) {
      const path = join(base, name);
      const info = await stat(path).catch(() => undefined); // deleted meanwhile
      if (!info?.isFile()) continue;
      const key = relative(this.root, path).split(sep).join("/");
      if (key.startsWith(prefix)) files.push({ key, bytes: info.size, modifiedAt: info.mtime });
    }
    return files;
  }

  async delete(key: string): Promise<void> {
    const path = this.#path(key);
    await rm(path, { force: true });
    // The backup's directory goes with its last object; rmdir refuses while anything is left.
    await rmdir(dirname(path)).catch(() => undefined);
  }

  close(): void {
    // Nothing held open between calls.
  }

  #path(key: string): string {
    const parts = key.split("/");
    if (parts.some((p) => p === "" || p === "." || p === "..")) {
      throw new Error(
        `object key ${JSON.stringify(key)} is not a relative path inside ${this.root}`,
      );
    }
    return join(this.root, ...parts);
  }
}
