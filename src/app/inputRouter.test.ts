import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GuestRow } from '../db/model.js';
import { currentRoute, selectListRows } from '../store/selectors.js';
import { fixtureData, inkKey, key, makeConsole, manyGuests, press, type } from '../store/test-support/consoleFixture.js';
import type { Route } from '../store/types.js';
import { createInputRouter, type InputRouter } from './inputRouter.js';
import { DEFAULT_KEYMAP } from './keymap.js';
import { bodyRows, tableRows } from './layout.js';
import { openPaletteHistory, type PaletteHistory } from './paletteHistory.js';

interface Harness {
  c: ReturnType<typeof makeConsole>;
  router: InputRouter;
  refresh: ReturnType<typeof vi.fn>;
  exit: ReturnType<typeof vi.fn>;
  cursor(): number;
  route(): Route;
}

const routers: InputRouter[] = [];
afterEach(() => {
  for (const r of routers.splice(0)) r.dispose();
  vi.useRealTimers();
});

function setup(options: { guests?: GuestRow[]; history?: PaletteHistory; size?: { columns: number; rows: number } } = {}): Harness {
  const c = makeConsole({ data: { ...fixtureData(), ...(options.guests ? { guests: options.guests } : {}) }, ...(options.size ? { size: options.size } : {}) });
  const refresh = vi.fn();
  const exit = vi.fn();
  const router = createInputRouter({ console: c, keymap: DEFAULT_KEYMAP, refresh, exit, ...(options.history ? { history: options.history } : {}) });
  routers.push(router);
  return {
    c,
    router,
    refresh,
    exit,
    cursor: () => c.store.getState().views.guests.cursor,
    route: () => currentRoute(c.store.getState()),
  };
}

const big = () => manyGuests(200);

describe('motions', () => {
  it('j and k move one row, clamped; arrows too', () => {
    const h = setup();
    press(h.router, 'j');
    expect(h.cursor()).toBe(1);
    press(h.router, 'j', 'j');
    expect(h.cursor()).toBe(3);
    press(h.router, 'k');
    expect(h.cursor()).toBe(2);
    press(h.router, 'k', 'k', 'k', 'k');
    expect(h.cursor()).toBe(0);
    press(h.router, '<down>', '<down>', '<up>');
    expect(h.cursor()).toBe(1);
    for (let i = 0; i < 20; i++) press(h.router, 'j');
    expect(h.cursor()).toBe(6);
  });

  it('a count moves that many rows: 5j, 10j, then 2k', () => {
    const h = setup({ guests: big() });
    press(h.router, '5');
    expect(h.c.store.getState().count).toBe('5');
    press(h.router, 'j');
    expect(h.cursor()).toBe(5);
    expect(h.c.store.getState().count).toBe('');
    press(h.router, '1', '0', 'j');
    expect(h.cursor()).toBe(15);
    press(h.router, '2', 'k');
    expect(h.cursor()).toBe(13);
    expect(h.route()).toEqual({ screen: 'guests' });
  });

  it('gg goes to the top, G to the bottom, 3G to the third row', () => {
    const h = setup({ guests: big() });
    press(h.router, 'G');
    expect(h.cursor()).toBe(199);
    press(h.router, 'g');
    expect(h.c.store.getState().pendingKey).toBe('g');
    press(h.router, 'g');
    expect(h.cursor()).toBe(0);
    expect(h.c.store.getState().pendingKey).toBeUndefined();
    press(h.router, '3', 'G');
    expect(h.cursor()).toBe(2);
    press(h.router, '<end>');
    expect(h.cursor()).toBe(199);
    press(h.router, '<home>');
    expect(h.cursor()).toBe(0);
  });

  it('Ctrl-d and Ctrl-u move half a page; page down a page', () => {
    const size = { columns: 120, rows: 30 };
    const h = setup({ guests: big(), size });
    const half = Math.floor(tableRows(size) / 2);
    press(h.router, '<c-d>');
    expect(h.cursor()).toBe(half);
    press(h.router, '<c-d>');
    expect(h.cursor()).toBe(2 * half);
    press(h.router, '<c-u>');
    expect(h.cursor()).toBe(half);
    press(h.router, '2', '<c-d>');
    expect(h.cursor()).toBe(3 * half);
    press(h.router, '<c-u>', '<c-u>', '<c-u>', '<c-u>');
    expect(h.cursor()).toBe(0);
    press(h.router, '<pgdn>');
    expect(h.cursor()).toBe(tableRows(size));
  });

  it('keys that arrive together count as separate presses: jj, 5j, gg', () => {
    const h = setup({ guests: big() });
    h.router.handle('jj', key());
    expect(h.cursor()).toBe(2);
    h.router.handle('5j', key());
    expect(h.cursor()).toBe(7);
    h.router.handle('gg', key());
    expect(h.cursor()).toBe(0);
    h.router.handle('jjj', key());
    expect(h.cursor()).toBe(3);
  });

  it('one key event is one change for subscribers (one frame)', () => {
    const h = setup({ guests: big() });
    let calls = 0;
    h.c.store.subscribe(() => calls++);
    h.router.handle('5j', key());
    expect(h.cursor()).toBe(5);
    expect(calls).toBe(1);
    press(h.router, '<space>');
    expect(calls).toBe(2);
  });
});

describe('screens and the stack', () => {
  it('Enter opens the guest under the cursor, Esc goes back', () => {
    const h = setup();
    press(h.router, 'j', 'j');
    press(h.router, '<enter>');
    expect(h.route()).toEqual({ screen: 'detail', key: 'qemu/102', tab: 'summary' });
    expect(h.c.store.getState().stack).toHaveLength(2);
    press(h.router, '<esc>');
    expect(h.route()).toEqual({ screen: 'guests' });
    expect(h.cursor()).toBe(2);
  });

  it('Enter opens storage content and task logs; nodes lead to guests', () => {
    const h = setup();
    h.c.actions.switchTo({ screen: 'storage' });
    press(h.router, 'j', '<enter>');
    expect(h.route()).toEqual({ screen: 'content', node: 'pve1', storage: 'nas' });
    h.c.actions.switchTo({ screen: 'tasks' });
    press(h.router, '<enter>');
    expect(h.route()).toMatchObject({ screen: 'taskLog', node: 'pve1' });
    h.c.actions.switchTo({ screen: 'nodes' });
    press(h.router, '<enter>');
    expect(h.route()).toEqual({ screen: 'guests' });
  });

  it('Esc first clears an applied filter, then pops; at the root it clears marks', () => {
    const h = setup();
    h.c.actions.setFilter('guests', 'web');
    h.c.actions.navigate({ screen: 'help' });
    h.c.actions.back();
    press(h.router, '<esc>');
    expect(h.c.store.getState().views.guests.filter).toBe('');
    expect(h.route()).toEqual({ screen: 'guests' });
    press(h.router, '<space>');
    expect(h.c.store.getState().marks.size).toBe(1);
    press(h.router, '<esc>');
    expect(h.c.store.getState().marks.size).toBe(0);
  });

  it('l and h (and Tab) switch the detail tabs', () => {
    const h = setup();
    press(h.router, '<enter>');
    press(h.router, 'l');
    expect(h.route()).toMatchObject({ tab: 'config' });
    press(h.router, 'l', '<tab>');
    expect(h.route()).toMatchObject({ tab: 'snapshots' });
    press(h.router, 'h', 'h', 'h');
    expect(h.route()).toMatchObject({ tab: 'summary' });
    press(h.router, 'h');
    expect(h.route()).toMatchObject({ tab: 'history' });
  });

  it('? opens the help, which scrolls with j, G and gg', () => {
    const size = { columns: 120, rows: 20 };
    const h = setup({ size });
    press(h.router, '?');
    expect(h.route()).toEqual({ screen: 'help' });
    press(h.router, 'j', 'j');
    expect(h.c.store.getState().textScroll).toBe(2);
    press(h.router, 'G');
    const max = h.c.store.getState().textScroll;
    expect(max).toBeGreaterThan(2);
    press(h.router, 'j');
    expect(h.c.store.getState().textScroll).toBe(max);
    press(h.router, 'g', 'g');
    expect(h.c.store.getState().textScroll).toBe(0);
    expect(bodyRows(size)).toBeGreaterThan(0);
  });

  it('q and Ctrl-c exit, r refreshes', () => {
    const h = setup();
    press(h.router, 'r');
    expect(h.refresh).toHaveBeenCalledTimes(1);
    press(h.router, 'q');
    expect(h.exit).toHaveBeenCalledTimes(1);
    press(h.router, '<c-c>');
    expect(h.exit).toHaveBeenCalledTimes(2);
  });

  it('s cycles the sort column, S reverses it', () => {
    const h = setup();
    press(h.router, 's');
    expect(h.c.store.getState().views.guests.sort).toEqual({ column: 'name', descending: false });
    expect(h.c.store.getState().message?.text).toBe('sorted by name');
    press(h.router, 'S');
    expect(h.c.store.getState().views.guests.sort).toEqual({ column: 'name', descending: true });
    // Any key clears the message.
    press(h.router, 'j');
    expect(h.c.store.getState().message).toBeUndefined();
  });

  it('a modal takes Esc, Enter or q and nothing else', () => {
    const h = setup();
    h.c.actions.showModal({ title: 'T', body: ['b'] });
    press(h.router, 'j', 'q');
    expect(h.cursor()).toBe(0);
    expect(h.exit).not.toHaveBeenCalled();
    expect(h.c.store.getState().modal).toBeUndefined();
  });
});

describe('marks', () => {
  it('Space marks the row and moves down; again unmarks', () => {
    const h = setup();
    press(h.router, '<space>');
    expect([...h.c.store.getState().marks]).toEqual(['qemu/100']);
    expect(h.cursor()).toBe(1);
    press(h.router, '<space>', '<space>');
    expect([...h.c.store.getState().marks]).toEqual(['qemu/100', 'qemu/101', 'qemu/102']);
    press(h.router, 'k', '<space>');
    expect([...h.c.store.getState().marks]).toEqual(['qemu/100', 'qemu/101']);
  });
});

describe('filter mode', () => {
  it('/ opens the filter; typing filters live; Enter applies', () => {
    const h = setup();
    press(h.router, 'j', 'j', '/');
    expect(h.c.store.getState().mode).toBe('filter');
    type(h.router, 'we');
    expect(h.c.store.getState().filterInput).toBe('we');
    expect(selectListRows(h.c.store.getState(), 'guests').rows).toHaveLength(3);
    expect(h.cursor()).toBe(0);
    type(h.router, 'b-02');
    expect(selectListRows(h.c.store.getState(), 'guests').rows).toHaveLength(1);
    press(h.router, '<bs>', '<bs>', '<bs>');
    expect(h.c.store.getState().filterInput).toBe('web');
    // j is text here, not a motion
    expect(h.cursor()).toBe(0);
    press(h.router, '<enter>');
    const s = h.c.store.getState();
    expect(s.mode).toBe('normal');
    expect(s.views.guests.filter).toBe('web');
    expect(selectListRows(s, 'guests').rows).toHaveLength(3);
  });

  it('Esc cancels: the applied filter stays what it was', () => {
    const h = setup();
    h.c.actions.setFilter('guests', 'type:ct');
    press(h.router, '/');
    expect(h.c.store.getState().filterInput).toBe('type:ct');
    press(h.router, '<c-u>');
    type(h.router, 'db');
    expect(selectListRows(h.c.store.getState(), 'guests').rows).toHaveLength(1);
    press(h.router, '<esc>');
    const s = h.c.store.getState();
    expect(s.mode).toBe('normal');
    expect(s.views.guests.filter).toBe('type:ct');
    expect(selectListRows(s, 'guests').rows).toHaveLength(2);
  });

  it('Enter on a filter that does not compile reports it and stays in filter mode', () => {
    const h = setup();
    press(h.router, '/');
    type(h.router, 'node:');
    press(h.router, '<enter>');
    const s = h.c.store.getState();
    expect(s.mode).toBe('filter');
    expect(s.message?.level).toBe('error');
    expect(s.message?.text).toMatch(/needs a value/);
    expect(s.views.guests.filter).toBe('');
  });

  it('text arriving in one event (a paste) is typed whole', () => {
    const h = setup();
    press(h.router, '/');
    h.router.handle('web', key());
    expect(h.c.store.getState().filterInput).toBe('web');
    h.router.handle('\u0007-x', key());
    expect(h.c.store.getState().filterInput).toBe('web-x');
  });

  it('Backspace on an empty filter leaves filter mode', () => {
    const h = setup();
    press(h.router, '/', '<bs>');
    expect(h.c.store.getState().mode).toBe('normal');
  });

  it('/sync typed in the filter runs the sync command instead of filtering', () => {
    const h = setup();
    press(h.router, '/');
    type(h.router, '/sync');
    press(h.router, '<enter>');
    expect(h.refresh).toHaveBeenCalledTimes(1);
    const s = h.c.store.getState();
    expect(s.mode).toBe('normal');
    expect(s.views.guests.filter).toBe('');
  });

  it('/help typed in the filter opens the help; /web (no command) is a regex filter', () => {
    const h = setup();
    press(h.router, '/');
    type(h.router, '/help');
    press(h.router, '<enter>');
    expect(h.route()).toEqual({ screen: 'help' });
    press(h.router, '<esc>', '/');
    type(h.router, '/web');
    press(h.router, '<enter>');
    expect(h.c.store.getState().views.guests.filter).toBe('/web');
    expect(selectListRows(h.c.store.getState(), 'guests').rows).toHaveLength(3);
  });
});

describe('palette mode', () => {
  it(': opens the palette; typed text goes to its input; Backspace edits, then leaves', () => {
    const h = setup();
    press(h.router, ':');
    expect(h.c.store.getState().mode).toBe('palette');
    type(h.router, 'vmx');
    press(h.router, '<bs>');
    expect(h.c.store.getState().palette.input).toBe('vm');
    press(h.router, '<c-u>');
    expect(h.c.store.getState().palette.input).toBe('');
    press(h.router, '<bs>');
    expect(h.c.store.getState().mode).toBe('normal');
  });

  it('Enter runs vm, ct, guest lookups, quit; an unknown command is an error message', () => {
    const h = setup();
    press(h.router, ':');
    type(h.router, 'vm');
    press(h.router, '<enter>');
    expect(h.c.store.getState().mode).toBe('normal');
    expect(h.c.store.getState().stack).toEqual([{ screen: 'guests', type: 'qemu' }]);
    press(h.router, ':');
    type(h.router, 'ct');
    press(h.router, '<enter>');
    expect(h.c.store.getState().stack).toEqual([{ screen: 'guests', type: 'lxc' }]);
    press(h.router, ':');
    type(h.router, 'vm db-01');
    press(h.router, '<enter>');
    expect(h.route()).toEqual({ screen: 'detail', key: 'qemu/102', tab: 'summary' });
    press(h.router, ':');
    type(h.router, 'xyzzy');
    press(h.router, '<enter>');
    expect(h.c.store.getState().message).toMatchObject({ level: 'error', text: "unknown command 'xyzzy': try :help" });
    expect(h.exit).not.toHaveBeenCalled();
    press(h.router, ':');
    type(h.router, 'quit');
    press(h.router, '<enter>');
    expect(h.exit).toHaveBeenCalledTimes(1);
  });

  it('Enter runs what is typed, never a guess: a partial command is an error until Tab completes it', () => {
    const h = setup();
    press(h.router, ':');
    type(h.router, 'nod');
    press(h.router, '<enter>');
    expect(h.c.store.getState().stack).toEqual([{ screen: 'guests' }]);
    expect(h.c.store.getState().message?.text).toMatch(/unknown command 'nod'/);
    press(h.router, ':');
    type(h.router, 'nod');
    press(h.router, '<tab>');
    press(h.router, '<enter>');
    expect(h.c.store.getState().stack).toEqual([{ screen: 'nodes' }]);
  });

  it(':node NAME shows the node’s guests', () => {
    const h = setup();
    press(h.router, ':');
    type(h.router, 'node pve2');
    press(h.router, '<enter>');
    expect(h.route()).toEqual({ screen: 'guests' });
    expect(h.c.store.getState().views.guests.filter).toBe('node:pve2');
  });

  it('Tab completes a single match into the input', () => {
    const h = setup();
    press(h.router, ':');
    type(h.router, 'sett');
    press(h.router, '<tab>');
    expect(h.c.store.getState().palette).toEqual({ input: 'settings', selected: -1 });
    press(h.router, '<enter>');
    expect(h.route()).toEqual({ screen: 'settings' });
  });

  it('Tab cycles several matches, Shift-Tab back; Enter runs the selected one', () => {
    const h = setup();
    press(h.router, ':');
    type(h.router, 'vm ');
    press(h.router, '<tab>');
    expect(h.c.store.getState().palette).toEqual({ input: 'vm ', selected: 0 });
    press(h.router, '<tab>', '<tab>');
    expect(h.c.store.getState().palette.selected).toBe(2);
    press(h.router, '<s-tab>');
    expect(h.c.store.getState().palette.selected).toBe(1);
    press(h.router, '<enter>');
    expect(h.route()).toEqual({ screen: 'detail', key: 'qemu/101', tab: 'summary' });
  });

  it('typing after a picked completion continues from it', () => {
    const h = setup();
    press(h.router, ':');
    type(h.router, 'vm ');
    press(h.router, '<tab>');
    expect(h.c.store.getState().palette).toEqual({ input: 'vm ', selected: 0 });
    type(h.router, 'x');
    expect(h.c.store.getState().palette).toEqual({ input: 'vm 100x', selected: -1 });
  });

  it('Up and Down browse the history, which persists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpc-router-'));
    try {
      const path = join(dir, 'palette-history');
      const h = setup({ history: openPaletteHistory(path) });
      for (const line of ['vm', 'ct', 'task']) {
        press(h.router, ':');
        type(h.router, line);
        press(h.router, '<enter>');
      }
      expect(readFileSync(path, 'utf8')).toBe('vm\nct\ntask\n');
      press(h.router, ':', '<up>');
      expect(h.c.store.getState().palette.input).toBe('task');
      press(h.router, '<up>', '<up>');
      expect(h.c.store.getState().palette.input).toBe('vm');
      press(h.router, '<up>');
      expect(h.c.store.getState().palette.input).toBe('vm');
      press(h.router, '<down>');
      expect(h.c.store.getState().palette.input).toBe('ct');
      press(h.router, '<down>', '<down>');
      expect(h.c.store.getState().palette.input).toBe('');
      // Reopening starts from the newest again.
      press(h.router, '<esc>', ':', '<up>');
      expect(h.c.store.getState().palette.input).toBe('task');
      press(h.router, '<enter>');
      expect(h.c.store.getState().stack).toEqual([{ screen: 'tasks' }]);
      // A new history over the same file has the entries.
      expect(openPaletteHistory(path).entries()).toEqual(['vm', 'ct', 'task']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Esc closes the palette without running anything', () => {
    const h = setup();
    press(h.router, ':');
    type(h.router, 'quit');
    press(h.router, '<esc>');
    expect(h.c.store.getState().mode).toBe('normal');
    expect(h.exit).not.toHaveBeenCalled();
  });
});

describe('digits: counts and screen keys', () => {
  it('a lone digit switches screens after the timeout', () => {
    vi.useFakeTimers();
    const h = setup();
    press(h.router, '3');
    expect(h.route()).toEqual({ screen: 'guests' });
    expect(h.c.store.getState().count).toBe('3');
    vi.advanceTimersByTime(399);
    expect(h.route()).toEqual({ screen: 'guests' });
    vi.advanceTimersByTime(1);
    expect(h.route()).toEqual({ screen: 'nodes' });
    expect(h.c.store.getState().count).toBe('');
    press(h.router, '1');
    vi.advanceTimersByTime(400);
    expect(h.route()).toEqual({ screen: 'overview' });
  });

  it('2j is a count, not a screen switch', () => {
    vi.useFakeTimers();
    const h = setup();
    h.c.actions.switchTo({ screen: 'nodes' });
    press(h.router, '2', 'j');
    vi.advanceTimersByTime(1000);
    expect(h.route()).toEqual({ screen: 'nodes' });
    expect(h.c.store.getState().views.nodes.cursor).toBe(2);
  });

  it('a digit on a screen without motions switches at once', () => {
    vi.useFakeTimers();
    const h = setup();
    h.c.actions.switchTo({ screen: 'overview' });
    press(h.router, '4');
    expect(h.route()).toEqual({ screen: 'storage' });
    expect(h.c.store.getState().count).toBe('');
  });

  it('a digit then a key that takes no count: the digit was a screen key', () => {
    vi.useFakeTimers();
    const h = setup();
    h.c.actions.switchTo({ screen: 'nodes' });
    press(h.router, '5', '?');
    expect(h.c.store.getState().stack).toEqual([{ screen: 'tasks' }, { screen: 'help' }]);
  });

  it('Esc cancels a pending count instead of switching screens', () => {
    vi.useFakeTimers();
    const h = setup();
    press(h.router, '<space>');
    expect(h.c.store.getState().marks.size).toBe(1);
    // `5` then Esc: the user changed their mind about the count.
    press(h.router, '5', '<esc>');
    vi.advanceTimersByTime(1000);
    expect(h.c.store.getState().count).toBe('');
    expect(h.route()).toEqual({ screen: 'guests' });
    expect(h.c.store.getState().marks.size).toBe(1);
  });

  it('dispose stops a pending digit', () => {
    vi.useFakeTimers();
    const h = setup();
    press(h.router, '3');
    h.router.dispose();
    vi.advanceTimersByTime(1000);
    expect(h.route()).toEqual({ screen: 'guests' });
  });
});

describe('settings screen', () => {
  it('j/k select a setting, Enter and l/h change it', () => {
    vi.useFakeTimers();
    const h = setup();
    // On a list screen `7` may start a count: it switches once no motion followed.
    press(h.router, '7');
    expect(h.route()).toEqual({ screen: 'guests' });
    vi.advanceTimersByTime(400);
    expect(h.route()).toEqual({ screen: 'settings' });
    press(h.router, 'j');
    expect(h.c.store.getState().settingsCursor).toBe(1);
    press(h.router, '<enter>');
    expect(h.c.store.getState().settings.icons).toBe(false);
    press(h.router, 'k', 'l');
    expect(h.c.store.getState().settings.theme).toBe('light');
    press(h.router, 'h', 'h');
    expect(h.c.store.getState().settings.theme).toBe('mono');
  });
});

describe('inkKey helper', () => {
  it('makes Ink-like events', () => {
    expect(inkKey('G')[1].shift).toBe(true);
    expect(inkKey('<c-d>')).toEqual(['d', key({ ctrl: true })]);
    expect(inkKey('<enter>')[1].return).toBe(true);
  });
});
