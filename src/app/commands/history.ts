// `proxmox-mpc history [vmid|name]`: the changes the syncs recorded, newest first; with
// --since, the drift since then (net change per guest and field).
import { guestKey, type GuestKey, type GuestType, type HistoryEntry } from '../../db/model.js';
import { openReadContext, type ReadContext, type ReadOptions } from '../read/context.js';
import { historyChange } from '../read/describeGuest.js';
import { findGuest, guestNoun } from '../read/guestLookup.js';
import {
  collapseDriftOutages,
  collapseNodeOutages,
  computeDrift,
  driftRecord,
  newestFirst,
  nodeLocator,
  outageText,
  parseEvents,
  parseSince,
  type DriftRow,
  type HistoryLogRow,
  type SinceSpec,
} from '../read/historyView.js';
import { historyRecord } from '../read/records.js';
import { isDataFormat, readFormat, type ReadFormat } from '../output/format.js';
import { serialize } from '../output/serialize.js';
import { renderTable, terminalWidth, type TableColumn } from '../output/table.js';
import { formatAge, formatDateTime, formatWhen } from '../output/units.js';
import { ExitCode, UserError } from '../userError.js';
import { safeText } from '../../util/terminalText.js';
import type { OperationLogEntry } from '../../db/operationLog.js';
import { byText, operationRecord, tookText } from '../read/operationsView.js';

export interface HistoryOptions extends ReadOptions {
  since?: string;
  /** Every recorded change as its own row: with --since instead of the net drift, and without
   * summing up the guests of an unreachable node into one line per node. */
  all?: boolean;
  /** qemu (vm) or lxc (ct): only that type's history (`100` alone shows both). */
  type?: string;
  event?: string;
  limit?: number;
  headers?: boolean;
  /** The operations run on guests (from the CLI and the console) instead of the changes. */
  ops?: boolean;
  /** --ops: a text the operation's action, guest, outcome, risk, user, message or UPID holds. */
  grep?: string;
  /** --ops: comma-separated outcomes. */
  outcome?: string;
  /** --ops: comma-separated risks. */
  risk?: string;
}

const OUTCOMES = ['done', 'failed', 'refused', 'skipped'];
const RISKS = ['low', 'medium', 'high', 'critical'];

/** A comma-separated list of known words, or a usage error naming the flag. */
function wordList(flag: string, text: string | undefined, known: readonly string[]): Set<string> | undefined {
  if (text === undefined) return undefined;
  const words = text.split(',').map((w) => w.trim().toLowerCase()).filter(Boolean);
  const bad = words.find((w) => !known.includes(w));
  if (bad !== undefined || words.length === 0) throw new UserError(`--${flag} '${safeText(bad ?? text)}': use ${known.join(', ')} (comma-separated)`, ExitCode.usage);
  return new Set(words);
}

/** The operations --grep, --outcome and --risk keep. */
function operationMatcher(opts: HistoryOptions): ((e: OperationLogEntry) => boolean) | undefined {
  const outcomes = wordList('outcome', opts.outcome, OUTCOMES);
  const risks = wordList('risk', opts.risk, RISKS);
  const text = opts.grep?.toLowerCase();
  if (!outcomes && !risks && text === undefined) return undefined;
  return (e) =>
    (!outcomes || outcomes.has(e.outcome)) &&
    (!risks || (e.risk !== undefined && risks.has(e.risk))) &&
    (text === undefined || [e.action, e.name, String(e.vmid), e.node, e.outcome, e.risk, e.user, e.message, e.upid ?? ''].some((v) => (v ?? '').toLowerCase().includes(text)));
}

export interface HistoryIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  open: (opts: ReadOptions) => Promise<ReadContext>;
}

const defaultIo = (): HistoryIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env, open: (opts) => openReadContext(opts) });

/** Without --limit, a table shows this many of the newest changes (JSON/YAML show all). */
export const DEFAULT_TABLE_LIMIT = 100;

interface Target {
  vmid: number;
  /** Whose history: one guest, or for a bare vmid both types (a deleted VM 100 and the
   * container 100 that came after it are different guests). */
  keys: GuestKey[];
  /** More than one type possible: each row says its type. */
  anyType: boolean;
  label: string;
}

const TYPE_NAMES: Record<string, GuestType> = { qemu: 'qemu', vm: 'qemu', lxc: 'lxc', ct: 'lxc' };

/** `--type`: qemu (vm) or lxc (ct). */
export function parseHistoryType(value: string | undefined): GuestType | undefined {
  if (value === undefined) return undefined;
  const type = TYPE_NAMES[value.trim().toLowerCase()];
  if (type === undefined) throw new UserError(`--type ${safeText(value)}: use qemu (vm) or lxc (ct)`, ExitCode.usage);
  return type;
}

/** `100` (either type), `qemu/100` or `ct/100` (one type; --type too), or a name. */
function resolveTarget(ctx: ReadContext, ref: string, type: GuestType | undefined): Target {
  const typed = /^([a-z]+)\/(.+)$/i.exec(ref);
  if (typed) {
    const refType = TYPE_NAMES[typed[1]!.toLowerCase()];
    if (refType === undefined) throw new UserError(`'${safeText(ref)}': write the guest as 100, qemu/100 (vm/100) or lxc/100 (ct/100), or a name`, ExitCode.usage);
    if (type !== undefined && type !== refType) throw new UserError(`'${safeText(ref)}' is a ${refType} guest but --type asks for ${type}: drop one of them`, ExitCode.usage);
    type = refType;
    ref = typed[2]!;
  }
  if (/^\d+$/.test(ref)) {
    const vmid = Number(ref);
    if (type) return { vmid, keys: [guestKey(type, vmid)], anyType: false, label: guestKey(type, vmid) };
    return { vmid, keys: [guestKey('qemu', vmid), guestKey('lxc', vmid)], anyType: true, label: String(vmid) };
  }
  const g = findGuest(ctx, type, ref);
  return { vmid: g.vmid, keys: [guestKey(g.type, g.vmid)], anyType: false, label: `${g.vmid}` };
}

/** Whether the cache knows this guest at all: it is there, or has a recorded change. */
function known(ctx: ReadContext, key: GuestKey): boolean {
  return ctx.cache.guest(ctx.profile.id, key) !== undefined || ctx.cache.history(ctx.profile.id, { key, limit: 1 }).length > 0;
}

function notFound(ctx: ReadContext, target: Target): UserError {
  const where = `in the cache of profile ${ctx.profileName} (${ctx.syncedAgo()})`;
  if (target.anyType) return new UserError(`no guest ${target.vmid} and no recorded changes for it ${where}; try --refresh`, ExitCode.notFound);
  const type = target.keys[0]!.startsWith('qemu/') ? 'qemu' : 'lxc';
  const other: GuestType = type === 'qemu' ? 'lxc' : 'qemu';
  const hint = known(ctx, guestKey(other, target.vmid)) ? `; ${target.vmid} is a ${guestNoun(other)}: proxmox-mpc history ${other}/${target.vmid}` : '; try --refresh';
  return new UserError(`no ${guestNoun(type)} ${target.vmid} and no recorded changes for it ${where}${hint}`, ExitCode.notFound);
}

function sinceDescription(ctx: ReadContext, since: SinceSpec): string {
  if (since.kind === 'time') return `since ${formatDateTime(since.at)} (${formatAge(ctx.now - since.at)} ago)`;
  const newest = ctx.cache.syncRuns(ctx.profile.id, 1)[0]?.id ?? 0;
  // Run ids only grow: run N is among the newest (newest - N + 1) runs, if it is still there.
  const window = Math.min(100_000, Math.max(1, newest - since.runId + 1));
  const run = since.runId <= newest ? ctx.cache.syncRuns(ctx.profile.id, window).find((r) => r.id === since.runId) : undefined;
  if (!run && since.runId > newest) {
    throw new UserError(`no sync run ${since.runId} in the cache of profile ${ctx.profileName}${newest ? ` (the newest is ${newest})` : ''}`, ExitCode.notFound);
  }
  const at = run ? (run.finishedAt ?? run.startedAt) : undefined;
  return `since sync run ${since.runId}${at !== undefined ? ` (${formatDateTime(at)})` : ''}`;
}

interface GuestInfo {
  name: string;
  node?: string;
}

/** The names (and nodes) of the guests the entries are about: one lookup each when they are
 * few, one list of every guest when they are many; a guest no longer in the cache by the name
 * its history recorded (a deletion's old value, a creation's new one). */
function guestInfo(ctx: ReadContext, entries: readonly HistoryEntry[]): Map<string, GuestInfo> {
  const info = new Map<string, GuestInfo>();
  const keys = new Set(entries.map((e) => guestKey(e.type, e.vmid)));
  if (keys.size <= 200) {
    for (const key of keys) {
      const g = ctx.cache.guest(ctx.profile.id, key);
      if (g) info.set(key, { name: g.name, node: g.node });
    }
  } else {
    for (const g of ctx.cache.guests(ctx.profile.id, { withConfig: false })) info.set(guestKey(g.type, g.vmid), { name: g.name, node: g.node });
  }
  for (const e of newestFirst(entries)) {
    const k = guestKey(e.type, e.vmid);
    if (info.has(k)) continue;
    const recorded = e.event === 'deleted' ? e.old : e.event === 'created' ? e.new : undefined;
    if (recorded !== undefined) info.set(k, { name: recorded });
  }
  return info;
}

export async function runHistory(ref: string | undefined, opts: HistoryOptions, io: HistoryIo = defaultIo()): Promise<void> {
  const format = readFormat(opts.output);
  const events = parseEvents(opts.event);
  parseHistoryType(opts.type);
  const startedAt = Date.now();
  // Parse early for usage errors; the real "now" comes from the context.
  if (opts.since !== undefined) parseSince(opts.since, startedAt);

  const ctx = await io.open(opts);
  try {
    renderHistory(ctx, ref, opts, format, io, events);
  } finally {
    ctx.close();
  }
}

function limitFor(opts: HistoryOptions, format: ReadFormat): number | undefined {
  if (opts.limit !== undefined) return opts.limit === 0 ? undefined : opts.limit;
  return isDataFormat(format) ? undefined : DEFAULT_TABLE_LIMIT;
}

const involvesUnknown = (e: HistoryEntry): boolean => e.event === 'status' && (e.old === 'unknown' || e.new === 'unknown');

type HistoryFilter = { key?: GuestKey; sinceRunId?: number; since?: number; limit?: number };

export function renderHistory(ctx: ReadContext, ref: string | undefined, opts: HistoryOptions, format: ReadFormat, io: Omit<HistoryIo, 'open'>, events = parseEvents(opts.event)): void {
  if (opts.ops) {
    renderOperations(ctx, ref, opts, format, io);
    return;
  }
  const opsOnly = (['grep', 'outcome', 'risk'] as const).find((k) => opts[k] !== undefined);
  if (opsOnly !== undefined) throw new UserError(`--${opsOnly} searches the operations: add --ops`, ExitCode.usage);
  const pid = ctx.profile.id;
  const type = parseHistoryType(opts.type);
  const target = ref !== undefined ? resolveTarget(ctx, ref, type) : undefined;
  const since = opts.since !== undefined ? parseSince(opts.since, ctx.now) : undefined;
  const sinceText = since ? sinceDescription(ctx, since) : undefined;
  const drift = since !== undefined && !opts.all;
  const limit = limitFor(opts, format);
  // Tables show a node outage as one line per node (--all: every row; JSON/YAML: always).
  const summarise = !isDataFormat(format) && !opts.all && target === undefined && (events === undefined || events.has('status'));

  const base: HistoryFilter = {};
  if (since?.kind === 'run') base.sinceRunId = since.runId;
  if (since?.kind === 'time') base.since = since.at;
  const inWindow = (e: HistoryEntry): boolean => !(since?.kind === 'run' && e.syncRunId <= since.runId) && !(since?.kind === 'time' && e.at <= since.at);
  const wanted = (e: HistoryEntry): boolean => (events === undefined || events.has(e.event)) && (type === undefined || e.type === type);
  /** The newest `n` entries in the window (all when undefined), of every event: per guest key
   * for a target, merged. */
  const read = (n: number | undefined, extra: HistoryFilter = {}): HistoryEntry[] => {
    const filters: HistoryFilter[] = (target ? target.keys.map((key) => ({ key })) : [{}]).map((f) => ({ ...base, ...f, ...extra, ...(n === undefined ? {} : { limit: n }) }));
    const all = filters.flatMap((f) => ctx.cache.history(pid, f)).filter(inWindow);
    return filters.length > 1 ? newestFirst(all).slice(0, n) : all;
  };
  // The database can keep the newest N only when every entry it returns is shown.
  const clientSide = events !== undefined || (type !== undefined && target === undefined);
  const fetchLimit = !drift && limit !== undefined && !clientSide ? limit + 1 : undefined;

  let raw: HistoryEntry[];
  let info: Map<string, GuestInfo> | undefined;
  let logRows: HistoryLogRow[] | undefined;
  if (drift || !summarise) {
    raw = read(fetchLimit);
  } else {
    // Outages are whole sync runs: read the newest entries, then every entry of the runs
    // they reach into, and more when summing up leaves fewer rows than the table shows.
    let n = fetchLimit;
    for (;;) {
      raw = read(n);
      const cut = n !== undefined && raw.length >= n;
      if (!raw.some(involvesUnknown)) {
        logRows = undefined; // nothing to sum up
        break;
      }
      if (cut) raw = read(undefined, { sinceRunId: raw.reduce((min, e) => Math.min(min, e.syncRunId), Infinity) - 1 });
      info = guestInfo(ctx, raw);
      const current = new Map<string, string>();
      for (const [k, g] of info) if (g.node !== undefined) current.set(k, g.node);
      logRows = collapseNodeOutages(raw.filter(wanted), nodeLocator(raw, current));
      if (!cut || limit === undefined || logRows.length > limit) break;
      n = Math.max(n! * 4, raw.length + 1);
    }
  }
  let entries = raw.filter(wanted);

  if (target && entries.length === 0 && !target.keys.some((k) => known(ctx, k))) throw notFound(ctx, target);

  info ??= guestInfo(ctx, entries);
  const names = info;
  const nameOf = (e: Pick<HistoryEntry, 'type' | 'vmid'>): string | undefined => names.get(`${e.type}/${e.vmid}`)?.name;
  // The first few guests of a node outage, by name (the count is in CHANGE).
  const namesOf = (list: ReadonlyArray<Pick<HistoryEntry, 'type' | 'vmid'>>): string => {
    const shown = list.slice(0, 3).map((e) => nameOf(e) || String(e.vmid));
    return `${shown.join(', ')}${list.length > shown.length ? ` +${list.length - shown.length}` : ''}`;
  };
  const typesOf = (list: ReadonlyArray<Pick<HistoryEntry, 'type'>>): string => [...new Set(list.map((e) => e.type))].sort().join(',');
  const width = terminalWidth(io.stdout, io.env);
  const headers = opts.headers !== false;
  const what = target ? ` for ${target.label}` : '';
  const showType = format === 'wide' || target?.anyType === true;
  const summedUp = (n: number): void => {
    if (n > 0) io.stderr.write(`proxmox-mpc: the status changes of ${n} guest${n === 1 ? '' : 's'} on unreachable nodes are one line per node and sync; --all lists each\n`);
  };

  if (drift) {
    let changes = computeDrift(entries);
    if (limit !== undefined && opts.limit !== undefined) changes = changes.slice(0, limit);
    if (isDataFormat(format)) {
      io.stdout.write(serialize(changes.map((d) => driftRecord(d, nameOf(d))), format));
      return;
    }
    if (changes.length === 0) {
      io.stderr.write(`proxmox-mpc: no changes${what} ${sinceText} in the cache of profile ${ctx.profileName} (${ctx.syncedAgo()})\n`);
      return;
    }
    const rows: DriftRow[] = summarise ? collapseDriftOutages(changes, (d) => names.get(`${d.type}/${d.vmid}`)?.node) : changes.map((d) => ({ kind: 'change', drift: d }));
    io.stderr.write(`Changes${what} ${sinceText}, net of changes that were undone:\n`);
    const columns: TableColumn[] = [
      { header: 'GUEST', align: 'right' },
      { header: 'NAME', flex: true, minWidth: 8 },
      ...(showType ? [{ header: 'TYPE' }] : []),
      { header: 'EVENT' },
      { header: 'FIELD' },
      { header: 'CHANGE', flex: true, minWidth: 12 },
      { header: 'CHANGES', align: 'right' },
      { header: 'LAST' },
    ];
    const last = (at: number): string => (format === 'wide' ? formatDateTime(at) : formatWhen(at, ctx.now));
    const cells = rows.map((r) => {
      if (r.kind === 'outage') {
        const o = r.outage;
        const n = o.entries.reduce((sum, d) => sum + d.changes, 0);
        return ['-', namesOf(o.entries), ...(showType ? [typesOf(o.entries)] : []), 'status', 'status', outageText(o), String(n), last(o.lastAt)];
      }
      const d = r.drift;
      return [String(d.vmid), nameOf(d) ?? '-', ...(showType ? [d.type] : []), d.event, d.field ?? '-', historyChange(d), String(d.changes), last(d.lastAt)];
    });
    io.stdout.write(renderTable(columns, cells, { width, headers }));
    summedUp(rows.reduce((sum, r) => sum + (r.kind === 'outage' ? r.outage.entries.length : 0), 0));
    return;
  }

  entries = newestFirst(entries);
  if (isDataFormat(format)) {
    if (limit !== undefined) entries = entries.slice(0, limit);
    io.stdout.write(serialize(entries.map((e) => historyRecord(e, nameOf(e))), format));
    return;
  }
  let rows: HistoryLogRow[] = logRows ?? entries.map((entry) => ({ kind: 'change', entry }));
  const more = limit !== undefined && rows.length > limit;
  if (limit !== undefined) rows = rows.slice(0, limit);
  if (rows.length === 0) {
    io.stderr.write(`proxmox-mpc: no recorded changes${what}${sinceText ? ` ${sinceText}` : ''} in the cache of profile ${ctx.profileName} (${ctx.syncedAgo()})\n`);
    opsHint(ctx, target, io);
    return;
  }
  const columns: TableColumn[] = [
    { header: 'TIME' },
    ...(format === 'wide' ? [{ header: 'RUN', align: 'right' as const }] : []),
    { header: 'GUEST', align: 'right' },
    { header: 'NAME', flex: true, minWidth: 8 },
    ...(showType ? [{ header: 'TYPE' }] : []),
    { header: 'EVENT' },
    { header: 'FIELD' },
    { header: 'CHANGE', flex: true, minWidth: 12 },
  ];
  const cells = rows.map((r) => {
    if (r.kind === 'outage') {
      const o = r.outage;
      return [formatDateTime(o.at), ...(format === 'wide' ? [String(o.syncRunId)] : []), '-', namesOf(o.entries), ...(showType ? [typesOf(o.entries)] : []), 'status', 'status', outageText(o)];
    }
    const e = r.entry;
    return [formatDateTime(e.at), ...(format === 'wide' ? [String(e.syncRunId)] : []), String(e.vmid), nameOf(e) ?? '-', ...(showType ? [e.type] : []), e.event, e.field ?? '-', historyChange(e)];
  });
  io.stdout.write(renderTable(columns, cells, { width, headers }));
  if (more) io.stderr.write(`proxmox-mpc: showing the newest ${limit} changes; --limit N shows more (0 for all)\n`);
  summedUp(rows.reduce((sum, r) => sum + (r.kind === 'outage' ? r.outage.entries.length : 0), 0));
  opsHint(ctx, target, io);
}

/** A word when operations were recorded too (they have a view of their own). */
function opsHint(ctx: ReadContext, target: Target | undefined, io: Omit<HistoryIo, 'open'>): void {
  const any = target ? target.keys.some((key) => ctx.cache.operations(ctx.profile.id, { key, limit: 1 }).length > 0) : ctx.cache.operations(ctx.profile.id, { limit: 1 }).length > 0;
  if (any) io.stderr.write(`proxmox-mpc: operations run on ${target ? 'this guest' : 'guests'} are recorded too: proxmox-mpc history${target ? ` ${target.label}` : ''} --ops\n`);
}

/** `history --ops`: the operations run on guests, newest first (the changes' options that make
 * no sense for them are refused). */
function renderOperations(ctx: ReadContext, ref: string | undefined, opts: HistoryOptions, format: ReadFormat, io: Omit<HistoryIo, 'open'>): void {
  if (opts.event !== undefined) throw new UserError('--event chooses among recorded changes; --ops lists operations: drop one of them', ExitCode.usage);
  const type = parseHistoryType(opts.type);
  const target = ref !== undefined ? resolveTarget(ctx, ref, type) : undefined;
  const since = opts.since !== undefined ? parseSince(opts.since, ctx.now) : undefined;
  if (since?.kind === 'run') throw new UserError(`--since ${safeText(opts.since!)}: operations are not recorded by sync runs; give a duration (30m, 2h, 1d) or a date`, ExitCode.usage);
  const limit = limitFor(opts, format);
  const matches = operationMatcher(opts);
  // Filters applied here: the database's limit would cut before them.
  const filter = { ...(since ? { since: since.at } : {}), ...(limit !== undefined && type === undefined && !matches ? { limit: limit + 1 } : {}) };
  let entries: OperationLogEntry[] = (target ? target.keys.flatMap((key) => ctx.cache.operations(ctx.profile.id, { ...filter, key })) : ctx.cache.operations(ctx.profile.id, filter))
    .filter((e) => (type === undefined || e.type === type) && (!matches || matches(e)))
    .sort((a, b) => b.startedAt - a.startedAt || (b.id ?? 0) - (a.id ?? 0));
  const more = limit !== undefined && entries.length > limit;
  if (limit !== undefined) entries = entries.slice(0, limit);
  if (isDataFormat(format)) {
    io.stdout.write(serialize(entries.map(operationRecord), format));
    return;
  }
  const what = target ? ` on ${target.label}` : '';
  const sinceText = since?.kind === 'time' ? ` since ${formatDateTime(since.at)}` : '';
  if (entries.length === 0) {
    io.stderr.write(`proxmox-mpc: no recorded operations${what}${sinceText} in the cache of profile ${ctx.profileName}\n`);
    return;
  }
  const wide = format === 'wide';
  const showType = wide || target?.anyType === true;
  const columns: TableColumn[] = [
    { header: 'TIME' },
    { header: 'GUEST', align: 'right' },
    { header: 'NAME', flex: true, minWidth: 8 },
    ...(showType ? [{ header: 'TYPE' }] : []),
    ...(wide ? [{ header: 'NODE' }] : []),
    { header: 'ACTION' },
    { header: 'RISK' },
    { header: 'OUTCOME' },
    { header: 'BY' },
    { header: 'TOOK', align: 'right' },
    { header: 'MESSAGE', flex: true, minWidth: 12 },
    ...(wide ? [{ header: 'UPID' }] : []),
  ];
  const cells = entries.map((e) => [
    formatDateTime(e.startedAt),
    String(e.vmid),
    safeText(e.name) || '-',
    ...(showType ? [e.type] : []),
    ...(wide ? [safeText(e.node)] : []),
    safeText(e.action),
    e.risk ?? '-',
    e.outcome,
    byText(e),
    tookText(e),
    safeText(e.message) || '-',
    ...(wide ? [e.upid ? safeText(e.upid) : '-'] : []),
  ]);
  io.stdout.write(renderTable(columns, cells, { width: terminalWidth(io.stdout, io.env), headers: opts.headers !== false }));
  if (more) io.stderr.write(`proxmox-mpc: showing the newest ${limit} operations; --limit N shows more (0 for all)\n`);
}
