// End-to-end flows through the route handlers: create, clone, migrate, delete, snapshots,
// config updates, templates, power and HA, offline nodes and permission filtering.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { asList, asObject, makeHarness, type Harness } from './testHarness.js';

let h: Harness;
afterEach(() => h?.dispose());

const config = async (node: string, vmid: number, kind: 'qemu' | 'lxc' = 'qemu') => asObject(await h.call('GET', `/nodes/{node}/${kind}/{vmid}/config`, { node, vmid }));
const content = async (node: string, storage: string, vmid?: number) =>
  asList(await h.call('GET', '/nodes/{node}/storage/{storage}/content', { node, storage, ...(vmid !== undefined ? { vmid } : {}) }));
const resource = async (vmid: number) => asList(await h.call('GET', '/cluster/resources', { type: 'vm' })).find((r) => r.vmid === vmid);

describe('create', () => {
  it('qemu: allocates disks, generates MACs, joins the pool, starts with start=1 (one UPID)', async () => {
    h = makeHarness();
    const storageBefore = asList(await h.call('GET', '/nodes/{node}/storage', { node: 'pve1', storage: 'local-lvm' }))[0]!;
    const upid = await h.call('POST', '/nodes/{node}/qemu', {
      node: 'pve1',
      vmid: 300,
      name: 'new-vm',
      memory: '2048',
      cores: 2,
      scsihw: 'virtio-scsi-single',
      scsi0: 'local-lvm:32,iothread=1',
      ide2: 'local:iso/debian-12.8.0-amd64-netinst.iso,media=cdrom',
      net0: 'virtio,bridge=vmbr0,firewall=1',
      tags: 'Web, prod;web',
      pool: 'lab',
      start: 1,
    });
    expect(String(upid)).toMatch(/:qmcreate:300:root@pam:$/);
    expect((await resource(300))?.lock).toBe('create');
    const task = await h.finished(upid);
    expect(task.exitstatus).toBe('OK');
    expect(task.lines).toContain("scsi0: successfully created disk 'local-lvm:vm-300-disk-0,iothread=1,size=32G'");
    expect(task.lines).toContain('Execute autostart');
    const conf = await config('pve1', 300);
    expect(conf).toMatchObject({ name: 'new-vm', memory: '2048', cores: 2, scsi0: 'local-lvm:vm-300-disk-0,iothread=1,size=32G', ide2: 'local:iso/debian-12.8.0-amd64-netinst.iso,media=cdrom,size=633M', boot: 'order=scsi0;ide2;net0', tags: 'prod;web' });
    expect(conf.net0).toMatch(/^virtio=BC:24:11:[0-9A-F:]{8},bridge=vmbr0,firewall=1$/);
    expect(conf.smbios1).toMatch(/^uuid=[0-9a-f-]{36}$/);
    expect(conf.vmgenid).toMatch(/^[0-9a-f-]{36}$/);
    expect(conf.meta).toMatch(/^creation-qemu=[\d.]+,ctime=\d+$/);
    expect(conf).not.toHaveProperty('lock');
    expect((await resource(300))?.status).toBe('running');
    const disk = (await content('pve1', 'local-lvm', 300))[0];
    expect(disk).toMatchObject({ volid: 'local-lvm:vm-300-disk-0', content: 'images', format: 'raw', size: 32 * 1024 ** 3, vmid: 300 });
    const storageAfter = asList(await h.call('GET', '/nodes/{node}/storage', { node: 'pve1', storage: 'local-lvm' }))[0]!;
    expect(Number(storageAfter.used)).toBeGreaterThan(Number(storageBefore.used));
    const pool = asList(await h.call('GET', '/pools', { poolid: 'lab' }))[0]!;
    expect(asList(pool.members).some((m) => m.vmid === 300)).toBe(true);
  });

  it('lxc: rootfs and NIC filled in the way pve-container does', async () => {
    h = makeHarness();
    const upid = await h.call('POST', '/nodes/{node}/lxc', {
      node: 'pve2',
      vmid: 301,
      ostemplate: 'local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst',
      rootfs: 'local-lvm:8',
      net0: 'name=eth0,bridge=vmbr0,ip=dhcp',
      hostname: 'fresh-ct',
      start: 1,
    });
    const task = await h.finished(upid);
    expect(task.exitstatus).toBe('OK');
    expect(task.lines).toContain("extracting archive '/var/lib/vz/template/cache/ubuntu-24.04-standard_24.04-2_amd64.tar.zst'");
    const conf = await config('pve2', 301, 'lxc');
    expect(conf).toMatchObject({ hostname: 'fresh-ct', ostype: 'ubuntu', memory: 512, swap: 512, unprivileged: 1, rootfs: 'local-lvm:vm-301-disk-0,size=8G', arch: 'amd64' });
    expect(conf.net0).toMatch(/^name=eth0,bridge=vmbr0,hwaddr=BC:24:11:[0-9A-F:]{8},ip=dhcp,type=veth$/);
    expect((await content('pve2', 'local-lvm', 301))[0]?.content).toBe('rootdir');
    expect((await resource(301))?.status).toBe('running');
  });
});

describe('clone', () => {
  it('full clone of a VM: new MACs, smbios uuid and name', async () => {
    h = makeHarness();
    const source = await config('pve1', 100);
    const upid = await h.call('POST', '/nodes/{node}/qemu/{vmid}/clone', { node: 'pve1', vmid: 100, newid: 400 });
    await h.finished(upid);
    const conf = await config('pve1', 400);
    expect(conf.name).toBe('Copy-of-VM-web-01');
    expect(conf.scsi0).toBe('local-lvm:vm-400-disk-0,iothread=1,size=32G');
    expect(conf.net0).not.toBe(source.net0);
    expect(conf.smbios1).not.toBe(source.smbios1);
    expect(conf.tags).toBe(source.tags);
    expect((await resource(400))?.status).toBe('stopped');
  });

  it('linked clone of the cloud-init template, with pool and name', async () => {
    h = makeHarness();
    const upid = await h.call('POST', '/nodes/{node}/qemu/{vmid}/clone', { node: 'pve1', vmid: 9000, newid: 401, name: 'k8s-node-4', pool: 'lab' });
    const task = await h.finished(upid);
    expect(task.lines).toContain('create linked clone of drive scsi0 (local-lvm:base-9000-disk-0)');
    expect(task.lines).toContain('create full clone of drive ide2 (local-lvm:vm-9000-cloudinit)');
    const conf = await config('pve1', 401);
    expect(conf).toMatchObject({ name: 'k8s-node-4', ide2: 'local-lvm:vm-401-cloudinit,media=cdrom', ciuser: 'ubuntu', ipconfig0: 'ip=dhcp' });
    expect(conf).not.toHaveProperty('template');
    const disk = (await content('pve1', 'local-lvm', 401)).find((v) => v.volid === 'local-lvm:vm-401-disk-0');
    expect(disk?.parent).toBe('base-9000-disk-0');
    expect((await resource(401))?.pool).toBe('lab');
  });

  it('to another node when the disks are on shared storage', async () => {
    h = makeHarness();
    await h.finished(await h.call('POST', '/nodes/{node}/qemu/{vmid}/clone', { node: 'pve1', vmid: 108, newid: 402, target: 'pve2' }));
    expect((await resource(402))?.node).toBe('pve2');
    expect((await config('pve2', 402)).scsi0).toMatch(/^nas:402\/vm-402-disk-\d\.qcow2,discard=on,iothread=1,size=32G$/);
  });

  it('lxc clone: the source holds lock disk, the new CT lock create', async () => {
    h = makeHarness();
    const upid = await h.call('POST', '/nodes/{node}/lxc/{vmid}/clone', { node: 'pve3', vmid: 207, newid: 403, hostname: 'adguard-2' });
    expect((await resource(207))?.lock).toBe('disk');
    expect((await resource(403))?.lock).toBe('create');
    await h.finished(upid);
    expect((await resource(207))?.lock).toBeUndefined();
    expect(await config('pve3', 403, 'lxc')).toMatchObject({ hostname: 'adguard-2', rootfs: 'local-lvm:vm-403-disk-0,size=8G' });
  });
});

describe('migrate', () => {
  it('offline: the config and local volumes move', async () => {
    h = makeHarness();
    const task = await h.finished(await h.call('POST', '/nodes/{node}/qemu/{vmid}/migrate', { node: 'pve2', vmid: 114, target: 'pve3' }));
    expect(task.exitstatus).toBe('OK');
    expect(task.lines[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d starting migration of VM 114 to node 'pve3' \(192\.168\.1\.13\)$/);
    expect(task.lines.at(-2)).toMatch(/migration finished successfully \(duration \d\d:\d\d:\d\d\)$/);
    expect((await resource(114))?.node).toBe('pve3');
    expect(await content('pve3', 'local-lvm', 114)).toHaveLength(1);
    expect(await content('pve2', 'local-lvm', 114)).toHaveLength(0);
    await expect(h.call('GET', '/nodes/{node}/qemu/{vmid}/config', { node: 'pve2', vmid: 114 })).rejects.toMatchObject({ status: 500 });
  });

  it('online with local disks keeps it running on the target', async () => {
    h = makeHarness();
    const task = await h.finished(await h.call('POST', '/nodes/{node}/qemu/{vmid}/migrate', { node: 'pve1', vmid: 100, target: 'pve2', online: 1, 'with-local-disks': 1 }));
    expect(task.exitstatus).toBe('OK');
    expect(task.lines.some((l) => l.endsWith("all 'mirror' jobs are ready"))).toBe(true);
    const r = await resource(100);
    expect(r).toMatchObject({ node: 'pve2', status: 'running' });
    expect(Number(r?.uptime)).toBeLessThan(60);
  });

  it('an HA guest goes through hamigrate, then the CRM migrates it as root@pam', async () => {
    h = makeHarness();
    const upid = await h.call('POST', '/nodes/{node}/qemu/{vmid}/migrate', { node: 'pve1', vmid: 108, target: 'pve3', online: 1 });
    expect(String(upid)).toMatch(/:hamigrate:108:/);
    expect((await h.finished(upid)).lines[0]).toBe('Requesting HA migration for VM 108 to node pve3');
    await vi.waitFor(async () => expect((await resource(108))?.node).toBe('pve3'), { timeout: 5000, interval: 5 });
    await vi.waitFor(async () => expect((await resource(108))?.hastate).toBe('started'), { timeout: 5000, interval: 5 });
    const tasks = asList(await h.call('GET', '/nodes/{node}/tasks', { node: 'pve1', typefilter: 'qmigrate', vmid: 108 }));
    expect(tasks[0]).toMatchObject({ user: 'root@pam', status: 'OK' });
  });
});

describe('delete', () => {
  it('stop, then delete: volumes freed, pool membership gone', async () => {
    h = makeHarness();
    await h.finished(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/shutdown', { node: 'pve1', vmid: 117 }));
    expect((await resource(117))?.status).toBe('stopped');
    const upid = await h.call('DELETE', '/nodes/{node}/qemu/{vmid}', { node: 'pve1', vmid: 117, purge: 1 });
    expect((await resource(117))?.lock).toBe('destroyed');
    const task = await h.finished(upid);
    expect(task.lines).toContain('  Logical volume "vm-117-disk-0" successfully removed.');
    expect(await resource(117)).toBeUndefined();
    expect(await content('pve1', 'local-lvm', 117)).toHaveLength(0);
    expect(asList(asList(await h.call('GET', '/pools', { poolid: 'prod' }))[0]!.members).some((m) => m.vmid === 117)).toBe(false);
    expect(await h.call('GET', '/cluster/nextid', { vmid: 117 })).toBe('117');
  });
});

describe('snapshots', () => {
  it('a tree with parents and the current entry', async () => {
    h = makeHarness();
    const list = asList(await h.call('GET', '/nodes/{node}/qemu/{vmid}/snapshot', { node: 'pve1', vmid: 102 }));
    expect(list.find((s) => s.name === 'after-upgrade')).toMatchObject({ parent: 'pre-upgrade', vmstate: 0, description: 'upgrade done, replication verified' });
    expect(list.find((s) => s.name === 'pre-upgrade')).not.toHaveProperty('parent');
    expect(list.at(-1)).toMatchObject({ name: 'current', parent: 'after-upgrade', running: 1, description: 'You are here!' });
    expect(typeof list.find((s) => s.name === 'pre-upgrade')?.snaptime).toBe('number');
  });

  it('with RAM: rollback brings the VM back running; deleting relinks the tree', async () => {
    h = makeHarness();
    await h.finished(await h.call('POST', '/nodes/{node}/qemu/{vmid}/snapshot', { node: 'pve1', vmid: 100, snapname: 'live', vmstate: 1, description: 'with RAM' }));
    await h.finished(await h.call('POST', '/nodes/{node}/qemu/{vmid}/snapshot', { node: 'pve1', vmid: 100, snapname: 'later' }));
    let list = asList(await h.call('GET', '/nodes/{node}/qemu/{vmid}/snapshot', { node: 'pve1', vmid: 100 }));
    expect(list.find((s) => s.name === 'live')).toMatchObject({ vmstate: 1, description: 'with RAM' });
    expect(list.find((s) => s.name === 'later')?.parent).toBe('live');
    expect((await content('pve1', 'local-lvm', 100)).some((v) => v.volid === 'local-lvm:vm-100-state-live')).toBe(true);
    await h.finished(await h.call('POST', '/nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback', { node: 'pve1', vmid: 100, snapname: 'live' }));
    expect((await resource(100))?.status).toBe('running');
    expect((await config('pve1', 100)).parent).toBe('live');
    await h.finished(await h.call('DELETE', '/nodes/{node}/qemu/{vmid}/snapshot/{snapname}', { node: 'pve1', vmid: 100, snapname: 'live' }));
    list = asList(await h.call('GET', '/nodes/{node}/qemu/{vmid}/snapshot', { node: 'pve1', vmid: 100 }));
    expect(list.find((s) => s.name === 'later')).not.toHaveProperty('parent');
    expect(list.at(-1)).not.toHaveProperty('parent');
    expect((await content('pve1', 'local-lvm', 100)).some((v) => v.volid === 'local-lvm:vm-100-state-live')).toBe(false);
  });

  it('config of a snapshot', async () => {
    h = makeHarness();
    const snap = await asObject(await h.call('GET', '/nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 112, snapshot: 'clean-install' }));
    expect(snap).toMatchObject({ name: 'docker-host', vmstate: 'local-lvm:vm-112-state-clean-install', description: 'fresh Debian 12 + docker' });
    expect(typeof snap.snaptime).toBe('number');
  });
});

describe('config updates', () => {
  it('PUT is synchronous; the digest follows the file; disks go to unusedN and then away', async () => {
    h = makeHarness();
    const before = await config('pve1', 100);
    expect(await h.call('PUT', '/nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 100, cores: 4, delete: 'onboot', digest: String(before.digest), scsi1: 'local-lvm:10' })).toBeNull();
    const after = await config('pve1', 100);
    expect(after).toMatchObject({ cores: 4, scsi1: 'local-lvm:vm-100-disk-1,size=10G' });
    expect(after).not.toHaveProperty('onboot');
    expect(after.digest).not.toBe(before.digest);
    await h.call('PUT', '/nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 100, delete: 'scsi1' });
    expect((await config('pve1', 100)).unused0).toBe('local-lvm:vm-100-disk-1');
    await h.call('PUT', '/nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 100, delete: 'unused0' });
    expect(await config('pve1', 100)).not.toHaveProperty('unused0');
    expect((await content('pve1', 'local-lvm', 100)).map((v) => v.volid)).toEqual(['local-lvm:vm-100-disk-0']);
  });

  it('POST is a qmconfig task; tags are normalised; a NIC without MAC gets one', async () => {
    h = makeHarness();
    const upid = await h.call('POST', '/nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 100, memory: '8192', tags: 'Zeta,alpha;beta zeta', net1: 'virtio,bridge=vmbr1,tag=20' });
    expect(String(upid)).toMatch(/:qmconfig:100:/);
    const task = await h.finished(upid);
    expect(task.lines[0]).toBe('update VM 100: -memory 8192 -net1 virtio,bridge=vmbr1,tag=20 -tags Zeta,alpha;beta zeta');
    const conf = await config('pve1', 100);
    expect(conf.tags).toBe('alpha;beta;zeta');
    expect(conf.net1).toMatch(/^virtio=BC:24:11:[0-9A-F:]{8},bridge=vmbr1,tag=20$/);
    expect((await resource(100))?.maxmem).toBe(8192 * 1024 * 1024);
  });

  it('lxc PUT and unlocking a locked VM with skiplock as root', async () => {
    h = makeHarness();
    await h.call('PUT', '/nodes/{node}/lxc/{vmid}/config', { node: 'pve1', vmid: 200, memory: 1024, cpulimit: 1.5, description: 'dns' });
    expect(await config('pve1', 200, 'lxc')).toMatchObject({ memory: 1024, cpulimit: '1.5', description: 'dns' });
    await h.call('PUT', '/nodes/{node}/qemu/{vmid}/config', { node: 'pve3', vmid: 115, delete: 'lock', skiplock: 1 });
    expect(await config('pve3', 115)).not.toHaveProperty('lock');
  });
});

describe('templates, power, HA', () => {
  it('converting to a template renames the disks to base volumes', async () => {
    h = makeHarness();
    const upid = await h.call('POST', '/nodes/{node}/qemu/{vmid}/template', { node: 'pve2', vmid: 114 });
    const task = await h.finished(upid);
    expect(task.lines).toContain('  Renamed "vm-114-disk-0" to "base-114-disk-0" in volume group "pve"');
    expect((await config('pve2', 114)).scsi0).toBe('local-lvm:base-114-disk-0,iothread=1,size=16G');
    expect(asList(await h.call('GET', '/nodes/{node}/qemu', { node: 'pve2' })).find((v) => v.vmid === 114)?.template).toBe(1);
    expect(await h.call('POST', '/nodes/{node}/lxc/{vmid}/template', { node: 'pve3', vmid: 207 })).toBeNull();
  });

  it('pause/resume and suspend to disk', async () => {
    h = makeHarness();
    await h.finished(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/suspend', { node: 'pve1', vmid: 100 }));
    expect(asObject(await h.call('GET', '/nodes/{node}/qemu/{vmid}/status/current', { node: 'pve1', vmid: 100 }))).toMatchObject({ status: 'running', qmpstatus: 'paused' });
    await h.finished(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/resume', { node: 'pve1', vmid: 100 }));
    expect(asObject(await h.call('GET', '/nodes/{node}/qemu/{vmid}/status/current', { node: 'pve1', vmid: 100 })).qmpstatus).toBe('running');
    const upid = await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/suspend', { node: 'pve1', vmid: 100, todisk: 1 });
    expect(String(upid)).toMatch(/:qmsuspend:100:/);
    await h.finished(upid);
    expect(await config('pve1', 100)).toMatchObject({ lock: 'suspended' });
    expect((await resource(100))?.status).toBe('stopped');
    await h.finished(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/start', { node: 'pve1', vmid: 100 }));
    expect(await config('pve1', 100)).not.toHaveProperty('lock');
    expect((await resource(100))?.status).toBe('running');
  });

  it('container stop/start/reboot/suspend/resume', async () => {
    h = makeHarness();
    const act = async (action: string) => (await h.finished(await h.call('POST', `/nodes/{node}/lxc/{vmid}/status/${action}`, { node: 'pve1', vmid: 204 }))).exitstatus;
    expect(await act('shutdown')).toBe('OK');
    expect((await resource(204))?.status).toBe('stopped');
    expect(await act('start')).toBe('OK');
    const pid = asObject(await h.call('GET', '/nodes/{node}/lxc/{vmid}/status/current', { node: 'pve1', vmid: 204 })).pid;
    expect(await act('reboot')).toBe('OK');
    expect(asObject(await h.call('GET', '/nodes/{node}/lxc/{vmid}/status/current', { node: 'pve1', vmid: 204 })).pid).not.toBe(pid);
    expect(await act('suspend')).toBe('OK');
    expect((await resource(204))?.status).toBe('stopped');
    expect(await act('resume')).toBe('OK');
    expect((await resource(204))?.status).toBe('running');
    expect(await act('resume').catch((e: Error) => e.message)).toBe('CT 204 already running');
  });

  it('a shutdown whose timeout passes fails as PVE says it, the guest still running; forceStop stops it then', async () => {
    h = makeHarness();
    const shutdown = async (kind: 'qemu' | 'lxc', node: string, vmid: number, extra: Record<string, number> = {}) =>
      h.finished(await h.call('POST', `/nodes/{node}/${kind}/{vmid}/status/shutdown`, { node, vmid, timeout: 1, ...extra }));
    // The guests take 1.5 to 8 s to shut down: one second is never enough.
    expect((await shutdown('qemu', 'pve1', 117)).exitstatus).toBe('VM quit/powerdown failed - got timeout');
    expect((await resource(117))?.status).toBe('running');
    expect((await shutdown('lxc', 'pve1', 204)).exitstatus).toBe("command 'lxc-stop -n 204 --nokill --timeout 1' failed: exit code 1");
    expect((await resource(204))?.status).toBe('running');
    const forced = await shutdown('qemu', 'pve1', 117, { forceStop: 1 });
    expect(forced.exitstatus).toBe('OK');
    expect(forced.lines).toContain('VM still running - terminating now with SIGTERM');
    expect((await resource(117))?.status).toBe('stopped');
    expect((await shutdown('lxc', 'pve1', 204, { forceStop: 1 })).exitstatus).toBe('OK');
    expect((await resource(204))?.status).toBe('stopped');
    // Time enough: a clean shutdown.
    expect((await h.finished(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/shutdown', { node: 'pve1', vmid: 100, timeout: 60 }))).exitstatus).toBe('OK');
  });

  it('VM reboot gives a new process; reset keeps it', async () => {
    h = makeHarness();
    const current = async () => asObject(await h.call('GET', '/nodes/{node}/qemu/{vmid}/status/current', { node: 'pve1', vmid: 117 }));
    const before = await current();
    await h.finished(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/reset', { node: 'pve1', vmid: 117 }));
    expect((await current()).pid).toBe(before.pid);
    await h.finished(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/reboot', { node: 'pve1', vmid: 117 }));
    const after = await current();
    expect(after.pid).not.toBe(before.pid);
    expect(Number(after.uptime)).toBeLessThan(Number(before.uptime));
  });

  it('HA start: hastart, then qmstart by root@pam', async () => {
    h = makeHarness();
    await h.finished(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/stop', { node: 'pve1', vmid: 108 }));
    await vi.waitFor(async () => expect((await resource(108))?.status).toBe('stopped'), { timeout: 5000, interval: 5 });
    expect((await resource(108))?.hastate).toBe('stopped');
    const upid = await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/start', { node: 'pve1', vmid: 108 }, { userid: 'alice@pve' });
    expect(String(upid)).toMatch(/:hastart:108:alice@pve:$/);
    await vi.waitFor(async () => expect((await resource(108))?.status).toBe('running'), { timeout: 5000, interval: 5 });
    const starts = asList(await h.call('GET', '/nodes/{node}/tasks', { node: 'pve1', typefilter: 'qmstart', vmid: 108 }));
    expect(starts[0]?.user).toBe('root@pam');
    expect(asObject(await h.call('GET', '/nodes/{node}/qemu/{vmid}/status/current', { node: 'pve1', vmid: 108 })).ha).toEqual({ managed: 1, state: 'started' });
  });
});

describe('offline node and permissions', () => {
  it('an offline node is offline everywhere and its guests are unknown', async () => {
    h = makeHarness({ isNodeOffline: (n) => n === 'pve3' });
    const nodes = asList(await h.call('GET', '/nodes', {}));
    expect(nodes.find((n) => n.node === 'pve3')).toMatchObject({ status: 'offline' });
    expect(nodes.find((n) => n.node === 'pve3')).not.toHaveProperty('cpu');
    const status = asList(await h.call('GET', '/cluster/status', {}));
    expect(status.find((s) => s.name === 'pve3')?.online).toBe(0);
    expect(status.find((s) => s.type === 'cluster')?.quorate).toBe(1);
    const res = asList(await h.call('GET', '/cluster/resources', {}));
    expect(res.find((r) => r.id === 'node/pve3')?.status).toBe('offline');
    expect(res.find((r) => r.id === 'qemu/103')).toMatchObject({ status: 'unknown', name: 'db-02' });
    expect(res.find((r) => r.id === 'qemu/100')?.status).toBe('running');
    expect(res.find((r) => r.id === 'storage/pve3/local')?.status).toBe('unknown');
  });

  it('migrating to an offline node fails in the task', async () => {
    h = makeHarness({ isNodeOffline: (n) => n === 'pve3' });
    const task = await h.finished(await h.call('POST', '/nodes/{node}/qemu/{vmid}/migrate', { node: 'pve2', vmid: 114, target: 'pve3' }));
    expect(task.exitstatus).toBe('migration aborted');
    expect(task.lines.join('\n')).toContain("Can't connect to destination address using public key");
  });

  it('canSee leaves out guests, pools and storages the caller may not see', async () => {
    h = makeHarness({}, (_req, path, priv) => !(path === '/vms/100' && priv === 'VM.Audit') && path !== '/pool/lab' && path !== '/storage/pbs');
    expect(asList(await h.call('GET', '/nodes/{node}/qemu', { node: 'pve1' })).some((v) => v.vmid === 100)).toBe(false);
    expect(asList(await h.call('GET', '/cluster/resources', {})).some((r) => r.id === 'qemu/100' || r.id === 'pool/lab' || r.storage === 'pbs')).toBe(false);
    expect(asList(await h.call('GET', '/pools', {})).map((p) => p.poolid)).toEqual(['prod', 'templates']);
    expect(asList(await h.call('GET', '/nodes/{node}/storage', { node: 'pve1' })).some((s) => s.storage === 'pbs')).toBe(false);
  });

  it("another user's task needs Sys.Audit on the node", async () => {
    h = makeHarness({}, (req, path, priv) => req.principal.userid === 'root@pam' || !(path.startsWith('/nodes/') && priv === 'Sys.Audit'));
    const upid = await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/start', { node: 'pve2', vmid: 114 });
    await expect(h.call('GET', '/nodes/{node}/tasks/{upid}/status', { node: 'pve2', upid: String(upid) }, { userid: 'auditor@pve' })).rejects.toMatchObject({
      status: 403,
      message: 'Permission check failed (/nodes/pve2, Sys.Audit)',
    });
    expect(asList(await h.call('GET', '/nodes/{node}/tasks', { node: 'pve2', source: 'all' }, { userid: 'auditor@pve' }))).toEqual([]);
  });
});
