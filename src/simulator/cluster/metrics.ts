// Usage figures of running guests and nodes. They are pure functions of (seed, entity, time),
// so they drift realistically, never need a timer, and cost nothing for guests nobody asks
// about; counters grow with uptime.

import { hash01, smoothNoise } from './rng.js';
import type { Guest, NodeState } from './model.js';
import { MiB } from './sizes.js';

export interface GuestFigures {
  cpu: number;
  mem: number;
  memhost: number;
  disk: number;
  netin: number;
  netout: number;
  diskread: number;
  diskwrite: number;
  uptime: number;
  swap: number;
  pressure: { cpuSome: number; cpuFull: number; ioSome: number; ioFull: number; memSome: number; memFull: number };
}

const STOPPED: GuestFigures = {
  cpu: 0,
  mem: 0,
  memhost: 0,
  disk: 0,
  netin: 0,
  netout: 0,
  diskread: 0,
  diskwrite: 0,
  uptime: 0,
  swap: 0,
  pressure: { cpuSome: 0, cpuFull: 0, ioSome: 0, ioFull: 0, memSome: 0, memFull: 0 },
};

interface Profile {
  cpuBase: number;
  memRatio: number;
  netIn: number;
  netOut: number;
  readRate: number;
  writeRate: number;
  diskRatio: number;
  bootRead: number;
}

const profiles = new Map<number, Map<number, Profile>>();

function profileOf(seed: number, vmid: number): Profile {
  let bySeed = profiles.get(seed);
  if (!bySeed) {
    bySeed = new Map();
    profiles.set(seed, bySeed);
  }
  let p = bySeed.get(vmid);
  if (!p) {
    p = computeProfile(seed, vmid);
    bySeed.set(vmid, p);
  }
  return p;
}

function computeProfile(seed: number, vmid: number): Profile {
  const h = (channel: string): number => hash01(seed, vmid, channel);
  // Most guests idle, a few are busy.
  const busy = h('busy');
  return {
    cpuBase: busy > 0.85 ? 0.15 + h('cpu') * 0.5 : 0.003 + h('cpu') * 0.06,
    memRatio: 0.25 + h('mem') * 0.6,
    netIn: Math.round(200 + h('netin') ** 3 * 400_000),
    netOut: Math.round(100 + h('netout') ** 3 * 150_000),
    readRate: Math.round(500 + h('read') ** 3 * 300_000),
    writeRate: Math.round(800 + h('write') ** 3 * 500_000),
    diskRatio: 0.08 + h('disk') * 0.6,
    bootRead: 150 * MiB + Math.round(h('boot') * 400 * MiB),
  };
}

const round = (n: number, digits = 6): number => Math.round(n * 10 ** digits) / 10 ** digits;

export function guestFigures(seed: number, guest: Guest, nowSec: number): GuestFigures {
  if (guest.status !== 'running') return STOPPED;
  const p = profileOf(seed, guest.vmid);
  const s = guest.config.summary;
  const uptime = Math.max(0, Math.floor(nowSec - guest.startedAt));
  const noise = (channel: number, period?: number): number => smoothNoise(seed, guest.vmid, channel, nowSec, period);
  const cpu = guest.paused ? 0 : Math.min(1, p.cpuBase * (0.4 + 1.2 * noise(1)));
  const memRatio = Math.min(0.98, p.memRatio + 0.06 * (noise(2, 60) - 0.5));
  const mem = Math.round(s.maxmem * memRatio);
  const bootRead = p.bootRead;
  return {
    cpu: round(cpu),
    mem,
    memhost: Math.round(mem * 1.03 + 40 * MiB),
    disk: guest.kind === 'lxc' ? Math.round(s.maxdisk * p.diskRatio) : 0,
    netin: Math.round(p.netIn * uptime),
    netout: Math.round(p.netOut * uptime),
    diskread: bootRead + Math.round(p.readRate * uptime),
    diskwrite: Math.round(p.writeRate * uptime),
    uptime,
    swap: 0,
    pressure: pressureOf(cpu, noise(6)),
  };
}

function pressureOf(cpu: number, n: number): GuestFigures['pressure'] {
  const io = n < 0.2 ? round(n * 2.5, 2) : 0;
  return { cpuSome: cpu > 0.5 ? round(n * 2, 2) : 0, cpuFull: cpu > 0.8 ? round(n, 2) : 0, ioSome: io, ioFull: 0, memSome: 0, memFull: 0 };
}

export interface NodeFigures {
  cpu: number;
  mem: number;
  disk: number;
  uptime: number;
  wait: number;
  loadavg: [string, string, string];
  swapUsed: number;
}

export function nodeFigures(seed: number, node: NodeState, nowSec: number): NodeFigures {
  const key = node.nodeid * 7919;
  const noise = (channel: number, period?: number): number => smoothNoise(seed, key, channel, nowSec, period);
  const guestLoad = (node.runningGuests * 0.012) / Math.max(1, node.maxcpu);
  const cpu = Math.min(0.97, 0.004 + guestLoad * (0.6 + 0.8 * noise(1)) + 0.01 * noise(2));
  const mem = Math.min(Math.round(node.maxmem * 0.97), node.baseMemUsed + Math.round(node.runningMem * (0.62 + 0.05 * noise(3, 120))));
  const load = cpu * node.maxcpu;
  const fmt = (n: number): string => n.toFixed(2);
  return {
    cpu: round(cpu, 8),
    mem,
    disk: node.rootUsed,
    uptime: Math.max(0, Math.floor(nowSec - node.bootTime)),
    wait: round(0.001 * noise(4), 6),
    loadavg: [fmt(load * (0.8 + 0.4 * noise(5))), fmt(load * (0.9 + 0.2 * noise(6, 300))), fmt(load * (0.95 + 0.1 * noise(7, 900)))],
    swapUsed: 0,
  };
}
