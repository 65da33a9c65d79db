import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../db/model.js';
import { collapseDriftOutages, collapseNodeOutages, computeDrift, nodeLocator, outageText, parseEvents, parseSince, type HistoryLogRow } from './historyView.js';

const NOW = Date.UTC(2025, 0, 5, 12, 0, 0);

describe('parseSince', () => {
  it('reads sync run ids, durations and dates', () => {
    expect(parseSince('42', NOW)).toEqual({ kind: 'run', runId: 42 });
    expect(parseSince('#7', NOW)).toEqual({ kind: 'run', runId: 7 });
    expect(parseSince('30m', NOW)).toEqual({ kind: 'time', at: NOW - 30 * 60_000 });
    expect(parseSince('1d', NOW)).toEqual({ kind: 'time', at: NOW - 86_400_000 });
    expect(parseSince('2025-01-05T10:00:00Z', NOW)).toEqual({ kind: 'time', at: Date.UTC(2025, 0, 5, 10) });
    expect(parseSince('2025-01-04', NOW)).toEqual({ kind: 'time', at: Date.UTC(2025, 0, 4) });
  });
  it('refuses anything else with a usage error', () => {
    expect(() => parseSince('yesterday', NOW)).toThrow(/neither a sync run id \(42\), a duration \(30m, 2h, 1d\) nor a date/);
    expect(() => parseSince('5', NOW)).not.toThrow();
  });
});

describe('parseEvents', () => {
  it('accepts the history events, comma-separated', () => {
    expect(parseEvents('config, status')).toEqual(new Set(['config', 'status']));
    expect(parseEvents(undefined)).toBeUndefined();
    expect(() => parseEvents('config,renamed')).toThrow(/--event renamed: choose from created, deleted, moved, status, config/);
  });
});

let t = 0;
const e = (vmid: number, event: HistoryEntry['event'], field?: string, old?: string, value?: string, run = 1): HistoryEntry => {
  const entry: HistoryEntry = { at: NOW + ++t * 1000, type: vmid >= 200 ? 'lxc' : 'qemu', vmid, event, syncRunId: run };
  if (field !== undefined) entry.field = field;
  if (old !== undefined) entry.old = old;
  if (value !== undefined) entry.new = value;
  return entry;
};

describe('computeDrift', () => {
  it('keeps the first old and the last new value of each field, with the count', () => {
    const drift = computeDrift([e(100, 'config', 'memory', '2048', '4096'), e(100, 'config', 'memory', '4096', '8192'), e(100, 'config', 'cores', '2', '4')]);
    expect(drift.map((d) => [d.vmid, d.event, d.field, d.old, d.new, d.changes])).toEqual([
      [100, 'config', 'cores', '2', '4', 1],
      [100, 'config', 'memory', '2048', '8192', 2],
    ]);
  });
  it('drops a change that was undone', () => {
    const drift = computeDrift([e(101, 'status', 'status', 'running', 'stopped'), e(101, 'status', 'status', 'stopped', 'running'), e(102, 'moved', 'node', 'pve1', 'pve2'), e(102, 'moved', 'node', 'pve2', 'pve1')]);
    expect(drift).toEqual([]);
  });
  it('treats unset values as unset (adding a key is drift, adding and removing it is not)', () => {
    expect(computeDrift([e(100, 'config', 'onboot', undefined, '1')]).map((d) => [d.old, d.new])).toEqual([[undefined, '1']]);
    expect(computeDrift([e(100, 'config', 'onboot', undefined, '1'), e(100, 'config', 'onboot', '1', undefined)])).toEqual([]);
  });
  it('a created guest is one entry (its later changes are part of it); created and deleted is nothing', () => {
    const drift = computeDrift([e(200, 'created', undefined, undefined, 'ct'), e(200, 'status', 'status', 'stopped', 'running'), e(201, 'created', undefined, undefined, 'tmp'), e(201, 'deleted', undefined, 'tmp')]);
    expect(drift.map((d) => [d.vmid, d.event, d.new, d.changes])).toEqual([[200, 'created', 'ct', 1]]);
  });
  it('a deleted guest is one entry; deleted and re-created shows both', () => {
    const drift = computeDrift([e(103, 'status', 'status', 'running', 'stopped'), e(103, 'deleted', undefined, 'old-vm'), e(104, 'deleted', undefined, 'a'), e(104, 'created', undefined, undefined, 'b')]);
    expect(drift.map((d) => [d.vmid, d.event, d.old ?? d.new, d.changes])).toEqual([
      [103, 'deleted', 'old-vm', 1],
      [104, 'created', 'b', 1],
      [104, 'deleted', 'a', 1],
    ]);
  });
  it('orders by guest, then event, then field', () => {
    const drift = computeDrift([e(105, 'config', 'name', 'a', 'b'), e(100, 'status', 'status', 'stopped', 'running'), e(100, 'config', 'cores', '1', '2'), e(100, 'moved', 'node', 'pve1', 'pve2')]);
    expect(drift.map((d) => `${d.vmid} ${d.event} ${d.field}`)).toEqual(['100 moved node', '100 status status', '100 config cores', '105 config name']);
  });
});

describe('node outages', () => {
  const at = (run: number): number => NOW + run * 60_000;
  const status = (vmid: number, run: number, old: string, value: string): HistoryEntry => ({ at: at(run), type: 'qemu', vmid, event: 'status', field: 'status', old, new: value, syncRunId: run });
  const moved = (vmid: number, run: number, old: string, value: string): HistoryEntry => ({ at: at(run), type: 'qemu', vmid, event: 'moved', field: 'node', old, new: value, syncRunId: run });
  const show = (rows: HistoryLogRow[]): string[] =>
    rows.map((r) => (r.kind === 'outage' ? `${r.outage.syncRunId} ${outageText(r.outage)} [${r.outage.entries.map((e) => e.vmid).join(',')}]` : `${r.entry.syncRunId} ${r.entry.vmid} ${r.entry.old}->${r.entry.new}`));

  it('nodeLocator: the node before the first later move, else the node now; unknown for a guest gone', () => {
    const entries = [status(1, 2, 'running', 'unknown'), moved(1, 3, 'pve3', 'pve1'), status(1, 3, 'unknown', 'running'), status(2, 2, 'running', 'unknown'), { at: at(4), type: 'qemu' as const, vmid: 2, event: 'deleted' as const, old: 'b', syncRunId: 4 }];
    const nodeOf = nodeLocator(entries, new Map([['qemu/1', 'pve1']]));
    expect(nodeOf(entries[0]!)).toBe('pve3');
    expect(nodeOf(entries[2]!)).toBe('pve3');
    expect(nodeOf(entries[3]!)).toBeUndefined();
    expect(nodeOf(status(1, 4, 'running', 'stopped'))).toBe('pve1');
  });

  it('groups a node\'s guests per run; one guest alone stays a row, unless it returns from a summed-up outage', () => {
    const entries = [
      status(1, 2, 'running', 'unknown'),
      status(2, 2, 'stopped', 'unknown'),
      status(3, 2, 'running', 'unknown'), // another node, alone
      status(1, 3, 'unknown', 'running'),
      status(2, 4, 'unknown', 'stopped'), // came back a run later, alone
      status(3, 3, 'unknown', 'running'),
      status(4, 3, 'running', 'stopped'),
    ];
    const nodes = new Map([
      [1, 'pve3'],
      [2, 'pve3'],
      [3, 'pve2'],
      [4, 'pve3'],
    ]);
    expect(show(collapseNodeOutages(entries, (e) => nodes.get(e.vmid)))).toEqual([
      '4 pve3 back: 1 guest stopped [2]',
      '3 pve3 back: 1 guest running [1]',
      '3 3 unknown->running',
      '3 4 running->stopped',
      '2 pve3 unreachable: 2 guests unknown [1,2]',
      '2 3 running->unknown',
    ]);
  });

  it('a guest moved off the unreachable node (HA) comes back under the node it went down on', () => {
    const entries = [status(1, 2, 'running', 'unknown'), status(2, 2, 'running', 'unknown'), moved(1, 3, 'pve3', 'pve1'), status(1, 3, 'unknown', 'running'), status(2, 3, 'unknown', 'running')];
    const nodeOf = nodeLocator(entries, new Map([['qemu/1', 'pve1'], ['qemu/2', 'pve3']]));
    expect(show(collapseNodeOutages(entries, nodeOf))).toEqual(['3 pve3 back: 2 guests running [1,2]', '3 1 pve3->pve1', '2 pve3 unreachable: 2 guests unknown [1,2]']);
  });

  it('an unknown node keeps the rows as they are', () => {
    const entries = [status(1, 2, 'running', 'unknown'), status(2, 2, 'running', 'unknown')];
    expect(show(collapseNodeOutages(entries, () => undefined))).toEqual(['2 1 running->unknown', '2 2 running->unknown']);
  });

  it('drift: guests of one node that went unknown at the same moment are one row', () => {
    const drift = computeDrift([status(1, 2, 'running', 'unknown'), status(2, 2, 'stopped', 'unknown'), status(5, 2, 'running', 'unknown'), status(3, 3, 'running', 'stopped')]);
    const rows = collapseDriftOutages(drift, (d) => (d.vmid === 5 ? 'pve2' : 'pve3'));
    expect(rows.map((r) => (r.kind === 'outage' ? outageText(r.outage) : `${r.drift.vmid}`))).toEqual(['pve3 unreachable: 2 guests unknown', '3', '5']);
  });
});
