// A lock file for a short read-modify-write of a small file shared between processes (the
// vault): `<file>.lock` created with O_EXCL holds the owner's pid; others wait for it to go.
// Synchronous, like the callers (the vault is read and written with sync calls). A lock left by
// a process that died (its pid gone) or older than `staleMs` is broken, so that a crash mid-write
// never locks the file for good.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';

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
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
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

function isStale(lockPath: string, staleMs: number): boolean {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(lockPath).mtimeMs;
  } catch {
    return false; // gone already: the next attempt takes it
  }
  const pid = holderPid(lockPath);
  // A lock just created may not hold its pid yet: only a dead pid, or old age, makes it stale.
  if (pid !== undefined && pid !== process.pid && !alive(pid)) return true;
  return Date.now() - mtimeMs > staleMs;
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
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Runs `fn` holding `lockPath`; throws FileLockTimeout when another holder keeps it too long. */
export function withFileLockSync<T>(lockPath: string, fn: () => T, options: FileLockOptions = {}): T {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let wait = 5;
  while (!tryLock(lockPath)) {
    if (isStale(lockPath, staleMs)) {
      try {
        unlinkSync(lockPath);
      } catch {
        // another waiter broke it first
      }
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
