// Deterministic synthetic observations for the cache's tests and benchmarks.
import type { ClusterObservation, GuestRow, GuestType, NodeRow } from '../model.js';

export interface SyntheticOptions {
  guests: number;
  nodes?: number;
  /** Include a realistic config (~30 keys) and digest for every guest. */
  withConfigs?: boolean;
  at?: number;
}

export function syntheticConfig(type: GuestType, vmid: number, name: string): Record<string, string | number> {
  if (type === 'lxc') {
    return {
      arch: 'amd64',
      cores: 2,
      hostname: name,
      memory: 1024,
      swap: 512,
      net0: `name=eth0,bridge=vmbr0,hwaddr=BC:24:11:${hex(vmid >> 16)}:${hex(vmid >> 8)}:${hex(vmid)},ip=dhcp,type=veth`,
      ostype: 'debian',
      rootfs: `local-lvm:vm-${vmid}-disk-0,size=8G`,
      onboot: 1,
      unprivileged: 1,
      features: 'nesting=1',
      tags: 'synthetic;lxc',
      description: `synthetic container ${vmid}`,
    };
  }
  return {
    agent: 'enabled=1',
    balloon: 1024,
    bios: 'ovmf',
    boot: 'order=scsi0;ide2;net0',
    cores: 4,
    cpu: 'x86-64-v2-AES',
    efidisk0: `local-lvm:vm-${vmid}-disk-1,efitype=4m,pre-enrolled-keys=1,size=4M`,
    ide2: 'local:iso/debian-12.5.0-amd64-netinst.iso,media=cdrom,size=629M',
    machine: 'q35',
    memory: 4096,
    meta: 'creation-qemu=8.1.5,ctime=1717000000',
    name,
    net0: `virtio=BC:24:11:${hex(vmid >> 16)}:${hex(vmid >> 8)}:${hex(vmid)},bridge=vmbr0,firewall=1`,
    numa: 0,
    onboot: 1,
    ostype: 'l26',
    scsi0: `local-lvm:vm-${vmid}-disk-0,discard=on,iothread=1,size=32G,ssd=1`,
    scsihw: 'virtio-scsi-single',
    smbios1: `uuid=${uuidFor(vmid)}`,
    sockets: 1,
    tags: 'synthetic;qemu',
    vmgenid: uuidFor(vmid + 7),
    ipconfig0: 'ip=dhcp',
    ciuser: 'debian',
    description: `synthetic vm ${vmid}`,
  };
}

function hex(n: number): string {
  return (n & 0xff).toString(16).padStart(2, '0').toUpperCase();
}

function uuidFor(n: number): string {
  const h = (n * 2654435761).toString(16).padStart(12, '0').slice(-12);
  return `00000000-0000-4000-8000-${h}`;
}

export function syntheticNodes(count: number): NodeRow[] {
  return Array.from({ length: count }, (_, i) => ({
    node: `pve${i + 1}`,
    status: 'online',
    cpu: 0.05,
    maxcpu: 32,
    mem: 8 * 2 ** 30,
    maxmem: 128 * 2 ** 30,
    disk: 20 * 2 ** 30,
    maxdisk: 100 * 2 ** 30,
    uptime: 86_400,
    level: '',
  }));
}

export function syntheticGuest(i: number, nodes: number, withConfig: boolean): GuestRow {
  const vmid = 100 + i;
  const type: GuestType = i % 5 === 4 ? 'lxc' : 'qemu';
  const running = i % 3 !== 0;
  const name = `${type === 'qemu' ? 'vm' : 'ct'}-${vmid}`;
  const guest: GuestRow = {
    type,
    vmid,
    node: `pve${(i % nodes) + 1}`,
    name,
    status: running ? 'running' : 'stopped',
    template: i % 97 === 0,
    tags: i % 2 === 0 ? ['synthetic', type] : ['synthetic'],
    maxcpu: 4,
    maxmem: 4 * 2 ** 30,
    maxdisk: 32 * 2 ** 30,
    cpu: running ? 0.01 : 0,
    mem: running ? 2 ** 30 : 0,
    disk: 0,
    uptime: running ? 3600 : 0,
    netin: running ? 1000 : 0,
    netout: running ? 2000 : 0,
    diskread: 0,
    diskwrite: 0,
  };
  if (i % 10 === 0) guest.pool = 'synthetic';
  if (withConfig) {
    guest.config = syntheticConfig(type, vmid, name);
    guest.configDigest = `digest-${vmid}-0`;
    guest.configFingerprint = `fp-${vmid}-0`;
  }
  return guest;
}

export function syntheticObservation(options: SyntheticOptions): ClusterObservation {
  const nodes = options.nodes ?? Math.max(1, Math.min(64, Math.ceil(options.guests / 200)));
  return {
    at: options.at ?? 1_760_000_000_000,
    clusterName: 'synthetic',
    pveVersion: '8.4.1',
    nodes: syntheticNodes(nodes),
    guests: Array.from({ length: options.guests }, (_, i) => syntheticGuest(i, nodes, options.withConfigs === true)),
  };
}

/** The same observation as a list-only poll sees it: no configs (the cache keeps its own). */
export function withoutConfigs(obs: ClusterObservation): ClusterObservation {
  return {
    ...obs,
    guests: obs.guests.map((g) => {
      const { config: _config, configDigest: _digest, configFingerprint: _fp, ...rest } = g;
      return rest;
    }),
  };
}
