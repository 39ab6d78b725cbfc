import { createHash, type Hash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm, stat, unlink, utimes } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import { fsyncPath } from "../fsync.js";
import { t } from "../i18n/index.js";

export interface Compressed {
  readonly file: string;
  readonly to: string;
  readonly bytes: number;
  readonly compressedBytes: number;
}

/**
 * gzip of one rotated file (the format of the MIRA operations guide's `gzip`, Performance y
 * Optimización: Limpieza de Datos), made so that no log line can be lost: the .gz is written
 * under a temporary name, fsynced, read back and compared (sha256 of the uncompressed bytes)
 * before it takes its name, and the original is removed only after that, and only if it did not
 * change meanwhile. A crash at any point leaves the original, or both; an
 * existing .gz of that name is never overwritten.
 * The .gz keeps the original's mtime: retention counts from the rotation, not the compression.
 */
export async function gzipSafely(file: string, signal?: AbortSignal): Promise<Compressed> {
  const dir = path.dirname(file);
  const to = `${file}.gz`;
  // A dot name: no glob of a `logs` entry matches it, so logrotate never takes it for a log.
  const temporary = path.join(dir, `.${path.basename(file)}.gz.guardia-tmp`);
  try {
    const before = await stat(file);
    const original = createHash("sha256");
    const bytes = await pipelineCounting(file, original, temporary, before.mode & 0o666, signal);
    await fsyncPath(temporary);
    const check = await gunzippedDigest(temporary, signal);
    if (check.bytes !== bytes || check.sha256 !== original.digest("hex")) {
      throw new Error(t`the compressed copy does not read back as the original`);
    }
    const after = await stat(file);
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
      throw new Error(t`it changed while it was being compressed; left as it is`);
    }
    await utimes(temporary, before.atime, before.mtime);
    await claimName(temporary, to, check.sha256, signal);
    await fsyncPath(dir);
    await unlink(file);
    await fsyncPath(dir);
    return { file, to, bytes, compressedBytes: (await stat(to)).size };
  } catch (err) {
    await rm(temporary, { force: true });
    throw new Error(t`compressing ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Gives the verified temporary file its name. A .gz already there holding the same lines is what
 * a run that stopped between rename and unlink left: it stays. One holding anything else is never
 * overwritten.
 */
async function claimName(
  temporary: string,
  to: string,
  sha256: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const existing = await stat(to).catch(() => undefined);
  if (!existing) return rename(temporary, to);
  const same = await gunzippedDigest(to, signal).then(
    (d) => d.sha256 === sha256,
    () => false,
  );
  if (!same) throw new Error(t`${to} already exists with other content; both left as they are`);
  await rm(temporary, { force: true });
}

async function pipelineCounting(
  file: string,
  hash: Hash,
  to: string,
  mode: number,
  signal: AbortSignal | undefined,
): Promise<number> {
  let bytes = 0;
  await pipeline(
    createReadStream(file),
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        hash.update(chunk);
        bytes += chunk.length;
        yield chunk;
      }
    },
    createGzip(),
    createWriteStream(to, { mode }),
    { signal },
  );
  return bytes;
}

async function gunzippedDigest(
  file: string,
  signal: AbortSignal | undefined,
): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash("sha256");
  let bytes = 0;
  await pipeline(
    createReadStream(file),
    createGunzip(),
    async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        hash.update(chunk);
        bytes += chunk.length;
      }
    },
    { signal },
  );
  return { bytes, sha256: hash.digest("hex") };
}
