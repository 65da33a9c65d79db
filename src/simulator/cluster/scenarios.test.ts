// Scenarios: the homelab holds what HOMELAB_FACTS promises and is identical for a seed; the
// generated scenario builds 10k guests and answers its lists.

import { describe, expect, it } from 'vitest';
import { createCluster } from './createCluster.js';
import { HOMELAB_FACTS } from './scenarios/homelab.js';
import { asList, asObject, makeHarness, type Harness } from './testHarness.js';
import type { Clock } from './time.js';

const fixedClock = (ms: number): Clock & { set(ms: number): void } => {
  let now = ms;
  return { now: () => now, set: (v) => (now = v) };
};

async function snapshotOf(h: Harness): Promise<unknown> {
  const out: Record<string, unknown> = {};
  out.resources = await h.call('GET', '/cluster/resources', {});
  out.nodes = await h.call('GET', '/nodes', {});
  for (const r of asList(out.resources)) {
    if (r.type === 'qemu' || r.type === 'lxc') out[String(r.id)] = await h.call('GET', `/nodes/{node}/${String(r.type)}/{vmid}/config`, { node: String(r.node), vmid: Number(r.vmid) });
    if (r.type === 'storage') out[String(r.id)] = await h.call('GET', '/nodes/{node}/storage/{storage}/content', { node: String(r.node), storage: String(r.storage) });
  }
  out.network = await h.call('GET', '/nodes/{node}/network', { node: 'pve2' });
  out.archive = asList(await h.call('GET', '/nodes/{node}/tasks', { node: 'pve1', limit: 500 })).filter((t) => t.type !== 'vzdump' || t.id !== '115');
  return out;
}

describe('homelab', () => {
  it('is identical for the same seed and clock, different for another seed', async () => {
    const t = Date.UTC(2025, 5, 2, 14, 30);
    const a = makeHarness({ clock: fixedClock(t), seed: 11 });
    const b = makeHarness({ clock: fixedClock(t), seed: 11 });
    const c = makeHarness({ clock: fixedClock(t), seed: 12 });
    try {
      const sa = await snapshotOf(a);
      expect(await snapshotOf(b)).toEqual(sa);
      expect(JSON.stringify(await snapshotOf(c))).not.toEqual(JSON.stringify(sa));
    } finally {
      a.dispose();
      b.dispose();
      c.dispose();
    }
  });

  it('holds what HOMELAB_FACTS promises', async () => {
    const h = makeHarness();
    try {
      const res = asList(await h.call('GET', '/cluster/resources', {}));
      const guests = res.filter((r) => r.type === 'qemu' || r.type === 'lxc');
      expect(guests.length).toBeGreaterThanOrEqual(38);
      expect(res.filter((r) => r.type === 'node').map((r) => r.node)).toEqual([...HOMELAB_FACTS.nodes]);
      const byId = new Map(guests.map((g) => [Number(g.vmid), g]));
      for (const vmid of HOMELAB_FACTS.stopped) expect(byId.get(vmid)?.status).toBe('stopped');
      for (const vmid of [...HOMELAB_FACTS.templates.qemu, ...HOMELAB_FACTS.templates.lxc]) expect(byId.get(vmid)?.template).toBe(1);
      for (const vmid of HOMELAB_FACTS.ha) expect(byId.get(vmid)?.hastate).toBe('started');
      expect(byId.get(HOMELAB_FACTS.locked.vmid)?.lock).toBe('backup');
      expect(new Set(guests.map((g) => g.type))).toEqual(new Set(['qemu', 'lxc']));
      expect(byId.get(9000)?.name).toBe('ubuntu-24.04-cloud');
      expect(asList(await h.call('GET', '/pools', {})).map((p) => p.poolid)).toEqual([...HOMELAB_FACTS.pools]);
      const storages = new Set(res.filter((r) => r.type === 'storage').map((r) => r.storage));
      expect(storages).toEqual(new Set(HOMELAB_FACTS.storages));

      const isos = asList(await h.call('GET', '/nodes/{node}/storage/{storage}/content', { node: 'pve1', storage: 'local', content: 'iso' })).map((v) => v.volid);
      expect(isos).toEqual(expect.arrayContaining(['local:iso/debian-12.8.0-amd64-netinst.iso', 'local:iso/ubuntu-24.04.1-live-server-amd64.iso', 'local:iso/proxmox-ve_9.0-1.iso']));
      const tmpl = asList(await h.call('GET', '/nodes/{node}/storage/{storage}/content', { node: 'pve1', storage: 'local', content: 'vztmpl' }));
      expect(tmpl.map((v) => v.format)).toEqual(['txz', 'tzst', 'tzst']);
      const backups = asList(await h.call('GET', '/nodes/{node}/storage/{storage}/content', { node: 'pve1', storage: 'pbs', vmid: 100 }));
      expect(backups[0]).toMatchObject({ content: 'backup', format: 'pbs-vm', subtype: 'qemu', vmid: 100, notes: 'web-01' });
      expect(String(backups[0]?.volid)).toMatch(/^pbs:backup\/vm\/100\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

      const ci = asObject(await h.call('GET', '/nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 104 }));
      expect(ci).toMatchObject({ ciuser: 'ubuntu', ipconfig0: 'ip=192.168.1.41/24,gw=192.168.1.1' });
      expect(String(ci.sshkeys)).toMatch(/^ssh-ed25519%20AAAA\S+%20admin%40workstation$/);
      const staticCt = asObject(await h.call('GET', '/nodes/{node}/lxc/{vmid}/config', { node: 'pve1', vmid: 200 }));
      expect(staticCt.net0).toMatch(/gw=192\.168\.1\.1,hwaddr=BC:24:11:[0-9A-F:]{8},ip=192\.168\.1\.53\/24,type=veth$/);
      const dhcpCt = asObject(await h.call('GET', '/nodes/{node}/lxc/{vmid}/config', { node: 'pve2', vmid: 201 }));
      expect(dhcpCt.net0).toContain('ip=dhcp');
      const multi = asObject(await h.call('GET', '/nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 111 }));
      expect(multi).toHaveProperty('net1');
      expect(multi).not.toHaveProperty('agent');
      const win = asObject(await h.call('GET', '/nodes/{node}/qemu/{vmid}/config', { node: 'pve3', vmid: 109 }));
      expect(win).toMatchObject({ bios: 'ovmf', ostype: 'win11', tpmstate0: expect.stringMatching(/version=v2\.0/), efidisk0: expect.stringMatching(/efitype=4m/) });
      const paused = asObject(await h.call('GET', '/nodes/{node}/qemu/{vmid}/status/current', { node: 'pve3', vmid: 113 }));
      expect(paused.qmpstatus).toBe('paused');
    } finally {
      h.dispose();
    }
  });

  it('storage figures add up', async () => {
    const h = makeHarness();
    try {
      for (const node of HOMELAB_FACTS.nodes) {
        for (const s of asList(await h.call('GET', '/nodes/{node}/storage', { node }))) {
          expect(Number(s.used) + Number(s.avail)).toBe(Number(s.total));
          expect(Number(s.used)).toBeGreaterThan(0);
          expect(Number(s.used_fraction)).toBeCloseTo(Number(s.used) / Number(s.total), 10);
        }
      }
    } finally {
      h.dispose();
    }
  });

  it('running figures drift over time, counters only grow, stopped guests stay at zero', async () => {
    const clock = fixedClock(Date.UTC(2025, 5, 2, 14, 30));
    const h = makeHarness({ clock });
    try {
      const sample = async () => new Map(asList(await h.call('GET', '/cluster/resources', { type: 'vm' })).map((r) => [Number(r.vmid), r]));
      const first = await sample();
      clock.set(clock.now() + 95_000);
      const second = await sample();
      const running = [...first.values()].filter((r) => r.status === 'running' && !(r.vmid === 113));
      expect(running.some((r) => r.cpu !== second.get(Number(r.vmid))?.cpu)).toBe(true);
      for (const r of running) {
        const later = second.get(Number(r.vmid))!;
        expect(Number(later.netin)).toBeGreaterThanOrEqual(Number(r.netin));
        expect(Number(later.uptime)).toBe(Number(r.uptime) + 95);
        expect(Number(later.cpu)).toBeLessThanOrEqual(1);
      }
      for (const r of first.values()) if (r.status === 'stopped') expect([r.cpu, r.mem, r.netin, r.uptime]).toEqual([0, 0, 0, 0]);
    } finally {
      h.dispose();
    }
  });
});

describe('generated', () => {
  it('builds 10k guests deterministically and answers its lists', async () => {
    const clock = fixedClock(Date.UTC(2025, 5, 2, 14, 30));
    const cluster = createCluster({ scenario: 'generated', guests: 10_000, seed: 5, clock });
    const again = createCluster({ scenario: 'generated', guests: 10_000, seed: 5, clock });
    const h = makeHarness({ scenario: 'generated', guests: 10_000, seed: 5, nodes: 4, clock });
    try {
      expect(cluster.guests.size).toBe(10_000);
      expect(cluster.nodes.size).toBe(4);
      const res = asList(await h.call('GET', '/cluster/resources', { type: 'vm' }));
      expect(res).toHaveLength(10_000);
      const list = asList(await h.call('GET', '/nodes/{node}/qemu', { node: 'pve1' }));
      expect(list.length).toBeGreaterThan(1000);
      expect(await h.call('GET', '/cluster/nextid', {})).toBe('10100');
      const conf = asObject(await h.call('GET', '/nodes/{node}/qemu/{vmid}/config', { node: String(list[0]!.node ?? 'pve1'), vmid: Number(list[0]!.vmid) }));
      expect(conf.name).toBe(list[0]!.name);
      expect(cluster.guests.get(4321)?.config.current).toEqual(again.guests.get(4321)?.config.current);
      expect(cluster.guests.get(4321)?.config.digest()).toBe(again.guests.get(4321)?.config.digest());
      const upid = await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/start', { node: 'pve1', vmid: Number(list.find((v) => v.status === 'stopped')!.vmid) });
      expect((await h.finished(upid)).exitstatus).toBe('OK');
    } finally {
      cluster.dispose();
      again.dispose();
      h.dispose();
    }
  });
});
