// The state a simulated cluster is made of. Guest configs are kept the way PVE stores them
// (key -> wire value), everything else is plain data owned by the Cluster.

import type { GuestConfig } from './guestConfig.js';

export type GuestKind = 'qemu' | 'lxc';

/** A config value as PVE returns it: integers and booleans as numbers, everything else
 * (property strings, `number`-typed options such as `cpulimit`) as strings. */
export type ConfigValue = string | number;
export type GuestConf = Record<string, ConfigValue>;

export interface NodeState {
  name: string;
  nodeid: number;
  ip: string;
  sslFingerprint: string;
  /** Subscription level: '' without subscription, 'c' community, 'b' basic... */
  level: string;
  maxcpu: number;
  cpuModel: string;
  sockets: number;
  cores: number;
  maxmem: number;
  /** Root filesystem size. */
  maxdisk: number;
  rootUsed: number;
  baseMemUsed: number;
  bootTime: number;
  kernel: string;
  /** Guests running here, and the memory they were given (node figures derive from these). */
  runningGuests: number;
  runningMem: number;
  nextPid: number;
  /** /etc/network/interfaces as GET /nodes/{node}/network returns it (lo left out). */
  interfaces: NetworkInterface[];
}

/** One entry of GET /nodes/{node}/network; numbers such as netmask are strings there. */
export type NetworkInterface = Record<string, string | number | string[]> & { iface: string; type: string };

export type HaState = 'started' | 'stopped' | 'disabled' | 'ignored' | 'migrate' | 'starting' | 'stopping';

export interface Guest {
  kind: GuestKind;
  vmid: number;
  node: string;
  status: 'running' | 'stopped';
  /** QEMU: paused by `suspend` (status stays running, qmpstatus paused). */
  paused: boolean;
  /** LXC: checkpointed by `suspend`, so `resume` has something to restore. */
  checkpointed: boolean;
  /** Epoch seconds the current QEMU process / container was started. */
  startedAt: number;
  pid: number;
  pool?: string;
  /** Present when the guest is an HA resource (`vm:<vmid>` / `ct:<vmid>`). */
  ha?: { state: HaState };
  config: GuestConfig;
}

export interface Pool {
  poolid: string;
  comment?: string;
  vmids: Set<number>;
  storages: Set<string>;
}

export type VolumeContent = 'images' | 'rootdir' | 'iso' | 'vztmpl' | 'backup';

export interface Volume {
  volid: string;
  storage: string;
  /** The part after `storage:`. */
  name: string;
  content: VolumeContent;
  format: string;
  size: number;
  /** Space it really takes (thin volumes use less than their size). */
  used: number;
  ctime: number;
  vmid?: number;
  /** Base volume name a linked clone depends on. */
  parent?: string;
  subtype?: GuestKind;
  notes?: string;
  protected?: boolean;
}

export type StorageType = 'dir' | 'lvmthin' | 'nfs' | 'pbs' | 'zfspool';

export interface StorageDef {
  id: string;
  type: StorageType;
  /** Sorted content types. */
  content: string[];
  shared: boolean;
  /** Restricted to these nodes; all nodes when absent. */
  nodes?: string[];
  /** Bytes per instance (per node for local storage, once for shared). */
  capacity: number;
  /** Space taken by things the simulator doesn't model (OS files, other hosts' data). */
  baseUsed: number;
  /** Mount path for file based storages (`/var/lib/vz`, `/mnt/pve/nas`). */
  path?: string;
  /** lvmthin volume group. */
  vgname?: string;
}
