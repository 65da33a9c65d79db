import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadContext } from '../read/context.js';
import { openFixture, sink, type Fixture } from '../read/test-support/fixture.js';
import { runGet, type GetOptions } from './get.js';

let fx: Fixture;
beforeAll(() => {
  process.env.TZ = 'UTC';
  fx = openFixture();
});
afterAll(() => fx.cache.close());

async function get(kind: string, filter: string | undefined, opts: Partial<GetOptions> = {}, columns = 100) {
  const stdout = sink();
  const stderr = sink();
  let opened = 0;
  await runGet(kind, filter, { output: 'text', ...opts } as GetOptions, {
    stdout,
    stderr,
    env: { COLUMNS: String(columns) },
    open: async (): Promise<ReadContext> => {
      opened++;
      return fx.ctx;
    },
  });
  return { stdout: stdout.text(), stderr: stderr.text(), opened };
}

describe('get: tables', () => {
  it('prints a table on stdout and nothing on stderr', async () => {
    const r = await get('vms', undefined);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toMatch(/^VMID\s+NAME\s+NODE\s+STATUS\s+CPU\s+MEM\s+DISK\s+UPTIME\s+TAGS$/);
    expect(r.stdout).toMatch(/^ 100 {2}web-01 /m);
  });
  it.each([120, 80, 60])('fits %i columns', async (columns) => {
    const r = await get('guests', undefined, { output: 'wide' }, columns);
    for (const line of r.stdout.trimEnd().split('\n')) expect([...line].length).toBeLessThanOrEqual(columns);
  });
  it('--no-headers leaves the header row out', async () => {
    const r = await get('nodes', undefined, { headers: false });
    expect(r.stdout.split('\n')[0]).toMatch(/^pve1 /);
  });
  it('says on stderr when nothing matches, and prints nothing on stdout', async () => {
    const r = await get('vms', 'nothing-like-this');
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^proxmox-mpc: no vms match in the cache of profile homelab \(synced .* ago\)\n$/);
  });
  it('sanitises a name holding escape sequences', async () => {
    const f = openFixture({ runs: 1 });
    const stdout = sink();
    await runGet('vms', '103', { output: 'text' } as GetOptions, { stdout, stderr: sink(), env: {}, open: async () => f.ctx });
    expect(stdout.text()).toMatch(/^ 103 {2}evilname /m);
    expect(stdout.text()).not.toContain('pwned');
    expect(stdout.text()).not.toMatch(/[\u001b\u0007\u009b]/);
    f.cache.close();
  });
});

describe('get: usage errors come before the cache is opened', () => {
  it.each([
    ['bogus', {}, /unknown resource/],
    ['storage', { tag: 'x' }, /--tag does not apply/],
    ['vms', { sort: 'nope' }, /cannot sort by/],
    ['guests', { type: 'x' }, /not a guest type/],
  ])('%s %j', async (kind, opts, pattern) => {
    let opened = false;
    await expect(
      runGet(kind, undefined, { output: 'text', ...opts } as GetOptions, {
        stdout: sink(),
        stderr: sink(),
        env: {},
        open: async () => {
          opened = true;
          return fx.ctx;
        },
      }),
    ).rejects.toThrow(pattern);
    expect(opened).toBe(false);
  });
});

describe('get: JSON and YAML', () => {
  it('prints [] for an empty result, nothing on stderr', async () => {
    const json = await get('vms', 'nothing-like-this', { output: 'json' });
    expect(json.stdout).toBe('[]\n');
    expect(json.stderr).toBe('');
    const yaml = await get('vms', 'nothing-like-this', { output: 'yaml' });
    expect(yaml.stdout).toBe('[]\n');
  });
  it('--limit 0 means all', async () => {
    const all = JSON.parse((await get('guests', undefined, { output: 'json', limit: 0 })).stdout) as unknown[];
    expect(all).toHaveLength(7);
    const two = JSON.parse((await get('guests', undefined, { output: 'json', limit: 2 })).stdout) as unknown[];
    expect(two).toHaveLength(2);
  });
  it('is stable: guests as JSON', async () => {
    expect((await get('guests', undefined, { output: 'json', type: 'ct' })).stdout).toMatchSnapshot();
  });
  it('is stable: nodes, storage, pools, snapshots and tasks as YAML', async () => {
    for (const kind of ['nodes', 'storage', 'pools', 'snapshots', 'tasks']) {
      expect((await get(kind, undefined, { output: 'yaml' })).stdout).toMatchSnapshot(kind);
    }
  });
  it('JSON and YAML carry the same data', async () => {
    const { parse } = await import('yaml');
    for (const kind of ['nodes', 'guests', 'storage', 'tasks', 'snapshots', 'pools']) {
      const json = JSON.parse((await get(kind, undefined, { output: 'json' })).stdout) as unknown;
      const yaml = parse((await get(kind, undefined, { output: 'yaml' })).stdout) as unknown;
      expect(yaml).toEqual(json);
    }
  });
});
