import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../db/model.js';
import { computeDrift, parseEvents, parseSince } from './historyView.js';

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
