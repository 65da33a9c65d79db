// How guests appear in the API: the per-node lists (qemu-server / pve-container vmstatus),
// /cluster/resources entries, and status/current. Absent means unset: `template` only when
// 1 in the lists, `pid` only while running, `lock`/`tags`/`pool` only when set.

import { bool01 } from '../../proxmox/values.js';
import { QEMU_VERSION, type Cluster } from './cluster.js';
import { isNetKey, isQemuDriveKey, parseVolumeOption } from './formats.js';
import { guestFigures, type GuestFigures } from './metrics.js';
import type { Guest } from './model.js';
import { hash01 } from './rng.js';
import { qemuMemoryMiB } from './guestConfig.js';
import { MiB } from './sizes.js';

type Json = Record<string, unknown>;

function cpusOf(cluster: Cluster, guest: Guest): number {
  const s = guest.config.summary;
  if (s.cpus > 0) return s.cpus;
  return cluster.node(guest.node)?.maxcpu ?? 1;
}

function addCommon(out: Json, guest: Guest): void {
  const s = guest.config.summary;
  if (s.tags !== undefined) out.tags = s.tags;
  if (s.lock !== undefined) out.lock = s.lock;
}

function qemuMachine(guest: Guest): string {
  const machine = guest.config.get('machine');
  const q35 = typeof machine === 'string' && machine.includes('q35');
  return `pc-${q35 ? 'q35' : 'i440fx'}-${QEMU_VERSION.machine}+pve0`;
}

export function qemuListItem(cluster: Cluster, guest: Guest, full: boolean): Json {
  const s = guest.config.summary;
  const f = guestFigures(cluster.seed, guest, cluster.nowSec());
  const out: Json = {
    vmid: guest.vmid,
    name: s.name,
    status: guest.status,
    cpus: cpusOf(cluster, guest),
    maxmem: s.maxmem,
    maxdisk: s.maxdisk,
    disk: 0,
    cpu: f.cpu,
    mem: f.mem,
    netin: f.netin,
    netout: f.netout,
    diskread: f.diskread,
    diskwrite: f.diskwrite,
    uptime: f.uptime,
  };
  if (s.template) out.template = 1;
  if (s.serial) out.serial = 1;
  addCommon(out, guest);
  if (guest.status === 'running') {
    out.pid = guest.pid;
    out.memhost = f.memhost;
    addPressure(out, f, true);
  }
  if (full) {
    out.qmpstatus = qmpStatus(guest);
    if (guest.status === 'running') {
      out['running-machine'] = qemuMachine(guest);
      out['running-qemu'] = QEMU_VERSION.running;
    }
  }
  return out;
}

function qmpStatus(guest: Guest): string {
  if (guest.status !== 'running') return 'stopped';
  return guest.paused ? 'paused' : 'running';
}

function addPressure(out: Json, f: GuestFigures, qemu: boolean): void {
  out.pressurecpusome = f.pressure.cpuSome;
  if (qemu) out.pressurecpufull = f.pressure.cpuFull;
  out.pressureiosome = f.pressure.ioSome;
  out.pressureiofull = f.pressure.ioFull;
  out.pressurememorysome = f.pressure.memSome;
  out.pressurememoryfull = f.pressure.memFull;
}

export function lxcListItem(cluster: Cluster, guest: Guest): Json {
  const s = guest.config.summary;
  const f = guestFigures(cluster.seed, guest, cluster.nowSec());
  const out: Json = {
    vmid: guest.vmid,
    name: s.name,
    status: guest.status,
    type: 'lxc',
    cpus: cpusOf(cluster, guest),
    maxmem: s.maxmem,
    maxswap: s.maxswap,
    maxdisk: s.maxdisk,
    disk: f.disk,
    cpu: f.cpu,
    mem: f.mem,
    swap: f.swap,
    netin: f.netin,
    netout: f.netout,
    diskread: f.diskread,
    diskwrite: f.diskwrite,
    uptime: f.uptime,
  };
  if (s.template) out.template = 1;
  addCommon(out, guest);
  if (guest.status === 'running') {
    out.pid = guest.pid;
    addPressure(out, f, false);
  }
  return out;
}

/** An entry of /cluster/resources (and of pool members). */
export function resourceEntry(cluster: Cluster, guest: Guest): Json {
  const s = guest.config.summary;
  const out: Json = {
    id: `${guest.kind}/${guest.vmid}`,
    type: guest.kind,
    vmid: guest.vmid,
    node: guest.node,
    name: s.name,
    template: bool01(s.template),
    maxcpu: cpusOf(cluster, guest),
    maxmem: s.maxmem,
    maxdisk: s.maxdisk,
  };
  if (cluster.isNodeOffline(guest.node)) {
    // pvestatd on that node stopped reporting: no usage figures, status unknown.
    out.status = 'unknown';
  } else {
    const f = guestFigures(cluster.seed, guest, cluster.nowSec());
    out.status = guest.status;
    out.cpu = f.cpu;
    out.mem = f.mem;
    out.disk = f.disk;
    out.netin = f.netin;
    out.netout = f.netout;
    out.diskread = f.diskread;
    out.diskwrite = f.diskwrite;
    out.uptime = f.uptime;
    if (guest.kind === 'qemu' && guest.status === 'running') out.memhost = f.memhost;
  }
  addCommon(out, guest);
  if (guest.pool) out.pool = guest.pool;
  if (guest.ha) out.hastate = guest.ha.state;
  return out;
}

export function haStatus(guest: Guest): Json {
  if (!guest.ha) return { managed: 0 };
  return { managed: 1, state: guest.ha.state };
}

/** GET .../qemu/{vmid}/status/current: vmstatus with `full`, plus ha and agent. */
export function qemuStatusCurrent(cluster: Cluster, guest: Guest): Json {
  const out = qemuListItem(cluster, guest, true);
  out.ha = haStatus(guest);
  const conf = guest.config.current;
  if (typeof conf.agent === 'string' && /^(1|enabled=1)(,|$)/.test(conf.agent)) out.agent = 1;
  if (guest.status !== 'running') return out;

  const f = guestFigures(cluster.seed, guest, cluster.nowSec());
  const memMiB = qemuMemoryMiB(conf);
  const balloonOff = conf.balloon === 0;
  if (!balloonOff) {
    const max = memMiB * MiB;
    const min = typeof conf.balloon === 'number' ? conf.balloon * MiB : max;
    const free = Math.max(0, max - f.mem);
    out.balloon = max;
    out.balloon_min = min;
    out.freemem = free;
    out.shares = typeof conf.shares === 'number' ? conf.shares : 1000;
    out.ballooninfo = {
      actual: max,
      max_mem: max,
      total_mem: max - 80 * MiB,
      free_mem: free,
      mem_swapped_in: 0,
      mem_swapped_out: 0,
      major_page_faults: Math.round(f.uptime * 0.01) + 1200,
      minor_page_faults: Math.round(f.uptime * 25) + 350_000,
      last_update: cluster.nowSec() - 1,
    };
  }
  out.blockstat = blockstat(guest, f);
  out.nics = nics(guest, f);
  out['proxmox-support'] = {
    'backup-fleecing': true,
    'backup-max-workers': true,
    'pbs-dirty-bitmap': true,
    'pbs-dirty-bitmap-migration': true,
    'pbs-dirty-bitmap-savevm': true,
    'pbs-library-version': '1.5.2 (UNKNOWN)',
    'pbs-masterkey': true,
    'query-bitmap-info': true,
  };
  return out;
}

function nics(guest: Guest, f: GuestFigures): Json {
  const keys = Object.keys(guest.config.current).filter(isNetKey).sort();
  const out: Json = {};
  keys.forEach((key, i) => {
    const share = i === 0 ? 1 : 0.05;
    out[`tap${guest.vmid}i${key.slice(3)}`] = { netin: Math.round(f.netin * share), netout: Math.round(f.netout * share) };
  });
  return out;
}

function blockstat(guest: Guest, f: GuestFigures): Json {
  const conf = guest.config.current;
  const out: Json = {};
  const drives = Object.keys(conf).filter((k) => isQemuDriveKey(k) && k !== 'efidisk0' && k !== 'tpmstate0');
  drives.forEach((key, i) => {
    const value = conf[key];
    const drive = typeof value === 'string' ? parseVolumeOption('qemu', key, value) : undefined;
    const cdrom = drive?.isCdrom ?? false;
    const share = cdrom ? 0 : i === 0 ? 0.8 : 0.2 / Math.max(1, drives.length - 1);
    const rd = cdrom ? Math.round(344_348 * hash01(guest.vmid, key)) : Math.round(f.diskread * share);
    const wr = Math.round(f.diskwrite * share);
    out[key] = {
      account_failed: true,
      account_invalid: true,
      failed_flush_operations: 0,
      failed_rd_operations: 0,
      failed_unmap_operations: 0,
      failed_wr_operations: 0,
      flush_operations: Math.round(wr / 97_000),
      flush_total_time_ns: Math.round(wr * 4.9),
      idle_time_ns: Math.round(1e9 * (1 + 10 * hash01(guest.vmid, key, f.uptime))),
      invalid_flush_operations: 0,
      invalid_rd_operations: 0,
      invalid_unmap_operations: 0,
      invalid_wr_operations: 0,
      rd_bytes: rd,
      rd_merged: 0,
      rd_operations: Math.round(rd / 41_000),
      rd_total_time_ns: Math.round(rd * 10.9),
      timed_stats: [],
      unmap_bytes: cdrom ? 0 : Math.round(wr * 10.5),
      unmap_merged: 0,
      unmap_operations: cdrom ? 0 : Math.round(wr / 3_200_000),
      unmap_total_time_ns: cdrom ? 0 : Math.round(wr / 160),
      wr_bytes: wr,
      wr_highest_offset: cdrom ? 0 : Math.round(wr * 1.8),
      wr_merged: 0,
      wr_operations: Math.round(wr / 9_600),
      wr_total_time_ns: Math.round(wr * 43.5),
    };
  });
  return out;
}

export function lxcStatusCurrent(cluster: Cluster, guest: Guest): Json {
  const out = lxcListItem(cluster, guest);
  out.ha = haStatus(guest);
  return out;
}
