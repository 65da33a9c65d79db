import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startSyncWorker } from './host.js';
import type { ConnectionStatus } from './types.js';

describe('startSyncWorker', () => {
  it('a worker that dies on its own is reported offline, not left showing its last state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmc-host-'));
    const script = join(dir, 'dies.mjs');
    writeFileSync(script, 'process.exit(3);\n');
    const handle = startSyncWorker({
      worker: { url: pathToFileURL(script) },
      connection: { endpoint: 'https://127.0.0.1:9', auth: { tokenId: 'root@pam!mpc', tokenSecret: 'x' } },
      cachePath: join(dir, 'cache.db'),
      profile: { name: 'test', endpoint: 'https://127.0.0.1:9' },
    });
    const states: ConnectionStatus[] = [];
    handle.on('state', (s) => states.push(s));
    const exit = await new Promise<{ code: number }>((resolve) => handle.on('exit', resolve));
    expect(exit.code).toBe(3);
    expect(states.at(-1)).toMatchObject({ state: 'offline', lastError: 'the sync worker stopped unexpectedly (exit code 3)' });
    expect(handle.status()?.state).toBe('offline');
    await expect(handle.ready).rejects.toThrow(/stopped/);
  });
});

describe('stopping a worker that is still starting', () => {
  it('exits by itself instead of going on to poll', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmc-host-'));
    const handle = startSyncWorker({
      connection: { endpoint: 'https://127.0.0.1:9', auth: { tokenId: 'root@pam!mpc', tokenSecret: 'x' } },
      cachePath: join(dir, 'cache.db'),
      profile: { name: 'test', endpoint: 'https://127.0.0.1:9' },
      intervalMs: 60_000,
      stopTimeoutMs: 120_000, // were it left polling, only this terminate would end it
    });
    const exit = new Promise<{ code: number }>((resolve) => handle.on('exit', resolve));
    await handle.stop();
    expect((await exit).code).toBe(0);
  });
});
