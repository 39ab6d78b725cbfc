import { t } from "../i18n/index.js";
import {
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { holderIdentity, LockHeldError, type HeldLock, type LockHolder } from "./locks.js";
import { stateDir } from "./state-dir.js";

/**
 * A lock file, only for local stacks (there is no shared server or cluster to lock on). It is
 * written whole to a private temp file and linked into place, so nobody ever reads a half-written
 * lock; a lock left by a process that died on this host is moved aside by exactly one taker (the
 * rename of that very file, checked by inode) before a new one is linked.
 */
interface FileLockContent {
  holder: string;
  since: string;
  pid: number;
  host: string;
}

const ATTEMPTS = 3;

export async function acquireFileLock(name: string, holder: LockHolder): Promise<HeldLock> {
  const dir = path.join(stateDir(), "locks");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${name.replace(/[^\w.-]/g, "_")}.lock`);
  const content: FileLockContent = {
    holder: holderIdentity(holder),
    since: new Date().toISOString(),
    pid: process.pid,
    host: hostname(),
  };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (tryCreate(file, content)) {
      return {
        description: t`lock file ${file}`,
        lost: () => undefined,
        release: async () => releaseIfOurs(file, content),
      };
    }
    const existing = readLock(file);
    if (existing === "gone") continue;
    if (existing === "unreadable") {
      throw new LockHeldError(
        name,
        t`an unreadable lock file ${file} (remove it if no guardia run is active)`,
        undefined,
      );
    }
    if (!isDeadLocalProcess(existing.content))
      throw new LockHeldError(name, existing.content.holder, existing.content.since);
    moveAside(file, existing.inode);
  }
  throw new Error(t`could not take lock file ${file} after ${ATTEMPTS} attempts`);
}

function tryCreate(file: string, content: FileLockContent): boolean {
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, JSON.stringify(content), { mode: 0o600 });
  try {
    linkSync(temp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    rmSync(temp, { force: true });
  }
}

function readLock(
  file: string,
): { content: FileLockContent; inode: number } | "gone" | "unreadable" {
  try {
    const inode = statSync(file).ino;
    return { content: JSON.parse(readFileSync(file, "utf8")) as FileLockContent, inode };
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ENOENT" ? "gone" : "unreadable";
  }
}

/** Renames the dead holder's file away; if another taker replaced it meanwhile, puts theirs back. */
function moveAside(file: string, inode: number): void {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  if (statSync(aside).ino === inode) return rmSync(aside, { force: true });
  try {
    linkSync(aside, file);
  } finally {
    rmSync(aside, { force: true });
  }
}

function releaseIfOurs(file: string, content: FileLockContent): void {
  const current = readLock(file);
  if (
    typeof current === "object" &&
    current.content.pid === content.pid &&
    current.content.since === content.since
  ) {
    rmSync(file, { force: true });
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
