// Refusals worded the way PVE words them: answered at once (500/400) where qemu-server and
// pve-container check before forking, as TASK ERROR where the worker finds the problem.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from './testHarness.js';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.dispose());

const rejects = (p: Promise<unknown>, status: number, message: string) => expect(p).rejects.toMatchObject({ status, message });
const taskError = async (upid: unknown, message: string) => expect((await h.finished(upid)).exitstatus).toBe(message);

describe('unknown guests and nodes', () => {
  it('a missing config names the file on the requested node', async () => {
    await rejects(h.call('GET', '/nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 999 }), 500, "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist");
    await rejects(h.call('GET', '/nodes/{node}/lxc/{vmid}/status/current', { node: 'pve2', vmid: 200 }), 500, "Configuration file 'nodes/pve2/lxc/200.conf' does not exist");
    await rejects(h.call('GET', '/nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 200 }), 500, "Configuration file 'nodes/pve1/qemu-server/200.conf' does not exist");
  });

  it('qemu start of a missing VM fails in its task, as vm_start loads the config in the worker', async () => {
    await taskError(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/start', { node: 'pve1', vmid: 999 }), "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist");
    await rejects(h.call('POST', '/nodes/{node}/qemu/{vmid}/status/reboot', { node: 'pve1', vmid: 999 }), 500, "unable to find configuration file for VM 999 on node 'pve1'");
  });

  it('a {node} that is no cluster member fails the hostname lookup', async () => {
    await rejects(h.call('GET', '/nodes/{node}/qemu', { node: 'nope' }), 500, "hostname lookup 'nope' failed - failed to get address info for: nope: Name or service not known");
  });
});

describe('power actions', () => {
  it('starting a running VM is a task error, a running CT is refused at once', async () => {
    await taskError(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/start', { node: 'pve1', vmid: 100 }), 'VM 100 already running');
    await rejects(h.call('POST', '/nodes/{node}/lxc/{vmid}/status/start', { node: 'pve1', vmid: 200 }), 500, 'CT 200 already running');
  });

  it('stopping a stopped CT is refused; a stopped VM stops as a no-op (qemu-server _do_vm_stop)', async () => {
    await rejects(h.call('POST', '/nodes/{node}/lxc/{vmid}/status/stop', { node: 'pve3', vmid: 207 }), 500, 'CT 207 not running');
    await rejects(h.call('POST', '/nodes/{node}/lxc/{vmid}/status/shutdown', { node: 'pve3', vmid: 207 }), 500, 'CT 207 not running');
    await taskError(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/stop', { node: 'pve2', vmid: 114 }), 'OK');
    await rejects(h.call('POST', '/nodes/{node}/qemu/{vmid}/status/reboot', { node: 'pve2', vmid: 114 }), 500, 'VM 114 not running');
    await rejects(h.call('POST', '/nodes/{node}/qemu/{vmid}/status/suspend', { node: 'pve2', vmid: 114 }), 500, 'VM 114 not running');
    await rejects(h.call('POST', '/nodes/{node}/lxc/{vmid}/status/reboot', { node: 'pve3', vmid: 207 }), 500, 'VM 207 not running');
  });

  it('a locked guest: VM is locked (backup) in the task', async () => {
    await taskError(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/shutdown', { node: 'pve3', vmid: 115 }), 'VM is locked (backup)');
    await taskError(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/reset', { node: 'pve3', vmid: 115 }), 'VM is locked (backup)');
  });

  it('a template cannot be started', async () => {
    await taskError(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/start', { node: 'pve1', vmid: 9000 }), "you can't start a vm if it's a template");
    await taskError(await h.call('POST', '/nodes/{node}/lxc/{vmid}/status/start', { node: 'pve1', vmid: 9100 }), "you can't start a CT if it's a template");
  });

  it('a paused VM cannot be shut down', async () => {
    await rejects(h.call('POST', '/nodes/{node}/qemu/{vmid}/status/shutdown', { node: 'pve3', vmid: 113 }), 500, 'VM is paused - cannot shutdown');
  });

  it('skiplock is root@pam only (a root token is not root)', async () => {
    await expect(h.call('POST', '/nodes/{node}/qemu/{vmid}/status/stop', { node: 'pve3', vmid: 115, skiplock: 1 }, { userid: 'root@pam', tokenid: 'mpc' })).rejects.toMatchObject({
      status: 400,
      errors: { skiplock: 'Only root may use this option.' },
    });
  });
});

describe('delete', () => {
  it('refuses a running guest', async () => {
    await rejects(h.call('DELETE', '/nodes/{node}/qemu/{vmid}', { node: 'pve1', vmid: 100 }), 500, 'VM 100 is running - destroy failed');
    await rejects(h.call('DELETE', '/nodes/{node}/lxc/{vmid}', { node: 'pve1', vmid: 200 }), 500, 'unable to destroy CT 200 - container is running');
  });

  it('refuses an HA resource without purge, and a protected guest', async () => {
    await h.finished(await h.call('POST', '/nodes/{node}/lxc/{vmid}/status/stop', { node: 'pve2', vmid: 215 }));
    await rejects(h.call('DELETE', '/nodes/{node}/lxc/{vmid}', { node: 'pve2', vmid: 215 }), 500, 'unable to remove CT 215 - used in HA resources and purge parameter not set.');
    await rejects(h.call('DELETE', '/nodes/{node}/lxc/{vmid}', { node: 'pve3', vmid: 208, force: 1 }), 500, "can't remove CT 208 - protection mode enabled");
  });

  it('a template whose base disk has linked clones cannot go', async () => {
    await taskError(await h.call('DELETE', '/nodes/{node}/qemu/{vmid}', { node: 'pve1', vmid: 9000 }), "base volume 'base-9000-disk-0' is still in use by linked clones");
  });
});

describe('create and clone', () => {
  it('a taken vmid', async () => {
    await rejects(h.call('POST', '/nodes/{node}/qemu', { node: 'pve1', vmid: 200 }), 500, "unable to create VM 200 - CT 200 already exists on node 'pve1'");
    await rejects(h.call('POST', '/nodes/{node}/lxc', { node: 'pve1', vmid: 100, ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst' }), 500, "VM 100 already exists on node 'pve1'");
    await rejects(h.call('POST', '/nodes/{node}/qemu/{vmid}/clone', { node: 'pve1', vmid: 100, newid: 101 }), 500, 'unable to create VM 101: config file already exists');
  });

  it('storages: unknown, wrong content, the lxc default `local`', async () => {
    await rejects(h.call('POST', '/nodes/{node}/qemu', { node: 'pve1', vmid: 300, scsi0: 'tank:32' }), 500, "storage 'tank' does not exist");
    await expect(h.call('POST', '/nodes/{node}/qemu', { node: 'pve1', vmid: 300, scsi0: 'local:32' })).rejects.toMatchObject({ status: 400, errors: { storage: "storage 'local' does not support vm images" } });
    await expect(h.call('POST', '/nodes/{node}/lxc', { node: 'pve1', vmid: 300, ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst' })).rejects.toMatchObject({
      status: 400,
      errors: { storage: "storage 'local' does not support container directories" },
    });
    await rejects(h.call('POST', '/nodes/{node}/lxc', { node: 'pve1', vmid: 300, ostemplate: 'local:vztmpl/nope.tar.zst', rootfs: 'local-lvm:8' }), 500, "can't find file 'local:vztmpl/nope.tar.zst'");
  });

  it('an ISO needs media=cdrom, and must exist', async () => {
    await expect(h.call('POST', '/nodes/{node}/qemu', { node: 'pve1', vmid: 300, ide2: 'local:iso/debian-12.8.0-amd64-netinst.iso' })).rejects.toMatchObject({
      status: 400,
      errors: { ide2: "explicit 'media=cdrom' is required for iso images" },
    });
    const upid = await h.call('POST', '/nodes/{node}/qemu', { node: 'pve1', vmid: 300, ide2: 'local:iso/missing.iso,media=cdrom' });
    await taskError(upid, "unable to create VM 300 - volume 'local:iso/missing.iso' does not exist");
    expect(h.cluster.guests.has(300)).toBe(false);
  });

  it('a linked clone needs a template; storage is for full clones only', async () => {
    await rejects(h.call('POST', '/nodes/{node}/qemu/{vmid}/clone', { node: 'pve1', vmid: 100, newid: 300, full: 0 }), 500, "Linked clone feature is not supported for 'local-lvm:vm-100-disk-0' (scsi0)");
    await rejects(h.call('POST', '/nodes/{node}/qemu/{vmid}/clone', { node: 'pve1', vmid: 9000, newid: 300, storage: 'local-lvm' }), 500, "parameter 'storage' not allowed for linked clones");
    await rejects(h.call('POST', '/nodes/{node}/qemu/{vmid}/clone', { node: 'pve1', vmid: 100, newid: 300, target: 'pve2' }), 500, "can't clone VM to node 'pve2' (VM uses local storage)");
  });

  it('a pool that does not exist is a permission failure', async () => {
    await rejects(h.call('POST', '/nodes/{node}/qemu/{vmid}/clone', { node: 'pve1', vmid: 100, newid: 300, pool: 'nope' }), 403, "Permission check failed (pool 'nope' does not exist)");
  });
});

describe('migrate', () => {
  it('target checks', async () => {
    await rejects(h.call('POST', '/nodes/{node}/qemu/{vmid}/migrate', { node: 'pve1', vmid: 100, target: 'pve9' }), 500, "no such cluster node 'pve9'");
    await expect(h.call('POST', '/nodes/{node}/qemu/{vmid}/migrate', { node: 'pve1', vmid: 100, target: 'pve1' })).rejects.toMatchObject({ status: 400, errors: { target: 'target is local node.' } });
  });

  it('running guests need --online (qemu) or --online/--restart (lxc)', async () => {
    await rejects(h.call('POST', '/nodes/{node}/qemu/{vmid}/migrate', { node: 'pve1', vmid: 100, target: 'pve2' }), 500, "can't migrate running VM without --online");
    await rejects(h.call('POST', '/nodes/{node}/lxc/{vmid}/migrate', { node: 'pve1', vmid: 200, target: 'pve2' }), 500, "can't migrate running container without --online or --restart");
    await taskError(await h.call('POST', '/nodes/{node}/lxc/{vmid}/migrate', { node: 'pve1', vmid: 200, target: 'pve2', online: 1 }), 'migration aborted');
  });

  it('online migration with local disks needs with-local-disks', async () => {
    const upid = await h.call('POST', '/nodes/{node}/qemu/{vmid}/migrate', { node: 'pve1', vmid: 100, target: 'pve2', online: 1 });
    const task = await h.finished(upid);
    expect(task.exitstatus).toBe('migration aborted');
    expect(task.lines.some((l) => l.endsWith("ERROR: Problem found while scanning volumes - can't live migrate attached local disks without with-local-disks option"))).toBe(true);
    expect(h.cluster.guests.get(100)?.node).toBe('pve1');
  });

  it('a local ISO and lvm-thin snapshots cannot migrate', async () => {
    const iso = await h.finished(await h.call('POST', '/nodes/{node}/qemu/{vmid}/migrate', { node: 'pve3', vmid: 113, target: 'pve1', online: 1, 'with-local-disks': 1 }));
    expect(iso.lines.join('\n')).toContain("can't migrate local disk 'local:iso/debian-12.8.0-amd64-netinst.iso': local cdrom image");
    const snap = await h.finished(await h.call('POST', '/nodes/{node}/qemu/{vmid}/migrate', { node: 'pve1', vmid: 102, target: 'pve2', online: 1, 'with-local-disks': 1 }));
    expect(snap.lines.join('\n')).toContain('non-migratable snapshot exists');
  });
});

describe('config updates and snapshots', () => {
  it('digest mismatch', async () => {
    await rejects(h.call('PUT', '/nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 100, cores: 4, digest: '0'.repeat(40) }), 500, 'checksum mismatch (file change by other user?)');
    await rejects(h.call('PUT', '/nodes/{node}/lxc/{vmid}/config', { node: 'pve1', vmid: 200, cores: 2, digest: '0'.repeat(40) }), 500, 'detected modified configuration - file changed by other user? Try again.');
  });

  it('locked config, nothing to change, unknown delete option', async () => {
    await rejects(h.call('PUT', '/nodes/{node}/qemu/{vmid}/config', { node: 'pve3', vmid: 115, cores: 4 }), 500, 'VM is locked (backup)');
    await rejects(h.call('PUT', '/nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 100 }), 500, 'no options specified');
    await expect(h.call('PUT', '/nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 100, delete: 'bogus' })).rejects.toMatchObject({ status: 400, errors: { delete: "unknown option 'bogus'" } });
    await rejects(h.call('PUT', '/nodes/{node}/lxc/{vmid}/config', { node: 'pve1', vmid: 200, delete: 'hostname' }), 500, "unable to delete required option 'hostname'");
  });

  it('snapshot names and existence', async () => {
    await rejects(h.call('POST', '/nodes/{node}/qemu/{vmid}/snapshot', { node: 'pve1', vmid: 100, snapname: 'current' }), 500, "unable to use snapshot name 'current' (reserved name)");
    await taskError(await h.call('POST', '/nodes/{node}/qemu/{vmid}/snapshot', { node: 'pve1', vmid: 102, snapname: 'pre-upgrade' }), "snapshot name 'pre-upgrade' already used");
    await taskError(await h.call('POST', '/nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback', { node: 'pve1', vmid: 100, snapname: 'nope' }), "snapshot 'nope' does not exist");
    await taskError(await h.call('DELETE', '/nodes/{node}/qemu/{vmid}/snapshot/{snapname}', { node: 'pve1', vmid: 100, snapname: 'nope' }), "snapshot 'nope' does not exist");
  });

  it('template conversion refusals', async () => {
    await rejects(h.call('POST', '/nodes/{node}/qemu/{vmid}/template', { node: 'pve1', vmid: 100 }), 500, "you can't convert a VM to template if VM is running");
    await rejects(h.call('POST', '/nodes/{node}/qemu/{vmid}/template', { node: 'pve1', vmid: 102 }), 500, 'unable to create template, because VM contains snapshots');
    await rejects(h.call('POST', '/nodes/{node}/qemu/{vmid}/template', { node: 'pve1', vmid: 9000 }), 500, "you can't convert a template to a template");
  });

  it('pools', async () => {
    await rejects(h.call('GET', '/pools', { poolid: 'nope' }), 500, "pool 'nope' does not exist");
    await rejects(h.call('POST', '/pools', { poolid: 'prod' }), 500, "pool 'prod' already exists");
  });
});
