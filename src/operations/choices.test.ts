// The choices a create wizard offers, read from the homelab simulator (what HOMELAB_FACTS says
// it holds), and the template facts a clone needs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxmoxClient } from '../proxmox/client.js';
import { HOMELAB_FACTS } from '../simulator/cluster/scenarios/homelab.js';
import { startTestSimulator, type TestSimulator } from '../sync/test-support/sim.js';
import { createFactsOf, defaultStorage, loadCreateChoices, loadTemplateFacts } from './choices.js';
import { vmSpecProblems } from './create.js';

let sim: TestSimulator;
let client: ProxmoxClient;

beforeAll(async () => {
  ({ sim, client } = await startTestSimulator());
}, 60_000);

afterAll(async () => {
  client?.close();
  await sim?.close();
});

describe('loadCreateChoices', () => {
  it("reads nodes, the next vmid, the first online node's storages, bridges, ISOs and templates", async () => {
    const c = await loadCreateChoices(client);
    expect(c.node).toBe('pve1');
    expect(c.nodes.map((n) => n.name)).toEqual([...HOMELAB_FACTS.nodes]);
    expect(c.nodes.every((n) => n.online && (n.cpus ?? 0) > 0 && (n.memFreeBytes ?? 0) > 0)).toBe(true);
    expect(c.usedVmids.has(100)).toBe(true);
    expect(c.usedVmids.has(c.nextVmid)).toBe(false);
    expect(c.nextVmid).toBe(await client.nextId());
    expect(c.storages.map((s) => s.id)).toEqual([...HOMELAB_FACTS.storages].sort());
    expect(c.storages.find((s) => s.id === 'local-lvm')).toMatchObject({ type: 'lvmthin', content: expect.arrayContaining(['images', 'rootdir']), active: true });
    expect(c.storages.find((s) => s.id === 'local-lvm')!.availBytes).toBeGreaterThan(0);
    expect(c.bridges.map((b) => b.name)).toContain('vmbr0');
    expect(c.isos.map((i) => i.volid)).toContain('local:iso/debian-12.8.0-amd64-netinst.iso');
    expect(c.isos.map((i) => i.volid)).toContain('nas:iso/Win11_24H2_English_x64.iso');
    expect(c.isos.every((i) => /:iso\//.test(i.volid) && (i.sizeBytes ?? 0) > 0)).toBe(true);
    expect(c.ctTemplates.map((t) => t.volid)).toContain('local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst');
    expect(c.vmTemplates).toEqual([
      { node: 'pve1', vmid: 9000, name: 'ubuntu-24.04-cloud' },
      { node: 'pve2', vmid: 9001, name: 'debian-12-cloud' },
    ]);
    expect(c.pools).toEqual([...HOMELAB_FACTS.pools].sort());
    expect(defaultStorage(c, 'images')).toBe('local-lvm');
    expect(defaultStorage(c, 'rootdir')).toBe('local-lvm');
  });

  it("another node's lists are its own; an offline node gets none and the checks say so", async () => {
    const c2 = await loadCreateChoices(client, 'pve2');
    expect(c2.node).toBe('pve2');
    expect(c2.isos.map((i) => i.volid)).not.toContain('local:iso/ubuntu-24.04.1-live-server-amd64.iso');
    sim.faults.set({ offlineNodes: ['pve3'] });
    try {
      const c3 = await loadCreateChoices(client, 'pve3');
      expect(c3).toMatchObject({ node: 'pve3', storages: [], bridges: [], isos: [], ctTemplates: [] });
      const facts = createFactsOf(c3);
      const spec = { node: 'pve3', vmid: c3.nextVmid, name: 'x', source: { kind: 'none' as const }, ostype: 'l26', cores: 1, memoryMiB: 512, nic: { bridge: 'vmbr0' }, start: false };
      expect(vmSpecProblems(spec, facts).node).toBe('node pve3 is offline: choose one of pve1, pve2');
      // Without a node named, the first online one.
      sim.faults.set({ offlineNodes: ['pve1'] });
      expect((await loadCreateChoices(client)).node).toBe('pve2');
    } finally {
      sim.faults.set({ offlineNodes: [] });
    }
  });
});

describe('loadTemplateFacts', () => {
  it("finds a cloud template's boot disk, OS type and cloud-init drive", async () => {
    const t = await loadTemplateFacts(client, 'pve1', 9000);
    expect(t).toMatchObject({ disk: { key: 'scsi0', sizeGiB: 3.5 }, storages: ['local-lvm'], cloudInit: true, cores: 2, memoryMiB: 2048 });
    const ct = await loadTemplateFacts(client, 'pve2', 9001);
    expect(ct.disk).toEqual({ key: 'scsi0', sizeGiB: 2 });
  });

  it('a VM without cloud-init says so', async () => {
    expect(await loadTemplateFacts(client, 'pve1', 100)).toMatchObject({ cloudInit: false, disk: { key: 'scsi0', sizeGiB: 32 } });
  });
});

describe('createFactsOf', () => {
  it('does not check pools or bridges it could not read (none listed)', async () => {
    const c = await loadCreateChoices(client);
    const facts = createFactsOf({ ...c, pools: [], bridges: [] });
    expect(facts.pools).toBeUndefined();
    expect(facts.bridges).toBeUndefined();
    expect(facts.storages?.length).toBeGreaterThan(0);
    const spec = { node: 'pve1', vmid: c.nextVmid, name: 'x', source: { kind: 'none' as const }, ostype: 'l26', cores: 1, memoryMiB: 512, nic: { bridge: 'vmbr5' }, start: false, pool: 'p' };
    expect(vmSpecProblems(spec, facts)).toEqual({});
    expect(vmSpecProblems(spec, createFactsOf(c))).toMatchObject({ pool: /there is no pool 'p'/, 'nic.bridge': /there is no bridge 'vmbr5' on pve1/ });
  });
});
