import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { holderIdentity, LockHeldError, type HeldLock, type LockHolder } from "./locks.js";
import { stateDir } from "./state-dir.js";

/**
 * A lock file created with O_EXCL: only for local stacks, where there is no shared server or
 * cluster to lock on. A lock left by a process that died on this host is taken over.
 */
interface FileLockContent {
  holder: string;
  since: string;
  pid: number;
  host: string;
}

export async function acquireFileLock(name: string, holder: LockHolder): Promise<HeldLock> {
  const dir = path.join(stateDir(), "locks");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${name.replace(/[^\w.-]/g, "_")}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      const content: FileLockContent = {
        holder: holderIdentity(holder),
        since: new Date().toISOString(),
        pid: process.pid,
        host: hostname(),
      };
      writeSync(fd, JSON.stringify(content));
      closeSync(fd);
      return {
        description: `lock file ${file}`,
        lost: () => undefined,
        release: async () => rmSync(file, { force: true }),
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const existing = readLock(file);
      if (existing && !isDeadLocalProcess(existing))
        throw new LockHeldError(name, existing.holder, existing.since);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take lock file ${file}`);
}

function readLock(file: string): FileLockContent | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as FileLockContent;
  } catch {
    return undefined;
  }
}

function isDeadLocalProcess(lock: FileLockContent): boolean {
  if (lock.host !== hostname()) return false;
  try {
    process.kill(lock.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}
