// Every captured real response in test/fixtures/pve/samples goes through its normaliser.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mapHttpFailure, type RequestContext } from './errorMapping.js';
import { SecretRedactor } from './redact.js';
import {
  configString,
  indexedEntries,
  isTaskExitOk,
  memoryMiB,
  normalizeClusterResources,
  normalizeClusterStatus,
  normalizeGuestList,
  normalizeGuestStatus,
  normalizeLxcConfig,
  normalizeNetwork,
  normalizeNextId,
  normalizeNodeStatus,
  normalizeNodes,
  normalizePools,
  normalizeQemuConfig,
  normalizeSnapshots,
  normalizeStorageContent,
  normalizeStorageList,
  normalizeTaskLog,
  normalizeTaskStatus,
  normalizeTasks,
  normalizeVersion,
} from './types.js';

const SAMPLES = join(process.cwd(), 'test/fixtures/pve/samples');

function sample(name: string): unknown {
  return JSON.parse(readFileSync(join(SAMPLES, name), 'utf8'));
}

function data(name: string): unknown {
  const body = sample(name);
  return name.includes('_data_only') ? body : (body as { data: unknown }).data;
}

const ctx: RequestContext = {
  method: 'GET',
  path: '/cluster/nextid',
  host: 'pve:8006',
  authMode: 'token',
  principal: 'root@pam!mpc',
  connectTimeoutMs: 5000,
  responseTimeoutMs: 30000,
};

/** file -> what parses it. A new sample without an entry here fails the coverage test. */
const PARSERS: Record<string, (name: string) => unknown> = {
  'community-proxmox__cluster_resources_type_vm.json': (n) => normalizeClusterResources(data(n)),
  'community-proxmox__lxc_list_vmid_as_string.json': (n) => normalizeGuestList(data(n), 'lxc', 'pve'),
  'community-proxmox__pve62_lxc_100_config.json': (n) => normalizeLxcConfig(data(n)),
  'community-proxmox__pve62_qemu_102_config.json': (n) => normalizeQemuConfig(data(n)),
  'community-proxmox__pve62_qemu_103_config.json': (n) => normalizeQemuConfig(data(n)),
  'community-proxmox__pve64_node_tasks.json': (n) => normalizeTasks(data(n)),
  'community-proxmox__qemu_list.json': (n) => normalizeGuestList(data(n), 'qemu', 'pve'),
  'community-proxmox__storage_content_pbs_backups.json': (n) => normalizeStorageContent(data(n)),
  'luthermonson-go-proxmox__cluster_nextid_400_error.json': (n) =>
    mapHttpFailure({ status: 400, reasonPhrase: 'Parameter verification failed.', body: JSON.stringify(sample(n)) }, ctx, new SecretRedactor()),
  'luthermonson-go-proxmox__pve7_lxc_config.json': (n) => normalizeLxcConfig(data(n)),
  'luthermonson-go-proxmox__pve7_lxc_list.json': (n) => normalizeGuestList(data(n), 'lxc', 'node1'),
  'luthermonson-go-proxmox__pve7_version.json': (n) => normalizeVersion(data(n)),
  'luthermonson-go-proxmox__pve8_cluster_resources.json': (n) => normalizeClusterResources(data(n)),
  'luthermonson-go-proxmox__pve8_cluster_status.json': (n) => normalizeClusterStatus(data(n)),
  'luthermonson-go-proxmox__pve8_network.json': (n) => normalizeNetwork(data(n)),
  'luthermonson-go-proxmox__pve8_nodes.json': (n) => normalizeNodes(data(n)),
  'luthermonson-go-proxmox__pve8_pool_members.json': (n) => normalizePools(data(n)),
  'luthermonson-go-proxmox__pve8_qemu_status_current.json': (n) => normalizeGuestStatus(data(n), 'qemu', 'node1', 101),
  'luthermonson-go-proxmox__task_log_imgcopy_data_only.json': (n) => normalizeTaskLog(data(n)),
  'proxmoxer__error_400_param_type_check.json': (n) =>
    mapHttpFailure({ status: 400, reasonPhrase: 'Parameter verification failed.', body: JSON.stringify(sample(n)) }, ctx, new SecretRedactor()),
  'proxmoxer__task_status_vzdump_interrupted.json': (n) => normalizeTaskStatus(data(n)),
  'proxmoxer__task_status_vzdump_ok.json': (n) => normalizeTaskStatus(data(n)),
  'proxmoxer__task_status_vzdump_running.json': (n) => normalizeTaskStatus(data(n)),
};

describe('captured samples', () => {
  it('every sample file has a parser', () => {
    const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => !(f in PARSERS))).toEqual([]);
  });

  for (const name of Object.keys(PARSERS)) {
    it(`parses ${name}`, () => {
      expect(() => PARSERS[name]!(name)).not.toThrow();
    });
  }
});

describe('normalisation details', () => {
  it('cluster resources: 0/1 -> boolean, tags -> string[], storage content -> list', () => {
    const res = normalizeClusterResources(data('luthermonson-go-proxmox__pve8_cluster_resources.json'));
    const template = res.find((r) => r.id === 'qemu/101')!;
    expect(template).toMatchObject({ type: 'qemu', vmid: 101, node: 'node1', template: true, status: 'stopped' });
    expect(res.find((r) => r.id === 'qemu/102')!.tags).toEqual(['go-proxmox+cloud-init']);
    expect(res.find((r) => r.id === 'qemu/100')!.tags).toBeUndefined();
    const node = res.find((r) => r.id === 'node/node3')!;
    expect(node).toMatchObject({ type: 'node', cgroupMode: 2, level: '' });
    expect(node.vmid).toBeUndefined();
    const storage = res.find((r) => r.id === 'storage/node3/local')!;
    expect(storage).toMatchObject({ storage: 'local', shared: false, plugintype: 'dir', content: ['backup', 'vztmpl', 'iso'] });
  });

  it('lxc list: vmid sent as a string becomes a number; template only where sent', () => {
    const list = normalizeGuestList(data('luthermonson-go-proxmox__pve7_lxc_list.json'), 'lxc', 'node1');
    expect(list.map((g) => g.vmid)).toEqual([106, 105, 101]);
    expect(list[0]).toMatchObject({ type: 'lxc', node: 'node1', status: 'running', pid: 248173, maxswap: 536870912 });
    expect(list[0]!.template).toBeUndefined();
    expect(list[2]!.template).toBe(true);
  });

  it('qemu list: pid only when running', () => {
    const list = normalizeGuestList(data('community-proxmox__qemu_list.json'), 'qemu', 'pve');
    expect(list.find((g) => g.vmid === 101)!.pid).toBeUndefined();
    expect(list.find((g) => g.vmid === 100)!.pid).toBe(4076688);
  });

  it('qemu config (PVE 6.2): memory int, cpulimit string, agent property string kept', () => {
    const cfg = normalizeQemuConfig(data('community-proxmox__pve62_qemu_102_config.json'));
    expect(cfg).toMatchObject({ type: 'qemu', memory: 10240, cpulimit: 4, cores: 6, onboot: true, numa: false, balloon: 0, agent: '1' });
    expect(configString(cfg, 'net0')).toBe('virtio=ff:ff:ff:ff:ff:ff,bridge=vmbr0');
    const cfg3 = normalizeQemuConfig(data('community-proxmox__pve62_qemu_103_config.json'));
    expect(indexedEntries(cfg3, 'scsi').map(([k]) => k)).toEqual(['scsi0', 'scsi1', 'scsi2']);
    expect(indexedEntries(cfg3, 'net').map(([k]) => k)).toEqual(['net0', 'net1']);
    expect(cfg3.tablet).toBe(false);
    expect(cfg3.description).toBeUndefined();
  });

  it('qemu memory as a PVE 8.1+ property string', () => {
    expect(memoryMiB('2048')).toBe(2048);
    expect(memoryMiB('current=4096')).toBe(4096);
    expect(memoryMiB(512)).toBe(512);
    expect(memoryMiB(undefined)).toBeUndefined();
    expect(normalizeQemuConfig({ memory: 'current=1024', digest: 'x' }).memory).toBe(1024);
  });

  it('lxc config: tags with ", " separators, cpulimit string, raw lxc pairs', () => {
    const old = normalizeLxcConfig(data('community-proxmox__pve62_lxc_100_config.json'));
    expect(old).toMatchObject({ type: 'lxc', hostname: 'test-lxc', memory: 1000, cpulimit: 0, swap: 0, console: true, protection: false });
    expect(old.tags).toEqual(['one', 'two', 'three']);
    const cfg = normalizeLxcConfig(data('luthermonson-go-proxmox__pve7_lxc_config.json'));
    expect(cfg.tags).toEqual(['tag1', 'tag2']);
    expect(cfg.lxc).toHaveLength(5);
    expect(cfg.lxc![0]).toEqual(['lxc.cgroup2.devices.allow', 'c 226:0 rwm']);
    expect(cfg.rootfs).toBe('vmstore:subvol-101-disk-0,size=30G');
    expect(indexedEntries(cfg, 'mp')).toEqual([['mp0', '/mnt/foo/bar,mp=/storage']]);
  });

  it('network: numbers as strings, active 1, exists null -> absent', () => {
    const net = normalizeNetwork(data('luthermonson-go-proxmox__pve8_network.json'));
    const vlan = net.find((n) => n.iface === 'eno1.2')!;
    expect(vlan).toMatchObject({ type: 'vlan', vlanId: 2, netmask: '32', active: true, autostart: true, vlanRawDevice: 'eno1', options: ['metric 200'] });
    expect(net.find((n) => n.iface === 'vmbr2.2')!.exists).toBeUndefined();
    const bridge = net.find((n) => n.iface === 'vmbr1')!;
    expect(bridge).toMatchObject({ bridge_vlan_aware: true, bridge_ports: 'eno1.2 vmbr2.10' });
    expect(bridge.raw.bridge_fd).toBe('0');
  });

  it('nodes and cluster status', () => {
    const nodes = normalizeNodes(data('luthermonson-go-proxmox__pve8_nodes.json'));
    expect(nodes[0]).toMatchObject({ node: 'node1', status: 'online', maxcpu: 12, ssl_fingerprint: expect.stringMatching(/^80:D4:/) });
    const status = normalizeClusterStatus(data('luthermonson-go-proxmox__pve8_cluster_status.json'));
    expect(status[0]).toMatchObject({ type: 'cluster', quorate: true, nodes: 4, version: 4 });
    expect(status.find((s) => s.name === 'node1')).toMatchObject({ local: true, online: true, nodeid: 1 });
    expect(status.find((s) => s.name === 'node2')!.local).toBe(false);
  });

  it('qemu status/current keeps pass-through QMP data raw', () => {
    const st = normalizeGuestStatus(data('luthermonson-go-proxmox__pve8_qemu_status_current.json'), 'qemu', 'node1', 101);
    expect(st).toMatchObject({ type: 'qemu', vmid: 101, node: 'node1', status: 'running', agent: true, spice: true, runningQemu: '8.0.2', ha: { managed: false } });
    expect((st.raw.blockstat as Record<string, Record<string, unknown>>).scsi0!.account_failed).toBe(true);
  });

  it('pool members look like cluster resources', () => {
    const pools = normalizePools(data('luthermonson-go-proxmox__pve8_pool_members.json'));
    expect(pools[0]!.poolid).toBe('test-pool');
    expect(pools[0]!.members!.map((m) => m.id)).toEqual(['qemu/100', 'qemu/106', 'storage/node1/local']);
    expect(pools[0]!.members![2]).toMatchObject({ type: 'storage', shared: false, content: ['backup', 'vztmpl', 'iso'] });
  });

  it('tasks: list status is the exit text; task status with junk after the UPID still parses', () => {
    const tasks = normalizeTasks(data('community-proxmox__pve64_node_tasks.json'));
    expect(tasks[1]).toMatchObject({ type: 'srvreload', id: 'networking', status: "command 'ifreload -a' failed: exit code 1", endtime: 1627975785 });
    expect(isTaskExitOk(tasks[0]!.status)).toBe(true);
    expect(isTaskExitOk(tasks[1]!.status)).toBe(false);
    const done = normalizeTaskStatus(data('proxmoxer__task_status_vzdump_ok.json'));
    expect(done).toMatchObject({ status: 'stopped', exitstatus: 'OK', node: 'node1', pid: 1044989, id: '110' });
    const running = normalizeTaskStatus(data('proxmoxer__task_status_vzdump_running.json'));
    expect(running.exitstatus).toBeUndefined();
    expect(normalizeTaskStatus(data('proxmoxer__task_status_vzdump_interrupted.json')).exitstatus).toBe('interrupted by signal');
    // no default: a status-less answer is not "some state", it is malformed
    expect(() => normalizeTaskStatus({ upid: 'UPID:pve1:0000A1B2:00C0FFEE:66000000:qmstart:100:root@pam:', node: 'pve1' })).toThrow(
      expect.objectContaining({ kind: 'protocol' }),
    );
  });

  it('task log lines keep order and numbers', () => {
    const log = normalizeTaskLog(data('luthermonson-go-proxmox__task_log_imgcopy_data_only.json'));
    expect(log.map((l) => l.n)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(log.at(-1)).toEqual({ n: 7, t: 'TASK OK' });
  });

  it('storage content (PBS backups)', () => {
    const items = normalizeStorageContent(data('community-proxmox__storage_content_pbs_backups.json'));
    expect(items[0]).toMatchObject({ volid: 'datastore:backup/vm/931/2023-12-14T04:34:34Z', format: 'pbs-vm', content: 'backup', vmid: 931, subtype: 'qemu' });
  });

  it('parameter errors from samples name the fields', () => {
    const e = PARSERS['proxmoxer__error_400_param_type_check.json']!('proxmoxer__error_400_param_type_check.json') as Error & { kind: string };
    expect(e.kind).toBe('parameter');
    expect(e.message).toContain("command: type check ('string') failed - got ARRAY");
    const e2 = PARSERS['luthermonson-go-proxmox__cluster_nextid_400_error.json']!('luthermonson-go-proxmox__cluster_nextid_400_error.json') as Error;
    expect(e2.message).toContain('vmid: VM 200 already exists');
  });

  it('nextid string -> number; version', () => {
    expect(normalizeNextId('100')).toBe(100);
    expect(normalizeNextId(101)).toBe(101);
    expect(() => normalizeNextId(null)).toThrow(/expected a number/);
    expect(normalizeVersion(data('luthermonson-go-proxmox__pve7_version.json'))).toEqual({ release: '7.4', version: '7.4-16', repoid: '0f39f621' });
  });

  it('node status as the schema describes it (no real capture exists)', () => {
    const st = normalizeNodeStatus({
      cpu: 0.0123,
      loadavg: ['0.15', '0.25', '0.30'],
      memory: { total: 33554432000, used: 1000, free: 2000, available: 3000 },
      rootfs: { total: 100, used: 10, free: 90, avail: 85 },
      cpuinfo: { model: 'AMD EPYC', cores: 8, cpus: 16, sockets: 1, mhz: '2400.000' },
      'current-kernel': { sysname: 'Linux', release: '6.8.12-4-pve', version: '#1 SMP', machine: 'x86_64' },
      'boot-info': { mode: 'efi', secureboot: 0 },
      pveversion: 'pve-manager/9.1.1/abc',
      uptime: 1000,
    });
    expect(st.loadavg).toEqual([0.15, 0.25, 0.3]);
    expect(st.cpuinfo).toEqual({ model: 'AMD EPYC', cores: 8, cpus: 16, sockets: 1, mhz: 2400 });
    expect(st.bootInfo).toEqual({ mode: 'efi', secureboot: false });
    expect(st.rootfs?.avail).toBe(85);
  });

  it('snapshots and storage list', () => {
    const snaps = normalizeSnapshots([
      { name: 'before-upgrade', description: 'x', snaptime: 1711276032, vmstate: 1 },
      { name: 'current', description: 'You are here!', parent: 'before-upgrade', running: 1 },
    ]);
    expect(snaps[0]).toEqual({ name: 'before-upgrade', description: 'x', snaptime: 1711276032, vmstate: true });
    expect(snaps[1]).toMatchObject({ name: 'current', parent: 'before-upgrade', running: true });
    const storage = normalizeStorageList([{ storage: 'local', type: 'dir', content: 'iso,vztmpl,backup', active: 1, enabled: 1, shared: 0, total: 100, used: 40, avail: 60, used_fraction: 0.4 }]);
    expect(storage[0]).toEqual({ storage: 'local', type: 'dir', content: ['iso', 'vztmpl', 'backup'], active: true, enabled: true, shared: false, total: 100, used: 40, avail: 60, used_fraction: 0.4 });
  });

  it('refuses shapes that are not PVE answers with a protocol error', () => {
    expect(() => normalizeGuestList({}, 'qemu')).toThrow(/expected a list/);
    expect(() => normalizeGuestList([{ name: 'x' }], 'qemu')).toThrow(/without a vmid/);
    expect(() => normalizeQemuConfig([])).toThrow(/expected an object/);
  });
});
