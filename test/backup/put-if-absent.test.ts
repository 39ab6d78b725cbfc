import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readText } from "../../lib/backup/store.js";
import { startS3, type S3Server } from "../harness/s3.js";
import { removeTempDirs, useDestination, type DestinationKind } from "./helpers.js";

/**
 * `putIfAbsent` is what incident locks, scheduled windows and drill markers are made of: among
 * writers racing for one key exactly one wins, and the object holds the winner's bytes. On a
 * directory (a hard link into place) and on the S3 server (a PUT with `If-None-Match: *`, which
 * moto answers with 412 like AWS S3 once the key exists), plain and with Object Lock.
 */

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.stop();
  removeTempDirs();
});

describe.each<DestinationKind>(["file", "s3", "s3-locked"])("putIfAbsent on %s", (kind) => {
  const dest = useDestination(kind, () => s3, `absent-${kind}`);

  it("lets exactly one of twenty racing writers create a key, and keeps its bytes", async () => {
    const key = `locks/race-${kind}.lock`;
    const writers = Array.from({ length: 20 }, (_, i) => `writer ${i}`);
    const won = await Promise.all(writers.map((w) => dest.store.putIfAbsent(key, w)));
    const winners = writers.filter((_, i) => won[i]);
    expect(winners).toHaveLength(1);
    expect(await readText(dest.store, key)).toBe(winners[0]);
  });

  it("refuses a key that exists, and takes it again once deleted", async () => {
    const key = `locks/again-${kind}.lock`;
    expect(await dest.store.putIfAbsent(key, "first")).toBe(true);
    expect(await dest.store.putIfAbsent(key, "second")).toBe(false);
    expect(await readText(dest.store, key)).toBe("first");
    await dest.store.delete(key);
    expect(await dest.store.putIfAbsent(key, "third")).toBe(true);
    expect(await readText(dest.store, key)).toBe("third");
  });
});
