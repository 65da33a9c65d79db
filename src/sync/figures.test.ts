import { describe, expect, it } from 'vitest';
import type { GuestRow } from '../db/model.js';
import { figuresFrame, figuresTransferList, forEachGuestFigures, GUEST_FIGURES_STRIDE, guestFiguresMap } from './figures.js';

const guest = (type: GuestRow['type'], vmid: number, extra: Partial<GuestRow> = {}): GuestRow => ({
  type,
  vmid,
  node: 'pve1',
  name: `g${vmid}`,
  status: 'running',
  template: false,
  tags: [],
  ...extra,
});

describe('figures frames', () => {
  const frame = figuresFrame({
    at: 42,
    guests: [
      guest('qemu', 100, { cpu: 0.5, mem: 1024, disk: 0, uptime: 60, netin: 1, netout: 2, diskread: 3, diskwrite: 4, maxmem: 4096 }),
      guest('lxc', 999_999_999, { cpu: 0 }),
    ],
    nodes: [{ node: 'pve1', status: 'online', cpu: 0.1, mem: 5, uptime: 9 }],
    storage: [{ node: 'pve1', storage: 'local', type: 'dir', content: [], shared: false, enabled: true, active: true, used: 1, avail: 2, total: 3 }],
  });

  it('carries each guest in typed arrays, nodes and storage as tuples', () => {
    expect(frame.at).toBe(42);
    expect(frame.guests.values).toHaveLength(2 * GUEST_FIGURES_STRIDE);
    expect(frame.nodes).toEqual([['pve1', 0.1, 5, null, 9]]);
    expect(frame.storage).toEqual([['pve1', 'local', 1, 2, 3]]);
    expect(figuresTransferList(frame)).toHaveLength(3);
  });

  it('reads back the figures each guest reported (and only the live ones)', () => {
    expect(guestFiguresMap(frame)).toEqual(
      new Map([
        ['qemu/100', { cpu: 0.5, mem: 1024, disk: 0, uptime: 60, netin: 1, netout: 2, diskread: 3, diskwrite: 4 }],
        ['lxc/999999999', { cpu: 0 }],
      ]),
    );
    const keys: string[] = [];
    forEachGuestFigures(frame, (key) => keys.push(key));
    expect(keys).toEqual(['qemu/100', 'lxc/999999999']);
  });

  it('survives structured cloning', () => {
    expect(guestFiguresMap(structuredClone(frame))).toEqual(guestFiguresMap(frame));
  });
});
