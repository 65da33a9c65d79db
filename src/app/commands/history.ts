// `proxmox-mpc history [vmid|name]`: the changes the syncs recorded, newest first; with
// --since, the drift since then (net change per guest and field).
import { guestKey, type GuestKey, type HistoryEntry } from '../../db/model.js';
import { openReadContext, type ReadContext, type ReadOptions } from '../read/context.js';
import { historyChange } from '../read/describeGuest.js';
import { findGuest } from '../read/guestLookup.js';
import { computeDrift, driftRecord, newestFirst, parseEvents, parseSince, type SinceSpec } from '../read/historyView.js';
import { historyRecord } from '../read/records.js';
import { isDataFormat, readFormat, type ReadFormat } from '../output/format.js';
import { serialize } from '../output/serialize.js';
import { renderTable, terminalWidth, type TableColumn } from '../output/table.js';
import { formatAge, formatDateTime, formatWhen } from '../output/units.js';
import { ExitCode, UserError } from '../userError.js';

export interface HistoryOptions extends ReadOptions {
  since?: string;
  /** With --since: every recorded change instead of the net drift. */
  all?: boolean;
  event?: string;
  limit?: number;
  headers?: boolean;
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
  key?: GuestKey;
  label: string;
}

function resolveTarget(ctx: ReadContext, ref: string): Target {
  if (/^\d+$/.test(ref)) {
    const vmid = Number(ref);
    for (const t of ['qemu', 'lxc'] as const) {
      if (ctx.cache.guest(ctx.profile.id, guestKey(t, vmid))) return { vmid, key: guestKey(t, vmid), label: String(vmid) };
    }
    // Perhaps deleted: its history is still there.
    return { vmid, label: String(vmid) };
  }
  const g = findGuest(ctx, undefined, ref);
  return { vmid: g.vmid, key: guestKey(g.type, g.vmid), label: `${g.vmid}` };
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

/** The names of the guests the entries are about: one lookup each when they are few, one
 * list of every guest when they are many. */
function guestNames(ctx: ReadContext, entries: readonly HistoryEntry[]): Map<string, string> {
  const names = new Map<string, string>();
  const keys = new Set(entries.map((e) => guestKey(e.type, e.vmid)));
  if (keys.size <= 200) {
    for (const key of keys) {
      const g = ctx.cache.guest(ctx.profile.id, key);
      if (g) names.set(key, g.name);
    }
  } else {
    for (const g of ctx.cache.guests(ctx.profile.id, { withConfig: false })) names.set(guestKey(g.type, g.vmid), g.name);
  }
  return names;
}

export async function runHistory(ref: string | undefined, opts: HistoryOptions, io: HistoryIo = defaultIo()): Promise<void> {
  const format = readFormat(opts.output);
  const events = parseEvents(opts.event);
  if (opts.all && opts.since === undefined) throw new UserError('--all only applies with --since (without it, every change is listed anyway)', ExitCode.usage);
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

export function renderHistory(ctx: ReadContext, ref: string | undefined, opts: HistoryOptions, format: ReadFormat, io: Omit<HistoryIo, 'open'>, events = parseEvents(opts.event)): void {
  const pid = ctx.profile.id;
  const target = ref !== undefined ? resolveTarget(ctx, ref) : undefined;
  const since = opts.since !== undefined ? parseSince(opts.since, ctx.now) : undefined;
  const sinceText = since ? sinceDescription(ctx, since) : undefined;
  const drift = since !== undefined && !opts.all;
  const limit = limitFor(opts, format);

  const filter: { key?: GuestKey; sinceRunId?: number; since?: number; limit?: number } = {};
  if (target?.key) filter.key = target.key;
  if (since?.kind === 'run') filter.sinceRunId = since.runId;
  if (since?.kind === 'time') filter.since = since.at;
  // Drift needs every entry in the window; a log needs one more than it shows (to say so).
  if (!drift && limit !== undefined && !events && !(target && !target.key)) filter.limit = limit + 1;
  let entries = ctx.cache.history(pid, filter).filter((e) => {
    if (target && e.vmid !== target.vmid) return false;
    if (since?.kind === 'run' && e.syncRunId <= since.runId) return false;
    if (since?.kind === 'time' && e.at <= since.at) return false;
    return events === undefined || events.has(e.event);
  });

  if (target && entries.length === 0 && !target.key) {
    throw new UserError(`no guest ${target.vmid} and no recorded changes for it in the cache of profile ${ctx.profileName} (${ctx.syncedAgo()}); try --refresh`, ExitCode.notFound);
  }

  const names = guestNames(ctx, entries);
  // A guest no longer in the cache: its name as the history recorded it (a deletion's old
  // value, a creation's new one).
  for (const e of entries) {
    const k = `${e.type}/${e.vmid}`;
    if (names.has(k)) continue;
    const recorded = e.event === 'deleted' ? e.old : e.event === 'created' ? e.new : undefined;
    if (recorded !== undefined) names.set(k, recorded);
  }
  const nameOf = (e: Pick<HistoryEntry, 'type' | 'vmid'>): string | undefined => names.get(`${e.type}/${e.vmid}`);
  const width = terminalWidth(io.stdout, io.env);
  const headers = opts.headers !== false;
  const what = target ? ` for ${target.label}` : '';

  if (drift) {
    let rows = computeDrift(entries);
    if (limit !== undefined && opts.limit !== undefined) rows = rows.slice(0, limit);
    if (isDataFormat(format)) {
      io.stdout.write(serialize(rows.map((d) => driftRecord(d, nameOf(d))), format));
      return;
    }
    if (rows.length === 0) {
      io.stderr.write(`proxmox-mpc: no changes${what} ${sinceText} in the cache of profile ${ctx.profileName} (${ctx.syncedAgo()})\n`);
      return;
    }
    io.stderr.write(`Changes${what} ${sinceText}, net of changes that were undone:\n`);
    const columns: TableColumn[] = [
      { header: 'GUEST', align: 'right' },
      { header: 'NAME', flex: true, minWidth: 8 },
      ...(format === 'wide' ? [{ header: 'TYPE' }] : []),
      { header: 'EVENT' },
      { header: 'FIELD' },
      { header: 'CHANGE', flex: true, minWidth: 12 },
      { header: 'CHANGES', align: 'right' },
      { header: 'LAST' },
    ];
    const cells = rows.map((d) => [
      String(d.vmid),
      nameOf(d) ?? '-',
      ...(format === 'wide' ? [d.type] : []),
      d.event,
      d.field ?? '-',
      historyChange(d),
      String(d.changes),
      format === 'wide' ? formatDateTime(d.lastAt) : formatWhen(d.lastAt, ctx.now),
    ]);
    io.stdout.write(renderTable(columns, cells, { width, headers }));
    return;
  }

  entries = newestFirst(entries);
  const more = limit !== undefined && entries.length > limit;
  if (limit !== undefined) entries = entries.slice(0, limit);
  if (isDataFormat(format)) {
    io.stdout.write(serialize(entries.map((e) => historyRecord(e, nameOf(e))), format));
    return;
  }
  if (entries.length === 0) {
    io.stderr.write(`proxmox-mpc: no recorded changes${what}${sinceText ? ` ${sinceText}` : ''} in the cache of profile ${ctx.profileName} (${ctx.syncedAgo()})\n`);
    return;
  }
  const columns: TableColumn[] = [
    { header: 'TIME' },
    ...(format === 'wide' ? [{ header: 'RUN', align: 'right' as const }] : []),
    { header: 'GUEST', align: 'right' },
    { header: 'NAME', flex: true, minWidth: 8 },
    ...(format === 'wide' ? [{ header: 'TYPE' }] : []),
    { header: 'EVENT' },
    { header: 'FIELD' },
    { header: 'CHANGE', flex: true, minWidth: 12 },
  ];
  const cells = entries.map((e) => [
    formatDateTime(e.at),
    ...(format === 'wide' ? [String(e.syncRunId)] : []),
    String(e.vmid),
    nameOf(e) ?? '-',
    ...(format === 'wide' ? [e.type] : []),
    e.event,
    e.field ?? '-',
    historyChange(e),
  ]);
  io.stdout.write(renderTable(columns, cells, { width, headers }));
  if (more) io.stderr.write(`proxmox-mpc: showing the newest ${limit} changes; --limit N shows more (0 for all)\n`);
}

