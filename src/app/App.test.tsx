import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import type { ConsoleStore } from '../store/consoleStore.js';
import { fixtureData, guest, makeConsole, manyGuests } from '../store/test-support/consoleFixture.js';
import { PALETTE_COMMANDS } from './commands.js';
import { App } from './App.js';
import { createInputRouter, type InputRouter } from './inputRouter.js';
import { DEFAULT_KEYMAP } from './keymap.js';
import { tableRows } from './layout.js';

const routers: InputRouter[] = [];
afterEach(() => {
  cleanup();
  for (const r of routers.splice(0)) r.dispose();
});

/** Renders the console and waits for its first resize (ink-testing-library: 100 columns, no
 * rows, so 100x24); then sets the size the test wants. */
async function mount(c: ConsoleStore, size?: { columns: number; rows: number }) {
  const refresh = vi.fn();
  const exit = vi.fn();
  const router = createInputRouter({ console: c, keymap: DEFAULT_KEYMAP, refresh, exit });
  routers.push(router);
  const r = render(<App console={c} keymap={DEFAULT_KEYMAP} router={router} />);
  await vi.waitFor(() => expect(c.store.getState().size).toEqual({ columns: 100, rows: 24 }));
  if (size) c.actions.setSize(size);
  const frame = (): string => r.lastFrame() ?? '';
  const until = async (predicate: (frame: string) => boolean): Promise<string> => {
    await vi.waitFor(() => {
      if (!predicate(frame())) throw new Error(`frame not ready:\n${frame()}`);
    });
    return frame();
  };
  return { ...r, frame, until, refresh, exit };
}

describe('App: the guest table', () => {
  it('renders only the visible rows of 100,000 guests', async () => {
    const c = makeConsole({ data: { ...fixtureData(), guests: manyGuests(100_000) } });
    const size = { columns: 100, rows: 30 };
    const app = await mount(c, size);
    const out = await app.until((f) => f.includes('Guests (100000)'));
    const lines = out.split('\n');
    expect(lines.length).toBeLessThanOrEqual(size.rows);
    const rows = lines.filter((l) => /guest-\d+/.test(l));
    expect(rows).toHaveLength(tableRows(size));
    expect(rows[0]).toContain('guest-100');
    expect(out).toContain('1/100000');
    // Jump far: the window follows the cursor.
    c.actions.moveTo('guests', 50_000);
    const moved = await app.until((f) => f.includes('50001/100000'));
    const shown = moved.split('\n').filter((l) => /guest-\d+/.test(l));
    expect(shown).toHaveLength(tableRows(size));
    expect(shown[shown.length - 1]).toContain('guest-50100');
  });

  it('draws the header with the profile, the sync age, the counts and the breadcrumbs', async () => {
    const c = makeConsole();
    const app = await mount(c);
    const out = await app.until((f) => f.includes('proxmox-mpc'));
    const [first, second] = out.split('\n');
    expect(first).toContain('proxmox-mpc  homelab  cache  never synced');
    expect(second).toContain('Guests');
    expect(second).toContain('3 nodes  5 VMs  2 CTs  4 running');
    c.actions.setMeta({ readOnly: true, clusterName: 'lab', pveVersion: '9.1.1' });
    c.actions.navigate({ screen: 'detail', key: 'qemu/100', tab: 'summary' });
    const next = await app.until((f) => f.includes('READ-ONLY'));
    expect(next.split('\n')[0]).toContain('cluster lab  PVE 9.1.1');
    expect(next.split('\n')[1]).toContain('Guests › qemu/100');
  });

  it('draws the status bar hints from the keymap', async () => {
    const c = makeConsole();
    const app = await mount(c);
    const out = await app.until((f) => f.includes('NORMAL'));
    expect(out).toContain('<enter> open');
    expect(out).toContain('</> filter');
    c.actions.switchTo({ screen: 'overview' });
    expect(await app.until((f) => f.includes('Cluster:'))).toContain('<q> quit');
  });

  it('keeps the help hint on screen at 80 columns', async () => {
    // The hints are cut at the width: on a list screen at 80 columns `<?> help` (the way to
    // every other key) falls off the end.
    const c = makeConsole();
    const app = await mount(c, { columns: 80, rows: 24 });
    const out = await app.until((f) => f.includes('NORMAL') && f.split('\n')[2]!.length <= 80);
    expect(out).toContain('<?> help');
  });

  it('shows a guest’s lock in the table (its own column, the first to go on a narrow terminal)', async () => {
    const c = makeConsole();
    const app = await mount(c, { columns: 120, rows: 24 });
    const out = await app.until((f) => f.includes('db-01'));
    const row = out.split('\n').find((l) => l.includes('db-01'))!;
    expect(row).toContain('backup');
  });
});

describe('App: other screens', () => {
  it('the help screen lists every binding and every command', async () => {
    const c = makeConsole();
    const app = await mount(c, { columns: 100, rows: 120 });
    c.actions.navigate({ screen: 'help' });
    const out = await app.until((f) => f.includes('Commands (type :'));
    for (const b of DEFAULT_KEYMAP) expect(out).toContain(b.description);
    for (const cmd of PALETTE_COMMANDS) expect(out).toContain(`:${cmd.name}`);
  });

  it('the overview draws usage bars per node and storage', async () => {
    const c = makeConsole();
    const app = await mount(c, { columns: 100, rows: 30 });
    c.actions.switchTo({ screen: 'overview' });
    const out = await app.until((f) => f.includes('Cluster:'));
    expect(out).toContain('Cluster: 3 nodes, 5 VMs, 2 containers — 4 running, 1 stopped, 1 paused, 1 templates');
    const nodeLine = (node: string): string => out.split('\n').find((l) => l.startsWith(`${node} `))!;
    const bar = (line: string, label: string, cells: string): string => new RegExp(`${label} ([${cells}]+)`).exec(line)?.[1] ?? '';
    const filled = (b: string): number => Array.from(b).filter((ch) => ch === '█' || ch === '#').length / Array.from(b).length;
    // pve1: 12% CPU, 32 of 64 GiB memory; pve2: 95% CPU.
    const cpu1 = bar(nodeLine('pve1'), 'CPU', '█░');
    expect(cpu1.length).toBeGreaterThanOrEqual(4);
    expect(filled(cpu1)).toBeGreaterThan(0);
    expect(filled(cpu1)).toBeLessThanOrEqual(0.25);
    expect(filled(bar(nodeLine('pve1'), 'MEM', '█░'))).toBeCloseTo(0.5, 1);
    expect(filled(bar(nodeLine('pve2'), 'CPU', '█░'))).toBeGreaterThanOrEqual(0.85);
    expect(nodeLine('pve1')).toContain('12%');
    expect(nodeLine('pve1')).toContain('32/64 GiB');
    // pve3 reports nothing: dotted bars, and it has no guests.
    expect(bar(nodeLine('pve3'), 'CPU', '·')).not.toBe('');
    expect(out).toContain('no guests');
    expect(out).toContain('Storage');
    expect(out).toMatch(/pve1\/local\s+dir\s+[█░]+ 22\/94 GiB/);
    c.actions.updateSettings({ icons: false });
    const ascii = await app.until((f) => /CPU [#-]+/.test(f));
    expect(ascii).not.toContain('█');
    expect(ascii).toMatch(/CPU \.+/);
  });

  it('every overview line fits the terminal at its minimum width', async () => {
    const c = makeConsole();
    const app = await mount(c, { columns: 60, rows: 30 });
    c.actions.switchTo({ screen: 'overview' });
    const out = await app.until((f) => f.includes('Cluster:') && !f.includes('Guests ('));
    for (const l of out.split('\n')) expect(Array.from(l).length).toBeLessThanOrEqual(60);
  });

  it('shows a too-small notice at 40x10', async () => {
    const c = makeConsole();
    const app = await mount(c, { columns: 40, rows: 10 });
    const out = await app.until((f) => f.includes('Terminal too small'));
    expect(out).toContain('Terminal too small: 40x10. proxmox-mpc needs at least 60x12.');
    expect(out).not.toContain('proxmox-mpc  homelab');
  });
});

describe('App: untrusted text', () => {
  const EVIL_NAME = 'evil\u001b[31mred\u001b]0;x\u0007\u009b2J';
  const EVIL_TAG = 't\u001b]0;x\u0007ag';

  const evil = () => {
    const data = fixtureData();
    data.guests.push(guest('qemu', 104, EVIL_NAME, 'pve1', { tags: [EVIL_TAG] }));
    return makeConsole({ data, meta: { profile: 'home\u001b[2Jlab' } });
  };

  const clean = (out: string): void => {
    expect(out).not.toContain('\u001b');
    expect(out).not.toContain('\u0007');
    expect(out).not.toContain('\u009b');
  };

  it('strips escape sequences from names and tags in the table and the header', async () => {
    const c = evil();
    const app = await mount(c);
    const out = await app.until((f) => f.includes('evilred'));
    clean(out);
    const row = out.split('\n').find((l) => l.includes('evilred'))!;
    expect(row).toContain('tag');
    expect(out).toContain('homelab');
  });

  it('strips them on the detail screen, in palette completions and in messages', async () => {
    const c = evil();
    const app = await mount(c);
    c.actions.navigate({ screen: 'detail', key: 'qemu/104', tab: 'summary' });
    clean(await app.until((f) => f.includes('VM 104 evilred')));
    c.actions.back();
    c.actions.setMode('palette');
    c.actions.setPaletteInput('vm 104');
    clean(await app.until((f) => f.includes('104 evilred')));
    c.actions.setMode('normal');
    c.actions.notify(`bad \u001b]0;title\u0007${EVIL_NAME}`, 'error');
    clean(await app.until((f) => f.includes('bad evilred')));
    c.actions.setMode('filter');
    c.actions.setFilterInput('\u001b[31mweb');
    clean(await app.until((f) => f.includes('FILTER')));
  });
});

describe('App: keys', () => {
  it('keys written to stdin reach the router', async () => {
    const c = makeConsole();
    const app = await mount(c);
    await app.until((f) => f.includes('1/7'));
    app.stdin.write('j');
    await app.until((f) => f.includes('2/7'));
    expect(c.store.getState().views.guests.cursor).toBe(1);
    app.stdin.write('jj');
    await app.until((f) => f.includes('4/7'));
    app.stdin.write(':');
    await app.until((f) => f.includes(' CMD '));
    app.stdin.write('ct');
    await app.until((f) => f.includes(':ct'));
    app.stdin.write('\r');
    const out = await app.until((f) => f.includes('Containers (2/7)') || f.includes('Containers (2)'));
    expect(out).toContain('pihole');
    expect(out).not.toContain('web-02');
  });
});
