import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../userError.js';
import { selectGuestTasks, taskGuestType, type GuestDescription } from '../read/describeGuest.js';
import type { ReadContext } from '../read/context.js';
import { RECORD_FIELDS } from '../read/fields.js';
import { openFixture, openScenario, REUSE_T0, sink, taskAt, vmidReuseObservations, type Fixture } from '../read/test-support/fixture.js';
import { runDescribe, type DescribeOptions } from './describe.js';

let fx: Fixture;
beforeAll(() => {
  process.env.TZ = 'UTC';
  fx = openFixture();
});
afterAll(() => fx.cache.close());

async function describeCmd(kind: string, ref: string, output: DescribeOptions['output'] = 'text', columns = 120, ctx: ReadContext = fx.ctx): Promise<string> {
  const stdout = sink();
  await runDescribe(kind, ref, { output } as DescribeOptions, { stdout, env: { COLUMNS: String(columns) }, open: async () => ctx });
  return stdout.text();
}

async function failure(kind: string, ref: string): Promise<UserError> {
  try {
    await describeCmd(kind, ref);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a failure');
}

describe('describe vm', () => {
  it('shows identity, status, resources and the parsed config', async () => {
    const out = await describeCmd('vm', '100');
    expect(out).toMatch(/^Name: +web-01$/m);
    expect(out).toMatch(/^VMID: +100$/m);
    expect(out).toMatch(/^Status: +running, up 3d 4h$/m);
    expect(out).toMatch(/^Tags: +prod, web$/m);
    expect(out).toMatch(/^Description: +Public web server\n +second line$/m);
    expect(out).toMatch(/^ {2}CPU: +25% of 4 vCPUs$/m);
    expect(out).toMatch(/^ {2}Memory: +2\/8 GiB \(25%\)$/m);
    expect(out).toMatch(/^ {2}boot: +scsi0, ide2, net0$/m);
    expect(out).toMatch(/^ {2}agent: +enabled, fstrim_cloned_disks$/m);
    expect(out).toMatch(/^ {2}memory: +8192 MiB$/m);
    expect(out).toMatch(/^ {2}onboot: +yes$/m);
  });

  it('lists disks with storage and size, and NICs with model, MAC, bridge, VLAN, firewall and IP', async () => {
    const out = await describeCmd('vm', 'web-01');
    expect(out).toMatch(/^ {2}KEY +ROLE +STORAGE +VOLUME +SIZE +OPTIONS$/m);
    expect(out).toMatch(/^ {2}ide2 +cdrom +- +none +- +-$/m);
    expect(out).toMatch(/^ {2}scsi0 +disk +local-lvm +vm-100-disk-0 +32 GiB +iothread, discard=on$/m);
    expect(out).toMatch(/^ {2}scsi1 +disk +nas +100\/vm-100-disk-1\.qcow2 +100 GiB +backup=0$/m);
    expect(out).toMatch(/^ {2}net0 +virtio +BC:24:11:2E:C5:4A +vmbr0 +20 +yes +10\.0\.20\.5\/24 gw 10\.0\.20\.1 +-$/m);
    expect(out).toMatch(/^ {2}net1 +e1000 +BC:24:11:00:00:01 +vmbr1 +- +no +- +link down$/m);
    expect(out).toMatch(/^ {2}unused0: +local-lvm:vm-100-disk-9$/m);
  });

  it('draws the snapshots as a tree with NOW under the current parent', async () => {
    const out = await describeCmd('vm', '100');
    const tree = out.slice(out.indexOf('Snapshots:'), out.indexOf('Recent tasks:')).trimEnd().split('\n');
    expect(tree).toEqual([
      'Snapshots:',
      '  base  Dec 26 10:00  fresh install',
      '  ├─ experiment  Dec 31 10:00  a side branch',
      '  └─ pre-upgrade  Jan 02 10:00  (with RAM)  before the upgrade',
      '     └─ after-upgrade  Jan 03 10:00',
      '        └─ NOW (current state)',
    ]);
  });

  it('shows recent tasks and history for the guest', async () => {
    const out = await describeCmd('vm', '100');
    const tasks = out.slice(out.indexOf('Recent tasks:'), out.indexOf('History:'));
    expect(tasks).toMatch(/vzdump +root@pam +2m 20s +WARNINGS: 1/);
    expect(tasks).toMatch(/qmstart +root@pam +2s +OK/);
    expect(tasks).not.toContain('qmstop');
    const history = out.slice(out.indexOf('History:'));
    expect(history).toMatch(/2025-01-05 10:05:00 +config +memory +4096 -> 8192/);
  });

  it('describes a container: rootfs, mount points, NICs with IPs, features', async () => {
    const out = await describeCmd('ct', 'pihole');
    expect(out).toMatch(/^Type: +lxc \(container\)$/m);
    expect(out).toMatch(/^ {2}rootfs +rootfs +local-lvm +vm-200-disk-0 +8 GiB +\/ +-$/m);
    expect(out).toMatch(/^ {2}mp0 +mountpoint +nas +subvol-200-disk-1 +20 GiB +\/data +backup$/m);
    expect(out).toMatch(/^ {2}net0 +eth0 +BC:24:11:CA:E8:A9 +vmbr0 +- +yes +192\.168\.1\.53\/24 gw 192\.168\.1\.1/m);
    expect(out).toMatch(/^ {2}features: +nesting, keyctl$/m);
    expect(out).toMatch(/^ {2}unprivileged: +yes$/m);
  });

  it('says when the config is not cached yet', async () => {
    const out = await describeCmd('vm', '101');
    expect(out).toContain('not in the cache yet');
  });

  it('prints the whole document as JSON, with parsed disks and NICs', async () => {
    const doc = JSON.parse(await describeCmd('vm', '100', 'json')) as GuestDescription;
    expect(Object.keys(doc)).toEqual([
      ...RECORD_FIELDS.guests,
      'description',
      'config',
      'configDigest',
      'disks',
      'nics',
      'unused',
      'boot',
      'configErrors',
      'snapshots',
      'currentSnapshot',
      'tasks',
      'history',
      'operations',
    ]);
    expect(doc.disks.find((d) => d.key === 'scsi0')).toEqual({
      key: 'scsi0',
      role: 'disk',
      storage: 'local-lvm',
      volume: 'local-lvm:vm-100-disk-0',
      size: 32 * 1024 ** 3,
      mountpoint: null,
      options: { iothread: true, discard: 'on' },
    });
    expect(doc.nics[0]).toMatchObject({ key: 'net0', model: 'virtio', mac: 'BC:24:11:2E:C5:4A', bridge: 'vmbr0', vlan: 20, firewall: true, ip: '10.0.20.5/24', gateway: '10.0.20.1' });
    expect(doc.boot).toEqual(['scsi0', 'ide2', 'net0']);
    expect(doc.currentSnapshot).toBe('after-upgrade');
    expect(doc.snapshots.map((s) => s.name)).toEqual(['base', 'experiment', 'pre-upgrade', 'after-upgrade']);
    expect(Object.keys(doc.config!)).toEqual([...Object.keys(doc.config!)].sort());
    expect(doc.history[0]).toMatchObject({ event: 'config', field: 'memory', old: '4096', new: '8192', at: '2025-01-05T10:05:00Z' });
  });
});

describe('describe: finding the guest', () => {
  it('an unknown name exits 4 with one line naming the profile and the age', async () => {
    const e = await failure('vm', 'nope');
    expect(e.exitCode).toBe(4);
    expect(e.message).toMatch(/^no VM named 'nope' in the cache of profile homelab \(synced .* ago\); try --refresh$/);
  });
  it('suggests similar names', async () => {
    const e = await failure('vm', 'web');
    expect(e.exitCode).toBe(4);
    expect(e.message).toMatch(/similar: web-01 \(100\), web-02 \(101\)/);
  });
  it('an unknown vmid exits 4; a vmid of the other type says so', async () => {
    expect((await failure('vm', '999')).message).toMatch(/^no VM 999 in the cache of profile homelab/);
    const e = await failure('vm', '200');
    expect(e.exitCode).toBe(4);
    expect(e.message).toMatch(/200 is a container: proxmox-mpc describe ct 200/);
  });
  it('an ambiguous name exits 2 listing the candidates', async () => {
    const e = await failure('guest', 'web-01');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe("'web-01' names 2 guests: 100 web-01 on pve1, 201 web-01 on pve2; use the vmid");
  });
  it('vm and ct narrow the search, so the same name is not ambiguous there', async () => {
    expect(await describeCmd('ct', 'web-01')).toMatch(/^VMID: +201$/m);
    expect(await describeCmd('vm', 'WEB-01')).toMatch(/^VMID: +100$/m);
  });
  it('an unknown kind is a usage error', async () => {
    const e = await failure('storage', 'x');
    expect(e.exitCode).toBe(2);
  });
});

describe('describe: tasks of a vmid that another guest had before', () => {
  const min = (m: number): number => REUSE_T0 + m * 60_000;

  it('container 100 created after VM 100 was destroyed shows only its own tasks, from its creation on', async () => {
    const reuse = openScenario(vmidReuseObservations());
    try {
      const doc = JSON.parse(await describeCmd('ct', '100', 'json', 120, reuse.ctx)) as GuestDescription;
      // Not the VM's qmstart/qmstop/qmdestroy, nor the vzdump of the VM; the container's vzdump
      // and HA task, yes, and its create task though the sync saw it only later.
      expect(doc.tasks.map((t) => t.type)).toEqual(['hastart', 'vzdump', 'vzstart', 'vzcreate']);
      const text = await describeCmd('ct', '100', 'text', 120, reuse.ctx);
      const tasks = text.slice(text.indexOf('Recent tasks:'), text.indexOf('History:'));
      expect(tasks).toMatch(/vzcreate/);
      expect(tasks).not.toMatch(/qmdestroy|qmstop|qmstart/);
      expect(tasks.match(/vzdump/g)).toHaveLength(1);
    } finally {
      reuse.cache.close();
    }
  });

  it('without the create task in the cache, the life of the new guest starts after the destroy', async () => {
    const reuse = openScenario(vmidReuseObservations({ created: false }));
    try {
      const doc = JSON.parse(await describeCmd('ct', '100', 'json', 120, reuse.ctx)) as GuestDescription;
      expect(doc.tasks.map((t) => t.type)).toEqual(['hastart', 'vzdump', 'vzstart']);
    } finally {
      reuse.cache.close();
    }
  });

  it('taskGuestType: qm* is qemu, vz* lxc, vzdump, HA and other tasks either', () => {
    expect(['qmstart', 'qmigrate', 'qmdestroy', 'vzstart', 'vzmigrate', 'vzdump', 'hastart', 'harelocate', 'vncproxy'].map(taskGuestType)).toEqual([
      'qemu',
      'qemu',
      'qemu',
      'lxc',
      'lxc',
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('selectGuestTasks: by type always, by time only when the creation is known', () => {
    const tasks = [
      taskAt('qmstart', 100, min(-60)),
      taskAt('vzdump', 100, min(-30)),
      taskAt('qmdestroy', 100, min(6), 3),
      taskAt('vzstart', 100, min(19)),
      taskAt('vzstart', 101, min(19)),
      taskAt('aptupdate', '', min(19)),
    ];
    const ct = { type: 'lxc' as const, vmid: 100 };
    // When the container appeared is unknown: only the type tells (the old vzdump may be its).
    expect(selectGuestTasks(tasks, ct).map((t) => t.type)).toEqual(['vzstart', 'vzdump']);
    // Seen at minute 20: after the destroy.
    expect(selectGuestTasks(tasks, ct, min(20)).map((t) => t.type)).toEqual(['vzstart']);
    // A destroy that failed changed nothing: then only from when the sync saw it.
    const failed = tasks.map((t) => (t.type === 'qmdestroy' ? { ...t, status: "can't lock file" } : t));
    expect(selectGuestTasks([...failed, taskAt('vzdump', 100, min(12))], ct, min(20)).map((t) => t.type)).toEqual([]);
    // The VM keeps its own and the generic ones.
    expect(selectGuestTasks(tasks, { type: 'qemu', vmid: 100 }).map((t) => t.type)).toEqual(['qmdestroy', 'vzdump', 'qmstart']);
  });
});
