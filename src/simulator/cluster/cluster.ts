// The cluster: nodes, guests, storages, pools and tasks, with the indexes and small state
// transitions every action shares (start/stop bookkeeping, moving a guest, allocating ids).

import { configMissing } from './errors.js';
import type { Guest, GuestKind, NodeState, Pool } from './model.js';
import { createRng, type Rng } from './rng.js';
import { StorageRegistry } from './storage.js';
import { TaskManager } from './tasks.js';
import { Scheduler, type Clock } from './time.js';

export interface ClusterInit {
  name: string;
  seed: number;
  timeScale: number;
  clock: Clock;
  isNodeOffline: (node: string) => boolean;
  /** Start of the day the scenario's history is anchored to (epoch seconds). */
  anchor: number;
}

export const PVE_VERSION = { version: '9.1.2', release: '9.1', repoid: '2f1fb6d7' } as const;
export const KERNEL = { sysname: 'Linux', release: '6.17.2-2-pve', version: '#1 SMP PREEMPT_DYNAMIC PMX 6.17.2-2 (2025-11-26T12:33Z)', machine: 'x86_64' } as const;
export const QEMU_VERSION = { running: '10.1.2', machine: '10.1' } as const;

export class Cluster {
  readonly name: string;
  readonly seed: number;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /** Runtime choices (PIDs, MACs, UUIDs, durations), seeded so a replay is reproducible. */
  readonly rng: Rng;
  readonly tasks: TaskManager;
  readonly storage: StorageRegistry;
  readonly nodes = new Map<string, NodeState>();
  readonly guests = new Map<number, Guest>();
  readonly pools = new Map<string, Pool>();
  readonly anchor: number;
  readonly #isNodeOffline: (node: string) => boolean;
  #vmidHint = 100;

  constructor(init: ClusterInit) {
    this.name = init.name;
    this.seed = init.seed;
    this.clock = init.clock;
    this.anchor = init.anchor;
    this.scheduler = new Scheduler(init.timeScale);
    this.rng = createRng(init.seed ^ 0x5eed);
    this.tasks = new TaskManager(this.clock, this.scheduler, this.rng.fork('tasks'));
    this.storage = new StorageRegistry(() => [...this.nodes.keys()]);
    this.#isNodeOffline = init.isNodeOffline;
  }

  get timeScale(): number {
    return this.scheduler.timeScale;
  }

  nowSec(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  /** The node answering API calls (`local: 1` in /cluster/status). */
  get localNode(): string {
    return this.nodeNames()[0] ?? 'pve';
  }

  nodeNames(): string[] {
    return [...this.nodes.keys()];
  }

  isNodeOffline(node: string): boolean {
    return this.#isNodeOffline(node);
  }

  isQuorate(): boolean {
    const online = this.nodeNames().filter((n) => !this.isNodeOffline(n)).length;
    return online * 2 > this.nodes.size;
  }

  node(name: string): NodeState | undefined {
    return this.nodes.get(name);
  }

  /** The guest if it is a `kind` guest whose config lives on `node`. */
  guestOn(kind: GuestKind, node: string, vmid: number): Guest | undefined {
    const guest = this.guests.get(vmid);
    return guest && guest.kind === kind && guest.node === node ? guest : undefined;
  }

  /** load_config: `Configuration file 'nodes/<node>/qemu-server/<vmid>.conf' does not exist`. */
  requireGuest(kind: GuestKind, node: string, vmid: number): Guest {
    const guest = this.guestOn(kind, node, vmid);
    if (!guest) throw configMissing(kind, node, vmid);
    return guest;
  }

  *guestsOn(node: string): IterableIterator<Guest> {
    for (const guest of this.guests.values()) if (guest.node === node) yield guest;
  }

  addGuest(guest: Guest): void {
    this.guests.set(guest.vmid, guest);
    if (guest.status === 'running') this.#countRunning(guest, 1);
    if (guest.pool) this.pools.get(guest.pool)?.vmids.add(guest.vmid);
  }

  removeGuest(vmid: number): void {
    const guest = this.guests.get(vmid);
    if (!guest) return;
    if (guest.status === 'running') this.#countRunning(guest, -1);
    if (guest.pool) this.pools.get(guest.pool)?.vmids.delete(vmid);
    this.guests.delete(vmid);
    if (vmid < this.#vmidHint) this.#vmidHint = vmid;
  }

  setPool(guest: Guest, poolid: string | undefined): void {
    if (guest.pool) this.pools.get(guest.pool)?.vmids.delete(guest.vmid);
    if (poolid === undefined) delete guest.pool;
    else {
      guest.pool = poolid;
      this.pools.get(poolid)?.vmids.add(guest.vmid);
    }
  }

  /** A fresh process: new pid, uptime from now. */
  markStarted(guest: Guest): void {
    if (guest.status !== 'running') this.#countRunning(guest, 1);
    guest.status = 'running';
    guest.paused = false;
    guest.startedAt = this.nowSec();
    guest.pid = this.#nextGuestPid(guest.node);
  }

  markStopped(guest: Guest): void {
    if (guest.status === 'running') this.#countRunning(guest, -1);
    guest.status = 'stopped';
    guest.paused = false;
    guest.pid = 0;
  }

  /** The guest's config moved to another node (migration). */
  moveGuest(guest: Guest, target: string): void {
    const running = guest.status === 'running';
    if (running) this.#countRunning(guest, -1);
    guest.node = target;
    if (running) {
      this.#countRunning(guest, 1);
      guest.pid = this.#nextGuestPid(target);
    }
  }

  /** Memory a guest's allocation changed while it runs (config update). */
  adjustRunningMem(guest: Guest, before: number): void {
    if (guest.status !== 'running') return;
    const node = this.nodes.get(guest.node);
    if (node) node.runningMem += guest.config.summary.maxmem - before;
  }

  /** The lowest free vmid from 100 (datacenter next-id default range). */
  nextFreeVmid(): number {
    let id = Math.max(100, this.#vmidHint);
    while (this.guests.has(id)) id++;
    this.#vmidHint = id;
    return id;
  }

  /** PVE::Tools::random_ether_addr with the Proxmox prefix. */
  randomMac(): string {
    return `BC:24:11:${this.rng.hex(2)}:${this.rng.hex(2)}:${this.rng.hex(2)}`;
  }

  randomUuid(): string {
    const h = this.rng.hex(32).toLowerCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[this.rng.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  dispose(): void {
    this.tasks.dispose();
    this.scheduler.dispose();
  }

  #countRunning(guest: Guest, sign: 1 | -1): void {
    const node = this.nodes.get(guest.node);
    if (!node) return;
    node.runningGuests += sign;
    node.runningMem += sign * guest.config.summary.maxmem;
  }

  #nextGuestPid(nodeName: string): number {
    const node = this.nodes.get(nodeName);
    if (!node) return 1000 + this.rng.int(0, 100000);
    node.nextPid += this.rng.int(5, 2000);
    if (node.nextPid > 4_194_000) node.nextPid = 1000 + this.rng.int(0, 5000);
    return node.nextPid;
  }
}
