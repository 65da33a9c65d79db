import { describe, expect, it } from 'vitest';
import type { PollSummary } from '../../sync/types.js';
import { changeLine, createProgressDisplay, historyLine, summaryLine } from './syncDisplay.js';

function sink(isTTY: boolean) {
  let text = '';
  return { stream: Object.assign({ write: (s: string) => ((text += s), true) }, { isTTY, columns: 60 }) as unknown as NodeJS.WriteStream, text: () => text };
}

describe('sync display', () => {
  it('a summary line with counts, changes, warnings and time', () => {
    const s = { counts: { nodes: 3, guests: 38, configsFetched: 12 }, changes: 5, durationMs: 41.2, warnings: [] } as unknown as PollSummary;
    expect(summaryLine('homelab', s)).toBe('synced homelab: 3 nodes, 38 guests (12 configs fetched), 5 changes, 41 ms');
    const one = { ...s, counts: { nodes: 1, guests: 1, configsFetched: 1 }, changes: 1, warnings: [{ scope: 'nodes', kind: 'node-unreachable', message: 'x' }] } as unknown as PollSummary;
    expect(summaryLine('lab', one)).toBe('synced lab: 1 node, 1 guest (1 config fetched), 1 change, 1 warning, 41 ms');
  });

  it('history lines, with untrusted text made safe', () => {
    expect(historyLine({ at: 0, type: 'qemu', vmid: 101, event: 'status', field: 'status', old: 'running', new: 'stopped', syncRunId: 1 }, 'web-01')).toBe('qemu/101 web-01: status running -> stopped');
    expect(historyLine({ at: 0, type: 'lxc', vmid: 200, event: 'config', field: 'description', new: 'hi\u001b[31m there', syncRunId: 1 }, 'ct')).toBe('lxc/200 ct: description (unset) -> hi there');
    expect(historyLine({ at: 0, type: 'qemu', vmid: 5, event: 'moved', field: 'node', old: 'pve1', new: 'pve2', syncRunId: 1 }, undefined)).toBe('qemu/5: moved pve1 -> pve2');
  });

  it('change lines skip live figures and tasks', () => {
    expect(changeLine({ kind: 'guest', op: 'changed', key: 'qemu/1', fields: ['cpu', 'mem', 'uptime'] })).toBeUndefined();
    expect(changeLine({ kind: 'guest', op: 'changed', key: 'qemu/1', fields: ['cpu', 'pool'] }, { guestName: () => 'web' })).toBe('qemu/1 web: pool changed');
    expect(changeLine({ kind: 'task', op: 'added', id: 'UPID:...' })).toBeUndefined();
    expect(changeLine({ kind: 'node', op: 'changed', node: 'pve3', fields: ['status', 'cpu'] }, { nodeStatus: () => 'offline' })).toBe('node pve3: now offline');
    expect(changeLine({ kind: 'snapshot', op: 'added', id: 'qemu/1@pre' })).toBe('snapshot qemu/1@pre: added');
  });

  it('progress: one redrawn line on a terminal, a plain line per phase otherwise', () => {
    const tty = sink(true);
    let t = 0;
    const d = createProgressDisplay(tty.stream, () => (t += 100));
    d.update({ phase: 'configs', done: 1, total: 10 });
    d.update({ phase: 'configs', done: 10, total: 10 });
    d.clear();
    expect(tty.text()).toBe('\r\u001b[2Ksync: reading guest configs 1/10\r\u001b[2Ksync: reading guest configs 10/10\r\u001b[2K');
    const plain = sink(false);
    const p = createProgressDisplay(plain.stream);
    p.update({ phase: 'resources' });
    p.update({ phase: 'configs', done: 0, total: 10 });
    p.update({ phase: 'configs', done: 5, total: 10 });
    expect(plain.text()).toBe('sync: reading cluster resources and tasks\nsync: reading guest configs (10)\n');
  });
});
