import { describe, expect, it } from 'vitest';
import { flattenConfig, snapshotRows } from './configs.js';
import { contentTargets } from './details.js';
import { configFingerprint } from './fingerprint.js';
import { isHostMessage, isWorkerMessage } from './protocol.js';
import { mapResources } from './resources.js';
import { CONFIG_TASK_TYPES, guestsNamedByTasks, taskDelta } from './tasks.js';
import { describeWarning, errorInfoOf } from './warnings.js';
import { ProxmoxError } from '../proxmox/errors.js';

describe('mapResources', () => {
  it('reads every wire form: numbers as strings, 0/1 booleans, tag lists, pool entries', () => {
    const r = mapResources([
      { id: 'pool/prod', type: 'pool', pool: 'prod' },
      { id: 'qemu/100', type: 'qemu', vmid: '100', node: 'pve1', name: 'web', status: 'running', template: 0, tags: 'b;a', maxmem: '2048', cpu: 0.5, pool: 'prod' },
      { id: 'lxc/200', type: 'lxc', vmid: 200, node: 'pve2', status: 'stopped', template: '1', pool: 'lab' },
      { id: 'node/pve1', type: 'node', node: 'pve1', status: 'online', maxcpu: 8, level: '' },
      { id: 'storage/pve1/local', type: 'storage', node: 'pve1', storage: 'local', plugintype: 'dir', content: 'iso,vztmpl', shared: 0, status: 'available', disk: 10, maxdisk: 100 },
      { id: 'sdn/pve1/localnetwork', type: 'sdn', node: 'pve1' },
      { id: 'qemu/x', type: 'qemu', node: 'pve1' },
    ]);
    expect(r.guests).toEqual([
      { type: 'qemu', vmid: 100, node: 'pve1', name: 'web', status: 'running', template: false, tags: ['b', 'a'], pool: 'prod', cpu: 0.5, maxmem: 2048 },
      { type: 'lxc', vmid: 200, node: 'pve2', name: '', status: 'stopped', template: true, tags: [], pool: 'lab' },
    ]);
    expect(r.nodes).toEqual([{ node: 'pve1', status: 'online', maxcpu: 8, level: '' }]);
    expect(r.storage).toEqual([{ node: 'pve1', storage: 'local', type: 'dir', content: ['iso', 'vztmpl'], shared: false, enabled: true, active: true, status: 'available', used: 10, total: 100, avail: 90 }]);
    expect(r.poolIds).toEqual(['lab', 'prod']);
    expect(r.skipped).toBe(1);
  });
});

describe('configFingerprint', () => {
  it('changes with each config-derived field and with the node, not with live figures', () => {
    const base = { name: 'web', maxmem: 1, maxcpu: 2, maxdisk: 3, tags: ['a'], template: false, node: 'pve1' };
    const fp = configFingerprint(base);
    expect(configFingerprint({ ...base })).toBe(fp);
    for (const change of [{ name: 'w' }, { maxmem: 2 }, { maxcpu: 1 }, { maxdisk: 4 }, { tags: ['b'] }, { template: true }, { lock: 'backup' }, { pool: 'p' }, { node: 'pve2' }]) {
      expect(configFingerprint({ ...base, ...change })).not.toBe(fp);
    }
  });
});

describe('tasks', () => {
  const task = (upid: string, type: string, id: string, status?: string) => ({ upid, type, id, node: 'pve1', user: 'root@pam', starttime: 100, ...(status ? { status, endtime: 101 } : {}) });

  it('reports new tasks and tasks whose status changed, once', () => {
    const first = taskDelta([task('U1', 'qmstart', '100', 'OK'), task('U2', 'qmconfig', '101')], undefined);
    expect(first.changed.map((t) => t.upid)).toEqual(['U1', 'U2']);
    expect(first.changed[1]?.status).toBeUndefined(); // running
    const second = taskDelta([task('U1', 'qmstart', '100', 'OK'), task('U2', 'qmconfig', '101', 'OK'), task('U3', 'vzsnapshot', '200')], first.known);
    expect(second.changed.map((t) => t.upid)).toEqual(['U2', 'U3']);
    expect(taskDelta([task('U1', 'qmstart', '100', 'OK')], second.known).changed).toEqual([]);
  });

  it('names the guests of config-changing tasks only, of the right type, if they exist', () => {
    const rows = taskDelta(
      [task('A', 'qmconfig', '100'), task('B', 'qmstart', '101'), task('C', 'vzsnapshot', '200'), task('D', 'hamigrate', '300'), task('E', 'qmconfig', '999'), task('F', 'qmclone', '')],
      undefined,
    ).changed;
    const exists = new Set(['qemu/100', 'qemu/101', 'lxc/200', 'lxc/300']);
    expect([...guestsNamedByTasks(rows, (k) => exists.has(k))].sort()).toEqual(['lxc/200', 'lxc/300', 'qemu/100']);
    expect(CONFIG_TASK_TYPES.has('qmstart')).toBe(false);
  });
});

describe('configs', () => {
  it('flattens a config as PVE sends it: no digest, LXC raw keys one per line', () => {
    expect(
      flattenConfig({
        digest: 'abc',
        memory: 512,
        hostname: 'ct',
        onboot: true,
        lxc: [
          ['lxc.cgroup2.devices.allow', 'c 10:200 rwm'],
          ['lxc.cgroup2.devices.allow', 'c 1:1 rwm'],
          ['lxc.apparmor.profile', 'unconfined'],
        ],
      }),
    ).toEqual({ memory: 512, hostname: 'ct', onboot: 1, 'lxc.cgroup2.devices.allow': 'c 10:200 rwm\nc 1:1 rwm', 'lxc.apparmor.profile': 'unconfined' });
  });

  it('leaves PVE\'s `current` marker out of the snapshots', () => {
    expect(snapshotRows({ type: 'qemu', vmid: 1 }, [{ name: 'a', snaptime: 5, vmstate: true }, { name: 'current', parent: 'a', running: true }])).toEqual([
      { type: 'qemu', vmid: 1, name: 'a', snaptime: 5, vmstate: true },
    ]);
  });
});

describe('contentTargets', () => {
  it('reads local storages per node and shared ones once, from an online node', () => {
    const st = (node: string, storage: string, shared: boolean, active = true) => ({ node, storage, type: 'dir', content: ['iso'], shared, enabled: true, active });
    const targets = contentTargets([st('pve1', 'local', false), st('pve2', 'local', false), st('pve1', 'nas', true), st('pve2', 'nas', true), st('pve3', 'local', false, false)], new Set(['pve2', 'pve3']));
    expect(targets).toEqual([
      { node: 'pve1', storage: 'local', readable: false },
      { node: 'pve2', storage: 'local', readable: true },
      { node: 'pve2', storage: 'nas', readable: true },
      { node: 'pve3', storage: 'local', readable: false },
    ]);
  });
});

describe('warnings and errors', () => {
  it('describe themselves in one line and keep the ProxmoxError kind', () => {
    expect(describeWarning({ scope: 'config', target: 'qemu/1', kind: 'not-found', message: 'gone' })).toBe('config qemu/1: gone');
    expect(describeWarning({ scope: 'nodes', target: 'pve3', kind: 'node-unreachable', message: 'node pve3 is offline' })).toBe('node pve3 is offline');
    expect(errorInfoOf(new ProxmoxError('auth', 'denied', { status: 401 }))).toEqual({ kind: 'auth', message: 'denied', status: 401 });
    expect(errorInfoOf(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }))).toEqual({ kind: 'cache', message: 'cache: database is locked' });
    expect(errorInfoOf(new TypeError('x is undefined'))).toEqual({ kind: 'internal', message: 'x is undefined' });
  });
});

describe('protocol guards', () => {
  it('accept the messages of each side and nothing else', () => {
    expect(isHostMessage({ type: 'syncNow', id: 1 })).toBe(true);
    expect(isHostMessage({ type: 'syncNow' })).toBe(false);
    expect(isHostMessage({ type: 'poll' })).toBe(false);
    expect(isWorkerMessage({ type: 'poll', summary: {} })).toBe(true);
    expect(isWorkerMessage(null)).toBe(false);
  });
});
