// Task lifecycle as pve-manager's Tasks.pm serves it: UPIDs, status running -> stopped with
// exitstatus, logs with n/t and total, the task list with its filters, DELETE interrupting a
// running task, and guest locks held while a task runs.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseUpid } from '../../proxmox/upid.js';
import { asList, asObject, makeHarness, ROOT, type Harness } from './testHarness.js';
import { TASKS_KEPT_PER_NODE } from './tasks.js';
import { HOMELAB_FACTS } from './scenarios/homelab.js';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.dispose());

const status = async (node: string, upid: string) => asObject(await h.call('GET', '/nodes/{node}/tasks/{upid}/status', { node, upid }));

describe('UPID and status', () => {
  it('returns a well-formed UPID at once, running first, then stopped with OK', async () => {
    const upid = String(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/start', { node: 'pve2', vmid: 114 }));
    const u = parseUpid(upid);
    expect(u).toMatchObject({ node: 'pve2', type: 'qmstart', id: '114', user: 'root@pam' });
    expect(upid.endsWith(':')).toBe(true);
    expect(Math.abs(u.starttime - Date.now() / 1000)).toBeLessThan(5);
    expect(await status('pve2', upid)).toMatchObject({ status: 'running', upid, pid: u.pid, pstart: u.pstart, type: 'qmstart', id: '114' });
    expect(await status('pve2', upid)).not.toHaveProperty('exitstatus');
    await vi.waitFor(async () => expect((await status('pve2', upid)).status).toBe('stopped'));
    expect((await status('pve2', upid)).exitstatus).toBe('OK');
    expect(h.cluster.guests.get(114)?.status).toBe('running');
  });

  it('puts the token id into the UPID and the status', async () => {
    const upid = String(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/start', { node: 'pve2', vmid: 114 }, { userid: 'root@pam', tokenid: 'mpc' }));
    expect(upid).toMatch(/:root@pam!mpc:$/);
    expect(await status('pve2', upid)).toMatchObject({ user: 'root@pam', tokenid: 'mpc' });
  });

  it('the state changes only when the task ends', async () => {
    const upid = String(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/start', { node: 'pve2', vmid: 114 }));
    expect(h.cluster.guests.get(114)?.status).toBe('stopped');
    await h.finished(upid);
    expect(h.cluster.guests.get(114)?.status).toBe('running');
  });

  it('rejects unparsable and unknown UPIDs', async () => {
    await expect(h.call('GET', '/nodes/{node}/tasks/{upid}/status', { node: 'pve1', upid: 'nope' })).rejects.toMatchObject({ status: 400, errors: { upid: 'unable to parse worker upid' } });
    const other = 'UPID:pve1:00001234:00ABCDEF:6500AAAA:qmstart:100:root@pam:';
    await expect(h.call('GET', '/nodes/{node}/tasks/{upid}/log', { node: 'pve1', upid: other })).rejects.toMatchObject({ status: 400, errors: { upid: 'no such task' } });
  });
});

describe('task log', () => {
  it('pages with start/limit, counts total, ends with TASK OK', async () => {
    const upid = String(await h.call('POST', '/nodes/{node}/qemu/{vmid}/clone', { node: 'pve1', vmid: 100, newid: 150, name: 'web-03' }));
    await h.finished(upid);
    const all = await h.callEnvelope('GET', '/nodes/{node}/tasks/{upid}/log', { node: 'pve1', upid, limit: 0 });
    const lines = asList(all.data);
    expect(all.total).toBe(lines.length);
    expect(lines[0]).toEqual({ n: 1, t: 'creating a clone of VM 100 with ID 150' });
    expect(lines.at(-1)).toEqual({ n: lines.length, t: 'TASK OK' });
    expect(lines.map((l) => l.t)).toContain('create full clone of drive scsi0 (local-lvm:vm-100-disk-0)');
    const page = await h.callEnvelope('GET', '/nodes/{node}/tasks/{upid}/log', { node: 'pve1', upid, start: 2, limit: 3 });
    expect(asList(page.data).map((l) => l.n)).toEqual([3, 4, 5]);
    expect(page.total).toBe(lines.length);
  });

  it('an empty log reads as "no content"', async () => {
    const upid = String(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/start', { node: 'pve2', vmid: 114 }));
    const log = await h.callEnvelope('GET', '/nodes/{node}/tasks/{upid}/log', { node: 'pve2', upid });
    expect(log).toEqual({ data: [{ n: 1, t: 'no content' }], total: 1 });
  });

  it('a failed task ends with TASK ERROR and its message as exitstatus', async () => {
    const upid = String(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/start', { node: 'pve1', vmid: 100 }));
    const task = await h.finished(upid);
    expect(task.exitstatus).toBe('VM 100 already running');
    expect(task.lines.at(-1)).toBe('TASK ERROR: VM 100 already running');
  });
});

describe('task list', () => {
  it('lists finished tasks newest first with status holding the exit text, and total', async () => {
    const res = await h.callEnvelope('GET', '/nodes/{node}/tasks', { node: 'pve1', limit: 10 });
    const list = asList(res.data);
    expect(list.length).toBe(10);
    expect(res.total).toBeGreaterThan(20);
    const everything = asList(await h.call('GET', '/nodes/{node}/tasks', { node: 'pve1', limit: 500 }));
    expect(everything.length).toBe(res.total);
    const starts = list.map((t) => Number(t.starttime));
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);
    for (const t of list) {
      expect(typeof t.endtime).toBe('number');
      expect(t.status).not.toBe('RUNNING');
    }
    expect(everything.some((t) => t.status === "command 'ifreload -a' failed: exit code 1")).toBe(true);
  });

  it('shows running tasks as RUNNING with source=active/all, not in the archive', async () => {
    const upid = String(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/start', { node: 'pve2', vmid: 114 }));
    const active = asList(await h.call('GET', '/nodes/{node}/tasks', { node: 'pve2', source: 'active' }));
    expect(active.find((t) => t.upid === upid)?.status).toBe('RUNNING');
    const archive = asList(await h.call('GET', '/nodes/{node}/tasks', { node: 'pve2' }));
    expect(archive.find((t) => t.upid === upid)).toBeUndefined();
    await h.finished(upid);
    const after = asList(await h.call('GET', '/nodes/{node}/tasks', { node: 'pve2', source: 'all' }));
    expect(after.find((t) => t.upid === upid)?.status).toBe('OK');
  });

  it('filters by vmid, typefilter, errors, statusfilter, since/until, start/limit', async () => {
    const byVmid = asList(await h.call('GET', '/nodes/{node}/tasks', { node: 'pve3', vmid: 113, limit: 500 }));
    expect(byVmid.length).toBeGreaterThan(0);
    expect(byVmid.every((t) => t.id === '113')).toBe(true);
    const vzdump = asList(await h.call('GET', '/nodes/{node}/tasks', { node: 'pve1', typefilter: 'vzdump', limit: 100 }));
    expect(vzdump.length).toBe(7);
    const errors = asList(await h.call('GET', '/nodes/{node}/tasks', { node: 'pve3', errors: 1, limit: 100 }));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((t) => t.status !== 'OK')).toBe(true);
    const ok = asList(await h.call('GET', '/nodes/{node}/tasks', { node: 'pve1', statusfilter: 'ok', limit: 500 }));
    expect(ok.every((t) => t.status === 'OK')).toBe(true);
    const first = asList(await h.call('GET', '/nodes/{node}/tasks', { node: 'pve1', limit: 5 }));
    const next = asList(await h.call('GET', '/nodes/{node}/tasks', { node: 'pve1', start: 5, limit: 5 }));
    expect(next[0]?.upid).not.toBe(first[0]?.upid);
    const since = Number(first[2]!.starttime);
    const recent = asList(await h.call('GET', '/nodes/{node}/tasks', { node: 'pve1', since, limit: 500 }));
    expect(recent.every((t) => Number(t.starttime) >= since)).toBe(true);
    const until = asList(await h.call('GET', '/nodes/{node}/tasks', { node: 'pve1', until: since, limit: 500 }));
    expect(until.every((t) => Number(t.starttime) <= since)).toBe(true);
  });

  it('/cluster/tasks spans the nodes', async () => {
    const list = asList(await h.call('GET', '/cluster/tasks', {}));
    expect(new Set(list.map((t) => t.node))).toEqual(new Set(['pve1', 'pve2', 'pve3']));
  });
});

describe('stopping a task', () => {
  it('DELETE stops a running task: TASK ERROR: interrupted by signal', async () => {
    const upid = String(await h.call('POST', '/nodes/{node}/qemu/{vmid}/clone', { node: 'pve1', vmid: 102, newid: 151 }));
    expect(await h.call('DELETE', '/nodes/{node}/tasks/{upid}', { node: 'pve1', upid })).toBeNull();
    const task = await h.finished(upid);
    expect(task.exitstatus).toBe('clone failed: interrupted by signal');
    expect(h.cluster.guests.has(151)).toBe(false);
  });

  it('the stuck backup holds lock backup until its task is stopped', async () => {
    const { vmid, lock } = HOMELAB_FACTS.locked;
    const active = asList(await h.call('GET', '/nodes/{node}/tasks', { node: 'pve3', source: 'active' }));
    const backup = active.find((t) => t.type === 'vzdump' && t.id === String(vmid));
    expect(backup?.status).toBe('RUNNING');
    expect(asObject(await h.call('GET', '/nodes/{node}/qemu/{vmid}/config', { node: 'pve3', vmid })).lock).toBe(lock);
    await h.call('DELETE', '/nodes/{node}/tasks/{upid}', { node: 'pve3', upid: String(backup!.upid) });
    const task = await h.finished(backup!.upid);
    expect(task.exitstatus).toBe('interrupted by signal');
    expect(task.lines).toContain(`ERROR: Backup of VM ${vmid} failed - interrupted by signal`);
    expect(asObject(await h.call('GET', '/nodes/{node}/qemu/{vmid}/config', { node: 'pve3', vmid }))).not.toHaveProperty('lock');
  });
});

describe('locks while a task runs', () => {
  const lockOf = async (vmid: number) => {
    const res = asList(await h.call('GET', '/cluster/resources', { type: 'vm' }));
    return res.find((r) => r.vmid === vmid)?.lock;
  };

  it('snapshot, rollback and snapshot-delete lock the guest', async () => {
    let upid = String(await h.call('POST', '/nodes/{node}/qemu/{vmid}/snapshot', { node: 'pve2', vmid: 114, snapname: 's1' }));
    expect(await lockOf(114)).toBe('snapshot');
    await h.finished(upid);
    expect(await lockOf(114)).toBeUndefined();
    upid = String(await h.call('POST', '/nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback', { node: 'pve2', vmid: 114, snapname: 's1' }));
    expect(await lockOf(114)).toBe('rollback');
    await h.finished(upid);
    upid = String(await h.call('DELETE', '/nodes/{node}/qemu/{vmid}/snapshot/{snapname}', { node: 'pve2', vmid: 114, snapname: 's1' }));
    expect(await lockOf(114)).toBe('snapshot-delete');
    await h.finished(upid);
    expect(await lockOf(114)).toBeUndefined();
  });

  it('migrate locks the guest in lists and config; clone locks the new VM', async () => {
    const upid = String(await h.call('POST', '/nodes/{node}/qemu/{vmid}/migrate', { node: 'pve2', vmid: 114, target: 'pve3' }));
    expect(await lockOf(114)).toBe('migrate');
    const list = asList(await h.call('GET', '/nodes/{node}/qemu', { node: 'pve2' }));
    expect(list.find((v) => v.vmid === 114)?.lock).toBe('migrate');
    await h.finished(upid);
    const clone = String(await h.call('POST', '/nodes/{node}/qemu/{vmid}/clone', { node: 'pve1', vmid: 100, newid: 160 }));
    expect(await lockOf(160)).toBe('clone');
    await h.finished(clone);
    expect(await lockOf(160)).toBeUndefined();
  });

  it('a locked guest refuses the next action', async () => {
    const upid = String(await h.call('POST', '/nodes/{node}/qemu/{vmid}/snapshot', { node: 'pve1', vmid: 100, snapname: 's2' }));
    await expect(h.call('POST', '/nodes/{node}/qemu/{vmid}/migrate', { node: 'pve1', vmid: 100, target: 'pve2', online: 1 })).rejects.toMatchObject({ status: 500, message: 'VM is locked (snapshot)' });
    await h.finished(upid);
  });
});

describe('task bookkeeping over a long run', () => {
  it('pstart only grows on a node, even for tasks started in the same second', async () => {
    const pstarts: number[] = [];
    for (let i = 0; i < 20; i++) {
      const upid = String(await h.call('POST', '/nodes/{node}/qemu/{vmid}/snapshot', { node: 'pve2', vmid: 114, snapname: `s${i}` }));
      pstarts.push(parseUpid(upid).pstart);
      await h.finished(upid);
    }
    for (let i = 1; i < pstarts.length; i++) expect(pstarts[i]!).toBeGreaterThan(pstarts[i - 1]!);
  });

  it('disposing the cluster ends running tasks, so nothing waits on a stopped simulator', async () => {
    const upid = String(await h.call('POST', '/nodes/{node}/qemu/{vmid}/clone', { node: 'pve1', vmid: HOMELAB_FACTS.cloudInitTemplate, newid: 990 }));
    h.dispose();
    const record = await h.finished(upid);
    expect(record.exitstatus).toBe('interrupted by signal');
  });

  it(`keeps at most ${TASKS_KEPT_PER_NODE} finished tasks per node`, async () => {
    const node = h.cluster.node('pve3')!;
    for (let i = 0; i < TASKS_KEPT_PER_NODE + 50; i++) {
      h.cluster.tasks.addHistorical({ node, type: 'srvreload', id: 'networking', owner: ROOT, starttime: 1_700_000_000 + i, endtime: 1_700_000_001 + i, lines: [], exitstatus: 'OK' });
    }
    const kept = [...h.cluster.tasks.newestFirst('pve3')];
    expect(kept.length).toBeLessThanOrEqual(TASKS_KEPT_PER_NODE);
    expect(kept.some((t) => t.exitstatus === undefined)).toBe(true); // the stuck backup is never forgotten
  });
});
