// `homelab`: a 3-node home cluster with ~40 guests, deterministic for a seed. What it holds
// is listed in HOMELAB_FACTS so tests and the demo can rely on it.

import type { Cluster } from '../cluster.js';
import type { Rng } from '../rng.js';
import { GiB, MiB } from '../sizes.js';
import { addLxc, addQemu, type LxcSpec, type QemuSpec } from './guests.js';
import { addFile, addNode, DAY, defineStorage } from './infra.js';
import { addHomelabHistory } from './homelabHistory.js';

export const HOMELAB_FACTS = {
  nodes: ['pve1', 'pve2', 'pve3'],
  pools: ['prod', 'lab', 'templates'],
  storages: ['local', 'local-lvm', 'nas', 'pbs'],
  templates: { qemu: [9000, 9001], lxc: [9100] },
  cloudInitTemplate: 9000,
  stopped: [109, 114, 116, 207, 210, 211],
  paused: [113],
  /** Held by a vzdump job that never finishes (a RUNNING task on pve3). */
  locked: { vmid: 115, lock: 'backup' },
  ha: [108, 215],
  withSnapshots: [102, 112, 203],
  multiNic: [111, 112],
  multiDisk: [102, 107, 109, 112],
  noAgent: [109, 111, 116],
} as const;

const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN5Jq0q4mQZ8c2x6Qy3uR9Gd3lHqv0PpXc7W8yK2Tb1L admin@workstation';

const ISOS = [
  { name: 'debian-12.8.0-amd64-netinst.iso', size: 633 * MiB, age: 60 },
  { name: 'ubuntu-24.04.1-live-server-amd64.iso', size: 2644 * MiB, age: 120 },
  { name: 'proxmox-ve_9.0-1.iso', size: 1521 * MiB, age: 30 },
  { name: 'virtio-win-0.1.266.iso', size: 707 * MiB, age: 90 },
];

const CT_TEMPLATES = [
  { name: 'debian-12-standard_12.7-1_amd64.tar.zst', size: 126 * MiB + 379 * 1024, age: 200 },
  { name: 'ubuntu-24.04-standard_24.04-2_amd64.tar.zst', size: 141 * MiB + 212 * 1024, age: 150 },
  { name: 'alpine-3.20-default_20240908_amd64.tar.xz', size: 3 * MiB + 211 * 1024, age: 100 },
];

export function buildHomelab(cluster: Cluster, rng: Rng): void {
  addNode(cluster, rng, { name: 'pve1', nodeid: 1, ip: '192.168.1.11', cpuModel: 'AMD Ryzen 7 5700G with Radeon Graphics', sockets: 1, cores: 8, threads: 16, memGiB: 64, rootGiB: 94, uptimeDays: 41, storageVlan: { id: 30, address: '10.30.0.11' } });
  addNode(cluster, rng, { name: 'pve2', nodeid: 2, ip: '192.168.1.12', cpuModel: 'Intel(R) Core(TM) i5-12500T', sockets: 1, cores: 6, threads: 12, memGiB: 32, rootGiB: 94, uptimeDays: 41, storageVlan: { id: 30, address: '10.30.0.12' } });
  addNode(cluster, rng, { name: 'pve3', nodeid: 3, ip: '192.168.1.13', cpuModel: 'Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz', sockets: 1, cores: 6, threads: 12, memGiB: 32, rootGiB: 68, uptimeDays: 12.4, storageVlan: { id: 30, address: '10.30.0.13' } });

  defineStorage(cluster, { id: 'local', type: 'dir', content: ['backup', 'iso', 'vztmpl'], shared: false, capacity: 94 * GiB, baseUsed: 9 * GiB, path: '/var/lib/vz' });
  defineStorage(cluster, { id: 'local-lvm', type: 'lvmthin', content: ['images', 'rootdir'], shared: false, capacity: 832 * GiB, baseUsed: 0, vgname: 'pve' });
  defineStorage(cluster, { id: 'nas', type: 'nfs', content: ['backup', 'images', 'iso', 'rootdir'], shared: true, capacity: 7450 * GiB, baseUsed: 2310 * GiB, path: '/mnt/pve/nas' });
  defineStorage(cluster, { id: 'pbs', type: 'pbs', content: ['backup'], shared: true, capacity: 3720 * GiB, baseUsed: 410 * GiB });

  for (const node of cluster.nodeNames()) {
    for (const iso of ISOS) if (node === 'pve1' || iso.name.startsWith('debian')) addFile(cluster, node, 'local', `iso/${iso.name}`, 'iso', iso.size, cluster.anchor - iso.age * DAY + 3600);
    for (const tpl of CT_TEMPLATES) addFile(cluster, node, 'local', `vztmpl/${tpl.name}`, 'vztmpl', tpl.size, cluster.anchor - tpl.age * DAY + 7200);
  }
  addFile(cluster, 'pve1', 'nas', 'iso/Win11_24H2_English_x64.iso', 'iso', 5683 * MiB, cluster.anchor - 80 * DAY);
  addFile(cluster, 'pve1', 'nas', 'iso/truenas-scale-24.10.1.iso', 'iso', 1712 * MiB, cluster.anchor - 45 * DAY);

  cluster.pools.set('prod', { poolid: 'prod', comment: 'Production services', vmids: new Set(), storages: new Set(['nas']) });
  cluster.pools.set('lab', { poolid: 'lab', comment: 'Lab and experiments', vmids: new Set(), storages: new Set() });
  cluster.pools.set('templates', { poolid: 'templates', vmids: new Set(), storages: new Set() });

  for (const spec of TEMPLATES) addQemu(cluster, rng, spec);
  addLxc(cluster, rng, CT_TEMPLATE);
  for (const spec of VMS) addQemu(cluster, rng, spec);
  for (const spec of CTS) addLxc(cluster, rng, spec);

  addHomelabHistory(cluster, rng);
}

const lan = (bridge = 'vmbr0'): { bridge: string } => ({ bridge });

const TEMPLATES: QemuSpec[] = [
  {
    vmid: 9000, node: 'pve1', status: 'stopped', template: true, ageDays: 95, name: 'ubuntu-24.04-cloud', cores: 2, memoryMiB: 2048, agent: '1',
    disks: [{ key: 'scsi0', storage: 'local-lvm', sizeGiB: 3.5, opts: { discard: 'on', ssd: '1' } }], nets: [lan()], serialConsole: true, pool: 'templates',
    cloudInit: { storage: 'local-lvm', user: 'ubuntu', sshKeys: SSH_KEY, ipconfig0: 'ip=dhcp' }, tags: ['cloud-init', 'template', 'ubuntu'],
    description: 'Ubuntu 24.04 LTS cloud image (noble-server-cloudimg-amd64.img)',
  },
  {
    vmid: 9001, node: 'pve2', status: 'stopped', template: true, ageDays: 70, name: 'debian-12-cloud', cores: 1, memoryMiB: 1024, agent: '1',
    disks: [{ key: 'scsi0', storage: 'local-lvm', sizeGiB: 2 }], nets: [lan()], serialConsole: true, pool: 'templates',
    cloudInit: { storage: 'local-lvm', user: 'debian', sshKeys: SSH_KEY, ipconfig0: 'ip=dhcp' }, tags: ['cloud-init', 'debian', 'template'],
  },
];

const CT_TEMPLATE: LxcSpec = {
  vmid: 9100, node: 'pve1', status: 'stopped', template: true, ageDays: 60, hostname: 'debian-12-base', cores: 1, memoryMiB: 512, ostype: 'debian',
  rootfs: { storage: 'local-lvm', sizeGiB: 4 }, nets: [lan()], features: 'nesting=1', pool: 'templates', tags: ['template'],
};

const k8s = (vmid: number, node: string, n: number): QemuSpec => ({
  vmid, node, status: 'running', ageDays: 80 - n, name: `k8s-node-${n}`, cores: 4, memoryMiB: 8192, agent: '1', onboot: true, pool: 'lab',
  disks: [{ key: 'scsi0', storage: 'local-lvm', sizeGiB: 64, opts: { discard: 'on', ssd: '1' } }], nets: [lan()], serialConsole: true,
  cloudInit: { storage: 'local-lvm', user: 'ubuntu', sshKeys: SSH_KEY, ipconfig0: `ip=192.168.1.${40 + n}/24,gw=192.168.1.1`, nameserver: '192.168.1.53', searchdomain: 'home.arpa' },
  tags: ['k8s', 'lab'], linkedFrom: { vmid: 9000, storage: 'local-lvm' }, description: 'k3s worker, cloned from ubuntu-24.04-cloud',
});

const VMS: QemuSpec[] = [
  { vmid: 100, node: 'pve1', status: 'running', ageDays: 300, name: 'web-01', cores: 2, memoryMiB: 4096, agent: '1', onboot: true, pool: 'prod', disks: [{ key: 'scsi0', storage: 'local-lvm', sizeGiB: 32 }], nets: [lan()], tags: ['prod', 'web'] },
  { vmid: 101, node: 'pve2', status: 'running', ageDays: 298, name: 'web-02', cores: 2, memoryMiB: 4096, agent: '1', onboot: true, pool: 'prod', disks: [{ key: 'scsi0', storage: 'local-lvm', sizeGiB: 32 }], nets: [lan()], tags: ['prod', 'web'] },
  {
    vmid: 102, node: 'pve1', status: 'running', ageDays: 280, name: 'db-01', cores: 4, memoryMiB: 8192, balloon: 0, agent: '1,fstrim_cloned_disks=1', onboot: true, pool: 'prod', startup: 'order=2,up=30',
    disks: [{ key: 'scsi0', storage: 'local-lvm', sizeGiB: 32 }, { key: 'scsi1', storage: 'local-lvm', sizeGiB: 200, opts: { backup: '1' } }], nets: [lan()], tags: ['db', 'postgres', 'prod'],
    description: 'PostgreSQL 16 primary\nBackups: nightly to PBS',
  },
  { vmid: 103, node: 'pve3', status: 'running', ageDays: 270, name: 'db-02', cores: 4, memoryMiB: 8192, agent: '1', onboot: true, pool: 'prod', disks: [{ key: 'scsi0', storage: 'local-lvm', sizeGiB: 32 }, { key: 'scsi1', storage: 'local-lvm', sizeGiB: 200 }], nets: [lan()], tags: ['db', 'postgres', 'replica'] },
  k8s(104, 'pve1', 1),
  k8s(105, 'pve2', 2),
  k8s(106, 'pve3', 3),
  { vmid: 107, node: 'pve2', status: 'running', ageDays: 240, name: 'gitlab', cores: 4, memoryMiB: 8192, agent: '1', onboot: true, pool: 'prod', disks: [{ key: 'scsi0', storage: 'local-lvm', sizeGiB: 50 }, { key: 'scsi1', storage: 'nas', sizeGiB: 250 }], nets: [lan()], tags: ['dev', 'git'] },
  {
    vmid: 108, node: 'pve1', status: 'running', ageDays: 400, name: 'home-assistant', cores: 2, memoryMiB: 4096, agent: '1', onboot: true, ha: 'started', cdrom: false, ostype: 'l26',
    uefi: { storage: 'nas' }, disks: [{ key: 'scsi0', storage: 'nas', sizeGiB: 32, opts: { discard: 'on' } }], nets: [lan()], tags: ['ha', 'iot'], description: 'Home Assistant OS 14.1 (HA managed)',
  },
  {
    vmid: 109, node: 'pve3', status: 'stopped', ageDays: 150, name: 'win11-desk', cores: 4, memoryMiB: 16384, ostype: 'win11', cpu: 'host', cdrom: 'nas:iso/Win11_24H2_English_x64.iso',
    uefi: { storage: 'local-lvm', tpm: true }, disks: [{ key: 'sata0', storage: 'local-lvm', sizeGiB: 128 }, { key: 'sata1', storage: 'local-lvm', sizeGiB: 256 }], nets: [{ bridge: 'vmbr0', model: 'e1000e' }], tags: ['desktop', 'windows'],
  },
  {
    vmid: 111, node: 'pve1', status: 'running', ageDays: 500, name: 'opnsense', cores: 2, memoryMiB: 4096, ostype: 'other', onboot: true, pool: 'prod', startup: 'order=1,up=60',
    disks: [{ key: 'scsi0', storage: 'local-lvm', sizeGiB: 32 }], nets: [{ bridge: 'vmbr0', firewall: false }, { bridge: 'vmbr1', firewall: false }], tags: ['firewall', 'network', 'prod'],
  },
  {
    vmid: 112, node: 'pve1', status: 'running', ageDays: 120, name: 'docker-host', cores: 4, memoryMiB: 8192, agent: '1', onboot: true, pool: 'lab',
    disks: [{ key: 'scsi0', storage: 'local-lvm', sizeGiB: 40 }, { key: 'scsi1', storage: 'local-lvm', sizeGiB: 100 }], nets: [lan(), { bridge: 'vmbr1', tag: 30 }], tags: ['docker', 'lab'],
  },
  { vmid: 113, node: 'pve3', status: 'paused', ageDays: 30, name: 'dev-box', cores: 8, memoryMiB: 8192, agent: '1', cdrom: 'local:iso/debian-12.8.0-amd64-netinst.iso', disks: [{ key: 'scsi0', storage: 'local-lvm', sizeGiB: 80 }], nets: [lan()], tags: ['dev'] },
  { vmid: 114, node: 'pve2', status: 'stopped', ageDays: 12, name: 'test-vm', cores: 1, memoryMiB: 1024, disks: [{ key: 'scsi0', storage: 'local-lvm', sizeGiB: 16 }], nets: [lan()], tags: ['test'], pool: 'lab' },
  { vmid: 115, node: 'pve3', status: 'running', ageDays: 210, name: 'nextcloud', cores: 2, memoryMiB: 4096, agent: '1', onboot: true, pool: 'prod', lock: 'backup', disks: [{ key: 'scsi0', storage: 'local-lvm', sizeGiB: 32 }], nets: [lan()], tags: ['files', 'prod'] },
  { vmid: 116, node: 'pve2', status: 'stopped', ageDays: 3, cores: 1, memoryMiB: 2048, disks: [{ key: 'scsi0', storage: 'local-lvm', sizeGiB: 32 }], nets: [lan()] },
  { vmid: 117, node: 'pve1', status: 'running', ageDays: 190, name: 'monitoring', cores: 2, memoryMiB: 4096, agent: '1', onboot: true, pool: 'prod', disks: [{ key: 'scsi0', storage: 'local-lvm', sizeGiB: 64 }], nets: [lan()], tags: ['grafana', 'monitoring'] },
  { vmid: 118, node: 'pve1', status: 'running', ageDays: 160, name: 'k8s-control', cores: 2, memoryMiB: 4096, agent: '1', onboot: true, pool: 'lab', disks: [{ key: 'scsi0', storage: 'local-lvm', sizeGiB: 32 }], nets: [lan()], tags: ['k8s', 'lab'] },
  { vmid: 119, node: 'pve2', status: 'running', ageDays: 90, name: 'backup-proxy', cores: 2, memoryMiB: 2048, agent: '1', onboot: true, disks: [{ key: 'virtio0', storage: 'local-lvm', sizeGiB: 20 }], nets: [lan()], tags: ['backup'] },
];

const ct = (spec: Omit<LxcSpec, 'ostype' | 'rootfs' | 'nets'> & Partial<Pick<LxcSpec, 'ostype' | 'rootfs' | 'nets'>>): LxcSpec => ({
  ostype: 'debian',
  rootfs: { storage: 'local-lvm', sizeGiB: 8 },
  nets: [lan()],
  ...spec,
});

const CTS: LxcSpec[] = [
  ct({ vmid: 200, node: 'pve1', status: 'running', ageDays: 450, hostname: 'pihole', cores: 1, memoryMiB: 512, onboot: true, startup: 'order=1', pool: 'prod', nets: [{ bridge: 'vmbr0', ip: '192.168.1.53/24', gw: '192.168.1.1' }], tags: ['dns', 'infra'], nameserver: '1.1.1.1', searchdomain: 'home.arpa' }),
  ct({ vmid: 201, node: 'pve2', status: 'running', ageDays: 430, hostname: 'unifi', cores: 2, memoryMiB: 2048, onboot: true, rootfs: { storage: 'local-lvm', sizeGiB: 16 }, tags: ['network'] }),
  ct({ vmid: 202, node: 'pve3', status: 'running', ageDays: 380, hostname: 'plex', cores: 4, memoryMiB: 4096, onboot: true, ostype: 'ubuntu', rootfs: { storage: 'local-lvm', sizeGiB: 16 }, mountPoints: [{ storage: 'local-lvm', sizeGiB: 100, path: '/data', backup: true }], features: 'nesting=1', tags: ['media'] }),
  ct({ vmid: 203, node: 'pve2', status: 'running', ageDays: 200, hostname: 'gitlab-runner', cores: 4, memoryMiB: 4096, onboot: true, rootfs: { storage: 'local-lvm', sizeGiB: 32 }, features: 'keyctl=1,nesting=1', tags: ['ci', 'dev'], pool: 'lab' }),
  ct({ vmid: 204, node: 'pve1', status: 'running', ageDays: 330, hostname: 'nginx-proxy', cores: 1, memoryMiB: 512, onboot: true, pool: 'prod', nets: [{ bridge: 'vmbr0', ip: '192.168.1.80/24', gw: '192.168.1.1' }], tags: ['infra', 'web'] }),
  ct({ vmid: 205, node: 'pve1', status: 'running', ageDays: 310, hostname: 'wireguard', cores: 1, memoryMiB: 256, swapMiB: 256, onboot: true, ostype: 'alpine', rootfs: { storage: 'local-lvm', sizeGiB: 2 }, nets: [{ bridge: 'vmbr0', ip: '192.168.1.51/24', gw: '192.168.1.1' }], tags: ['vpn'] }),
  ct({ vmid: 206, node: 'pve2', status: 'running', ageDays: 260, hostname: 'mqtt', cores: 1, memoryMiB: 512, onboot: true, tags: ['iot'] }),
  ct({ vmid: 207, node: 'pve3', status: 'stopped', ageDays: 100, hostname: 'adguard-test', cores: 1, memoryMiB: 512, tags: ['dns', 'test'], pool: 'lab' }),
  ct({ vmid: 208, node: 'pve3', status: 'running', ageDays: 220, hostname: 'vaultwarden', cores: 1, memoryMiB: 1024, onboot: true, pool: 'prod', nets: [{ bridge: 'vmbr0', ip: '192.168.1.60/24', gw: '192.168.1.1', ip6: 'auto' }], tags: ['prod', 'security'], protection: true }),
  ct({ vmid: 209, node: 'pve2', status: 'running', ageDays: 180, hostname: 'grafana-ct', cores: 2, memoryMiB: 1024, ostype: 'ubuntu', tags: ['monitoring'] }),
  ct({ vmid: 210, node: 'pve3', status: 'stopped', ageDays: 75, hostname: 'postgres-test', cores: 2, memoryMiB: 2048, rootfs: { storage: 'local-lvm', sizeGiB: 20 }, tags: ['db', 'test'], pool: 'lab' }),
  ct({ vmid: 211, node: 'pve1', status: 'stopped', ageDays: 2, memoryMiB: 512, ostype: 'alpine', rootfs: { storage: 'local-lvm', sizeGiB: 2 } }),
  ct({ vmid: 212, node: 'pve1', status: 'running', ageDays: 140, hostname: 'syncthing', cores: 1, memoryMiB: 1024, onboot: true, mountPoints: [{ storage: 'nas', sizeGiB: 200, path: '/srv/sync' }], tags: ['files'] }),
  ct({ vmid: 213, node: 'pve2', status: 'running', ageDays: 110, hostname: 'ansible-ctl', cores: 1, memoryMiB: 512, ostype: 'alpine', rootfs: { storage: 'local-lvm', sizeGiB: 4 }, tags: ['automation'], pool: 'lab', unprivileged: false }),
  ct({ vmid: 214, node: 'pve3', status: 'running', ageDays: 95, hostname: 'minio', cores: 2, memoryMiB: 2048, rootfs: { storage: 'local-lvm', sizeGiB: 16 }, mountPoints: [{ storage: 'local-lvm', sizeGiB: 250, path: '/data' }], tags: ['s3', 'storage'] }),
  ct({ vmid: 215, node: 'pve2', status: 'running', ageDays: 440, hostname: 'pihole-2', cores: 1, memoryMiB: 512, onboot: true, ha: 'started', rootfs: { storage: 'nas', sizeGiB: 8 }, nets: [{ bridge: 'vmbr0', ip: '192.168.1.54/24', gw: '192.168.1.1' }], tags: ['dns', 'ha', 'infra'] }),
];
