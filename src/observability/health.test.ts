import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCache } from '../db/client.js';
import { checkCache, checkTool, checkWorkspace, limited, overallStatus, SYNC_FAIL_AFTER_MS, SYNC_WARN_AFTER_MS, syncLine, type HealthLine } from './health.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pmc-health-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NOW = Date.parse('2026-12-08T02:00:00Z');

describe('syncLine', () => {
  it('green up to 10 minutes, yellow up to 24 hours, red after or never', () => {
    expect(syncLine(NOW - 5_000, NOW).status).toBe('ok');
    expect(syncLine(NOW - SYNC_WARN_AFTER_MS, NOW).status).toBe('ok');
    expect(syncLine(NOW - SYNC_WARN_AFTER_MS - 1, NOW).status).toBe('warn');
    expect(syncLine(NOW - SYNC_FAIL_AFTER_MS, NOW).status).toBe('warn');
    expect(syncLine(NOW - SYNC_FAIL_AFTER_MS - 1, NOW)).toMatchObject({ status: 'fail', message: expect.stringContaining('run proxmox-mpc sync') });
    expect(syncLine(undefined, NOW)).toMatchObject({ status: 'fail', message: 'never synced: run proxmox-mpc sync' });
    expect(syncLine(NOW - 3 * 60_000, NOW).message).toBe('last sync 3 min ago (2026-12-08T01:57:00Z)');
  });

  it('a recent sync whose last attempt failed is yellow and says why', () => {
    expect(syncLine(NOW - 60_000, NOW, 'connection refused')).toMatchObject({ status: 'warn', message: expect.stringContaining('the last attempt failed: connection refused') });
  });
});

describe('overallStatus', () => {
  const l = (status: HealthLine['status']): HealthLine => ({ check: 'api', status, message: '' });
  it('red wins over yellow, yellow over green', () => {
    expect(overallStatus([l('ok'), l('ok')])).toBe('ok');
    expect(overallStatus([l('ok'), l('warn')])).toBe('warn');
    expect(overallStatus([l('warn'), l('fail'), l('ok')])).toBe('fail');
  });
});

describe('limited', () => {
  it('a check over its limit: the timeout line, and the check told to stop (its signal aborts)', async () => {
    let seen: AbortSignal | undefined;
    let stoppedAt: number | undefined;
    const started = Date.now();
    const lines = await limited(
      50,
      (signal) => {
        seen = signal;
        return new Promise<HealthLine[]>((_, reject) => signal.addEventListener('abort', () => ((stoppedAt = Date.now()), reject(new Error('cancelled')))));
      },
      () => [{ check: 'api', status: 'fail', message: 'no answer within 0.05 s' }],
    );
    expect(lines).toEqual([{ check: 'api', status: 'fail', message: 'no answer within 0.05 s' }]);
    expect(seen?.aborted).toBe(true);
    expect(stoppedAt! - started).toBeLessThan(1000);
  });

  it('a check within its limit: its lines, and its signal never aborts', async () => {
    let seen: AbortSignal | undefined;
    const lines = await limited(1000, async (signal) => ((seen = signal), [{ check: 'tls', status: 'ok', message: 'fine' }]), () => []);
    expect(lines).toEqual([{ check: 'tls', status: 'ok', message: 'fine' }]);
    expect(seen?.aborted).toBe(false);
  });
});

describe('checkCache', () => {
  it('no file: yellow (run a sync), and never synced', () => {
    const [cache, sync] = checkCache(join(dir, 'none.db'), 'home', NOW);
    expect(cache).toMatchObject({ check: 'cache', status: 'warn' });
    expect(sync).toMatchObject({ check: 'sync', status: 'fail' });
  });

  it('a sound cache: integrity ok, its size, the current schema, and the last sync of the profile', () => {
    const path = join(dir, 'home.db');
    const cache = openCache(path, { now: () => NOW - 120_000 });
    const profile = cache.profile('home', 'https://pve:8006');
    cache.touch(profile.id, NOW - 120_000);
    cache.close();
    const [c, s] = checkCache(path, 'home', NOW);
    expect(c).toMatchObject({ status: 'ok', subject: path });
    expect(c!.message).toMatch(/^integrity ok, \d+ KiB, schema \d+ \(current\)$/);
    expect(s).toMatchObject({ status: 'ok', message: 'last sync 2 min ago (2026-12-08T01:58:00Z)' });
    // Another profile in the same file has never synced.
    expect(checkCache(path, 'other', NOW)[1]).toMatchObject({ status: 'fail', message: 'never synced: run proxmox-mpc sync' });
  });

  it('a file that is no SQLite database, or a damaged one, is red and names --reset-cache', () => {
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'this is not a database'.repeat(300));
    expect(checkCache(garbage, 'home', NOW)[0]).toMatchObject({ status: 'fail', message: expect.stringContaining('proxmox-mpc sync --reset-cache') });

    const path = join(dir, 'damaged.db');
    const cache = openCache(path);
    cache.profile('home', 'https://pve:8006');
    cache.close();
    const bytes = readFileSync(path);
    bytes.fill(0x5a, 4096);
    writeFileSync(path, bytes);
    const [c, s] = checkCache(path, 'home', NOW);
    expect(c).toMatchObject({ status: 'fail', message: expect.stringMatching(/^(damaged|unreadable) .*--reset-cache$/) });
    expect(s!.status).toBe('fail');
  });
});

describe('checkTool', () => {
  it('found: green with the first line of its version', async () => {
    const line = await checkTool({ name: process.execPath, args: ['--version'] }, 10_000, process.env);
    expect(line).toMatchObject({ status: 'ok', message: process.version });
  });

  it('not on PATH: yellow', async () => {
    expect(await checkTool({ name: 'pmc-no-such-tool', args: ['--version'] }, 10_000, process.env)).toMatchObject({ status: 'warn', message: 'not found on PATH' });
  });

  it('failing or hanging: yellow, saying which', async () => {
    const fails = await checkTool({ name: process.execPath, args: ['-e', 'console.error("broken install"); process.exit(3)'] }, 10_000, process.env);
    expect(fails).toMatchObject({ status: 'warn', message: expect.stringMatching(/failed: broken install$/) });
    const hangs = await checkTool({ name: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'] }, 300, process.env);
    expect(hangs).toMatchObject({ status: 'warn', message: expect.stringContaining('gave no answer within 0.3 s') });
  });
});

describe('checkWorkspace', () => {
  it('green when a file can be made in .proxmox-mpc (and leaves nothing behind), red otherwise', () => {
    mkdirSync(join(dir, 'ws', '.proxmox-mpc'), { recursive: true });
    expect(checkWorkspace(join(dir, 'ws'))).toMatchObject({ status: 'ok', message: 'writable' });
    expect(readdirSync(join(dir, 'ws', '.proxmox-mpc'))).toEqual([]);
    mkdirSync(join(dir, 'broken'));
    writeFileSync(join(dir, 'broken', '.proxmox-mpc'), 'a file where the directory should be');
    expect(checkWorkspace(join(dir, 'broken'))).toMatchObject({ status: 'fail', message: expect.stringContaining('not writable (ENOTDIR)') });
  });
});
