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

// ---------------------------------------------------------------------------------------------
// Node outages: when a node stops answering, the sync sees every guest on it as `unknown`, and
// the history records `running -> unknown` for each, then `unknown -> running` when it is
// back. The views show each such wave as one line per node (`--all` and JSON/YAML: each row).

/** At least this many guests of one node going unknown (or coming back) in one sync run make
 * a node outage. One guest alone is shown as it is (it could be that guest). */
export const OUTAGE_MIN_GUESTS = 2;

export interface NodeOutage {
  node: string;
  /** unreachable: guests went from a status to unknown; back: from unknown to a status. */
  phase: 'unreachable' | 'back';
  syncRunId: number;
  at: number;
  /** The status entries it stands for, by vmid. */
  entries: HistoryEntry[];
}

export type HistoryLogRow = { kind: 'change'; entry: HistoryEntry } | { kind: 'outage'; outage: NodeOutage };

const UNKNOWN = 'unknown';
const wentUnknown = (e: HistoryEntry): boolean => e.event === 'status' && e.new === UNKNOWN && e.old !== UNKNOWN;
const cameBack = (e: HistoryEntry): boolean => e.event === 'status' && e.old === UNKNOWN && e.new !== UNKNOWN;
const keyOf = (e: Pick<HistoryEntry, 'type' | 'vmid'>): string => `${e.type}/${e.vmid}`;

/** The node a guest was on when an entry was recorded (before that sync run's changes): the
 * old node of its first later move among `entries`, else its node now (`current`, by
 * `qemu/100`). Unknown when it was deleted or created again later, or is gone. `entries` must
 * hold every entry of the runs from the oldest one asked about to the newest. */
export function nodeLocator(entries: readonly HistoryEntry[], current: ReadonlyMap<string, string>): (e: HistoryEntry) => string | undefined {
  const later = new Map<string, HistoryEntry[]>();
  for (const e of [...entries].sort(chronological)) {
    if (e.event !== 'moved' && e.event !== 'created' && e.event !== 'deleted') continue;
    const list = later.get(keyOf(e));
    if (list) list.push(e);
    else later.set(keyOf(e), [e]);
  }
  return (e) => {
    for (const m of later.get(keyOf(e)) ?? []) {
      if (m.event === 'moved' && m.syncRunId >= e.syncRunId) return m.old;
      if (m.event !== 'moved' && m.syncRunId > e.syncRunId) return undefined;
    }
    return current.get(keyOf(e));
  };
}

/** The log rows, newest first: the status entries of a node outage (OUTAGE_MIN_GUESTS or more
 * guests of one node going unknown in one sync run) as one row, and their return (the next
 * status entry of each of those guests, from unknown, grouped by run and node) as another;
 * every other entry as itself. `nodeOf` tells the node of an entry's guest at the time. */
export function collapseNodeOutages(entries: readonly HistoryEntry[], nodeOf: (e: HistoryEntry) => string | undefined, minGuests = OUTAGE_MIN_GUESTS): HistoryLogRow[] {
  const sorted = [...entries].sort(chronological);
  // Each guest's status entries in order: a return pairs with the outage just before it.
  const pairedDown = new Map<HistoryEntry, HistoryEntry>();
  const lastStatus = new Map<string, HistoryEntry>();
  for (const e of sorted) {
    if (e.event !== 'status') continue;
    const prev = lastStatus.get(keyOf(e));
    if (prev && wentUnknown(prev) && cameBack(e)) pairedDown.set(e, prev);
    lastStatus.set(keyOf(e), e);
  }
  const nodes = new Map<HistoryEntry, string>();
  const group = (pick: (e: HistoryEntry) => boolean, node: (e: HistoryEntry) => string | undefined): Map<string, HistoryEntry[]> => {
    const groups = new Map<string, HistoryEntry[]>();
    for (const e of sorted) {
      if (!pick(e)) continue;
      const n = node(e);
      if (n === undefined) continue;
      nodes.set(e, n);
      const k = `${e.syncRunId}\u0000${n}`;
      const g = groups.get(k);
      if (g) g.push(e);
      else groups.set(k, [e]);
    }
    return groups;
  };
  const outages: NodeOutage[] = [];
  const collapsed = new Set<HistoryEntry>();
  const take = (phase: NodeOutage['phase'], g: HistoryEntry[]): void => {
    const first = g[0]!;
    outages.push({ node: nodes.get(first)!, phase, syncRunId: first.syncRunId, at: g.reduce((max, e) => Math.max(max, e.at), -Infinity), entries: [...g].sort((a, b) => a.vmid - b.vmid || a.type.localeCompare(b.type)) });
    for (const e of g) collapsed.add(e);
  };
  for (const g of group(wentUnknown, nodeOf).values()) if (g.length >= minGuests) take('unreachable', g);
  const backNode = (e: HistoryEntry): string | undefined => {
    const down = pairedDown.get(e);
    return (down && nodes.get(down)) ?? nodeOf(e);
  };
  for (const g of group(cameBack, backNode).values()) {
    if (g.length >= minGuests || g.every((e) => collapsed.has(pairedDown.get(e)!))) take('back', g);
  }

  const rows: Array<{ at: number; run: number; row: HistoryLogRow }> = [];
  for (const o of outages) rows.push({ at: o.at, run: o.syncRunId, row: { kind: 'outage', outage: o } });
  for (const e of sorted) if (!collapsed.has(e)) rows.push({ at: e.at, run: e.syncRunId, row: { kind: 'change', entry: e } });
  // Newest first; a stable sort keeps the order within one time and run.
  return rows.sort((a, b) => b.at - a.at || b.run - a.run).map((r) => r.row);
}

export interface DriftOutage {
  node: string;
  phase: NodeOutage['phase'];
  lastAt: number;
  /** The guests' status drift it stands for, by vmid. */
  entries: DriftEntry[];
}

export type DriftRow = { kind: 'change'; drift: DriftEntry } | { kind: 'outage'; outage: DriftOutage };

/** Drift rows: the guests of one node whose status drifted to unknown (or from unknown) at the
 * same moment (one sync run), OUTAGE_MIN_GUESTS or more, as one row where the first of them
 * was; everything else as itself. `nodeOf` tells a guest's node. */
export function collapseDriftOutages(rows: readonly DriftEntry[], nodeOf: (d: DriftEntry) => string | undefined, minGuests = OUTAGE_MIN_GUESTS): DriftRow[] {
  const phaseOf = (d: DriftEntry): NodeOutage['phase'] | undefined =>
    d.event !== 'status' ? undefined : d.new === UNKNOWN && d.old !== UNKNOWN ? 'unreachable' : d.old === UNKNOWN && d.new !== UNKNOWN ? 'back' : undefined;
  const groups = new Map<string, DriftOutage>();
  const groupOf = new Map<DriftEntry, DriftOutage>();
  for (const d of rows) {
    const phase = phaseOf(d);
    const node = phase && nodeOf(d);
    if (phase === undefined || node === undefined) continue;
    const k = `${phase}\u0000${node}\u0000${d.lastAt}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { node, phase, lastAt: d.lastAt, entries: [] }));
    g.entries.push(d);
    groupOf.set(d, g);
  }
  const out: DriftRow[] = [];
  const shown = new Set<DriftOutage>();
  for (const d of rows) {
    const g = groupOf.get(d);
    if (!g || g.entries.length < minGuests) out.push({ kind: 'change', drift: d });
    else if (!shown.has(g)) {
      shown.add(g);
      out.push({ kind: 'outage', outage: g });
    }
  }
  return out;
}

/** `pve3 unreachable: 12 guests unknown`, `pve3 back: 12 guests running`, `pve3 back: 3
 * guests (2 running, 1 stopped)`. */
export function outageText(o: { node: string; phase: NodeOutage['phase']; entries: ReadonlyArray<Pick<HistoryEntry, 'new'>> }): string {
  const n = o.entries.length;
  const guests = `${n} guest${n === 1 ? '' : 's'}`;
  if (o.phase === 'unreachable') return `${o.node} unreachable: ${guests} ${UNKNOWN}`;
  const counts = new Map<string, number>();
  for (const e of o.entries) counts.set(e.new ?? '(unset)', (counts.get(e.new ?? '(unset)') ?? 0) + 1);
  if (counts.size === 1) return `${o.node} back: ${guests} ${[...counts.keys()][0]}`;
  const parts = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([status, c]) => `${c} ${status}`);
  return `${o.node} back: ${guests} (${parts.join(', ')})`;
}
