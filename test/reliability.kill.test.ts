// Killing the process (SIGKILL) at any moment of a sync leaves a database that passes
// `PRAGMA integrity_check` and still holds the last complete sync: never half of one.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxmoxClient } from '../src/proxmox/client.js';
import { startTestSimulator, type TestSimulator } from '../src/sync/test-support/sim.js';
import { CLI, isolatedEnv } from './support/cli.js';

const GUESTS = 1000;

let sim: TestSimulator;
let client: ProxmoxClient;
let env: NodeJS.ProcessEnv;
let cacheFile: string;

beforeAll(async () => {
  ({ sim, client } = await startTestSimulator({ scenario: 'generated', guests: GUESTS, timeScale: 0.0001 }));
  env = isolatedEnv({
    PROXMOX_VE_ENDPOINT: sim.url,
    PROXMOX_VE_API_TOKEN: `${sim.root.tokenId}=${sim.root.tokenSecret}`,
    PMC_FINGERPRINT: sim.fingerprint,
  });
  cacheFile = join(env.XDG_CACHE_HOME!, 'proxmox-mpc', `env-127.0.0.1-${new URL(sim.url).port}.db`);
});
afterAll(async () => {
  client?.close();
  await sim?.close();
});

/** Starts `proxmox-mpc sync` and kills it with SIGKILL once `when` says so (given stderr so
 * far), or lets it finish. Resolves with how it ended. */
function syncKilledWhen(when: (stderr: string, elapsedMs: number) => boolean): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'sync'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const started = Date.now();
    let stderr = '';
    let killed = false;
    const check = () => {
      if (!killed && child.exitCode === null && when(stderr, Date.now() - started)) {
        killed = child.kill('SIGKILL');
      }
    };
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      check();
    });
    child.stdout.resume();
    const timer = setInterval(check, 2);
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ killed, code });
    });
  });
}

interface CacheState {
  integrity: string;
  guests: number;
  okRuns: number;
}

function inspect(): CacheState | undefined {
  if (!existsSync(cacheFile)) return undefined;
  const db = new Database(cacheFile, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check', { simple: true }) as string) ?? '';
    const tables = new Set((db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map((t) => t.name));
    if (!tables.has('guests')) return { integrity, guests: 0, okRuns: 0 };
    const guests = (db.prepare('select count(*) as n from guests').get() as { n: number }).n;
    const okRuns = (db.prepare("select count(*) as n from sync_runs where outcome = 'ok'").get() as { n: number }).n;
    return { integrity, guests, okRuns };
  } finally {
    db.close();
  }
}

async function deleteSomeGuests(count: number): Promise<void> {
  const victims = (await client.clusterResources('vm')).filter((r) => r.type === 'qemu' && r.status === 'stopped' && !r.template).slice(0, count);
  await Promise.all(victims.map(async (v) => client.waitForTaskOk(await client.qemu.delete(v.node!, v.vmid!), { pollIntervalMs: 20 })));
}

describe('SIGKILL during a sync', () => {
  it('the first sync is all or nothing', async () => {
    // Kill at several points of the first sync: while fetching, and while writing.
    for (const phase of ['configs', 'writing the cache']) {
      const r = await syncKilledWhen((stderr) => stderr.includes(phase));
      const state = inspect();
      if (state) {
        expect(state.integrity).toBe('ok');
        expect([0, GUESTS]).toContain(state.guests);
      }
      expect(r.killed || r.code === 0).toBe(true);
    }
  }, 60_000);

  it('a later sync killed at any moment leaves the previous complete sync', async () => {
    const complete = await syncKilledWhen(() => false);
    expect(complete.code).toBe(0);
    let before = inspect()!;
    expect(before).toMatchObject({ integrity: 'ok', guests: expect.any(Number) });
    expect(before.guests).toBeGreaterThan(0);

    const delaysMs = [40, 120, 220, 350];
    let kills = 0;
    for (const delay of delaysMs) {
      await deleteSomeGuests(3); // something for the next sync to write
      const expectedAfter = (await client.clusterResources('vm')).length;
      const r = await syncKilledWhen((stderr, elapsed) => stderr.includes('writing the cache') || elapsed >= delay);
      if (r.killed) {
        kills++;
        const state = inspect()!;
        expect(state.integrity).toBe('ok');
        // Either untouched (the last complete sync) or the whole new one: never between.
        expect([before.guests, expectedAfter]).toContain(state.guests);
        if (state.guests === before.guests) expect(state.okRuns).toBe(before.okRuns);
      }
      const done = await syncKilledWhen(() => false);
      expect(done.code).toBe(0);
      before = inspect()!;
      expect(before).toMatchObject({ integrity: 'ok', guests: expectedAfter });
    }
    // The kills must have hit running syncs, not only finished processes.
    expect(kills).toBeGreaterThanOrEqual(delaysMs.length - 1);
  }, 120_000);
});
