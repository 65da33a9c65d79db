import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../userError.js';
import { RECORD_FIELDS } from './fields.js';
import { buildKinds, findKind, type KindContext, type KindId, type ListOptions } from './kinds.js';
import { EVIL_NAME, openFixture, type Fixture } from './test-support/fixture.js';

let fx: Fixture;
let ctx: KindContext;
beforeAll(() => {
  process.env.TZ = 'UTC';
  fx = openFixture();
  ctx = { cache: fx.cache, profileId: fx.profileId, now: fx.ctx.now };
});
afterAll(() => fx.cache.close());

function list(kind: string, options: ListOptions = {}) {
  return findKind(kind).list(ctx, options);
}
const vmids = (kind: string, options: ListOptions = {}): number[] => (list(kind, options).records() as Array<{ vmid: number }>).map((r) => r.vmid);
const usageError = (fn: () => unknown, pattern: RegExp): void => {
  try {
    fn();
    expect.unreachable();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    expect((error as UserError).message).toMatch(pattern);
  }
};

describe('kinds and aliases', () => {
  it.each([
    ['nodes', 'nodes'],
    ['node', 'nodes'],
    ['vm', 'vms'],
    ['VMS', 'vms'],
    ['qemu', 'vms'],
    ['ct', 'cts'],
    ['lxc', 'cts'],
    ['guest', 'guests'],
    ['storage', 'storage'],
    ['task', 'tasks'],
    ['snap', 'snapshots'],
    ['pool', 'pools'],
  ])('%s -> %s', (name, id) => {
    expect(findKind(name).id).toBe(id);
  });
  it('an unknown kind is a usage error naming the kinds', () => {
    usageError(() => findKind('bogus'), /unknown resource 'bogus': choose one of nodes, vms, cts, guests, storage, tasks, snapshots, pools/);
  });
});

describe('filters', () => {
  it('lists each guest type, ordered by vmid', () => {
    expect(vmids('vms')).toEqual([100, 101, 102, 9000]);
    expect(vmids('cts')).toEqual([200, 201, 202]);
    expect(vmids('guests')).toEqual([100, 101, 102, 200, 201, 202, 9000]);
  });
  it('--node, --status, --tag, --pool, --type, comma lists meaning any of them', () => {
    expect(vmids('guests', { node: 'pve2' })).toEqual([101, 102, 201, 202]);
    expect(vmids('guests', { status: 'stopped' })).toEqual([202, 9000]);
    expect(vmids('guests', { status: 'template' })).toEqual([9000]);
    expect(vmids('guests', { status: 'RUNNING' })).toEqual([100, 101, 102, 200, 201]);
    expect(vmids('guests', { tag: 'web' })).toEqual([100, 101, 201]);
    expect(vmids('guests', { tag: 'db,dns' })).toEqual([102, 200]);
    expect(vmids('guests', { pool: 'prod' })).toEqual([100, 102, 200]);
    expect(vmids('guests', { type: 'ct' })).toEqual([200, 201, 202]);
    expect(vmids('guests', { type: 'qemu', node: 'pve1', status: 'running' })).toEqual([100]);
  });
  it('free text matches name, vmid, node and tags; /regex/ too; case-insensitive', () => {
    expect(vmids('guests', { filter: 'WEB' })).toEqual([100, 101, 201]);
    expect(vmids('guests', { filter: '20' })).toEqual([200, 201, 202]);
    expect(vmids('guests', { filter: '/^web-0[12]$/' })).toEqual([100, 101, 201]);
    expect(vmids('guests', { filter: '/^db/', node: 'pve2' })).toEqual([102]);
    expect(vmids('guests', { filter: 'pve1', type: 'vm' })).toEqual([100, 9000]);
  });
  it('an --type value the kind does not know is a usage error', () => {
    usageError(() => list('guests', { type: 'docker' }), /--type docker is not a guest type/);
  });
  it('an --status value the kind does not know is a usage error (not an empty list)', () => {
    usageError(() => list('vms', { status: 'runing' }), /--status runing is not a VM status: use running, stopped/);
    usageError(() => list('nodes', { status: 'up' }), /--status up is not a node status: use online, offline, unknown/);
    expect(list('storage', { status: 'whatever' }).count).toBe(0);
  });
  it('a filter that does not apply to the kind is a usage error', () => {
    usageError(() => list('storage', { tag: 'x' }), /--tag does not apply to storage \(filters for storage: --node, --status, --type, --pool\)/);
    usageError(() => list('vms', { type: 'lxc' }), /--type does not apply to vms/);
    usageError(() => findKind('pools').validate({ node: 'pve1' }), /--node does not apply to pools/);
  });
  it('filters nodes, storage, tasks, snapshots and pools', () => {
    expect((list('nodes', { status: 'online' }).records() as Array<{ node: string }>).map((n) => n.node)).toEqual(['pve1', 'pve2']);
    expect(list('storage', { node: 'pve2' }).count).toBe(1);
    expect(list('storage', { status: 'inactive' }).count).toBe(1);
    expect(list('storage', { type: 'nfs' }).count).toBe(2);
    expect((list('storage', { pool: 'prod' }).records() as Array<{ node: string; storage: string }>).map((s) => `${s.node}/${s.storage}`)).toEqual(['pve1/nas']);
    expect(list('tasks', { status: 'running' }).count).toBe(1);
    expect(list('tasks', { status: 'error' }).count).toBe(1);
    expect(list('tasks', { status: 'failed' }).count).toBe(1);
    expect(list('tasks', { status: 'warning,ok' }).count).toBe(2);
    expect(list('tasks', { type: 'vzdump' }).count).toBe(1);
    expect(list('tasks', { filter: 'alice' }).count).toBe(1);
    expect(list('snapshots', { filter: 'upgrade' }).count).toBe(2);
    expect(list('snapshots', { node: 'pve2' }).count).toBe(0);
    expect(list('pools', { pool: 'templates' }).count).toBe(1);
  });
});

describe('sort and limit', () => {
  it('sorts by any column, - for descending, and limits after sorting', () => {
    expect(vmids('guests', { sort: '-vmid', limit: 3 })).toEqual([9000, 202, 201]);
    expect(vmids('vms', { sort: '-mem', limit: 2 })).toEqual([102, 100]);
    expect(vmids('vms', { sort: 'name' })).toEqual([102, 9000, 100, 101]);
    expect(vmids('cts', { sort: 'status' })).toEqual([200, 201, 202]);
  });
  it('sorts by JSON field names too', () => {
    expect(vmids('vms', { sort: '-maxmem', limit: 1 })).toEqual([102]);
  });
  it('an unknown sort column is a usage error listing the columns', () => {
    usageError(() => list('vms', { sort: 'bogus' }), /cannot sort by 'bogus': choose one of vmid, name, node/);
  });
  it('tasks default to newest first', () => {
    const records = list('tasks').records() as Array<{ type: string }>;
    expect(records.map((t) => t.type)).toEqual(['aptupdate', 'qmstop', 'vzdump', 'qmstart']);
  });
});

describe('tables', () => {
  it('wide adds columns', () => {
    const narrow = list('vms').table().columns.map((c) => c.header);
    const wide = list('vms', { wide: true }).table().columns.map((c) => c.header);
    expect(narrow).toEqual(['VMID', 'NAME', 'NODE', 'STATUS', 'CPU', 'MEM', 'DISK', 'UPTIME', 'TAGS']);
    expect(wide).toEqual(expect.arrayContaining([...narrow, 'CPUS', 'MEM%', 'POOL', 'LOCK', 'HA', 'NETIN', 'NETOUT']));
    expect(list('guests').table().columns.map((c) => c.header)).toContain('TYPE');
  });
  it('shows human units', () => {
    const { cells } = list('vms').table();
    expect(cells[0]).toEqual(['100', 'web-01', 'pve1', 'running', '25%', '2/8 GiB', '32 GiB', '3d 4h', 'prod,web']);
    expect(cells[3]).toEqual(['9000', 'ubuntu-cloud', 'pve1', 'template', '-', '4 GiB', '32 GiB', '-', 'template']);
  });
  it('sort keys are the columns in lower case plus record fields', () => {
    const kind = buildKinds().find((k) => k.id === 'nodes')!;
    expect(kind.sortKeys).toEqual(expect.arrayContaining(['node', 'status', 'cpu', 'mem', 'mem%', 'uptime', 'guests', 'maxmem']));
  });
});

describe('records (JSON/YAML field sets)', () => {
  const kindsFor: Record<keyof typeof RECORD_FIELDS, KindId[]> = {
    nodes: ['nodes'],
    guests: ['vms', 'cts', 'guests'],
    storage: ['storage'],
    tasks: ['tasks'],
    snapshots: ['snapshots'],
    pools: ['pools'],
  };
  it.each(Object.entries(kindsFor))('%s records have exactly the documented keys, in order, always present', (fields, kinds) => {
    for (const kind of kinds) {
      const records = list(kind).records() as Array<Record<string, unknown>>;
      expect(records.length).toBeGreaterThan(0);
      for (const r of records) {
        expect(Object.keys(r)).toEqual(RECORD_FIELDS[fields as keyof typeof RECORD_FIELDS]);
        expect(Object.values(r)).not.toContain(undefined);
      }
    }
  });
  it('numbers are numbers, times ISO strings, unknown values null', () => {
    const [web] = list('vms').records() as Array<Record<string, unknown>>;
    expect(web).toMatchObject({ vmid: 100, maxmem: 8 * 1024 ** 3, cpu: 0.25, lock: null, tags: ['prod', 'web'], template: false });
    const tasks = list('tasks').records() as Array<Record<string, unknown>>;
    expect(tasks[0]).toMatchObject({ state: 'running', exitStatus: null, endedAt: null, vmid: null });
    expect(tasks[1]).toMatchObject({ state: 'error', vmid: 101, startedAt: '2025-01-05T09:52:00Z', duration: 5 });
  });
  it('keeps the raw name (JSON escapes it; tables sanitise it)', () => {
    const f = openFixture({ runs: 1 });
    const evil = findKind('vms')
      .list({ cache: f.cache, profileId: f.profileId, now: f.ctx.now }, { filter: '103' })
      .records() as Array<{ name: string }>;
    expect(evil[0]!.name).toBe(EVIL_NAME);
    f.cache.close();
  });
});
