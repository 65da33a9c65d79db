// A lock file for a short read-modify-write of a small file shared between processes (the
// vault): `<file>.lock` created with O_EXCL holds the owner's pid and host name; others wait for
// it to go. Synchronous, like the callers (the vault is read and written with sync calls). A lock
// left by a process of this host that died (its pid gone), or older than `staleMs`, is broken, so
// that a crash mid-write never locks the file for good.
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

export interface FileLockOptions {
  /** How long to wait for another holder (default 10 s). */
  timeoutMs?: number;
  /** A lock older than this is a leftover (default 30 s: the work under it takes well under 1 s). */
  staleMs?: number;
}

export class FileLockTimeout extends Error {
  constructor(
    readonly lockPath: string,
    readonly holder: number | undefined,
  ) {
    super(`${lockPath} is held by another process${holder !== undefined ? ` (pid ${holder})` : ''}`);
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function holderPid(lockPath: string): number | undefined {
  return readLock(lockPath)?.pid;
}

interface LockInfo {
  mtimeMs: number;
  pid: number | undefined;
  /** The holder's host name (a vault on a shared home may be locked from another machine). */
  host: string | undefined;
}

/** The lock file's age and pid, read from one open file (undefined: gone). */
function readLock(lockPath: string): LockInfo | undefined {
  let fd: number;
  try {
    fd = openSync(lockPath, 'r');
  } catch {
    return undefined;
  }
  try {
    const { mtimeMs } = fstatSync(fd);
    const [pidText = '', host] = readFileSync(fd, 'utf8').trim().split(/\s+/);
    const pid = Number.parseInt(pidText, 10);
    return { mtimeMs, pid: Number.isInteger(pid) && pid > 0 ? pid : undefined, host: host || undefined };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, not ours to signal
  }
}

function isStale(lock: LockInfo | undefined, staleMs: number): boolean {
  if (lock === undefined) return false; // gone already: the next attempt takes it
  // A lock just created may not hold its pid yet: only a dead pid, or old age, makes it stale.
  // A pid says something only on its own machine: another host's lock goes by age alone.
  const here = lock.host === undefined || lock.host === hostname();
  if (here && lock.pid !== undefined && lock.pid !== process.pid && !alive(lock.pid)) return true;
  return Date.now() - lock.mtimeMs > staleMs;
}

/**
 * Removes the lock at `lockPath` if it is stale, and only then. Two waiters may judge the same
 * dead holder's lock stale; when the first has broken it and taken the lock, the second must not
 * remove that new one: the lock is moved aside (atomically, whatever it is by then), judged there,
 * and put back when it is not stale.
 */
export function breakStaleLock(lockPath: string, staleMs: number): void {
  const aside = `${lockPath}.${process.pid}-${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // gone: another waiter broke it
  }
  try {
    if (!isStale(readLock(aside), staleMs)) linkSync(aside, lockPath);
  } catch {
    // EEXIST: yet another process took the lock in this instant; nothing better to do
  } finally {
    try {
      unlinkSync(aside);
    } catch {
      // already gone
    }
  }
}

function tryLock(lockPath: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${process.pid} ${hostname()}\n`);
  } catch (error) {
    closeSync(fd);
    unlinkSync(lockPath); // not held after all: no lock left behind for 30 s
    throw error;
  }
  closeSync(fd);
  return true;
}

/** Runs `fn` holding `lockPath`; throws FileLockTimeout when another holder keeps it too long. */
export function withFileLockSync<T>(lockPath: string, fn: () => T, options: FileLockOptions = {}): T {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let wait = 5;
  while (!tryLock(lockPath)) {
    if (isStale(readLock(lockPath), staleMs)) {
      breakStaleLock(lockPath, staleMs);
      continue;
    }
    if (Date.now() >= deadline) throw new FileLockTimeout(lockPath, holderPid(lockPath));
    sleepSync(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 100);
  }
  try {
    return fn();
  } finally {
    try {
      unlinkSync(lockPath);
    } catch {
      // broken as stale by another process: nothing left to remove
    }
  }
}
