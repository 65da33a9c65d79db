// Shared data for the console's unit and component tests: a small cluster built by hand (no
// cache, no simulator), a large generated one, a store loaded with either, and Ink-like key
// events for driving the input router directly.
import type { Key } from 'ink';
import type { GuestRow, GuestType, NodeRow, StorageRow, TaskRow } from '../../db/model.js';
import { createConsoleStore, type ConsoleStore, type InitialState } from '../consoleStore.js';

export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

/** 2025-01-05T10:00:00Z. */
export const T0 = Date.UTC(2025, 0, 5, 10, 0, 0);
const sec = (ms: number): number => Math.floor(ms / 1000);

/** A running guest with figures; `extra` overrides anything. */
export function guest(type: GuestType, vmid: number, name: string, node: string, extra: Partial<GuestRow> = {}): GuestRow {
  return {
    type,
    vmid,
    node,
    name,
    status: 'running',
    template: false,
    tags: [],
    cpu: 0.1,
    maxcpu: 2,
    mem: 1 * GiB,
    maxmem: 4 * GiB,
    disk: 0,
    maxdisk: 32 * GiB,
    uptime: 3600,
    ...extra,
  };
}

export function fixtureNodes(): NodeRow[] {
  return [
    { node: 'pve1', status: 'online', cpu: 0.12, maxcpu: 16, mem: 32 * GiB, maxmem: 64 * GiB, disk: 14 * GiB, maxdisk: 94 * GiB, uptime: 41 * 86400 },
    { node: 'pve2', status: 'online', cpu: 0.95, maxcpu: 12, mem: 20 * GiB, maxmem: 32 * GiB, disk: 12 * GiB, maxdisk: 94 * GiB, uptime: 86400 },
    { node: 'pve3', status: 'offline' },
  ];
}

export function fixtureStorage(): StorageRow[] {
  return [
    { node: 'pve1', storage: 'local', type: 'dir', content: ['iso', 'vztmpl', 'backup'], shared: false, enabled: true, active: true, total: 94 * GiB, used: 22 * GiB, avail: 72 * GiB },
    { node: 'pve1', storage: 'nas', type: 'nfs', content: ['images', 'rootdir'], shared: true, enabled: true, active: true, total: 7450 * GiB, used: 2310 * GiB, avail: 5140 * GiB },
    { node: 'pve2', storage: 'nas', type: 'nfs', content: ['images', 'rootdir'], shared: true, enabled: true, active: false, total: 7450 * GiB, used: 2310 * GiB },
  ];
}

/** Newest first, like the cache returns them; the newest is still running. */
export function fixtureTasks(): TaskRow[] {
  const start = sec(T0) - 600;
  return [
    { upid: 'UPID:pve1:00001237:00000004:6779A300:aptupdate::root@pam:', node: 'pve1', type: 'aptupdate', id: '', user: 'root@pam', starttime: start + 300 },
    { upid: 'UPID:pve2:00001236:00000003:6779A200:qmstop:101:alice@pve:', node: 'pve2', type: 'qmstop', id: '101', user: 'alice@pve', starttime: start + 120, endtime: start + 125, status: "command 'qm stop 101' failed: exit code 1" },
    { upid: 'UPID:pve1:00001235:00000002:6779A100:vzdump:100:root@pam:', node: 'pve1', type: 'vzdump', id: '100', user: 'root@pam', starttime: start + 60, endtime: start + 200, status: 'WARNINGS: 1' },
    { upid: 'UPID:pve1:00001234:00000001:6779A000:qmstart:100:root@pam:', node: 'pve1', type: 'qmstart', id: '100', user: 'root@pam', starttime: start, endtime: start + 2, status: 'OK' },
  ];
}

/** Seven guests, deliberately not in vmid order. */
export function fixtureGuests(): GuestRow[] {
  return [
    guest('lxc', 200, 'pihole', 'pve1', { tags: ['dns'], pool: 'prod', cpu: 0.05, mem: 300 * MiB, maxmem: 512 * MiB }),
    guest('qemu', 100, 'web-01', 'pve1', { tags: ['prod', 'web'], pool: 'prod', cpu: 0.25, mem: 2 * GiB }),
    guest('qemu', 101, 'web-02', 'pve2', { status: 'stopped', tags: ['web'], cpu: 0, mem: 0, uptime: 0 }),
    guest('qemu', 102, 'db-01', 'pve1', { tags: ['db', 'prod'], pool: 'prod', lock: 'backup', cpu: 0.6, mem: 12 * GiB, maxmem: 16 * GiB }),
    guest('qemu', 9000, 'ubuntu-cloud', 'pve1', { status: 'stopped', template: true, tags: ['template'], cpu: 0, mem: 0, uptime: 0 }),
    guest('lxc', 201, 'web-01', 'pve2', { tags: ['web'], cpu: 0.02 }),
    guest('qemu', 103, 'paused-vm', 'pve2', { status: 'paused', cpu: 0, uptime: 10 }),
  ];
}

export function fixtureData(): { guests: GuestRow[]; nodes: NodeRow[]; storage: StorageRow[]; tasks: TaskRow[] } {
  return { guests: fixtureGuests(), nodes: fixtureNodes(), storage: fixtureStorage(), tasks: fixtureTasks() };
}

/** `count` guests, vmids 100.., alternating VMs and containers over three nodes. */
export function manyGuests(count: number): GuestRow[] {
  const out: GuestRow[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const vmid = 100 + i;
    out[i] = {
      type: i % 2 === 0 ? 'qemu' : 'lxc',
      vmid,
      node: `pve${(i % 3) + 1}`,
      name: `guest-${vmid}`,
      status: i % 5 === 0 ? 'stopped' : 'running',
      template: false,
      tags: i % 7 === 0 ? ['web'] : [],
      cpu: (i % 100) / 100,
      mem: (i % 16) * GiB,
      maxmem: 16 * GiB,
      maxdisk: 32 * GiB,
      uptime: i,
    };
  }
  return out;
}

export const TEST_META = { profile: 'homelab', endpoint: 'https://pve.example:8006', readOnly: false };

/** A store with the fixture (or the given data) loaded. */
export function makeConsole(
  options: Partial<Omit<InitialState, 'meta'>> & { meta?: Partial<InitialState['meta']>; data?: ReturnType<typeof fixtureData> | null } = {},
): ConsoleStore {
  const { data, meta, ...rest } = options;
  const c = createConsoleStore({ ...rest, meta: { ...TEST_META, ...meta } });
  if (data !== null) c.actions.load(data ?? fixtureData());
  return c;
}

/** An Ink key event with every flag off, then the given ones on. */
export function key(flags: Partial<Key> = {}): Key {
  return {
    upArrow: false,
    downArrow: false,
    leftArrow: false,
    rightArrow: false,
    pageDown: false,
    pageUp: false,
    home: false,
    end: false,
    return: false,
    escape: false,
    ctrl: false,
    shift: false,
    tab: false,
    backspace: false,
    delete: false,
    meta: false,
    super: false,
    hyper: false,
    capsLock: false,
    numLock: false,
    ...flags,
  };
}

const NAMED: Readonly<Record<string, [string, Partial<Key>]>> = {
  '<enter>': ['\r', { return: true }],
  '<esc>': ['', { escape: true }],
  '<tab>': ['\t', { tab: true }],
  '<s-tab>': ['\t', { tab: true, shift: true }],
  '<bs>': ['', { backspace: true }],
  '<up>': ['', { upArrow: true }],
  '<down>': ['', { downArrow: true }],
  '<left>': ['', { leftArrow: true }],
  '<right>': ['', { rightArrow: true }],
  '<pgdn>': ['', { pageDown: true }],
  '<pgup>': ['', { pageUp: true }],
  '<home>': ['', { home: true }],
  '<end>': ['', { end: true }],
  '<space>': [' ', {}],
};

/** The (input, key) pair Ink would hand useInput for one key: `j`, `G` (shift), `<enter>`,
 * `<esc>`, `<c-d>` (ctrl+d), `<tab>`, `<up>`... */
export function inkKey(name: string): [string, Key] {
  const named = NAMED[name];
  if (named) return [named[0], key(named[1])];
  const ctrl = /^<c-(.)>$/.exec(name);
  if (ctrl) return [ctrl[1]!, key({ ctrl: true })];
  return [name, key(name.length === 1 && name !== name.toLowerCase() ? { shift: true } : {})];
}

/** Presses keys one after another: `press(router, 'g', 'g', '<enter>')`. A plain string of
 * several characters is typed one character at a time (`type(router, 'web')`). */
export function press(router: { handle(input: string, key: Key): void }, ...names: string[]): void {
  for (const name of names) router.handle(...inkKey(name));
}

export function type(router: { handle(input: string, key: Key): void }, text: string): void {
  for (const ch of Array.from(text)) router.handle(...inkKey(ch));
}
