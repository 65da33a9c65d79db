// Fault injection state, changeable at start, in-process, or over the control endpoint.
import { DEFAULT_FAULTS, type SimFaultController, type SimFaults } from './types.js';

export interface FaultController extends SimFaultController {
  /** Whether a node is down (the cluster model lists it offline; the API answers 595). */
  isNodeOffline(node: string): boolean;
  /** Subscribes to expireTickets(); returns the unsubscribe function. */
  onExpireTickets(listener: () => void): () => void;
}

const RATES = ['errorRate', 'resetRate', 'malformedRate'] as const;

/** Checks a patch (possibly from JSON over the wire); throws a TypeError naming the bad field. */
export function parseFaultPatch(input: unknown): Partial<SimFaults> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError('faults must be an object');
  const patch: Partial<SimFaults> = {};
  for (const [key, value] of Object.entries(input)) {
    if ((RATES as readonly string[]).includes(key)) {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new TypeError(`${key} must be a number from 0 to 1`);
      patch[key as (typeof RATES)[number]] = value;
    } else if (key === 'latencyMs') {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TypeError('latencyMs must be a number >= 0');
      patch.latencyMs = value;
    } else if (key === 'ticketLifetimeSec') {
      // 0 is allowed: every ticket is then already expired when it is issued.
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TypeError('ticketLifetimeSec must be a number >= 0');
      patch.ticketLifetimeSec = value;
    } else if (key === 'offlineNodes') {
      if (!Array.isArray(value) || !value.every((n) => typeof n === 'string')) throw new TypeError('offlineNodes must be a list of node names');
      patch.offlineNodes = [...(value as string[])];
    } else {
      throw new TypeError(`unknown fault '${key}'`);
    }
  }
  return patch;
}

export function createFaultController(initial: Partial<SimFaults> = {}): FaultController {
  let state: SimFaults = { ...DEFAULT_FAULTS, offlineNodes: [...DEFAULT_FAULTS.offlineNodes] };
  const listeners = new Set<() => void>();
  const controller: FaultController = {
    get: () => ({ ...state, offlineNodes: [...state.offlineNodes] }),
    set(patch) {
      state = { ...state, ...parseFaultPatch(patch) };
      return controller.get();
    },
    expireTickets() {
      for (const listener of listeners) listener();
    },
    isNodeOffline: (node) => state.offlineNodes.includes(node),
    onExpireTickets(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  controller.set(initial);
  return controller;
}

export function isFaultController(value: unknown): value is FaultController {
  return typeof value === 'object' && value !== null && typeof (value as FaultController).isNodeOffline === 'function';
}
