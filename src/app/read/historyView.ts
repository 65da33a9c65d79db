// The recorded changes, as a log (newest first) and as drift: the net change of each guest and
// field since a point in time or a sync run (a value that changed and changed back is no drift).
import type { GuestType, HistoryEntry, HistoryEvent } from '../../db/model.js';
import { isoTime, parseDuration } from '../output/units.js';
import { ExitCode, UserError } from '../userError.js';

export type SinceSpec = { kind: 'run'; runId: number } | { kind: 'time'; at: number };

/** `42` or `#42` (a sync run id), `30m`/`2h`/`1d` (a duration back from now), or an ISO
 * date/time (`2025-01-05`, `2025-01-05T10:00`). */
export function parseSince(text: string, now: number): SinceSpec {
  const run = /^#?(\d+)$/.exec(text.trim());
  if (run) return { kind: 'run', runId: Number(run[1]) };
  const ms = parseDuration(text);
  if (ms !== undefined) return { kind: 'time', at: now - ms };
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim())) {
    const at = Date.parse(text.trim().replace(' ', 'T'));
    if (Number.isFinite(at)) return { kind: 'time', at };
  }
  throw new UserError(`--since '${text}' is neither a sync run id (42), a duration (30m, 2h, 1d) nor a date (2025-01-05T10:00)`, ExitCode.usage);
}

export const HISTORY_EVENTS: readonly HistoryEvent[] = ['created', 'deleted', 'moved', 'status', 'config'];

export function parseEvents(value: string | undefined): Set<HistoryEvent> | undefined {
  if (value === undefined) return undefined;
  const wanted = value
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== '');
  const unknown = wanted.filter((v) => !(HISTORY_EVENTS as readonly string[]).includes(v));
  if (unknown.length) throw new UserError(`--event ${unknown.join(',')}: choose from ${HISTORY_EVENTS.join(', ')}`, ExitCode.usage);
  return new Set(wanted as HistoryEvent[]);
}

/** Oldest first; ties in recording order. */
function chronological(a: HistoryEntry, b: HistoryEntry): number {
  return a.at - b.at || a.syncRunId - b.syncRunId;
}

export function newestFirst(entries: readonly HistoryEntry[]): HistoryEntry[] {
  return [...entries].sort((a, b) => chronological(b, a));
}

export interface DriftEntry {
  type: GuestType;
  vmid: number;
  event: HistoryEvent;
  field?: string;
  /** The value before the first change in the window. */
  old?: string;
  /** The value after the last one. */
  new?: string;
  /** How many recorded changes this sums up. */
  changes: number;
  firstAt: number;
  lastAt: number;
}

/** Net changes per guest: created (and still there), deleted (and not re-created), and per
 * field the first old value against the last new one, dropped when they are equal. A guest
 * created and deleted within the window leaves nothing. Ordered by guest, then event. */
export function computeDrift(entries: readonly HistoryEntry[]): DriftEntry[] {
  const byGuest = new Map<string, HistoryEntry[]>();
  for (const e of [...entries].sort(chronological)) {
    const k = `${e.type}/${e.vmid}`;
    const list = byGuest.get(k);
    if (list) list.push(e);
    else byGuest.set(k, [e]);
  }
  const out: DriftEntry[] = [];
  for (const list of byGuest.values()) {
    const lifecycle = list.filter((e) => e.event === 'created' || e.event === 'deleted');
    const first = lifecycle[0];
    const last = lifecycle[lifecycle.length - 1];
    const summary = (event: HistoryEvent, group: HistoryEntry[]): DriftEntry => {
      const a = group[0]!;
      const z = group[group.length - 1]!;
      const d: DriftEntry = { type: a.type, vmid: a.vmid, event, changes: group.length, firstAt: a.at, lastAt: z.at };
      if (a.field !== undefined) d.field = a.field;
      if (a.old !== undefined) d.old = a.old;
      if (z.new !== undefined) d.new = z.new;
      return d;
    };
    if (first && last) {
      const existedBefore = first.event === 'deleted';
      const existsNow = last.event === 'created';
      if (existedBefore && !existsNow) {
        out.push(summary('deleted', lifecycle));
        continue;
      }
      if (!existedBefore && existsNow) {
        out.push(summary('created', lifecycle));
        continue;
      }
      if (!existedBefore && !existsNow) continue; // created and deleted within the window
      // Deleted and re-created (a vmid reused): a different guest now; both events.
      out.push(summary('deleted', [first]));
      out.push(summary('created', [last]));
      continue;
    }
    const groups = new Map<string, HistoryEntry[]>();
    for (const e of list) {
      const k = `${e.event}\u0000${e.field ?? ''}`;
      const g = groups.get(k);
      if (g) g.push(e);
      else groups.set(k, [e]);
    }
    for (const group of groups.values()) {
      const d = summary(group[0]!.event, group);
      if (d.old === d.new) continue;
      out.push(d);
    }
  }
  const order = (e: HistoryEvent): number => HISTORY_EVENTS.indexOf(e);
  return out.sort((a, b) => a.vmid - b.vmid || a.type.localeCompare(b.type) || order(a.event) - order(b.event) || (a.field ?? '').localeCompare(b.field ?? ''));
}

export interface DriftRecord {
  type: GuestType;
  vmid: number;
  guest: string | null;
  event: HistoryEvent;
  field: string | null;
  old: string | null;
  new: string | null;
  changes: number;
  firstAt: string | null;
  lastAt: string | null;
}

export function driftRecord(d: DriftEntry, guestName: string | undefined): DriftRecord {
  return {
    type: d.type,
    vmid: d.vmid,
    guest: guestName ?? null,
    event: d.event,
    field: d.field ?? null,
    old: d.old ?? null,
    new: d.new ?? null,
    changes: d.changes,
    firstAt: isoTime(d.firstAt),
    lastAt: isoTime(d.lastAt),
  };
}
