// The drift screen's lines, cursor and keys as pure functions of its view (DriftView): the
// input router applies what driftKey returns, DriftScreen.tsx draws what driftLines builds.
// The report is computeDrift's (src/app/iac/drift.ts), the one `proxmox-mpc drift` prints.
// Keys: j k (down up) ctrl+d ctrl+u pgdn pgup g G move, Enter opens the row's guest (or says
// the file's path), r checks again, / filters (Enter applies, Esc cancels), Esc clears the
// filter then goes back.
import { join } from 'node:path';
import type { DriftReport } from '../app/iac/drift.js';
import { driftSummary, driftValueText, guestTypeOfResource, kindOfResource } from '../app/iac/driftText.js';
import { charOfKeyName } from '../app/keys.js';
import { displayWidth, truncate } from '../app/output/table.js';
import { guestKey, type GuestKey } from '../db/model.js';
import type { DriftView } from '../store/types.js';
import { safeText } from '../util/terminalText.js';

export const DRIFT_HINTS: readonly { key: string; label: string }[] = [
  { key: 'esc', label: 'back' },
  { key: 'enter', label: 'open' },
  { key: 'r', label: 'check again' },
  { key: '/', label: 'filter' },
  { key: 'j/k', label: 'move' },
];

export const INITIAL_DRIFT_VIEW: DriftView = { running: false, cursor: 0, top: 0, filter: '' };

/** What Enter on a row opens: a guest's detail, or a file's path said. */
export type DriftTarget = { kind: 'guest'; key: GuestKey; vmid: number } | { kind: 'file'; file: string; line?: number; why: string };

export type DriftTone = 'heading' | 'columns' | 'dim' | 'ok' | 'warn' | 'error';

export interface DriftLine {
  text: string;
  tone?: DriftTone;
  /** A row the cursor can be on (every row but headings, column titles and notes). */
  target?: DriftTarget;
}

export interface DriftLines {
  lines: readonly DriftLine[];
  /** The indexes of the selectable lines, in order. */
  rows: readonly number[];
}

const NO_LINES: DriftLines = { lines: [], rows: [] };

/** The widest an attribute's value is shown: one long value (a description) would otherwise push
 * the CODE column of every changed guest off the screen. */
export const VALUE_WIDTH = 40;

function pad(text: string, width: number): string {
  const fill = width - displayWidth(text);
  return fill > 0 ? text + ' '.repeat(fill) : text;
}

/** Columns padded to the widest cell of each, in terminal columns (the last one is not padded). */
function columns(table: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of table) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell))));
  return table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : pad(cell, widths[i]!))).join('  ').trimEnd());
}

const where = (file: string, line?: number): string => safeText(`${file}${line !== undefined ? `:${line}` : ''}`);
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A section's heading: its count, and how many the filter leaves when one is applied. */
function heading(title: string, shown: number, total: number, filtered: boolean): DriftLine {
  return { text: `${title} (${filtered && shown !== total ? `${shown} of ${total}` : total})`, tone: 'heading' };
}

function matches(texts: readonly string[], filter: string): boolean {
  return filter === '' || texts.some((t) => t.toLowerCase().includes(filter));
}

/** The screen's lines for a report: three sections (guests not in code, code with no guest,
 * changed guests with each attribute's live and code value side by side), unreadable files
 * when there are any, or the one line saying there is no drift. `filter` keeps the rows that
 * contain it (case-insensitive); a changed guest stays with the attributes that match, or
 * with all of them when the guest's own row matches. */
export function buildDriftLines(report: DriftReport, names: Readonly<Record<number, string>>, filterText: string): DriftLines {
  const filter = filterText.trim().toLowerCase();
  const filtered = filter !== '';
  const lines: DriftLine[] = [];
  const name = (vmid: number): string => safeText(names[vmid] ?? '');

  if (!report.drift) lines.push({ text: driftSummary(report), tone: 'ok' });
  else {
    // Guests not in code
    const missing = report.notInCode
      .map((g) => ({ g, cells: [String(g.vmid), name(g.vmid) || '-', safeText(g.node ?? '-'), kindOfResource(g.type)] }))
      .filter((r) => matches(r.cells, filter));
    lines.push(heading('Guests not in code', missing.length, report.notInCode.length, filtered));
    if (missing.length > 0) {
      const texts = columns([['VMID', 'NAME', 'NODE', 'TYPE'], ...missing.map((r) => r.cells)]);
      lines.push({ text: `  ${texts[0]}`, tone: 'columns' });
      missing.forEach((r, i) => lines.push({ text: `  ${texts[i + 1]}`, target: { kind: 'guest', key: guestKey(guestTypeOfResource(r.g.type), r.g.vmid), vmid: r.g.vmid } }));
    } else lines.push({ text: filtered && report.notInCode.length > 0 ? '  none that match' : '  none', tone: 'dim' });

    // Code with no guest
    const orphans = report.noGuest
      .map((c) => ({ c, cells: [where(c.file, c.line), safeText(c.address), c.vmid !== undefined ? String(c.vmid) : '-', safeText(c.node ?? '-')] }))
      .filter((r) => matches(r.cells, filter));
    lines.push(heading('Code with no guest', orphans.length, report.noGuest.length, filtered));
    if (orphans.length > 0) {
      const texts = columns([['FILE', 'RESOURCE', 'VM_ID', 'NODE'], ...orphans.map((r) => r.cells)]);
      lines.push({ text: `  ${texts[0]}`, tone: 'columns' });
      orphans.forEach((r, i) =>
        lines.push({
          text: `  ${texts[i + 1]}`,
          target: { kind: 'file', file: r.c.file, ...(r.c.line !== undefined ? { line: r.c.line } : {}), why: r.c.vmid !== undefined ? `no guest has vm_id ${r.c.vmid}` : 'no such guest' },
        }),
      );
    } else lines.push({ text: filtered && report.noGuest.length > 0 ? '  none that match' : '  none', tone: 'dim' });

    // Changed guests, each attribute's live and code value side by side
    const changed = report.changed
      .map((c) => {
        const guest = [String(c.vmid), name(c.vmid) || '-', safeText(c.node ?? '-'), where(c.file, c.line), safeText(c.address)];
        // matched on the whole values, shown cut to VALUE_WIDTH
        const attrs = c.attributes.map((a) => [safeText(a.name), driftValueText(a.live), driftValueText(a.code)]);
        const kept = matches(guest, filter) ? attrs : attrs.filter((a) => matches(a, filter));
        return { c, guest, attrs: kept.map(([n, live, code]) => [n!, truncate(live!, VALUE_WIDTH), truncate(code!, VALUE_WIDTH)]) };
      })
      .filter((r) => r.attrs.length > 0 || matches(r.guest, filter));
    lines.push(heading('Changed', changed.length, report.changed.length, filtered));
    if (changed.length > 0) {
      const guestTexts = columns([['VMID', 'NAME', 'NODE', 'FILE', 'RESOURCE'], ...changed.map((r) => r.guest)]);
      const attrTexts = columns([['ATTRIBUTE', 'LIVE', 'CODE'], ...changed.flatMap((r) => r.attrs)]);
      lines.push({ text: `  ${guestTexts[0]}`, tone: 'columns' });
      let a = 1;
      changed.forEach((r, i) => {
        const target: DriftTarget = { kind: 'guest', key: guestKey(guestTypeOfResource(r.c.address.split('.')[0]!), r.c.vmid), vmid: r.c.vmid };
        lines.push({ text: `  ${guestTexts[i + 1]}`, target });
        lines.push({ text: `      ${attrTexts[0]}`, tone: 'columns' });
        for (let k = 0; k < r.attrs.length; k++) lines.push({ text: `      ${attrTexts[a++]}`, target });
      });
    } else lines.push({ text: filtered && report.changed.length > 0 ? '  none that match' : '  none', tone: 'dim' });
  }

  if (report.unreadable.length > 0) {
    const bad = report.unreadable.map((u) => ({ u, cells: [safeText(u.file), safeText(u.error)] })).filter((r) => matches(r.cells, filter));
    lines.push(heading('Files not read', bad.length, report.unreadable.length, filtered));
    for (const r of bad) lines.push({ text: `  ${columns([r.cells])[0]}`, tone: 'warn', target: { kind: 'file', file: r.u.file, why: `not read: ${safeText(r.u.error)}` } });
  }

  const rows: number[] = [];
  lines.forEach((l, i) => l.target !== undefined && rows.push(i));
  if (filtered && rows.length === 0 && report.drift) lines.push({ text: `nothing matches "${safeText(filterText.trim())}" (Esc clears the filter)`, tone: 'dim' });
  return { lines, rows };
}

let memo: { report: DriftReport; names: Readonly<Record<number, string>>; filter: string; lines: DriftLines } | undefined;

/** The filter applied now: the one being typed, else the one applied. */
export function activeFilter(view: DriftView): string {
  return view.typing ?? view.filter;
}

/** The view's lines (memoised on the report, the names and the filter). */
export function driftLines(view: DriftView | undefined): DriftLines {
  if (view?.report === undefined) return NO_LINES;
  const names = view.names ?? {};
  const filter = activeFilter(view);
  if (memo === undefined || memo.report !== view.report || memo.names !== names || memo.filter !== filter) {
    memo = { report: view.report, names, filter, lines: buildDriftLines(view.report, names, filter) };
  }
  return memo.lines;
}

/** The title line: the workspace and the verdict, or that a check is running or failed. */
export function driftTitle(view: DriftView | undefined): string {
  const where = view?.name !== undefined ? `drift in ${safeText(view.name)}` : 'drift';
  if (view === undefined || (view.running && view.report === undefined)) return `${where}  checking...`;
  if (view.report === undefined) return `${where}  could not check  (r checks again)`;
  const r = view.report;
  const verdict = r.drift
    ? `${r.notInCode.length} not in code, ${r.noGuest.length} with no guest, ${r.changed.length} changed, ${r.matching} matching`
    : `no drift, ${plural(r.matching, 'guest')} matching`;
  return `${where}  ${verdict}${view.running ? '  checking again...' : '  (r checks again)'}`;
}

/** The line under the rows: the filter (being typed or applied), the row the cursor is on, an
 * error of the last check. */
export function driftFooter(view: DriftView | undefined): string {
  if (view === undefined) return '';
  const { rows } = driftLines(view);
  const parts: string[] = [];
  if (view.typing !== undefined) parts.push(`/${safeText(view.typing)}_`);
  else if (view.filter !== '') parts.push(`filter: ${safeText(view.filter)}  (Esc clears)`);
  if (rows.length > 0) parts.push(`row ${clampCursor(view.cursor, rows.length) + 1}/${rows.length}`);
  if (view.error !== undefined) parts.push(`the last check failed: ${safeText(view.error)}`);
  return parts.join('  ');
}

/** Lines of the body the rows get (the title above, the footer below). */
export function driftListRows(height: number): number {
  return Math.max(1, height - 2);
}

export function clampCursor(cursor: number, count: number): number {
  return Math.max(0, Math.min(cursor, count - 1));
}

/** The first line to show so that the cursor's row shows, with the headings just above it
 * (and, on the last row, everything below it). */
export function placeTop(all: DriftLines, cursor: number, top: number, page: number): number {
  const { lines, rows } = all;
  const maxTop = Math.max(0, lines.length - page);
  if (rows.length === 0) return Math.min(top, maxTop);
  const c = clampCursor(cursor, rows.length);
  const line = rows[c]!;
  let lo = line;
  while (lo > 0 && lines[lo - 1]!.target === undefined) lo--;
  const hi = c === rows.length - 1 ? lines.length - 1 : line;
  let t = Math.min(top, maxTop);
  if (lo < t) t = lo;
  if (hi >= t + page) t = hi - page + 1;
  if (line < t) t = line;
  if (line >= t + page) t = line - page + 1;
  return Math.max(0, Math.min(t, maxTop));
}

export type DriftKeyEffect = 'open' | 'rerun' | 'leave' | 'pass';

export interface DriftKeyResult {
  patch?: Partial<DriftView>;
  effect?: DriftKeyEffect;
  /** With `open`: what the row opens. */
  target?: DriftTarget;
  /** A line for the status bar. */
  note?: string;
}

/** What a key does on the drift screen; `pass` hands it to the keymap (:, ?, 1-7, q...).
 * `page`: the rows the list shows (driftListRows of the body). */
export function driftKey(view: DriftView, name: string, page: number): DriftKeyResult {
  // Typing a filter: applied live, from the first row.
  if (view.typing !== undefined) {
    const typing = (text: string): DriftKeyResult => ({ patch: { typing: text, cursor: 0, top: 0 } });
    if (name === 'escape' || name === 'ctrl+c') return { patch: { typing: undefined, cursor: 0, top: 0 } };
    if (name === 'enter') return { patch: { filter: view.typing.trim(), typing: undefined, cursor: 0, top: 0 } };
    if (name === 'backspace') return view.typing === '' ? { patch: { typing: undefined, cursor: 0, top: 0 } } : typing(view.typing.slice(0, -1));
    if (name === 'ctrl+u') return typing('');
    const ch = charOfKeyName(name);
    return ch === undefined ? {} : typing(view.typing + ch);
  }

  const all = driftLines(view);
  const count = all.rows.length;
  const moveTo = (cursor: number): DriftKeyResult => {
    if (count === 0) return {};
    const c = clampCursor(cursor, count);
    return { patch: { cursor: c, top: placeTop(all, c, view.top, page) } };
  };
  const cursor = clampCursor(view.cursor, count);
  const half = Math.max(1, Math.floor(page / 2));

  switch (name) {
    case 'j':
    case 'down':
      return moveTo(cursor + 1);
    case 'k':
    case 'up':
      return moveTo(cursor - 1);
    case 'ctrl+d':
      return moveTo(cursor + half);
    case 'ctrl+u':
      return moveTo(cursor - half);
    case 'pagedown':
    case 'ctrl+f':
    case 'space':
      return moveTo(cursor + page);
    case 'pageup':
    case 'ctrl+b':
      return moveTo(cursor - page);
    case 'g':
    case 'home':
      return moveTo(0);
    case 'G':
    case 'end':
      return moveTo(count - 1);
    case 'enter': {
      const line = all.rows[cursor];
      const target = line === undefined ? undefined : all.lines[line]?.target;
      return target === undefined ? {} : { effect: 'open', target };
    }
    case 'r':
      return view.running ? { note: 'the drift check is running: a moment' } : { effect: 'rerun' };
    case '/':
      return view.report === undefined ? { note: 'nothing to filter yet' } : { patch: { typing: view.filter } };
    case 'ctrl+l':
      return { patch: { filter: '', cursor: 0, top: 0 } };
    case 'escape':
      if (view.filter !== '') return { patch: { filter: '', cursor: 0, top: 0 } };
      return { effect: 'leave' };
    default:
      return { effect: 'pass' };
  }
}

/** What Enter on a file's row says: its path in the workspace, its line, and why it is listed. */
export function fileNote(view: DriftView, target: Extract<DriftTarget, { kind: 'file' }>): string {
  const path = view.root !== undefined ? join(view.root, target.file) : target.file;
  return `${safeText(path)}${target.line !== undefined ? `:${target.line}` : ''}: ${target.why}`;
}
