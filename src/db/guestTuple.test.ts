import { describe, expect, it } from 'vitest';
import { guestFiguresDiffer, guestFromTuple, guestTuple, plainGuestChanges } from './guestTuple.js';
import type { GuestRow } from './model.js';

describe('guest tuples', () => {
  const full: GuestRow = {
    type: 'lxc',
    vmid: 7,
    node: 'n',
    name: 'c',
    status: 'running',
    template: true,
    tags: ['a', 'b'],
    pool: 'p',
    lock: 'backup',
    hastate: 'started',
    cpu: 0.25,
    maxcpu: 2,
    mem: 1,
    maxmem: 2,
    disk: 3,
    maxdisk: 4,
    uptime: 5,
    netin: 6,
    netout: 7,
    diskread: 8,
    diskwrite: 9,
    config: { hostname: 'c', memory: 512 },
    configDigest: 'd',
    configFingerprint: 'f',
  };

  it('round-trip every field', () => {
    expect(guestFromTuple(guestTuple(full, JSON.stringify(full.config)))).toEqual(full);
    const bare: GuestRow = { type: 'qemu', vmid: 1, node: 'n', name: '', status: 'stopped', template: false, tags: [] };
    expect(guestFromTuple(guestTuple(bare, null))).toEqual(bare);
  });

  it('name the fields that differ, and none when equal; live figures apart', () => {
    const stored = guestTuple(full, null);
    expect(plainGuestChanges(stored, full)).toBeUndefined();
    expect(guestFiguresDiffer(stored, full)).toBe(false);
    expect(plainGuestChanges(stored, { ...full, tags: ['a'], pool: undefined, cpu: 0.5, template: false, maxmem: 3 })).toEqual(['template', 'tags', 'pool', 'maxmem']);
    expect(plainGuestChanges(stored, { ...full, cpu: 0.5, uptime: 6, netin: undefined })).toBeUndefined();
    expect(guestFiguresDiffer(stored, { ...full, cpu: 0.5 })).toBe(true);
    expect(guestFiguresDiffer(stored, { ...full, diskwrite: undefined })).toBe(true);
  });
});
