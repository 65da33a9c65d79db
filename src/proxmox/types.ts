// Response types and the normalisers that produce them from what real PVE 6–9 servers send.
// Conventions: field names are PVE's own, except hyphenated ones, which become camelCase
// (`running-qemu` -> runningQemu, `vlan-id` -> vlanId); booleans the schema calls boolean are
// booleans (from 0/1, "0"/"1" or true/false); numbers are numbers even when sent as strings;
// tag lists are string[]; a field the server left out stays undefined (never 0 or false).
import { ProxmoxError } from './errors.js';
import { isUpid, parseUpid } from './upid.js';
import { parseTags, toBool, toInt, toNum, toStr } from './values.js';

type Rec = Readonly<Record<string, unknown>>;

export type GuestType = 'qemu' | 'lxc';

function protocolError(what: string, expected: string): ProxmoxError {
  return new ProxmoxError('protocol', `unexpected ${what} in the server's answer: expected ${expected}; is this a PVE API endpoint?`);
}

export function asRecord(value: unknown, what: string): Rec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw protocolError(what, 'an object');
  return value as Rec;
}

export function asArray(value: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(value)) throw protocolError(what, 'a list');
  return value;
}

/** Drops keys whose value is undefined, so "absent" really is absent. */
function compact<T extends object>(obj: T): T {
  for (const key of Object.keys(obj) as (keyof T)[]) if (obj[key] === undefined) delete obj[key];
  return obj;
}

function tagsOf(value: unknown): string[] | undefined {
  return value === undefined || value === null ? undefined : parseTags(value);
}

function listOf(value: unknown, separator: RegExp): string[] | undefined {
  const s = toStr(value);
  return s === undefined ? undefined : s.split(separator).filter((x) => x !== '');
}

function stringArray(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((v) => toStr(v)).filter((v): v is string => v !== undefined);
}

function requiredVmid(r: Rec, what: string): number {
  const vmid = toInt(r.vmid);
  if (vmid === undefined) throw protocolError(`${what} without a vmid`, 'a numeric vmid');
  return vmid;
}

function requiredString(r: Rec, key: string, what: string): string {
  const value = toStr(r[key]);
  if (value === undefined) throw protocolError(`${what} without '${key}'`, `a '${key}' field`);
  return value;
}

// ---- version ------------------------------------------------------------------------------

export interface PveVersion {
  version: string;
  release: string;
  repoid?: string;
  console?: string;
}

export function normalizeVersion(data: unknown): PveVersion {
  const r = asRecord(data, 'version');
  return compact({
    version: toStr(r.version) ?? '',
    release: toStr(r.release) ?? '',
    repoid: toStr(r.repoid),
    console: toStr(r.console),
  });
}

// ---- cluster --------------------------------------------------------------------------------

export type ClusterResourceFilter = 'vm' | 'storage' | 'node' | 'sdn';

export interface ClusterResource {
  /** `qemu/100`, `lxc/101`, `node/pve`, `storage/pve/local`, `pool/x`, `sdn/pve/zone`. */
  id: string;
  /** `qemu`, `lxc`, `node`, `storage`, `pool`, `sdn`, `network` (or `openvz` on old servers). */
  type: string;
  node?: string;
  vmid?: number;
  name?: string;
  status?: string;
  template?: boolean;
  tags?: string[];
  pool?: string;
  lock?: string;
  hastate?: string;
  cpu?: number;
  maxcpu?: number;
  mem?: number;
  maxmem?: number;
  memhost?: number;
  disk?: number;
  maxdisk?: number;
  uptime?: number;
  diskread?: number;
  diskwrite?: number;
  netin?: number;
  netout?: number;
  storage?: string;
  content?: string[];
  plugintype?: string;
  shared?: boolean;
  level?: string;
  cgroupMode?: number;
  sdn?: string;
  zoneType?: string;
  network?: string;
  networkType?: string;
}

export function normalizeClusterResource(item: unknown): ClusterResource {
  const r = asRecord(item, 'cluster resource');
  const idText = toStr(r.id);
  const type = toStr(r.type) ?? idText?.split('/')[0];
  const vmid = toInt(r.vmid);
  const node = toStr(r.node);
  const storage = toStr(r.storage);
  if (type === undefined) throw protocolError('cluster resource without a type', "a 'type' field");
  const id =
    idText ??
    (vmid !== undefined ? `${type}/${vmid}` : storage !== undefined ? `storage/${node ?? ''}/${storage}` : node !== undefined ? `node/${node}` : undefined);
  if (id === undefined) throw protocolError('cluster resource without an id', "an 'id' field");
  return compact({
    id,
    type,
    node,
    vmid,
    name: toStr(r.name),
    status: toStr(r.status),
    template: toBool(r.template),
    tags: tagsOf(r.tags),
    pool: toStr(r.pool),
    lock: toStr(r.lock),
    hastate: toStr(r.hastate),
    cpu: toNum(r.cpu),
    maxcpu: toNum(r.maxcpu),
    mem: toNum(r.mem),
    maxmem: toNum(r.maxmem),
    memhost: toNum(r.memhost),
    disk: toNum(r.disk),
    maxdisk: toNum(r.maxdisk),
    uptime: toNum(r.uptime),
    diskread: toNum(r.diskread),
    diskwrite: toNum(r.diskwrite),
    netin: toNum(r.netin),
    netout: toNum(r.netout),
    storage,
    content: listOf(r.content, /[,;\s]+/),
    plugintype: toStr(r.plugintype),
    shared: toBool(r.shared),
    level: toStr(r.level),
    cgroupMode: toInt(r['cgroup-mode']),
    sdn: toStr(r.sdn),
    zoneType: toStr(r['zone-type']),
    network: toStr(r.network),
    networkType: toStr(r['network-type']),
  });
}

export function normalizeClusterResources(data: unknown): ClusterResource[] {
  return asArray(data, 'cluster resources').map(normalizeClusterResource);
}

export interface ClusterStatusEntry {
  type: string; // 'cluster' | 'node'
  id: string;
  name: string;
  /** cluster: node count, including offline nodes. */
  nodes?: number;
  quorate?: boolean;
  version?: number;
  nodeid?: number;
  ip?: string;
  online?: boolean;
  /** node: this is the node that answered. */
  local?: boolean;
  level?: string;
}

export function normalizeClusterStatus(data: unknown): ClusterStatusEntry[] {
  return asArray(data, 'cluster status').map((item) => {
    const r = asRecord(item, 'cluster status entry');
    const name = toStr(r.name) ?? '';
    const type = toStr(r.type) ?? 'node';
    return compact({
      type,
      id: toStr(r.id) ?? (type === 'cluster' ? 'cluster' : `node/${name}`),
      name,
      nodes: toInt(r.nodes),
      quorate: toBool(r.quorate),
      version: toInt(r.version),
      nodeid: toInt(r.nodeid),
      ip: toStr(r.ip),
      online: toBool(r.online),
      local: toBool(r.local),
      level: toStr(r.level),
    });
  });
}

/** GET /cluster/nextid answers a JSON string ("100") although the schema says integer. */
export function normalizeNextId(data: unknown): number {
  const id = toInt(data);
  if (id === undefined) throw protocolError('next free VMID', 'a number');
  return id;
}

// ---- nodes ----------------------------------------------------------------------------------

export interface NodeSummary {
  node: string;
  /** `online`, `offline` or `unknown`. */
  status: string;
  cpu?: number;
  maxcpu?: number;
  mem?: number;
  maxmem?: number;
  disk?: number;
  maxdisk?: number;
  uptime?: number;
  level?: string;
  /** SHA-256 of the node's certificate, `AB:CD:…`. */
  ssl_fingerprint?: string;
}

export function normalizeNodes(data: unknown): NodeSummary[] {
  return asArray(data, 'node list').map((item) => {
    const r = asRecord(item, 'node');
    return compact({
      node: requiredString(r, 'node', 'node entry'),
      status: toStr(r.status) ?? 'unknown',
      cpu: toNum(r.cpu),
      maxcpu: toNum(r.maxcpu),
      mem: toNum(r.mem),
      maxmem: toNum(r.maxmem),
      disk: toNum(r.disk),
      maxdisk: toNum(r.maxdisk),
      uptime: toNum(r.uptime),
      level: toStr(r.level),
      ssl_fingerprint: toStr(r.ssl_fingerprint),
    });
  });
}

export interface MemoryUsage {
  total?: number;
  used?: number;
  free?: number;
  available?: number;
}

export interface DiskUsage {
  total?: number;
  used?: number;
  free?: number;
  avail?: number;
}

export interface NodeStatus {
  cpu?: number;
  /** 1, 5 and 15 minute load averages (sent as strings). */
  loadavg?: number[];
  wait?: number;
  uptime?: number;
  memory?: MemoryUsage;
  swap?: MemoryUsage;
  rootfs?: DiskUsage;
  pveversion?: string;
  kversion?: string;
  cpuinfo?: { model?: string; cores?: number; cpus?: number; sockets?: number; mhz?: number };
  currentKernel?: { sysname?: string; release?: string; version?: string; machine?: string };
  bootInfo?: { mode?: string; secureboot?: boolean };
  raw: Rec;
}

function usage(value: unknown): MemoryUsage & DiskUsage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Rec;
  return compact({ total: toNum(r.total), used: toNum(r.used), free: toNum(r.free), available: toNum(r.available), avail: toNum(r.avail) });
}

function subRecord(value: unknown): Rec | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Rec) : undefined;
}

export function normalizeNodeStatus(data: unknown): NodeStatus {
  const r = asRecord(data, 'node status');
  const cpuinfo = subRecord(r.cpuinfo);
  const kernel = subRecord(r['current-kernel']);
  const boot = subRecord(r['boot-info']);
  const loadavg = Array.isArray(r.loadavg) ? r.loadavg.map((v) => toNum(v)).filter((v): v is number => v !== undefined) : undefined;
  return compact({
    cpu: toNum(r.cpu),
    loadavg,
    wait: toNum(r.wait),
    uptime: toNum(r.uptime),
    memory: usage(r.memory),
    swap: usage(r.swap),
    rootfs: usage(r.rootfs),
    pveversion: toStr(r.pveversion),
    kversion: toStr(r.kversion),
    cpuinfo: cpuinfo
      ? compact({ model: toStr(cpuinfo.model), cores: toInt(cpuinfo.cores), cpus: toInt(cpuinfo.cpus), sockets: toInt(cpuinfo.sockets), mhz: toNum(cpuinfo.mhz) })
      : undefined,
    currentKernel: kernel
      ? compact({ sysname: toStr(kernel.sysname), release: toStr(kernel.release), version: toStr(kernel.version), machine: toStr(kernel.machine) })
      : undefined,
    bootInfo: boot ? compact({ mode: toStr(boot.mode), secureboot: toBool(boot.secureboot) }) : undefined,
    raw: r,
  });
}

export interface NetworkInterface {
  iface: string;
  /** bridge, bond, eth, alias, vlan, OVSBridge, … */
  type: string;
  active?: boolean;
  autostart?: boolean;
  exists?: boolean;
  method?: string;
  method6?: string;
  address?: string;
  /** As sent: a prefix length ("24") or a dotted mask. */
  netmask?: string;
  cidr?: string;
  gateway?: string;
  address6?: string;
  netmask6?: number;
  cidr6?: string;
  gateway6?: string;
  mtu?: number;
  priority?: number;
  comments?: string;
  comments6?: string;
  families?: string[];
  options?: string[];
  options6?: string[];
  bridge_ports?: string;
  bridge_vlan_aware?: boolean;
  bridge_vids?: string;
  slaves?: string;
  bond_mode?: string;
  vlanId?: number;
  vlanRawDevice?: string;
  raw: Rec;
}

export function normalizeNetwork(data: unknown): NetworkInterface[] {
  return asArray(data, 'network list').map((item) => {
    const r = asRecord(item, 'network interface');
    return compact({
      iface: requiredString(r, 'iface', 'network interface'),
      type: toStr(r.type) ?? 'unknown',
      active: toBool(r.active),
      autostart: toBool(r.autostart),
      exists: toBool(r.exists),
      method: toStr(r.method),
      method6: toStr(r.method6),
      address: toStr(r.address),
      netmask: toStr(r.netmask),
      cidr: toStr(r.cidr),
      gateway: toStr(r.gateway),
      address6: toStr(r.address6),
      netmask6: toInt(r.netmask6),
      cidr6: toStr(r.cidr6),
      gateway6: toStr(r.gateway6),
      mtu: toInt(r.mtu),
      priority: toInt(r.priority),
      comments: toStr(r.comments),
      comments6: toStr(r.comments6),
      families: stringArray(r.families),
      options: stringArray(r.options),
      options6: stringArray(r.options6),
      bridge_ports: toStr(r.bridge_ports),
      bridge_vlan_aware: toBool(r.bridge_vlan_aware),
      bridge_vids: toStr(r.bridge_vids),
      slaves: toStr(r.slaves),
      bond_mode: toStr(r.bond_mode),
      vlanId: toInt(r['vlan-id']),
      vlanRawDevice: toStr(r['vlan-raw-device']),
      raw: r,
    });
  });
}

// ---- guests ---------------------------------------------------------------------------------

export interface GuestSummary {
  type: GuestType;
  vmid: number;
  /** The node the list was read from (the list itself does not say). */
  node?: string;
  name?: string;
  /** `running` or `stopped`. */
  status: string;
  /** Only templates carry it in per-node lists. */
  template?: boolean;
  tags?: string[];
  lock?: string;
  pid?: number;
  cpu?: number;
  cpus?: number;
  mem?: number;
  maxmem?: number;
  disk?: number;
  maxdisk?: number;
  swap?: number;
  maxswap?: number;
  uptime?: number;
  netin?: number;
  netout?: number;
  diskread?: number;
  diskwrite?: number;
  qmpstatus?: string;
  runningMachine?: string;
  runningQemu?: string;
}

function guestFields(r: Rec, type: GuestType, what: string, node?: string): GuestSummary {
  return compact({
    type,
    vmid: requiredVmid(r, what),
    node: node ?? toStr(r.node),
    name: toStr(r.name),
    status: toStr(r.status) ?? 'unknown',
    template: toBool(r.template),
    tags: tagsOf(r.tags),
    lock: toStr(r.lock),
    pid: toInt(r.pid),
    cpu: toNum(r.cpu),
    cpus: toNum(r.cpus),
    mem: toNum(r.mem),
    maxmem: toNum(r.maxmem),
    disk: toNum(r.disk),
    maxdisk: toNum(r.maxdisk),
    swap: toNum(r.swap),
    maxswap: toNum(r.maxswap),
    uptime: toNum(r.uptime),
    netin: toNum(r.netin),
    netout: toNum(r.netout),
    diskread: toNum(r.diskread),
    diskwrite: toNum(r.diskwrite),
    qmpstatus: toStr(r.qmpstatus),
    runningMachine: toStr(r['running-machine']),
    runningQemu: toStr(r['running-qemu']),
  });
}

/** GET /nodes/{node}/qemu or /lxc. LXC `vmid` was a string before PVE 8.2. */
export function normalizeGuestList(data: unknown, type: GuestType, node?: string): GuestSummary[] {
  return asArray(data, `${type} list`).map((item) => guestFields(asRecord(item, `${type} list entry`), type, `${type} list entry`, node));
}

export interface GuestStatus extends GuestSummary {
  /** qemu: the guest agent is enabled in the config. */
  agent?: boolean;
  spice?: boolean;
  balloon?: number;
  freemem?: number;
  ha?: { managed?: boolean; state?: string; group?: string };
  /** Everything as sent (blockstat, ballooninfo, nics, proxmox-support …). */
  raw: Rec;
}

export function normalizeGuestStatus(data: unknown, type: GuestType, node?: string, vmid?: number): GuestStatus {
  const r = asRecord(data, `${type} status`);
  const withVmid: Rec = r.vmid === undefined && vmid !== undefined ? { ...r, vmid } : r;
  const ha = subRecord(r.ha);
  return compact({
    ...guestFields(withVmid, type, `${type} status`, node),
    agent: toBool(r.agent),
    spice: toBool(r.spice),
    balloon: toNum(r.balloon),
    freemem: toNum(r.freemem),
    ha: ha ? compact({ managed: toBool(ha.managed), state: toStr(ha.state), group: toStr(ha.group) }) : undefined,
    raw: r,
  });
}

interface GuestConfigBase {
  /** The configuration as sent, for property strings (net0, scsi0, rootfs, mp0 …). */
  raw: Rec;
  /** SHA1 of the config file; pass it back as `digest` to refuse concurrent changes. */
  digest?: string;
  description?: string;
  tags?: string[];
  onboot?: boolean;
  protection?: boolean;
  template?: boolean;
  lock?: string;
  cores?: number;
  /** MiB. qemu sends an int (before 8.1) or a property string "2048" / "current=2048". */
  memory?: number;
  cpulimit?: number;
  cpuunits?: number;
  ostype?: string;
  startup?: string;
  parent?: string;
}

export interface QemuConfig extends GuestConfigBase {
  type: 'qemu';
  name?: string;
  sockets?: number;
  vcpus?: number;
  cpu?: string;
  /** MiB; 0 disables the balloon driver. */
  balloon?: number;
  agent?: string;
  boot?: string;
  bootdisk?: string;
  bios?: string;
  machine?: string;
  scsihw?: string;
  numa?: boolean;
  kvm?: boolean;
  acpi?: boolean;
  tablet?: boolean;
  vmgenid?: string;
  meta?: string;
}

export interface LxcConfig extends GuestConfigBase {
  type: 'lxc';
  hostname?: string;
  /** MiB. */
  swap?: number;
  arch?: string;
  unprivileged?: boolean;
  rootfs?: string;
  features?: string;
  nameserver?: string;
  searchdomain?: string;
  console?: boolean;
  tty?: number;
  cmode?: string;
  /** Raw `lxc.*` key/value pairs. */
  lxc?: [string, string][];
}

export type GuestConfig = QemuConfig | LxcConfig;

/** `2048`, `"2048"` or `"current=2048"` -> 2048. */
export function memoryMiB(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const m = /(?:^|,)(?:current=)?(\d+)(?:,|$)/.exec(value.trim());
    return m ? Number(m[1]) : undefined;
  }
  return toInt(value);
}

function configBase(r: Rec): Omit<GuestConfigBase, 'raw'> {
  return {
    digest: toStr(r.digest),
    description: toStr(r.description),
    tags: tagsOf(r.tags),
    onboot: toBool(r.onboot),
    protection: toBool(r.protection),
    template: toBool(r.template),
    lock: toStr(r.lock),
    cores: toInt(r.cores),
    memory: memoryMiB(r.memory),
    cpulimit: toNum(r.cpulimit),
    cpuunits: toInt(r.cpuunits),
    ostype: toStr(r.ostype),
    startup: toStr(r.startup),
    parent: toStr(r.parent),
  };
}

export function normalizeQemuConfig(data: unknown): QemuConfig {
  const r = asRecord(data, 'qemu config');
  return compact({
    type: 'qemu' as const,
    ...configBase(r),
    name: toStr(r.name),
    sockets: toInt(r.sockets),
    vcpus: toInt(r.vcpus),
    cpu: toStr(r.cpu),
    balloon: toInt(r.balloon),
    agent: toStr(r.agent),
    boot: toStr(r.boot),
    bootdisk: toStr(r.bootdisk),
    bios: toStr(r.bios),
    machine: toStr(r.machine),
    scsihw: toStr(r.scsihw),
    numa: toBool(r.numa),
    kvm: toBool(r.kvm),
    acpi: toBool(r.acpi),
    tablet: toBool(r.tablet),
    vmgenid: toStr(r.vmgenid),
    meta: toStr(r.meta),
    raw: r,
  });
}

export function normalizeLxcConfig(data: unknown): LxcConfig {
  const r = asRecord(data, 'lxc config');
  const lxc = Array.isArray(r.lxc)
    ? r.lxc
        .filter((pair): pair is unknown[] => Array.isArray(pair) && pair.length >= 2)
        .map((pair) => [toStr(pair[0]) ?? '', toStr(pair[1]) ?? ''] as [string, string])
    : undefined;
  return compact({
    type: 'lxc' as const,
    ...configBase(r),
    hostname: toStr(r.hostname),
    swap: toInt(r.swap),
    arch: toStr(r.arch),
    unprivileged: toBool(r.unprivileged),
    rootfs: toStr(r.rootfs),
    features: toStr(r.features),
    nameserver: toStr(r.nameserver),
    searchdomain: toStr(r.searchdomain),
    console: toBool(r.console),
    tty: toInt(r.tty),
    cmode: toStr(r.cmode),
    lxc,
    raw: r,
  });
}

/** A config value as a string (numbers stringified), e.g. a property string like `net0`. */
export function configString(config: GuestConfigBase, key: string): string | undefined {
  return toStr(config.raw[key]);
}

/** The numbered keys of one family in index order: indexedEntries(cfg, 'net') -> [['net0', '…'], …]. */
export function indexedEntries(config: GuestConfigBase, prefix: string): [string, string][] {
  const re = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\d+)$`);
  return Object.keys(config.raw)
    .map((key) => ({ key, m: re.exec(key) }))
    .filter((x): x is { key: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => Number(a.m[1]) - Number(b.m[1]))
    .map(({ key }) => [key, toStr(config.raw[key]) ?? ''] as [string, string])
    .filter(([, v]) => v !== '');
}

export interface Snapshot {
  /** `current` is PVE's marker for "now", listed with the snapshots. */
  name: string;
  description?: string;
  parent?: string;
  snaptime?: number;
  /** qemu: the snapshot includes RAM. */
  vmstate?: boolean;
  /** Only on `current`: the guest is running. */
  running?: boolean;
}

export function normalizeSnapshots(data: unknown): Snapshot[] {
  return asArray(data, 'snapshot list').map((item) => {
    const r = asRecord(item, 'snapshot');
    return compact({
      name: requiredString(r, 'name', 'snapshot'),
      description: toStr(r.description),
      parent: toStr(r.parent),
      snaptime: toInt(r.snaptime),
      vmstate: toBool(r.vmstate),
      running: toBool(r.running),
    });
  });
}

// ---- storage --------------------------------------------------------------------------------

export interface StorageStatus {
  storage: string;
  type: string;
  /** Allowed content types: images, rootdir, iso, vztmpl, backup, snippets, import. */
  content: string[];
  active?: boolean;
  enabled?: boolean;
  shared?: boolean;
  total?: number;
  used?: number;
  avail?: number;
  used_fraction?: number;
}

export function normalizeStorageList(data: unknown): StorageStatus[] {
  return asArray(data, 'storage list').map((item) => {
    const r = asRecord(item, 'storage');
    return compact({
      storage: requiredString(r, 'storage', 'storage entry'),
      type: toStr(r.type) ?? 'unknown',
      content: listOf(r.content, /[,;\s]+/) ?? [],
      active: toBool(r.active),
      enabled: toBool(r.enabled),
      shared: toBool(r.shared),
      total: toNum(r.total),
      used: toNum(r.used),
      avail: toNum(r.avail),
      used_fraction: toNum(r.used_fraction),
    });
  });
}

export interface StorageContentItem {
  volid: string;
  /** raw, qcow2, subvol, iso, tgz, pbs-vm, pbs-ct … */
  format?: string;
  /** images, rootdir, iso, vztmpl, backup, snippets, import. */
  content?: string;
  size?: number;
  used?: number;
  vmid?: number;
  ctime?: number;
  notes?: string;
  protected?: boolean;
  parent?: string;
  encrypted?: string;
  subtype?: string;
  verification?: { state?: string; upid?: string };
}

export function normalizeStorageContent(data: unknown): StorageContentItem[] {
  return asArray(data, 'storage content').map((item) => {
    const r = asRecord(item, 'storage content entry');
    const verification = subRecord(r.verification);
    return compact({
      volid: requiredString(r, 'volid', 'storage content entry'),
      format: toStr(r.format),
      content: toStr(r.content),
      size: toNum(r.size),
      used: toNum(r.used),
      vmid: toInt(r.vmid),
      ctime: toInt(r.ctime),
      notes: toStr(r.notes),
      protected: toBool(r.protected),
      parent: toStr(r.parent),
      encrypted: toStr(r.encrypted),
      subtype: toStr(r.subtype),
      verification: verification ? compact({ state: toStr(verification.state), upid: toStr(verification.upid) }) : undefined,
    });
  });
}

// ---- pools ----------------------------------------------------------------------------------

export interface Pool {
  poolid: string;
  comment?: string;
  /** Present when one pool was asked for. Members look like cluster resources. */
  members?: ClusterResource[];
}

export function normalizePool(item: unknown, poolid?: string): Pool {
  const r = asRecord(item, 'pool');
  const id = toStr(r.poolid) ?? poolid;
  if (id === undefined) throw protocolError("pool without 'poolid'", "a 'poolid' field");
  return compact({
    poolid: id,
    comment: toStr(r.comment),
    members: Array.isArray(r.members) ? r.members.map(normalizeClusterResource) : undefined,
  });
}

export function normalizePools(data: unknown): Pool[] {
  return asArray(data, 'pool list').map((item) => normalizePool(item));
}

// ---- tasks ----------------------------------------------------------------------------------

export interface TaskSummary {
  upid: string;
  node?: string;
  type?: string;
  /** The object the task works on (usually the vmid), may be empty. */
  id?: string;
  user?: string;
  tokenid?: string;
  pid?: number;
  pstart?: number;
  starttime?: number;
  endtime?: number;
  /** In task lists this is the exit text: `OK`, `WARNINGS: n`, an error message, or `RUNNING`. */
  status?: string;
  saved?: boolean;
}

function upidFields(upid: string): Partial<TaskSummary> {
  if (!isUpid(upid)) return {};
  const u = parseUpid(upid);
  return compact({ node: u.node, type: u.type, id: u.id, user: u.user, tokenid: u.tokenid, pid: u.pid, pstart: u.pstart, starttime: u.starttime });
}

export function normalizeTask(item: unknown): TaskSummary {
  const r = asRecord(item, 'task');
  const upid = requiredString(r, 'upid', 'task');
  const fromUpid = upidFields(upid);
  return compact({
    upid,
    node: toStr(r.node) ?? fromUpid.node,
    type: toStr(r.type) ?? fromUpid.type,
    id: toStr(r.id) ?? fromUpid.id,
    user: toStr(r.user) ?? fromUpid.user,
    tokenid: toStr(r.tokenid) ?? fromUpid.tokenid,
    pid: toInt(r.pid) ?? fromUpid.pid,
    pstart: toInt(r.pstart) ?? fromUpid.pstart,
    starttime: toInt(r.starttime) ?? fromUpid.starttime,
    endtime: toInt(r.endtime),
    status: toStr(r.status),
    saved: toBool(r.saved),
  });
}

export function normalizeTasks(data: unknown): TaskSummary[] {
  return asArray(data, 'task list').map(normalizeTask);
}

export interface TaskStatus {
  upid: string;
  node: string;
  /** `running` or `stopped` (anything else is not a state PVE reports; waitForTask treats it
   * as a protocol problem). */
  status: string;
  /** When stopped: `OK`, `WARNINGS: n`, the error message, or `unexpected status`. */
  exitstatus?: string;
  type?: string;
  id?: string;
  user?: string;
  tokenid?: string;
  pid?: number;
  pstart?: number;
  starttime?: number;
}

export function normalizeTaskStatus(data: unknown, fallbackNode?: string): TaskStatus {
  const task = normalizeTask(data);
  const r = asRecord(data, 'task status');
  const node = task.node ?? fallbackNode;
  if (node === undefined) throw protocolError("task status without 'node'", "a 'node' field");
  const status = requiredString(r, 'status', 'task status');
  return compact({ ...task, node, status, exitstatus: toStr(r.exitstatus), endtime: undefined, saved: undefined });
}

export interface TaskLogLine {
  /** Line number, counting from 1. */
  n: number;
  t: string;
}

export function normalizeTaskLog(data: unknown): TaskLogLine[] {
  return asArray(data, 'task log').map((item) => {
    const r = asRecord(item, 'task log line');
    const n = toInt(r.n);
    if (n === undefined) throw protocolError('task log line without a number', "an 'n' field");
    return { n, t: toStr(r.t) ?? '' };
  });
}

/** How PVE words the end of a task: OK and WARNINGS count as success. */
export function isTaskExitOk(exitstatus: string | undefined): boolean {
  return exitstatus === 'OK' || (exitstatus !== undefined && /^WARNINGS: \d+$/.test(exitstatus));
}
