// `describe vm|ct`: everything the cache knows about one guest, as a document (JSON/YAML) and
// as text for people: identity and status, resources, parsed config (disks, NICs, boot order,
// agent...), the snapshot tree, recent tasks and recorded changes.
import { guestKey, type GuestRow, type GuestType, type HistoryEntry, type SnapshotRow, type TaskRow } from '../../db/model.js';
import { safeText } from '../../util/terminalText.js';
import { renderTable, type TableColumn } from '../output/table.js';
import { formatBytes, formatDateTime, formatDuration, formatPercent, formatUsage, formatWhen, isoTime } from '../output/units.js';
import type { ReadContext } from './context.js';
import { parseGuestConfig, type DiskInfo, type NicInfo, type OptionValue, type UnusedInfo } from './guestConfig.js';
import { guestRecord, historyRecord, taskDuration, taskRecord, taskState, type GuestRecord, type HistoryRecord, type TaskRecord } from './records.js';
import type { OperationLogEntry } from '../../db/operationLog.js';
import { GUEST_OPERATION_HEADERS, guestOperationCells, operationRecord, type OperationRecord } from './operationsView.js';

export const DESCRIBE_TASKS = 10;
export const DESCRIBE_HISTORY = 20;

export interface DescribedSnapshot {
  name: string;
  parent: string | null;
  description: string | null;
  takenAt: string | null;
  vmstate: boolean;
}

export interface GuestDescription extends GuestRecord {
  description: string | null;
  /** Null until the sync has fetched the config. */
  config: Record<string, string | number> | null;
  configDigest: string | null;
  disks: DiskInfo[];
  nics: NicInfo[];
  unused: UnusedInfo[];
  boot: string[] | null;
  configErrors: string[];
  snapshots: DescribedSnapshot[];
  /** The snapshot the current state derives from (`parent` in the config). */
  currentSnapshot: string | null;
  tasks: TaskRecord[];
  history: HistoryRecord[];
  /** Operations proxmox-mpc ran (or refused) on this guest, newest first. */
  operations: OperationRecord[];
}

/** What the text view needs beyond the document. */
export interface DescribeView {
  doc: GuestDescription;
  guest: GuestRow;
  other: Array<{ key: string; value: string }>;
  snapshots: SnapshotRow[];
  tasks: TaskRow[];
  history: HistoryEntry[];
  operations: OperationLogEntry[];
}

function sortedConfig(config: Record<string, string | number> | undefined): Record<string, string | number> | null {
  if (!config) return null;
  const out: Record<string, string | number> = {};
  for (const key of Object.keys(config).sort()) out[key] = config[key]!;
  return out;
}

/** Tasks read per guest at first; all of them only when too few of those are the guest's. */
const TASK_WINDOW = 200;

/** Creating a guest under a vmid (clones and migrations carry the source's vmid). */
const CREATE_TASKS: Record<GuestType, ReadonlySet<string>> = { qemu: new Set(['qmcreate', 'qmrestore']), lxc: new Set(['vzcreate', 'vzrestore']) };
const DESTROY_TASKS: ReadonlySet<string> = new Set(['qmdestroy', 'vzdestroy']);

/** The guest type a task type belongs to: `qm*` qemu, `vz*` lxc, except vzdump (a backup of
 * either, its id the vmid); HA tasks (`ha*`) and anything else may concern either type. */
export function taskGuestType(taskType: string): GuestType | undefined {
  if (taskType === 'vzdump') return undefined;
  if (taskType.startsWith('qm')) return 'qemu';
  if (taskType.startsWith('vz')) return 'lxc';
  return undefined;
}

/** The newest tasks of this guest, newest first, among `tasks` (any order): those about its
 * vmid of its type or of no particular type and, when the history knows when the guest was
 * created (`createdAt`, epoch ms: when a sync first saw it), none of an earlier guest that had
 * the vmid. The guest's life starts with its create/restore task when the cache has it, else
 * right after the vmid's last destroy task, else when the sync saw it appear. */
export function selectGuestTasks(tasks: readonly TaskRow[], guest: Pick<GuestRow, 'type' | 'vmid'>, createdAt?: number, limit = DESCRIBE_TASKS): TaskRow[] {
  const id = String(guest.vmid);
  let mine = tasks.filter((t) => t.id === id && (taskGuestType(t.type) ?? guest.type) === guest.type);
  if (createdAt !== undefined) {
    const seen = Math.floor(createdAt / 1000);
    const before = tasks.filter((t) => t.id === id && t.starttime <= seen);
    const destroy = newest(before.filter((t) => DESTROY_TASKS.has(t.type) && !failed(t)));
    const create = newest(before.filter((t) => CREATE_TASKS[guest.type].has(t.type) && !failed(t) && (destroy === undefined || t.starttime >= destroy.starttime)));
    if (create) mine = mine.filter((t) => t.starttime >= create.starttime);
    else if (destroy) mine = mine.filter((t) => t.upid !== destroy.upid && t.starttime >= (destroy.endtime ?? destroy.starttime));
    else mine = mine.filter((t) => t.starttime >= seen);
  }
  return mine.sort((a, b) => b.starttime - a.starttime || (a.upid < b.upid ? 1 : a.upid > b.upid ? -1 : 0)).slice(0, limit);
}

/** Finished with an error (a failed create or destroy changed nothing). */
const failed = (t: TaskRow): boolean => taskState(t) === 'error';

function newest(tasks: readonly TaskRow[]): TaskRow | undefined {
  let best: TaskRow | undefined;
  for (const t of tasks) if (best === undefined || t.starttime > best.starttime) best = t;
  return best;
}

/** When a sync first saw this guest (its newest `created` entry), if the history recorded it:
 * not for the guests of the first sync, which imported what existed. `recent` is the newest
 * DESCRIBE_HISTORY entries; the rest is read only when they do not tell. */
function createdAt(ctx: ReadContext, guest: GuestRow, recent: readonly HistoryEntry[]): number | undefined {
  const newestCreated = (entries: readonly HistoryEntry[]): number | undefined => {
    let at: number | undefined;
    for (const h of entries) if (h.event === 'created' && h.type === guest.type && h.vmid === guest.vmid && (at === undefined || h.at > at)) at = h.at;
    return at;
  };
  const found = newestCreated(recent);
  if (found !== undefined || recent.length < DESCRIBE_HISTORY) return found;
  return newestCreated(ctx.cache.history(ctx.profile.id, { key: guestKey(guest.type, guest.vmid) }));
}

function guestTasks(ctx: ReadContext, guest: GuestRow, at: number | undefined): TaskRow[] {
  const window = ctx.cache.tasks(ctx.profile.id, { vmid: guest.vmid, limit: TASK_WINDOW });
  const shown = selectGuestTasks(window, guest, at);
  if (shown.length >= DESCRIBE_TASKS || window.length < TASK_WINDOW) return shown;
  return selectGuestTasks(ctx.cache.tasks(ctx.profile.id, { vmid: guest.vmid }), guest, at);
}

export function describeGuest(ctx: ReadContext, guest: GuestRow): DescribeView {
  const pid = ctx.profile.id;
  const key = guestKey(guest.type, guest.vmid);
  const recent = ctx.cache.history(pid, { key, limit: DESCRIBE_HISTORY }).filter((h) => h.type === guest.type && h.vmid === guest.vmid);
  const tasks = guestTasks(ctx, guest, createdAt(ctx, guest, recent));
  const operations = ctx.cache.operations(pid, { key, limit: DESCRIBE_HISTORY });
  return describeView(guest, { snapshots: ctx.cache.snapshots(pid, key), tasks, history: recent, operations }, ctx.now);
}

/** The description of a guest from what the cache holds about it: its snapshots, its tasks
 * (already selected, newest first) and its recorded history (any order; the newest
 * `historyLimit` are kept). */
export function describeView(
  guest: GuestRow,
  raw: { snapshots: readonly SnapshotRow[]; tasks: readonly TaskRow[]; history: readonly HistoryEntry[]; operations?: readonly OperationLogEntry[] },
  now: number,
  historyLimit = DESCRIBE_HISTORY,
): DescribeView {
  const parsed = parseGuestConfig(guest);
  const snapshots = raw.snapshots
    .filter((s) => s.name !== 'current')
    .sort((a, b) => (a.snaptime ?? 0) - (b.snaptime ?? 0) || a.name.localeCompare(b.name));
  const history = raw.history
    .filter((h) => h.type === guest.type && h.vmid === guest.vmid)
    .sort((a, b) => b.at - a.at)
    .slice(0, historyLimit);
  const tasks = [...raw.tasks];
  const operations = (raw.operations ?? [])
    .filter((o) => o.type === guest.type && o.vmid === guest.vmid)
    .sort((a, b) => b.startedAt - a.startedAt)
    .slice(0, historyLimit);
  const config = guest.config;
  const parent = config?.parent;
  const description = config?.description;
  const doc: GuestDescription = {
    ...guestRecord(guest),
    description: description === undefined || description === '' ? null : String(description),
    config: sortedConfig(config),
    configDigest: guest.configDigest ?? null,
    disks: parsed.disks,
    nics: parsed.nics,
    unused: parsed.unused,
    boot: parsed.boot,
    configErrors: parsed.errors,
    snapshots: snapshots.map((s) => ({
      name: s.name,
      parent: s.parent ?? null,
      description: s.description === undefined || s.description === '' ? null : s.description,
      takenAt: s.snaptime === undefined ? null : isoTime(s.snaptime * 1000),
      vmstate: s.vmstate,
    })),
    currentSnapshot: typeof parent === 'string' && parent !== '' ? parent : null,
    tasks: tasks.map((t) => taskRecord(t, now)),
    history: history.map((h) => historyRecord(h, guest.name)),
    operations: operations.map(operationRecord),
  };
  return { doc, guest, other: parsed.other, snapshots, tasks, history, operations };
}

// ---------------------------------------------------------------------------------------------
// Text

function fields(rows: Array<[string, string | undefined]>, indent = ''): string[] {
  const shown = rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '').map(([k, v]): [string, string] => [safeText(k), v]);
  const width = Math.max(0, ...shown.map(([k]) => k.length)) + 2;
  const lines: string[] = [];
  for (const [k, v] of shown) {
    // Multi-line values (a description) continue under the value column.
    const parts = v.split('\n').map(safeText);
    lines.push(`${indent}${`${k}:`.padEnd(width)}${parts[0]}`);
    for (const p of parts.slice(1)) lines.push(`${indent}${' '.repeat(width)}${p}`);
  }
  return lines;
}

function section(title: string, body: string[]): string[] {
  return body.length ? ['', `${title}:`, ...body] : [];
}

function indentTable(columns: TableColumn[], rows: string[][], width: number): string[] {
  return renderTable(columns, rows, { width: Math.max(20, width - 2) })
    .trimEnd()
    .split('\n')
    .map((l) => `  ${l}`);
}

function optionsText(options: Record<string, OptionValue>): string {
  const parts = Object.entries(options).map(([k, v]) => (v === true ? k : v === false ? `${k}=0` : `${k}=${v}`));
  return parts.length ? parts.join(', ') : '-';
}

function statusLine(g: GuestRow): string {
  const parts = [g.template ? 'template' : g.status];
  if (g.status === 'running' && g.uptime) parts.push(`up ${formatDuration(g.uptime)}`);
  return parts.join(', ');
}

function resourceLines(g: GuestRow): string[] {
  const running = g.status === 'running';
  const cpus = g.maxcpu === undefined ? undefined : `${g.maxcpu} vCPU${g.maxcpu === 1 ? '' : 's'}`;
  const cpu = running && g.cpu !== undefined ? `${formatPercent(g.cpu)}${cpus ? ` of ${cpus}` : ''}` : cpus;
  const mem = running ? `${formatUsage(g.mem, g.maxmem)}${g.maxmem && g.mem !== undefined ? ` (${formatPercent(g.mem / g.maxmem)})` : ''}` : formatBytes(g.maxmem);
  const disk = g.type === 'lxc' && running && g.disk ? formatUsage(g.disk, g.maxdisk) : formatBytes(g.maxdisk);
  const io = running && (g.diskread || g.diskwrite) ? `read ${formatBytes(g.diskread ?? 0)}, written ${formatBytes(g.diskwrite ?? 0)}` : undefined;
  const net = running && (g.netin || g.netout) ? `in ${formatBytes(g.netin ?? 0)}, out ${formatBytes(g.netout ?? 0)}` : undefined;
  return fields(
    [
      ['CPU', cpu],
      ['Memory', mem === '-' ? undefined : mem],
      ['Disk', disk === '-' ? undefined : disk],
      ['Disk I/O', io],
      ['Network', net],
    ],
    '  ',
  );
}

interface TreeNode {
  label: string;
  children: TreeNode[];
}

/** Snapshots as a tree by parent, oldest first, with `NOW` under the snapshot the current
 * state derives from. */
export function snapshotTree(snapshots: readonly SnapshotRow[], current: string | null, now: number): string[] {
  const byName = new Map(snapshots.map((s) => [s.name, s]));
  const nodes = new Map<string, TreeNode>();
  for (const s of snapshots) {
    const when = s.snaptime === undefined ? '' : `  ${formatWhen(s.snaptime * 1000, now)}`;
    const ram = s.vmstate ? '  (with RAM)' : '';
    const desc = s.description ? `  ${safeText(s.description.split('\n')[0]!)}` : '';
    nodes.set(s.name, { label: `${safeText(s.name)}${when}${ram}${desc}`, children: [] });
  }
  const roots: TreeNode[] = [];
  for (const s of snapshots) {
    const node = nodes.get(s.name)!;
    const parent = s.parent !== undefined && s.parent !== s.name ? nodes.get(s.parent) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const nowNode: TreeNode = { label: 'NOW (current state)', children: [] };
  const currentNode = current !== null && byName.has(current) ? nodes.get(current) : undefined;
  (currentNode ? currentNode.children : roots).push(nowNode);

  const lines: string[] = [];
  const seen = new Set<TreeNode>();
  const walk = (node: TreeNode, prefix: string, last: boolean, top: boolean): void => {
    if (seen.has(node)) return; // a parent loop in a broken config
    seen.add(node);
    lines.push(`  ${top ? '' : prefix + (last ? '└─ ' : '├─ ')}${node.label}`);
    const childPrefix = top ? '' : prefix + (last ? '   ' : '│  ');
    node.children.forEach((c, i) => walk(c, childPrefix, i === node.children.length - 1, false));
  };
  roots.forEach((r, i) => walk(r, '', i === roots.length - 1, true));
  return lines;
}

export function historyChange(e: Pick<HistoryEntry, 'event' | 'old' | 'new'>): string {
  if (e.event === 'created') return e.new !== undefined ? `created (${e.new})` : 'created';
  if (e.event === 'deleted') return e.old !== undefined ? `deleted (was ${e.old})` : 'deleted';
  return `${e.old ?? '(unset)'} -> ${e.new ?? '(unset)'}`;
}

/** The description's text in sections, as the console's detail tabs show them. */
export interface DescriptionSections {
  summary: string[];
  /** General config options (boot order and every key not shown as a disk or NIC). */
  config: string[];
  /** Disks, unused volumes, NICs and config entries that could not be read. */
  hardware: string[];
  snapshots: string[];
  tasks: string[];
  history: string[];
}

export function describeSections(view: DescribeView, now: number, width: number): DescriptionSections {
  const { guest: g, doc } = view;
  const summary = [
    ...fields([
      ['Name', g.name || '-'],
      ['VMID', String(g.vmid)],
      ['Type', g.type === 'qemu' ? 'qemu (VM)' : 'lxc (container)'],
      ['Node', g.node],
      ['Status', statusLine(g)],
      ['Lock', g.lock],
      ['HA', g.hastate],
      ['Pool', g.pool],
      ['Tags', g.tags.join(', ')],
      ['Description', doc.description ?? undefined],
    ]),
    ...section('Resources', resourceLines(g)),
  ];

  const config: string[] = [];
  const hardware: string[] = [];
  if (!g.config) {
    config.push('', 'Config:', '  not in the cache yet (the next sync fetches it)');
  } else {
    const general: Array<[string, string | undefined]> = [];
    if (doc.boot) general.push(['boot', doc.boot.length ? doc.boot.join(', ') : '(nothing)']);
    for (const { key, value } of view.other) general.push([key, value]);
    config.push(...section('Config', fields(general, '  ')));

    const diskRows = doc.disks.map((d) => [
      d.key,
      d.role,
      d.storage ?? '-',
      d.storage && d.volume.startsWith(`${d.storage}:`) ? d.volume.slice(d.storage.length + 1) : d.volume,
      d.size === null ? '-' : formatBytes(d.size),
      ...(g.type === 'lxc' ? [d.mountpoint ?? '-'] : []),
      optionsText(d.options),
    ]);
    const diskCols: TableColumn[] = [
      { header: 'KEY' },
      { header: 'ROLE' },
      { header: 'STORAGE' },
      { header: 'VOLUME', flex: true },
      { header: 'SIZE', align: 'right' },
      ...(g.type === 'lxc' ? [{ header: 'MOUNT', flex: true }] : []),
      { header: 'OPTIONS', flex: true },
    ];
    if (diskRows.length) hardware.push(...section('Disks', indentTable(diskCols, diskRows, width)));
    if (doc.unused.length) hardware.push(...section('Unused volumes', fields(doc.unused.map((u) => [u.key, u.volume]), '  ')));

    const nicRows = doc.nics.map((n) => [
      n.key,
      ...(g.type === 'lxc' ? [n.name ?? '-'] : [n.model ?? '-']),
      n.mac ?? '-',
      n.bridge ?? '-',
      n.vlan === null ? '-' : String(n.vlan),
      n.firewall ? 'yes' : 'no',
      [n.ip, n.gateway ? `gw ${n.gateway}` : null, n.ip6, n.gateway6 ? `gw6 ${n.gateway6}` : null].filter((x) => x !== null).join(' ') || '-',
      [n.linkDown ? 'link down' : null, Object.keys(n.options).length ? optionsText(n.options) : null].filter((x) => x !== null).join(', ') || '-',
    ]);
    const nicCols: TableColumn[] = [
      { header: 'KEY' },
      { header: g.type === 'lxc' ? 'NAME' : 'MODEL' },
      { header: 'MAC' },
      { header: 'BRIDGE' },
      { header: 'VLAN', align: 'right' },
      { header: 'FIREWALL' },
      { header: 'IP', flex: true },
      { header: 'OPTIONS', flex: true },
    ];
    if (nicRows.length) hardware.push(...section('Network', indentTable(nicCols, nicRows, width)));
    if (doc.configErrors.length) hardware.push(...section('Unreadable config', doc.configErrors.map((e) => `  ${safeText(e)}`)));
  }

  const snapshots = section('Snapshots', view.snapshots.length ? snapshotTree(view.snapshots, doc.currentSnapshot, now) : ['  none']);

  const taskRows = view.tasks.map((t) => [formatWhen(t.starttime * 1000, now), t.type, t.user, formatDuration(taskDuration(t, now)), t.status ?? 'running']);
  const tasks = section(
    'Recent tasks',
    taskRows.length ? indentTable([{ header: 'STARTED' }, { header: 'TYPE' }, { header: 'USER', flex: true }, { header: 'DURATION', align: 'right' }, { header: 'STATUS', flex: true }], taskRows, width) : ['  none in the cache'],
  );

  const historyRows = view.history.map((h) => [formatDateTime(h.at), h.event, h.field ?? '-', historyChange(h)]);
  const history = section(
    'History',
    historyRows.length ? indentTable([{ header: 'TIME' }, { header: 'EVENT' }, { header: 'FIELD' }, { header: 'CHANGE', flex: true, minWidth: 12 }], historyRows, width) : ['  no recorded changes'],
  );
  // What proxmox-mpc did to the guest (the changes above are what syncs saw, whoever did it).
  if (view.operations.length) {
    const columns: TableColumn[] = GUEST_OPERATION_HEADERS.map((header) => (header === 'MESSAGE' ? { header, flex: true, minWidth: 12 } : header === 'TOOK' ? { header, align: 'right' as const } : { header }));
    history.push(...section('Operations', indentTable(columns, view.operations.map(guestOperationCells), width)));
  }
  return { summary, config, hardware, snapshots, tasks, history };
}

export function formatGuestDescription(view: DescribeView, ctx: Pick<ReadContext, 'now'>, width: number): string {
  const s = describeSections(view, ctx.now, width);
  return `${[...s.summary, ...s.config, ...s.hardware, ...s.snapshots, ...s.tasks, ...s.history].join('\n')}\n`;
}
