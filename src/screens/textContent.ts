// The lines of the screens that scroll text (a guest's detail tabs, the help, a task's log):
// pure functions of the state, so that the screen draws them and the input router knows how
// far they scroll. Memoised on their inputs.
import { describeSections, describeView } from '../app/read/describeGuest.js';
import { PALETTE_COMMANDS } from '../app/commands.js';
import { keyLabel, type Binding, type KeyGroup } from '../app/keymap.js';
import { GUEST_FIGURE_FIELDS, type GuestRow } from '../db/model.js';
import { currentRoute, selectGuest } from '../store/selectors.js';
import type { ConsoleState, DetailData, DetailTab } from '../store/types.js';

export type Tone = 'heading' | 'dim' | 'error';

export interface TextLine {
  text: string;
  tone?: Tone;
}

const heading = (text: string): TextLine => ({ text, tone: 'heading' });
// Constant results: a selector must return the same value for the same state.
const LOADING: readonly TextLine[] = [{ text: 'loading...', tone: 'dim' }];
export const NO_LINES: readonly TextLine[] = [];
const plain = (text: string): TextLine => ({ text });

// ---------------------------------------------------------------------------------------------
// Help

const GROUP_ORDER: readonly KeyGroup[] = ['Move', 'Views', 'Screens', 'General'];

const helpMemo = new WeakMap<readonly Binding[], TextLine[]>();

export function helpLines(keymap: readonly Binding[]): readonly TextLine[] {
  let lines = helpMemo.get(keymap);
  if (lines === undefined) helpMemo.set(keymap, (lines = buildHelpLines(keymap)));
  return lines;
}

function buildHelpLines(keymap: readonly Binding[]): TextLine[] {
  const lines: TextLine[] = [];
  const labels = keymap.map(keyLabel);
  const width = Math.max(...labels.map((l) => l.length)) + 2;
  for (const group of GROUP_ORDER) {
    const bindings = keymap.filter((b) => b.group === group);
    if (bindings.length === 0) continue;
    lines.push(heading(group));
    for (const b of bindings) lines.push(plain(`  ${keyLabel(b).padEnd(width)}${b.description}`));
    lines.push(plain(''));
  }
  lines.push(heading('Commands (type : then the command; Tab completes, Up/Down recall history)'));
  const nameWidth = Math.max(...PALETTE_COMMANDS.map((c) => c.name.length)) + 2;
  for (const c of PALETTE_COMMANDS) {
    lines.push(plain(`  :${c.name.padEnd(nameWidth)}${c.description}${c.aliases.length ? `  (also ${c.aliases.map((a) => `:${a}`).join(' ')})` : ''}`));
  }
  lines.push(plain(`  /sync /help ...${' '.repeat(Math.max(1, nameWidth - 13))}the same commands typed after / work too`));
  lines.push(plain(''));
  lines.push(heading('Filter (type / then the filter; Enter applies, Esc cancels)'));
  for (const [example, meaning] of [
    ['web', 'rows containing "web" (name, vmid, node, tags)'],
    ['/^web-0[1-3]$/', 'a regular expression'],
    ['!web', 'rows NOT containing "web" (! inverts any term)'],
    ['node:pve1 status:running', 'field terms; all terms must match'],
    ['tag:prod type:ct', 'fields: node status tag type pool name vmid lock'],
  ] as const) {
    lines.push(plain(`  ${example.padEnd(28)}${meaning}`));
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Guest detail

interface DetailMemo {
  detail: DetailData;
  live: GuestRow | undefined;
  figures: number;
  width: number;
  now: number;
  sections: Record<DetailTab, TextLine[]>;
}
let detailMemo: DetailMemo | undefined;

/** The guest's cached config row with the live figures of the list's row. */
function liveGuest(detail: DetailData, live: GuestRow | undefined): GuestRow | undefined {
  if (detail.guest === undefined) return live;
  if (live === undefined) return detail.guest;
  const merged: GuestRow = { ...detail.guest, status: live.status, node: live.node };
  for (const f of GUEST_FIGURE_FIELDS) {
    if (live[f] === undefined) delete merged[f];
    else merged[f] = live[f];
  }
  return merged;
}

function tabLines(lines: string[]): TextLine[] {
  // Section titles (`Disks:`) stand out; the first line of a section list is often empty.
  return lines.map((l) => (/^[A-Z][A-Za-z ]+:$/.test(l) ? heading(l) : plain(l)));
}

const goneMemo = new Map<string, readonly TextLine[]>();

export function detailLines(state: ConsoleState, tab: DetailTab, width: number, now: number): readonly TextLine[] {
  const route = currentRoute(state);
  const detail = state.data.detail;
  if (route.screen !== 'detail' || detail === undefined || detail.key !== route.key) return LOADING;
  const live = selectGuest(state, route.key);
  // Times move: recompute at most every 10 s for the same data.
  const nowBucket = Math.floor(now / 10_000) * 10_000;
  if (
    detailMemo === undefined ||
    detailMemo.detail !== detail ||
    detailMemo.live !== live ||
    detailMemo.figures !== state.data.figuresVersion ||
    detailMemo.width !== width ||
    detailMemo.now !== nowBucket
  ) {
    const guest = liveGuest(detail, live);
    if (guest === undefined) {
      let gone = goneMemo.get(route.key);
      if (gone === undefined) goneMemo.set(route.key, (gone = [{ text: `${route.key} is not in the cache (deleted?)`, tone: 'error' }]));
      return gone;
    }
    const view = describeView(guest, detail, now, 500);
    const s = describeSections(view, now, width);
    detailMemo = {
      detail,
      live,
      figures: state.data.figuresVersion,
      width,
      now: nowBucket,
      sections: {
        summary: tabLines(s.summary),
        config: tabLines(s.config),
        hardware: tabLines(s.hardware.length ? s.hardware : ['', 'No disks or network devices in the cached config.']),
        snapshots: tabLines(s.snapshots),
        tasks: tabLines(s.tasks),
        history: tabLines(s.history),
      },
    };
  }
  return detailMemo.sections[tab];
}

// ---------------------------------------------------------------------------------------------
// What the current text screen shows

const logMemo = new WeakMap<object, readonly TextLine[]>();

export function textLinesFor(state: ConsoleState, keymap: readonly Binding[], now: number = Date.now()): readonly TextLine[] | undefined {
  const route = currentRoute(state);
  switch (route.screen) {
    case 'help':
      return helpLines(keymap);
    case 'detail':
      return detailLines(state, route.tab, state.size.columns, now);
    case 'taskLog': {
      const log = state.data.taskLog;
      if (log === undefined || log.upid !== route.upid) return LOADING;
      let lines = logMemo.get(log);
      if (lines === undefined) {
        const built: TextLine[] = log.lines.map(plain);
        if (log.error) built.push({ text: `(${log.error})`, tone: 'error' });
        logMemo.set(log, (lines = built));
      }
      return lines;
    }
    default:
      return undefined;
  }
}
