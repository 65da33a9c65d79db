// A guest's configuration file: the current options, the snapshot sections, the SHA1 digest
// of the file, and a summary of what the lists show (kept in step, so that listing 100k
// guests never has to build or parse their configs). Generated guests build their config
// only when something asks for it.

import { createHash } from 'node:crypto';
import { parsePropertyString } from '../../proxmox/propertyString.js';
import { QEMU_MEMORY_FORMAT } from '../../proxmox/formats/schema.js';
import { QEMU_BOOT_FORMAT } from '../../proxmox/formats/schema.js';
import { isQemuDriveKey, parseVolumeOption, QEMU_DRIVE_KEYS } from './formats.js';
import type { ConfigValue, GuestConf, GuestKind } from './model.js';
import { MiB, parseSize } from './sizes.js';

export interface GuestSummary {
  name: string;
  /** 0 for a container without `cores` (it may use every host CPU). */
  cpus: number;
  maxmem: number;
  maxswap: number;
  maxdisk: number;
  tags?: string;
  lock?: string;
  template: boolean;
  serial: boolean;
}

export interface SnapshotRecord {
  name: string;
  /** The options as they were, plus `snaptime`, `description`, `parent`, `vmstate`. */
  conf: GuestConf;
}

export class GuestConfig {
  #conf: GuestConf | undefined;
  #factory: (() => GuestConf) | undefined;
  #snapshots: Map<string, SnapshotRecord> | undefined;
  #digest: string | undefined;
  summary: GuestSummary;

  private constructor(
    readonly kind: GuestKind,
    readonly vmid: number,
    conf: GuestConf | undefined,
    factory: (() => GuestConf) | undefined,
    summary: GuestSummary | undefined,
  ) {
    this.#conf = conf;
    this.#factory = factory;
    this.summary = summary ?? summarize(kind, vmid, conf ?? {});
  }

  static of(kind: GuestKind, vmid: number, conf: GuestConf): GuestConfig {
    return new GuestConfig(kind, vmid, conf, undefined, undefined);
  }

  /** A config built on first use; `summary` must be what the factory's config summarises to. */
  static lazy(kind: GuestKind, vmid: number, summary: GuestSummary, factory: () => GuestConf): GuestConfig {
    return new GuestConfig(kind, vmid, undefined, factory, summary);
  }

  /** The current options. Treat as read-only: change them through mutate(). */
  get current(): Readonly<GuestConf> {
    return this.#materialize();
  }

  get(key: string): ConfigValue | undefined {
    return this.#materialize()[key];
  }

  get snapshots(): Map<string, SnapshotRecord> {
    this.#snapshots ??= new Map();
    return this.#snapshots;
  }

  hasSnapshots(): boolean {
    return this.#snapshots !== undefined && this.#snapshots.size > 0;
  }

  mutate(change: (conf: GuestConf) => void): void {
    const conf = this.#materialize();
    change(conf);
    this.summary = summarize(this.kind, this.vmid, conf);
    this.#digest = undefined;
  }

  /** Replaces the options wholesale (rollback, clone finishing). */
  replace(conf: GuestConf): void {
    this.#conf = conf;
    this.#factory = undefined;
    this.summary = summarize(this.kind, this.vmid, conf);
    this.#digest = undefined;
  }

  /** Snapshot sections changed: the file, and so the digest, changed. */
  touch(): void {
    this.#digest = undefined;
  }

  setLock(lock: string | undefined): void {
    this.mutate((conf) => {
      if (lock === undefined) delete conf.lock;
      else conf.lock = lock;
    });
  }

  get lock(): string | undefined {
    return this.summary.lock;
  }

  digest(): string {
    this.#digest ??= createHash('sha1').update(configFileText(this.#materialize(), this.#snapshots)).digest('hex');
    return this.#digest;
  }

  #materialize(): GuestConf {
    if (!this.#conf) {
      this.#conf = this.#factory ? this.#factory() : {};
      this.#factory = undefined;
    }
    return this.#conf;
  }
}

/** The config file as qemu-server / pve-container write it: the description as `#` comment
 * lines, the options sorted, then one `[name]` section per snapshot. */
export function configFileText(conf: Readonly<GuestConf>, snapshots?: ReadonlyMap<string, SnapshotRecord>): string {
  let text = sectionText(conf);
  if (snapshots) {
    for (const name of [...snapshots.keys()].sort()) {
      text += `\n[${name}]\n${sectionText(snapshots.get(name)!.conf)}`;
    }
  }
  return text;
}

function sectionText(conf: Readonly<GuestConf>): string {
  let text = '';
  const description = conf.description;
  if (typeof description === 'string' && description !== '') {
    for (const line of description.split('\n')) text += `#${line}\n`;
  }
  for (const key of Object.keys(conf).sort()) {
    if (key === 'description') continue;
    text += `${key}: ${conf[key]}\n`;
  }
  return text;
}

export function summarize(kind: GuestKind, vmid: number, conf: Readonly<GuestConf>): GuestSummary {
  const summary: GuestSummary =
    kind === 'qemu'
      ? {
          name: typeof conf.name === 'string' ? conf.name : `VM ${vmid}`,
          cpus: qemuCpus(conf),
          maxmem: qemuMemoryMiB(conf) * MiB,
          maxswap: 0,
          maxdisk: qemuBootDiskSize(conf),
          template: conf.template === 1,
          serial: Object.keys(conf).some((k) => /^serial\d$/.test(k)),
        }
      : {
          name: typeof conf.hostname === 'string' ? conf.hostname : `CT${vmid}`,
          cpus: typeof conf.cores === 'number' ? conf.cores : 0,
          maxmem: (typeof conf.memory === 'number' ? conf.memory : 512) * MiB,
          maxswap: (typeof conf.swap === 'number' ? conf.swap : 512) * MiB,
          maxdisk: lxcRootSize(conf),
          template: conf.template === 1,
          serial: false,
        };
  if (typeof conf.tags === 'string' && conf.tags !== '') summary.tags = conf.tags;
  if (typeof conf.lock === 'string') summary.lock = conf.lock;
  return summary;
}

function qemuCpus(conf: Readonly<GuestConf>): number {
  if (typeof conf.vcpus === 'number') return conf.vcpus;
  const sockets = typeof conf.sockets === 'number' ? conf.sockets : 1;
  const cores = typeof conf.cores === 'number' ? conf.cores : 1;
  return sockets * cores;
}

/** `memory` is a property string since 8.1 (`2048` or `current=2048`); older configs hold an int. */
export function qemuMemoryMiB(conf: Readonly<GuestConf>): number {
  const raw = conf.memory;
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string') {
    const current = Number(parsePropertyString(raw, QEMU_MEMORY_FORMAT).current);
    if (Number.isFinite(current)) return current;
  }
  return 512;
}

/** The boot order devices (`order=scsi0;ide2;net0`), or the legacy default. */
export function qemuBootOrder(conf: Readonly<GuestConf>): string[] {
  const boot = conf.boot;
  if (typeof boot === 'string') {
    const parsed = parsePropertyString(boot, QEMU_BOOT_FORMAT);
    if (parsed.order) return parsed.order.split(';').filter((d) => d !== '');
  }
  if (typeof conf.bootdisk === 'string') return [conf.bootdisk];
  return [];
}

/** Size of the disk the VM boots from (qemu-server bootdisk_size), 0 when there is none. */
function qemuBootDiskSize(conf: Readonly<GuestConf>): number {
  const order = qemuBootOrder(conf);
  const candidates = order.length > 0 ? order : QEMU_DRIVE_KEYS;
  for (const key of candidates) {
    if (!isQemuDriveKey(key)) continue;
    const value = conf[key];
    if (typeof value !== 'string') continue;
    const drive = parseVolumeOption('qemu', key, value);
    if (!drive || drive.isCdrom) continue;
    return parseSize(drive.props.size) ?? 0;
  }
  return 0;
}

function lxcRootSize(conf: Readonly<GuestConf>): number {
  const rootfs = conf.rootfs;
  if (typeof rootfs !== 'string') return 0;
  const parsed = parseVolumeOption('lxc', 'rootfs', rootfs);
  return parseSize(parsed?.props.size) ?? 0;
}
