import { hostname } from 'node:os';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { breakStaleLock, FileLockTimeout, withFileLockSync } from './fileLock.js';

let dir: string | undefined;
const lockIn = (): string => join((dir = mkdtempSync(join(tmpdir(), 'pmc-lock-'))), 'f.lock');
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('withFileLockSync', () => {
  it('holds the lock file (with its pid and host) while fn runs, and removes it after, also when fn throws', () => {
    const lock = lockIn();
    expect(withFileLockSync(lock, () => readFileSync(lock, 'utf8'))).toBe(`${process.pid} ${hostname()}\n`);
    expect(existsSync(lock)).toBe(false);
    expect(() => withFileLockSync(lock, () => { throw new Error('boom'); })).toThrow('boom');
    expect(existsSync(lock)).toBe(false);
  });

  it('waits for a live holder and gives up after the timeout, naming it', () => {
    const lock = lockIn();
    writeFileSync(lock, `${process.pid}\n`); // held by a live process (this one)
    const started = Date.now();
    let error: unknown;
    try {
      withFileLockSync(lock, () => 1, { timeoutMs: 150 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FileLockTimeout);
    expect((error as FileLockTimeout).holder).toBe(process.pid);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(existsSync(lock)).toBe(true); // not ours: left alone
  });

  it('breaks a lock whose holder died, or one older than staleMs', () => {
    const lock = lockIn();
    writeFileSync(lock, '2147483646\n');
    expect(withFileLockSync(lock, () => 'ran', { timeoutMs: 0 })).toBe('ran');
    writeFileSync(lock, `${process.pid}\n`);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    expect(withFileLockSync(lock, () => 'ran again', { timeoutMs: 0, staleMs: 30_000 })).toBe('ran again');
  });

  it("another host's lock (a shared home) is not judged by a pid of this host: only by its age", () => {
    const lock = lockIn();
    writeFileSync(lock, '2147483646 some-other-host\n');
    expect(() => withFileLockSync(lock, () => 'ran', { timeoutMs: 0 })).toThrow(FileLockTimeout);
    expect(existsSync(lock)).toBe(true);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    expect(withFileLockSync(lock, () => 'ran', { timeoutMs: 0, staleMs: 30_000 })).toBe('ran');
    // This host's dead pid, named with the host: broken at once.
    writeFileSync(lock, `2147483646 ${hostname()}\n`);
    expect(withFileLockSync(lock, () => 'ran again', { timeoutMs: 0 })).toBe('ran again');
  });

  it('breaking a stale lock removes only a stale one: a lock a live holder took meanwhile stays', () => {
    const lock = lockIn();
    // Two waiters judged the dead holder's lock stale; the other broke it and took the lock
    // before this one got to remove it: what is there now is a live holder's.
    writeFileSync(lock, `${process.pid}\n`);
    breakStaleLock(lock, 30_000);
    expect(readFileSync(lock, 'utf8')).toBe(`${process.pid}\n`);
    // One just created, its pid not written yet, is not stale either.
    writeFileSync(lock, '');
    breakStaleLock(lock, 30_000);
    expect(existsSync(lock)).toBe(true);
    // A dead holder's is removed, and nothing is left beside it.
    writeFileSync(lock, '2147483646\n');
    breakStaleLock(lock, 30_000);
    expect(readdirSync(dir!)).toEqual([]);
  });
});
