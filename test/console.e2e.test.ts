// The full-screen console as a user sees it: the built CLI (dist/cli.js) in a real
// pseudo-terminal, its screen read through a terminal emulator (test/support/tty.ts). Most tests
// run `proxmox-mpc demo` (the homelab simulator in the console's own process); the live-update
// and sanitising tests run a simulator in this process and the console against it through the
// PROXMOX_VE_* environment, so that they can change the cluster behind the console's back.
// Every test gets its own HOME and XDG directories; every wait is on a predicate.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tableRows as layoutTableRows } from '../src/app/layout.js';
import { LIST_KINDS } from '../src/screens/listKinds.js';
import { startTestSimulator, type TestSimulator } from '../src/sync/test-support/sim.js';
import type { ProxmoxClient } from '../src/proxmox/client.js';
import { isolatedEnv } from './support/cli.js';
import { privateBuild, type PrivateBuild } from './support/privateBuild.js';
import { CLI_PATH, spawnTty, type TtyOptions, type TtySession } from './support/tty.js';

const ROOT = resolve(import.meta.dirname, '..');
/** Generous: CI machines are slow and run several test files at once. */
const READY_MS = 30_000;
const STEP_MS = 15_000;
const TEST_MS = 90_000;

// ------------------------------------------------------------------ build

/** The console under test: a private copy of the build (test/support/privateBuild.ts). */
let cliPath = CLI_PATH;
let build: PrivateBuild | undefined;

beforeAll(() => {
  build = privateBuild('pmc-console-e2e-');
  cliPath = build.cliPath;
}, 180_000);

afterAll(() => build?.dispose());

// ------------------------------------------------------------------ sessions

const sessions: TtySession[] = [];
const homes: string[] = [];
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.dispose()));
  for (const c of cleanups.splice(0).reverse()) await c();
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

/** Variables that change colour output; a test that wants one sets it explicitly. */
const COLOUR_HINTS = ['NO_COLOR', 'FORCE_COLOR', 'COLORTERM', 'TERM_PROGRAM', 'TERM_PROGRAM_VERSION', 'INK_SCREEN_READER', 'KITTY_WINDOW_ID'];

/** An environment of its own: a temporary HOME with XDG config, cache and state directories
 * under it, none of the caller's PROXMOX_VE_* / PMC_* settings, no colour hints. */
function consoleEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = isolatedEnv();
  for (const k of COLOUR_HINTS) delete env[k];
  const home = env.HOME!;
  homes.push(home);
  return { ...env, XDG_STATE_HOME: join(home, '.local', 'state'), ...extra };
}

function start(args: string[], options: TtyOptions & { env: NodeJS.ProcessEnv }): TtySession {
  const tty = spawnTty([cliPath, ...args], { cols: 120, rows: 40, cwd: ROOT, ...options });
  sessions.push(tty);
  return tty;
}

/** The guest table with every guest, in normal mode. */
async function waitForGuests(tty: TtySession, timeoutMs = READY_MS): Promise<void> {
  await tty.waitFor((s) => /^Guests \(38\)/m.test(s) && s.includes('web-01') && mode(s) === 'NORMAL', { timeoutMs, message: 'the guest table' });
}

async function openDemo(args: string[] = [], options: Partial<TtyOptions> & { env?: NodeJS.ProcessEnv } = {}): Promise<TtySession> {
  const tty = start(['demo', ...args], { ...options, env: options.env ?? consoleEnv() });
  await waitForGuests(tty);
  return tty;
}

// ------------------------------------------------------------------ reading the screen

const linesOf = (screen: string): string[] => screen.split('\n');

/** NORMAL, CMD or FILTER: the status bar's mode. */
function mode(screen: string): string | undefined {
  for (const line of linesOf(screen).reverse()) {
    const m = /^ (NORMAL|CMD|FILTER) /.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

/** The status line (mode, message, tasks). */
function statusLine(screen: string): string {
  return linesOf(screen).reverse().find((l) => /^ (NORMAL|CMD|FILTER) /.test(l)) ?? '';
}

/** The table's title line: `Guests (3/38)  filter: web  1/3`. */
function titleLine(screen: string): string {
  return linesOf(screen)[2] ?? '';
}

/** The cursor as the title shows it: `6/38` -> { at: 6, of: 38 }. */
function position(screen: string): { at: number; of: number } | undefined {
  const m = /(\d+)\/(\d+)$/.exec(titleLine(screen).trimEnd());
  return m ? { at: Number(m[1]), of: Number(m[2]) } : undefined;
}

interface GuestLine {
  vmid: number;
  name: string;
  type: string;
  node: string;
  status: string;
  text: string;
}

/** The guest rows on screen, cut at the column header's positions. */
function guestRows(screen: string): GuestLine[] {
  const lines = linesOf(screen);
  const header = lines[3] ?? '';
  const at = (name: string): number => header.indexOf(name);
  const [name, type, node, status] = [at('NAME'), at('TYP'), at('NODE'), at('STATUS')];
  if ([name, type, node, status].some((i) => i < 0)) return [];
  const rows: GuestLine[] = [];
  for (const line of lines.slice(4)) {
    const vmid = /^\s+(\d+) /.exec(line);
    if (!vmid) break;
    rows.push({
      vmid: Number(vmid[1]),
      name: line.slice(name, type).trim(),
      type: line.slice(type, node).trim(),
      node: line.slice(node, status).trim(),
      status: (line.slice(status).trim().split(/\s{2,}/)[0] ?? '').replace(/^\S\s/, ''),
      text: line,
    });
  }
  return rows;
}

const vmids = (screen: string): number[] => guestRows(screen).map((r) => r.vmid);
const rowOf = (screen: string, vmid: number): GuestLine | undefined => guestRows(screen).find((r) => r.vmid === vmid);

/** SGR parameters that set a foreground or background colour (30-38, 40-48, 90-97, 100-107;
 * 39 and 49 only reset to the default colour). */
function colourCodes(raw: string): string[] {
  const found: string[] = [];
  for (const m of raw.matchAll(/\x1b\[([0-9;:]*)m/g)) {
    const params = (m[1] ?? '').split(/[;:]/).map(Number);
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      if (p === 38 || p === 48) {
        found.push(m[0]);
        break;
      }
      if ((p >= 30 && p <= 37) || (p >= 40 && p <= 47) || (p >= 90 && p <= 97) || (p >= 100 && p <= 107)) {
        found.push(m[0]);
        break;
      }
    }
  }
  return found;
}

/** Types into an input (filter, palette) and waits until the screen shows it, so that the next
 * key arrives on its own, as when a person types. */
async function typeInto(tty: TtySession, text: string, shown: string | RegExp = text): Promise<void> {
  tty.write(text);
  await tty.waitFor((s) => (typeof shown === 'string' ? statusLine(s).includes(shown) : shown.test(statusLine(s))), { timeoutMs: STEP_MS, message: `typed ${JSON.stringify(text)}` });
}

async function openFilter(tty: TtySession): Promise<void> {
  tty.write('/');
  await tty.waitFor((s) => mode(s) === 'FILTER', { timeoutMs: STEP_MS, message: 'filter mode' });
}

async function openPalette(tty: TtySession): Promise<void> {
  tty.write(':');
  await tty.waitFor((s) => mode(s) === 'CMD', { timeoutMs: STEP_MS, message: 'palette mode' });
}

/** Applies a filter typed key by key and waits for the title to show it. */
async function applyFilter(tty: TtySession, text: string): Promise<void> {
  await openFilter(tty);
  await typeInto(tty, text, `/${text}`);
  tty.press('enter');
  await tty.waitFor((s) => mode(s) === 'NORMAL' && titleLine(s).includes(`filter: ${text}`), { timeoutMs: STEP_MS, message: `filter ${text} applied` });
}

async function clearFilter(tty: TtySession): Promise<void> {
  tty.press('escape');
  await tty.waitFor((s) => mode(s) === 'NORMAL' && /^Guests \(38\)  1\/38$/.test(titleLine(s).trimEnd()), { timeoutMs: STEP_MS, message: 'filter cleared' });
}

/** Runs a palette command typed key by key. */
async function runCommand(tty: TtySession, line: string): Promise<void> {
  await openPalette(tty);
  await typeInto(tty, line, `:${line}`);
  tty.press('enter');
  await tty.waitFor((s) => mode(s) === 'NORMAL', { timeoutMs: STEP_MS, message: `:${line} ran` });
}

// ------------------------------------------------------------------ a simulator in this process

interface LiveCluster {
  sim: TestSimulator;
  client: ProxmoxClient;
  env: NodeJS.ProcessEnv;
}

/** A homelab simulator in the test process and an environment that points the console at it
 * (no profile: the PROXMOX_VE_* variables), polling every second. */
async function liveCluster(): Promise<LiveCluster> {
  const { sim, client } = await startTestSimulator({ scenario: 'homelab', timeScale: 0.05 });
  cleanups.push(async () => {
    client.close();
    await sim.close();
  });
  const env = consoleEnv({
    PROXMOX_VE_ENDPOINT: sim.url,
    PROXMOX_VE_API_TOKEN: `${sim.root.tokenId}=${sim.root.tokenSecret}`,
    PMC_FINGERPRINT: sim.fingerprint,
  });
  const configDir = join(env.XDG_CONFIG_HOME!, 'proxmox-mpc');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'config.yml'), 'console:\n  refreshMs: 1000\n');
  return { sim, client, env };
}

// ================================================================== the tests

describe('proxmox-mpc demo: the console opens', { timeout: TEST_MS }, () => {
  it('takes over the terminal and shows the header, the guest table and the status bar', async () => {
    const tty = await openDemo();
    expect(tty.isAlternateScreen()).toBe(true);
    expect(tty.isCursorHidden()).toBe(true);
    const lines = tty.lines();
    expect(lines[0]).toMatch(/^proxmox-mpc\s+demo\s+cluster homelab\s+PVE 9\.1\.2\s+online\b/);
    expect(lines[1]).toMatch(/^Guests\b.*3 nodes\s+21 VMs\s+17 CTs/);
    expect(titleLine(tty.text())).toMatch(/^Guests \(38\)\s+1\/38$/);
    expect(lines[3]).toMatch(/^\s+VMID▲ NAME\s+TYPE\s+NODE\s+STATUS/);
    expect(rowOf(tty.text(), 100)).toMatchObject({ name: 'web-01', type: 'vm', node: 'pve1', status: 'running' });
    expect(rowOf(tty.text(), 109)).toMatchObject({ name: 'win11-desk', status: 'stopped' });
    expect(mode(tty.text())).toBe('NORMAL');
    expect(tty.text()).toMatch(/<q> quit/);
  });
});

describe('moving the cursor', { timeout: TEST_MS }, () => {
  it('j, 5j, G, gg, Ctrl-d and Ctrl-u move the cursor the title counts', async () => {
    const tty = await openDemo();
    const at = (n: number) => tty.waitFor((s) => position(s)?.at === n && position(s)?.of === 38, { timeoutMs: STEP_MS, message: `cursor at ${n}/38` });

    tty.write('j');
    await at(2);
    tty.write('5j');
    await at(7);
    tty.write('k');
    await at(6);
    tty.write('G');
    await at(38);
    // The last row (the highest vmid) is scrolled into view.
    expect(vmids(tty.text()).at(-1)).toBe(9100);
    expect(vmids(tty.text())).not.toContain(100);
    tty.write('gg');
    await at(1);
    expect(vmids(tty.text())[0]).toBe(100);

    const half = Math.floor(layoutTableRows({ columns: 120, rows: 40 }) / 2);
    tty.press('ctrl-d');
    await at(1 + half);
    tty.press('ctrl-u');
    await at(1);
    tty.press('down', 'down');
    await at(3);
    tty.press('pagedown');
    await tty.waitFor((s) => (position(s)?.at ?? 0) > 3 + half, { timeoutMs: STEP_MS, message: 'a page down' });
  });
});

describe('filtering the guest table', { timeout: TEST_MS }, () => {
  it('/web shows only the guests with web in a name or tag, and Esc clears it', async () => {
    const tty = await openDemo();
    await openFilter(tty);
    await typeInto(tty, 'web', '/web');
    // The table follows the input as it is typed.
    await tty.waitFor((s) => titleLine(s).startsWith('Guests (3/38)'), { timeoutMs: STEP_MS, message: 'live filter' });
    tty.press('enter');
    await tty.waitFor((s) => mode(s) === 'NORMAL' && /^Guests \(3\/38\)\s+filter: web\s+1\/3$/.test(titleLine(s).trimEnd()), { timeoutMs: STEP_MS, message: 'filter applied' });
    expect(vmids(tty.text())).toEqual([100, 101, 204]);
    for (const row of guestRows(tty.text())) expect(row.text).toMatch(/web/);
    await clearFilter(tty);
    expect(vmids(tty.text())).toHaveLength(33); // a screenful again
  });

  it('/status:stopped shows the stopped guests only', async () => {
    const tty = await openDemo();
    await applyFilter(tty, 'status:stopped');
    const rows = guestRows(tty.text());
    expect(rows.map((r) => r.vmid)).toEqual(expect.arrayContaining([109, 114, 116, 207, 210, 211]));
    expect(rows.map((r) => r.vmid)).not.toContain(100);
    // Templates are stopped guests to Proxmox VE, shown as templates.
    for (const row of rows) expect(row.status).toMatch(/^(stopped|template)$/);
    await clearFilter(tty);
  });

  it('/!type:vm shows everything but VMs', async () => {
    const tty = await openDemo();
    await applyFilter(tty, '!type:vm');
    expect(titleLine(tty.text())).toMatch(/^Guests \(17\/38\)/);
    const rows = guestRows(tty.text());
    expect(rows).toHaveLength(17);
    for (const row of rows) expect(row.type).toBe('ct');
    await clearFilter(tty);
  });

  it('an invalid regular expression says so and keeps the rows; Esc leaves the filter', async () => {
    const tty = await openDemo();
    await openFilter(tty);
    await typeInto(tty, '/(/', '//(/');
    await tty.waitFor((s) => s.includes('is not a valid regular expression'), { timeoutMs: STEP_MS, message: 'the regex error' });
    expect(titleLine(tty.text())).toMatch(/^Guests \(38\)/);
    tty.press('enter');
    // Enter does not apply a broken filter: the error is shown, the input stays open.
    await tty.waitFor((s) => mode(s) === 'FILTER' && statusLine(s).includes('not a valid regular expression'), { timeoutMs: STEP_MS, message: 'the error on Enter' });
    expect(vmids(tty.text())).toHaveLength(33);
    tty.press('escape');
    await tty.waitFor((s) => mode(s) === 'NORMAL', { timeoutMs: STEP_MS, message: 'normal mode' });
    expect(titleLine(tty.text())).toMatch(/^Guests \(38\)\s+1\/38$/);
    expect(vmids(tty.text())).toHaveLength(33);
  });

  it('a filter typed in one go with its Enter (a paste, a fast typist on a slow link) is applied', async () => {
    const tty = await openDemo();
    tty.write('/web\r');
    await tty.waitFor((s) => mode(s) === 'NORMAL' && /^Guests \(3\/38\)\s+filter: web/.test(titleLine(s)), { timeoutMs: 10_000, message: 'filter applied from one chunk' });
  });
});

describe('sorting the guest table', { timeout: TEST_MS }, () => {
  it('s sorts by the next column (NAME), S reverses the order', async () => {
    const tty = await openDemo();
    const header = () => tty.lines()[3] ?? '';
    const names = () => guestRows(tty.text()).map((r) => r.name);
    const byName = (a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase());

    tty.write('s');
    await tty.waitFor((s) => (linesOf(s)[3] ?? '').includes('NAME▲'), { timeoutMs: STEP_MS, message: 'sorted by name' });
    expect(header()).not.toContain('VMID▲');
    expect(statusLine(tty.text())).toContain('sorted by name');
    expect(names().slice(0, 3)).toEqual(['adguard-test', 'ansible-ctl', 'backup-proxy']);
    expect(names()).toEqual([...names()].sort(byName));

    tty.write('S');
    await tty.waitFor((s) => (linesOf(s)[3] ?? '').includes('NAME▼'), { timeoutMs: STEP_MS, message: 'reversed' });
    expect(names().slice(0, 2)).toEqual(['wireguard', 'win11-desk']);
    expect(names()).toEqual([...names()].sort(byName).reverse());
    expect(position(tty.text())).toEqual({ at: 1, of: 38 });
  });

  it('every sortable column shows the sort arrow in its header', async () => {
    const tty = await openDemo();
    const columns = LIST_KINDS.guests.columns.filter((c) => c.sort !== undefined).map((c) => ({ id: c.id, header: c.header }));
    const missing: string[] = [];
    // Starts on vmid; each s moves to the next sortable column.
    for (const column of [...columns.slice(1), columns[0]!]) {
      tty.write('s');
      await tty.waitFor((s) => statusLine(s).includes(`sorted by ${column.id}`), { timeoutMs: STEP_MS, message: `sorted by ${column.id}` });
      const header = tty.lines()[3] ?? '';
      if (!header.includes(`${column.header}▲`)) missing.push(`${column.header}: ${JSON.stringify(header.trim())}`);
    }
    expect(missing).toEqual([]);
  });
});

describe('the guest detail', { timeout: TEST_MS }, () => {
  it('Enter opens the Summary, l/Tab/h walk the tabs, Esc returns to the row it came from', async () => {
    const tty = await openDemo();
    tty.write('5j');
    await tty.waitFor((s) => position(s)?.at === 6, { timeoutMs: STEP_MS, message: 'cursor on 105' });
    tty.press('enter');
    await tty.waitFor((s) => s.includes('VM 105 k8s-node-2') && /^VMID:\s+105$/m.test(s), { timeoutMs: STEP_MS, message: 'the Summary tab' });
    expect(tty.lines()[1]).toMatch(/^Guests › qemu\/105/);
    expect(tty.text()).toMatch(/Summary\s+Config\s+Disks\/Network\s+Snapshots\s+Tasks\s+History/);
    expect(tty.text()).toMatch(/^Node:\s+pve2$/m);

    const tab = (key: 'l' | 'h' | 'tab', shows: RegExp[], what: string) => {
      if (key === 'tab') tty.press('tab');
      else tty.write(key);
      return tty.waitFor((s) => shows.every((re) => re.test(s)), { timeoutMs: STEP_MS, message: what });
    };
    await tab('l', [/^Config:$/m, /^\s+cores:\s+\d+$/m], 'the Config tab');
    await tab('tab', [/^Disks:$/m, /^\s+scsi0\s/m, /^Network:$/m, /^\s+net0\s/m], 'the Disks/Network tab');
    await tab('l', [/^Snapshots:$/m], 'the Snapshots tab');
    await tab('l', [/^Recent tasks:$/m], 'the Tasks tab');
    await tab('l', [/^History:$/m], 'the History tab');
    await tab('h', [/^Recent tasks:$/m], 'back to the Tasks tab');

    tty.press('escape');
    await tty.waitFor((s) => /^Guests \(38\)\s+6\/38$/.test(titleLine(s).trimEnd()), { timeoutMs: STEP_MS, message: 'back on the table' });
    expect(tty.lines()[1]).toMatch(/^Guests\s/);
    expect(rowOf(tty.text(), 105)?.name).toBe('k8s-node-2');
  });
});

describe('the command palette', { timeout: TEST_MS }, () => {
  it('completes, runs :vm NAME, :ct and reports unknown commands; its history outlives the session', async () => {
    const env = consoleEnv();
    const tty = await openDemo([], { env });

    // Completion: `no` offers node; Tab takes it.
    await openPalette(tty);
    await typeInto(tty, 'no', ':no');
    await tty.waitFor((s) => /^\s*node\s+nodes \(:node NAME/m.test(s), { timeoutMs: STEP_MS, message: 'node among the completions' });
    tty.press('tab');
    await tty.waitFor((s) => /:node\s/.test(statusLine(s)), { timeoutMs: STEP_MS, message: 'Tab completed node' });
    tty.press('enter');
    await tty.waitFor((s) => /^Nodes \(3\)/m.test(s) && mode(s) === 'NORMAL', { timeoutMs: STEP_MS, message: 'the nodes screen' });

    // :vm NAME opens that guest.
    await runCommand(tty, 'vm web-02');
    await tty.waitFor((s) => s.includes('VM 101 web-02') && /^VMID:\s+101$/m.test(s), { timeoutMs: STEP_MS, message: "guest 101's detail" });

    // :ct lists containers only.
    await runCommand(tty, 'ct');
    await tty.waitFor((s) => /^Containers \(17\)/m.test(s), { timeoutMs: STEP_MS, message: 'the containers' });
    const rows = guestRows(tty.text());
    expect(rows).toHaveLength(17);
    for (const row of rows) expect(row.type).toBe('ct');

    // An unknown command: a one-line error, nothing else changes.
    await runCommand(tty, 'bogus');
    await tty.waitFor((s) => statusLine(s).includes("unknown command 'bogus'"), { timeoutMs: STEP_MS, message: 'the error' });
    expect(tty.text()).toMatch(/^Containers \(17\)/m);

    // History: Up recalls the last commands, newest first.
    await openPalette(tty);
    tty.press('up');
    await tty.waitFor((s) => /:bogus\s/.test(statusLine(s)), { timeoutMs: STEP_MS, message: 'Up recalls :bogus' });
    tty.press('up');
    await tty.waitFor((s) => /:ct\s/.test(statusLine(s)), { timeoutMs: STEP_MS, message: 'Up recalls :ct' });
    tty.press('down');
    await tty.waitFor((s) => /:bogus\s/.test(statusLine(s)), { timeoutMs: STEP_MS, message: 'Down goes forward' });
    tty.press('escape');
    await tty.waitFor((s) => mode(s) === 'NORMAL', { timeoutMs: STEP_MS, message: 'palette closed' });
    tty.write('q');
    expect((await tty.exited).exitCode).toBe(0);

    const historyFile = join(env.XDG_STATE_HOME!, 'proxmox-mpc', 'palette-history');
    expect(existsSync(historyFile)).toBe(true);
    expect(readFileSync(historyFile, 'utf8').trim().split('\n')).toEqual(['node', 'vm web-02', 'ct', 'bogus']);
    expect(statSync(historyFile).mode & 0o777).toBe(0o600);

    // The next session starts with it.
    const again = await openDemo([], { env });
    await openPalette(again);
    again.press('up');
    await again.waitFor((s) => /:bogus\s/.test(statusLine(s)), { timeoutMs: STEP_MS, message: 'history from the last session' });
  });

  it('a command typed in one go with its Enter runs', async () => {
    const tty = await openDemo();
    tty.write(':vm web-02\r');
    await tty.waitFor((s) => s.includes('VM 101 web-02') && mode(s) === 'NORMAL', { timeoutMs: 10_000, message: ':vm web-02 from one chunk' });
  });
});

describe('resizing the terminal', { timeout: TEST_MS }, () => {
  it('lays the screen out again at 80x24, says when it is too small, and comes back at 120x40', async () => {
    const tty = await openDemo();
    const laidOut = (rows: number) => (s: string) => {
      const lines = linesOf(s);
      const status = lines.findIndex((l) => /^ NORMAL /.test(l));
      return (
        lines.length === rows &&
        lines[0]!.startsWith('proxmox-mpc  demo  cluster homelab') &&
        s.split('proxmox-mpc  demo').length === 2 && // the header once: no stale frame above or below
        /^Guests \(38\)/.test(lines[2] ?? '') &&
        status >= rows - 4 &&
        s.includes('web-01')
      );
    };

    tty.resize(80, 24);
    await tty.waitFor((s) => laidOut(24)(s) && !(linesOf(s)[3] ?? '').includes('TAGS'), { timeoutMs: STEP_MS, message: 'the 80x24 layout' });
    for (const line of tty.lines()) expect(line.length).toBeLessThanOrEqual(80);
    // A screenful of rows: 24 - header 2 - title and column header 2 - status 2 - spare 1.
    expect(vmids(tty.text())).toHaveLength(layoutTableRows({ columns: 80, rows: 24 }));

    tty.resize(40, 10);
    await tty.waitFor((s) => s.includes('Terminal too small'), { timeoutMs: STEP_MS, message: 'the too-small notice' });
    expect(tty.text()).not.toContain('web-01');

    tty.resize(120, 40);
    await tty.waitFor((s) => laidOut(40)(s) && (linesOf(s)[3] ?? '').includes('TAGS'), { timeoutMs: STEP_MS, message: 'the 120x40 layout' });
    expect(vmids(tty.text())).toHaveLength(33);
    expect(tty.text()).not.toContain('Terminal too small');
    // Still working after all that.
    tty.write('j');
    await tty.waitFor((s) => position(s)?.at === 2, { timeoutMs: STEP_MS, message: 'j after the resizes' });
  });

  it('the too-small notice says how big the terminal must be', async () => {
    const tty = await openDemo();
    tty.resize(40, 10);
    await tty.waitFor((s) => s.includes('Terminal too small'), { timeoutMs: STEP_MS, message: 'the too-small notice' });
    const notice = tty.lines().join(' ').replace(/\s+/g, ' ');
    expect(notice).toMatch(/needs at least 60x12/);
  });
});

describe('leaving the console restores the terminal', { timeout: TEST_MS }, () => {
  const expectRestored = (tty: TtySession) => {
    expect(tty.isAlternateScreen()).toBe(false);
    expect(tty.isCursorHidden()).toBe(false);
    // Nothing of the console on the shell's screen.
    expect(tty.text()).not.toContain('web-01');
  };

  it('q exits 0', async () => {
    const tty = await openDemo();
    tty.write('q');
    expect(await tty.exited).toEqual({ exitCode: 0 });
    await tty.settled();
    expectRestored(tty);
  });

  it('SIGTERM exits 143', async () => {
    const tty = await openDemo();
    tty.kill('SIGTERM');
    const exit = await tty.exited;
    await tty.settled();
    expectRestored(tty);
    expect(exit.exitCode).toBe(143);
  });

  it('SIGINT exits 130', async () => {
    const tty = await openDemo();
    tty.kill('SIGINT');
    const exit = await tty.exited;
    await tty.settled();
    expectRestored(tty);
    // 130 as the shell reports it: an exit code of 130, or death by SIGINT (see the next test).
    expect(exit.exitCode === 130 || exit.signal === 2, JSON.stringify(exit)).toBe(true);
  });

  // BUG: terminal.ts's onSignal removes its own SIGINT/SIGTERM/SIGHUP listeners (restore())
  // before runConsole's finish() has run. Ink's signal-exit hook (registered after it) then sees
  // no other listener and re-raises the signal with process.kill(process.pid, sig): the process
  // dies by the signal ({ exitCode: 0, signal: 2 } from node-pty) instead of exiting 130 after
  // finish(), so the sync worker's stop and cache.close() are cut short. Remove `.fails` once
  // fixed.
  it('SIGINT exits with code 130 itself, after its cleanup (not killed by the re-raised signal)', async () => {
    const tty = await openDemo();
    tty.kill('SIGINT');
    expect(await tty.exited).toEqual({ exitCode: 130 });
  });

  it('Ctrl-C quits (exit 0)', async () => {
    const tty = await openDemo();
    tty.press('ctrl-c');
    expect(await tty.exited).toEqual({ exitCode: 0 });
    await tty.settled();
    expectRestored(tty);
  });

  it('q from inside the palette is typed, not a quit; q from the detail quits', async () => {
    const tty = await openDemo();
    await openPalette(tty);
    await typeInto(tty, 'q', ':q');
    tty.press('backspace');
    await tty.waitFor((s) => mode(s) === 'CMD' && /^ CMD\s+:\s/.test(statusLine(s)), { timeoutMs: STEP_MS, message: 'q erased' });
    tty.press('escape');
    await tty.waitFor((s) => mode(s) === 'NORMAL', { timeoutMs: STEP_MS, message: 'palette closed' });
    tty.press('enter');
    await tty.waitFor((s) => s.includes('VM 100 web-01'), { timeoutMs: STEP_MS, message: 'the detail' });
    tty.write('q');
    expect(await tty.exited).toEqual({ exitCode: 0 });
    await tty.settled();
    expectRestored(tty);
  });
});

describe('a live cluster behind the console', { timeout: TEST_MS }, () => {
  it('runs on PROXMOX_VE_* without a profile and shows a guest stopped through the API without a key press', async () => {
    const { client, env } = await liveCluster();
    const tty = start([], { env });
    await waitForGuests(tty);
    expect(tty.lines()[0]).toMatch(/^proxmox-mpc\s+\S+\s+cluster homelab\s+PVE 9\.1\.2\s+online/);
    expect(rowOf(tty.text(), 100)).toMatchObject({ name: 'web-01', status: 'running' });
    const written = tty.bytesWritten();

    await client.post('/nodes/pve1/qemu/100/status/stop');
    await tty.waitFor((s) => rowOf(s, 100)?.status === 'stopped', { timeoutMs: 20_000, message: 'web-01 stopped' });
    expect(tty.bytesWritten()).toBeGreaterThan(written);
    expect(tty.lines()[1]).toMatch(/28 running/);
    expect(rowOf(tty.text(), 101)?.status).toBe('running');
  });

  it('strips escape sequences from API text: a description cannot set the title or clear the screen', async () => {
    const { client, env } = await liveCluster();
    // Read by the console's first sync...
    await client.put('/nodes/pve1/qemu/100/config', { description: 'evil\x1b[2J\x1b]0;pwned\x07 text \x1b[31mred\x9b2J end' });
    const tty = start([], { env });
    await waitForGuests(tty);
    const clearsBefore = tty.rawOutput().split('\x1b[2J').length;
    await runCommand(tty, 'vm 100');
    await tty.waitFor((s) => /^Description:\s+evil\s*text red\s*end$/m.test(s), { timeoutMs: STEP_MS, message: 'the sanitised description' });

    // ... and a change while it runs (POST: a qmconfig task, so the next poll reads the config).
    await client.post('/nodes/pve1/qemu/100/config', { description: 'second\x1b]0;pwned2\x07 change\x1b[H\x1b[1;1Hx' });
    await tty.waitFor((s) => /^Description:\s+second\s*change\s*x$/m.test(s), { timeoutMs: 20_000, message: 'the changed description' });
    tty.write('l');
    await tty.waitFor((s) => /^Config:$/m.test(s), { timeoutMs: STEP_MS, message: 'the Config tab' });
    tty.write('llll');
    await tty.waitFor((s) => /^History:$/m.test(s) && /description\s+evil\s*text red\s*end -> second\s*change\s*x/.test(s), { timeoutMs: STEP_MS, message: 'the change in History' });

    const raw = tty.rawOutput();
    expect(raw.includes('\x1b]0;pwned'), 'the window-title sequence reached the terminal').toBe(false);
    expect(raw.includes('pwned'), 'text of the OSC sequence reached the terminal').toBe(false);
    expect(raw.includes('\x9b'), 'an 8-bit CSI reached the terminal').toBe(false);
    expect(raw.split('\x1b[2J').length, 'screen clears').toBe(clearsBefore);
    // The screen is intact: header on the first row, the guest's title and tabs under it.
    expect(tty.lines()[0]).toMatch(/^proxmox-mpc\s+\S+\s+cluster homelab/);
    expect(tty.lines()[2]).toMatch(/^VM 100 web-01/);
    expect(tty.isAlternateScreen()).toBe(true);
  });
});

describe('display options', { timeout: TEST_MS }, () => {
  /** Opens a guest's detail and comes back, so that more of the console has been drawn. */
  const exercise = async (tty: TtySession) => {
    tty.press('enter');
    await tty.waitFor((s) => s.includes('VM 100 web-01'), { timeoutMs: STEP_MS, message: 'the detail' });
    tty.press('escape');
    await waitForGuests(tty, STEP_MS);
  };

  it('colours by default (the baseline the next tests compare against)', async () => {
    const tty = await openDemo();
    await exercise(tty);
    expect(colourCodes(tty.rawOutput()).length).toBeGreaterThan(0);
    expect(tty.rawOutput().includes('●'), 'status symbols in the output').toBe(true);
  });

  it('NO_COLOR=1: no colour codes', async () => {
    const tty = await openDemo([], { env: consoleEnv({ NO_COLOR: '1' }) });
    await exercise(tty);
    expect([...new Set(colourCodes(tty.rawOutput()))], 'colour codes in the output').toEqual([]);
  });

  it('--no-color: no colour codes', async () => {
    const tty = await openDemo(['--no-color']);
    await exercise(tty);
    expect([...new Set(colourCodes(tty.rawOutput()))], 'colour codes in the output').toEqual([]);
  });

  it('--no-icons: plain ASCII status and sort marks', async () => {
    const tty = await openDemo(['--no-icons']);
    await exercise(tty);
    const symbols = [...new Set(tty.rawOutput().match(/[●○◇▲▼✓]/gu) ?? [])];
    expect(symbols, 'symbols in the output').toEqual([]);
    expect(tty.lines()[3]).toMatch(/VMID\^/);
    expect(rowOf(tty.text(), 100)?.text).toMatch(/running/);
  });

  it('--read-only shows READ-ONLY in the header', async () => {
    const tty = await openDemo(['--read-only']);
    expect(tty.lines()[0]).toContain('READ-ONLY');
    const plain = await openDemo();
    expect(plain.lines()[0]).not.toContain('READ-ONLY');
  });

  it('--screen-reader draws no styles and points at the selected row with >', async () => {
    const tty = await openDemo(['--screen-reader']);
    tty.write('j');
    await tty.waitFor((s) => /^>\s+101 web-02/m.test(s), { timeoutMs: STEP_MS, message: 'the pointer on web-02' });
    expect(tty.text()).not.toMatch(/^>\s+100 /m);
  });
});

describe('acting on guests from the console (a)', { timeout: TEST_MS }, () => {
  it('starts a stopped VM at once, and stops it after a y/N question; the rows follow', async () => {
    const tty = await openDemo(['--time-scale', '0.05']);
    expect(tty.text()).toContain('<a> act');
    // 109 win11-desk is stopped: filter to it, then act.
    tty.write('/win11\r');
    await tty.waitFor((s) => mode(s) === 'NORMAL' && rowOf(s, 109) !== undefined && rowOf(s, 100) === undefined, { timeoutMs: STEP_MS, message: 'the filtered row' });
    tty.write('a');
    await tty.waitFor((s) => s.includes('Actions: VM 109 win11-desk') && /s {2}start \(low risk\)/.test(s), { timeoutMs: STEP_MS, message: 'the actions menu' });
    tty.write('s');
    await tty.waitFor((s) => s.includes('start VM 109 win11-desk: OK') && rowOf(s, 109)?.status === 'running', { timeoutMs: STEP_MS, message: 'started, and the row says so' });
    tty.write('a');
    await tty.waitFor((s) => /x {2}stop \(high risk\)/.test(s), { timeoutMs: STEP_MS, message: 'stop offered' });
    tty.write('x');
    await tty.waitFor((s) => s.includes('stop VM 109 win11-desk?') && s.includes('Could be lost') && s.includes('y: go ahead'), { timeoutMs: STEP_MS, message: 'the question' });
    tty.write('y');
    await tty.waitFor((s) => s.includes('stop VM 109 win11-desk: OK') && rowOf(s, 109)?.status === 'stopped', { timeoutMs: STEP_MS, message: 'stopped, and the row says so' });
  });

  it('--read-only offers no actions', async () => {
    const tty = await openDemo(['--read-only']);
    expect(tty.text()).not.toContain('<a> act');
    tty.write('a');
    await tty.waitFor((s) => s.includes('read-only mode: no actions'), { timeoutMs: STEP_MS, message: 'the refusal' });
    expect(tty.text()).not.toContain('Actions:');
  });
});

describe('the screens behind the number keys', { timeout: TEST_MS }, () => {
  it('1, 3, 4, 6 and 7 show the overview, nodes, storage, snapshots and settings; 2 the guests again', async () => {
    const tty = await openDemo();
    const screen = async (key: string, shows: RegExp[], what: string) => {
      tty.write(key);
      await tty.waitFor((s) => mode(s) === 'NORMAL' && shows.every((re) => re.test(s)), { timeoutMs: STEP_MS, message: what });
    };
    await screen('1', [/^Overview\s/m, /^Cluster: 3 nodes, 21 VMs, 17 containers\b/m, /^pve2\s+● online/m], 'the overview');
    await screen('3', [/^Nodes \(3\)\s+1\/3$/m, /^\s+pve1\s+● online/m, /^\s+pve3\s/m], 'the nodes');
    await screen('4', [/^Storage \(12\)\s+1\/12$/m, /^\s+local-lvm\s+pve1\s+lvmthin\b/m], 'the storage');
    await screen('6', [/^Snapshots \(\d+\)\s+1\/\d+$/m, /^\s+102 db-01\s+pre-upgrade\b/m], 'the snapshots');
    await screen('7', [/^Settings\b/m, /^\s*Theme\s+‹ dark ›/m, /^\s*Refresh interval\s/m], 'the settings');
    // None of them left a guest row behind.
    expect(tty.text()).not.toContain('web-01');
    tty.write('2');
    await waitForGuests(tty, STEP_MS);
  });
});

describe('from a node to its guests', { timeout: TEST_MS }, () => {
  it('Enter on pve2 in the nodes screen shows the guest table filtered node:pve2', async () => {
    const tty = await openDemo();
    tty.write('3');
    await tty.waitFor((s) => /^Nodes \(3\)\s+1\/3$/.test(titleLine(s).trimEnd()), { timeoutMs: STEP_MS, message: 'the nodes screen' });
    tty.write('j');
    await tty.waitFor((s) => position(s)?.at === 2, { timeoutMs: STEP_MS, message: 'cursor on pve2' });
    tty.press('enter');
    await tty.waitFor((s) => /^Guests \(\d+\/38\)\s+filter: node:pve2\b/.test(titleLine(s)) && guestRows(s).length > 0, { timeoutMs: STEP_MS, message: 'the guests of pve2' });
    const rows = guestRows(tty.text());
    const shown = Number(/^Guests \((\d+)\//.exec(titleLine(tty.text()))![1]);
    expect(rows).toHaveLength(shown);
    for (const row of rows) expect(row.node).toBe('pve2');
    expect(rows.map((r) => r.vmid)).toEqual(expect.arrayContaining([101, 105, 201]));
    expect(rows.map((r) => r.vmid)).not.toContain(100);
  });
});

describe('marking guests', { timeout: TEST_MS }, () => {
  /** The screen line of a guest row, mark column included (guestRows stops at a marked row). */
  const rowLine = (screen: string, vmid: number): string | undefined => linesOf(screen).find((l) => new RegExp(`^[ *]\\s*${vmid} `).test(l));

  it('Space marks the guest under the cursor: "1 marked" in the title, a * before the row; Space again unmarks', async () => {
    const tty = await openDemo();
    tty.press('space');
    await tty.waitFor((s) => /\b1 marked\b/.test(titleLine(s)) && rowLine(s, 100)?.startsWith('*') === true, { timeoutMs: STEP_MS, message: 'guest 100 marked' });
    expect(titleLine(tty.text())).toMatch(/^Guests \(38\)\s+1 marked\s+2\/38$/);
    // Only that row: the cursor moved on to the next one, unmarked.
    expect(rowLine(tty.text(), 100)).toMatch(/^\*\s+100 web-01\s/);
    expect(rowLine(tty.text(), 101)?.startsWith(' ')).toBe(true);
    expect(linesOf(tty.text()).filter((l) => /^\*\s*\d+ /.test(l))).toHaveLength(1);

    tty.write('k');
    await tty.waitFor((s) => position(s)?.at === 1, { timeoutMs: STEP_MS, message: 'cursor back on 100' });
    tty.press('space');
    await tty.waitFor((s) => !titleLine(s).includes('marked') && rowLine(s, 100)?.startsWith(' ') === true, { timeoutMs: STEP_MS, message: 'guest 100 unmarked' });
    expect(linesOf(tty.text()).filter((l) => /^\*\s*\d+ /.test(l))).toHaveLength(0);
  });
});

describe('the task log viewer', { timeout: TEST_MS }, () => {
  it("Enter on the running backup opens its log, which follows until f; Esc returns to the tasks", async () => {
    const tty = await openDemo();
    tty.write('5');
    // The homelab's backup of 115 never ends: it is the newest task and still running.
    const firstTask = (s: string): string => linesOf(s)[4] ?? '';
    await tty.waitFor((s) => /^Tasks \(\d+\)\s+1\/\d+$/.test(titleLine(s).trimEnd()) && /\bpve3\s+vzdump\s+115\s.*\brunning\b/.test(firstTask(s)), { timeoutMs: STEP_MS, message: 'the tasks, the running vzdump first' });
    expect(statusLine(tty.text())).toMatch(/1 task running/);

    tty.press('enter');
    await tty.waitFor((s) => /^Task vzdump 115 on pve3  running\b/.test(titleLine(s)), { timeoutMs: STEP_MS, message: 'the task log title' });
    await tty.waitFor((s) => /^INFO: starting new backup job\b/m.test(s) && /\d+ lines  following \(f stops\)/.test(titleLine(s)), { timeoutMs: STEP_MS, message: 'the log lines, followed' });
    expect(tty.lines()[1]).toMatch(/^Tasks › Task log\b/);
    expect(tty.text()).toMatch(/^INFO: Starting Backup of VM 115 \(qemu\)$/m);
    const lines = Number(/(\d+) lines/.exec(titleLine(tty.text()))![1]);
    expect(lines).toBeGreaterThan(1);

    tty.write('f');
    await tty.waitFor((s) => titleLine(s).includes('(f follows, G end)') && !titleLine(s).includes('following'), { timeoutMs: STEP_MS, message: 'following stopped' });
    expect(tty.text()).toMatch(/^INFO: starting new backup job\b/m);
    tty.write('f');
    await tty.waitFor((s) => titleLine(s).includes('following (f stops)'), { timeoutMs: STEP_MS, message: 'following again' });

    tty.press('escape');
    await tty.waitFor((s) => /^Tasks \(\d+\)\s+1\/\d+$/.test(titleLine(s).trimEnd()) && /\bvzdump\s+115\b/.test(firstTask(s)), { timeoutMs: STEP_MS, message: 'back on the tasks' });
    expect(tty.text()).not.toContain('INFO: starting new backup job');
  });
});
