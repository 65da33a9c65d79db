import { describe, expect, it, vi } from 'vitest';
import { createFaultController, parseFaultPatch } from './faults.js';
import { DEFAULT_FAULTS } from './types.js';

describe('fault controller', () => {
  it('starts from the defaults plus the initial values', () => {
    const faults = createFaultController({ latencyMs: 50, offlineNodes: ['pve2'] });
    expect(faults.get()).toEqual({ ...DEFAULT_FAULTS, latencyMs: 50, offlineNodes: ['pve2'] });
    expect(faults.isNodeOffline('pve2')).toBe(true);
    expect(faults.isNodeOffline('pve1')).toBe(false);
  });

  it('changes while running and hands out copies', () => {
    const faults = createFaultController();
    const snapshot = faults.get();
    expect(faults.set({ errorRate: 0.5 }).errorRate).toBe(0.5);
    snapshot.offlineNodes.push('x');
    expect(faults.get().offlineNodes).toEqual([]);
  });

  it('rejects bad values and unknown faults', () => {
    expect(() => parseFaultPatch({ errorRate: 2 })).toThrow('errorRate must be a number from 0 to 1');
    expect(() => parseFaultPatch({ latencyMs: -1 })).toThrow('latencyMs');
    expect(() => parseFaultPatch({ offlineNodes: 'pve2' })).toThrow('offlineNodes');
    expect(() => parseFaultPatch({ ticketLifetimeSec: -1 })).toThrow('ticketLifetimeSec');
    expect(parseFaultPatch({ ticketLifetimeSec: 0 })).toEqual({ ticketLifetimeSec: 0 });
    expect(() => parseFaultPatch({ explode: true })).toThrow("unknown fault 'explode'");
    expect(() => parseFaultPatch([])).toThrow('faults must be an object');
  });

  it('tells its subscribers to expire tickets', () => {
    const faults = createFaultController();
    const listener = vi.fn();
    const unsubscribe = faults.onExpireTickets(listener);
    faults.expireTickets();
    unsubscribe();
    faults.expireTickets();
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
