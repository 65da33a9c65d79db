// The run screen's layout and keys, as pure functions of the run: the input router applies
// what runKey returns, RunScreen.tsx draws what runLayout says. Keys here (the run screen has
// its own): r raw log, / search (n N next/previous), f follow, j k ctrl+d ctrl+u pgup pgdn g G
// scroll, x or Ctrl-C stop terraform (again: kill), Esc leave (the run goes on), y/N or the
// workspace's name at the question.
import { charOfKeyName } from '../app/keys.js';
import type { RunLines, RunView } from '../store/types.js';
import { rowElapsedSeconds, type ResourceRow } from '../workspace/runners/runState.js';

export const RUN_HINTS: readonly { key: string; label: string }[] = [
  { key: 'esc', label: 'back (the run goes on)' },
  { key: 'x', label: 'stop' },
  { key: 'r', label: 'raw log' },
  { key: '/', label: 'search' },
  { key: 'f', label: 'follow' },
  { key: 'n/N', label: 'next match' },
];

export function isRunning(run: RunView | undefined): boolean {
  return run !== undefined && (run.phase === 'planning' || run.phase === 'applying' || run.phase === 'stopping');
}

/** Running, or waiting for its question to be answered. */
export function isActive(run: RunView | undefined): boolean {
  return isRunning(run) || run?.phase === 'confirm';
}

export interface RunLayout {
  /** The title line. */
  title: number;
  question: number;
  /** Resource rows shown (a heading line comes with them when > 0). */
  resources: number;
  /** Diagnostic lines shown (heading included). */
  diagnostics: number;
  summary: number;
  /** The log window. */
  log: number;
}

/** How the body's height is shared: the question, up to 40% for resources, up to 30% for
 * diagnostics, the rest (at least 3 lines) for the log; in raw mode the log takes it all. */
export function runLayout(run: RunView, height: number): RunLayout {
  const title = 1;
  const question = run.phase === 'confirm' && run.question ? run.question.lines.length + 1 : 0;
  const summary = 1;
  let rest = Math.max(0, height - title - question - summary);
  if (run.showRaw) return { title, question, resources: 0, diagnostics: 0, summary, log: Math.max(1, rest) };
  const rowsWanted = run.state.rows.length === 0 ? 0 : run.state.rows.length + 1;
  const resources = Math.min(rowsWanted, Math.max(0, Math.floor(rest * 0.4)));
  rest -= resources;
  const diagWanted = run.state.diagnostics.length === 0 ? 0 : run.state.diagnostics.reduce((n, d) => n + (d.snippet ? 3 : 2), 0);
  const diagnostics = Math.min(diagWanted, Math.max(0, Math.floor((height - title - question - summary) * 0.3)));
  rest -= diagnostics;
  return { title, question, resources, diagnostics, summary, log: Math.max(1, rest) };
}

/** The lines the log window shows now (raw stream or readable lines). */
export function shownLines(run: RunView): RunLines {
  return run.showRaw ? run.raw : run.lines;
}

/** The log's first visible line (the end while following). */
export function logTop(run: RunView, logRows: number): number {
  const n = shownLines(run).length;
  return run.follow ? Math.max(0, n - logRows) : Math.max(0, Math.min(run.top, Math.max(0, n - logRows)));
}

/** The next line holding `term` (case-insensitive) from `from` in direction `dir`, wrapping. */
export function findMatch(lines: RunLines, term: string, from: number, dir: 1 | -1): number | undefined {
  const n = lines.length;
  if (term === '' || n === 0) return undefined;
  const t = term.toLowerCase();
  for (let k = 0; k < n; k++) {
    const i = (((from + dir * k) % n) + n) % n;
    if ((lines.at(i) ?? '').toLowerCase().includes(t)) return i;
  }
  return undefined;
}

/** Rows for the resources section when they do not all fit: the ones that matter now
 * (applying, failed) first, then the rest in order. */
export function rowsToShow(rows: readonly ResourceRow[], room: number): ResourceRow[] {
  if (rows.length <= room) return [...rows];
  const urgent = rows.filter((r) => r.state === 'applying' || r.state === 'failed');
  const others = rows.filter((r) => r.state !== 'applying' && r.state !== 'failed');
  return [...urgent, ...others].slice(0, Math.max(0, room));
}

export function formatElapsed(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  if (seconds < 60) return `${seconds}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m${String(seconds % 60).padStart(2, '0')}s`;
}

export function rowElapsed(row: ResourceRow, now: number): string {
  return formatElapsed(rowElapsedSeconds(row, now));
}

export type RunKeyEffect = 'stop' | 'leave' | 'confirm' | 'cancel' | 'pass';

export interface RunKeyResult {
  patch?: Partial<RunView>;
  effect?: RunKeyEffect;
  /** A line for the status bar. */
  note?: string;
}

/** What a key does on the run screen; `pass` hands it to the normal keymap (:, ?, 1-7...). */
export function runKey(run: RunView, name: string, logRows: number): RunKeyResult {
  // The question before apply / destroy.
  if (run.phase === 'confirm' && run.question) {
    const q = run.question;
    if (name === 'escape' || name === 'ctrl+c') return { effect: 'cancel' };
    if (q.risk === 'high') {
      if (name === 'y' || name === 'Y') return { effect: 'confirm' };
      if (name === 'n' || name === 'N' || name === 'enter' || name === 'q') return { effect: 'cancel' };
      return {};
    }
    if (name === 'enter') {
      if (q.typed.trim() === q.expected) return { effect: 'confirm' };
      return { patch: { question: { ...q, typed: '' } }, note: `that is not the workspace's name: type ${q.expected}, or Esc to cancel` };
    }
    if (name === 'backspace') return { patch: { question: { ...q, typed: q.typed.slice(0, -1) } } };
    if (name === 'ctrl+u') return { patch: { question: { ...q, typed: '' } } };
    const ch = charOfKeyName(name);
    return ch === undefined ? {} : { patch: { question: { ...q, typed: q.typed + ch } } };
  }

  const lines = shownLines(run);
  const top = logTop(run, logRows);
  const maxTop = Math.max(0, lines.length - logRows);

  // Typing a search.
  if (run.search.typing) {
    const s = run.search;
    if (name === 'escape') return { patch: { search: { ...s, typing: false, input: '' } } };
    if (name === 'enter') {
      const term = s.input;
      const match = findMatch(lines, term, top, 1);
      if (term === '') return { patch: { search: { typing: false, input: '', term: '' } } };
      if (match === undefined) return { patch: { search: { typing: false, input: '', term } }, note: `not found: ${term}` };
      return { patch: { search: { typing: false, input: '', term, match }, follow: false, top: Math.max(0, Math.min(maxTop, match - Math.floor(logRows / 2))) } };
    }
    if (name === 'backspace') return { patch: { search: { ...s, input: s.input.slice(0, -1) } } };
    if (name === 'ctrl+u') return { patch: { search: { ...s, input: '' } } };
    const ch = charOfKeyName(name);
    return ch === undefined ? {} : { patch: { search: { ...s, input: s.input + ch } } };
  }

  const scrollTo = (t: number): RunKeyResult => {
    const next = Math.max(0, Math.min(maxTop, t));
    // Scrolling to the end follows again; anywhere else stops following.
    return { patch: { top: next, follow: next >= maxTop && run.follow } };
  };
  const half = Math.max(1, Math.floor(logRows / 2));

  switch (name) {
    case 'x':
    case 'ctrl+c':
      if (isRunning(run)) return { effect: 'stop' };
      return name === 'x' ? { note: 'the run has ended' } : { effect: 'pass' };
    case 'escape':
      if (run.search.term !== '') return { patch: { search: { typing: false, input: '', term: '' } } };
      return { effect: 'leave' };
    case 'q':
      if (isRunning(run)) return { note: 'terraform is running: x stops it, Esc leaves it running in the background' };
      return { effect: 'pass' };
    case 'r':
      return { patch: { showRaw: !run.showRaw, search: { ...run.search, match: undefined }, follow: true } };
    case '/':
      return { patch: { search: { ...run.search, typing: true, input: '' } } };
    case 'n':
    case 'N': {
      if (run.search.term === '') return { note: 'no search: / first' };
      const dir = name === 'n' ? 1 : -1;
      const from = run.search.match !== undefined ? run.search.match + dir : top;
      const match = findMatch(lines, run.search.term, from, dir);
      if (match === undefined) return { note: `not found: ${run.search.term}` };
      return { patch: { search: { ...run.search, match }, follow: false, top: Math.max(0, Math.min(maxTop, match - Math.floor(logRows / 2))) } };
    }
    case 'f':
      return run.follow ? { patch: { follow: false, top } } : { patch: { follow: true } };
    case 'j':
    case 'down':
      return scrollTo(top + 1);
    case 'k':
    case 'up':
      return { patch: { top: Math.max(0, top - 1), follow: false } };
    case 'ctrl+d':
      return scrollTo(top + half);
    case 'ctrl+u':
      return { patch: { top: Math.max(0, top - half), follow: false } };
    case 'pagedown':
    case 'ctrl+f':
    case 'space':
      return scrollTo(top + logRows);
    case 'pageup':
    case 'ctrl+b':
      return { patch: { top: Math.max(0, top - logRows), follow: false } };
    case 'g':
    case 'home':
      return { patch: { top: 0, follow: false } };
    case 'G':
    case 'end':
      return { patch: { top: maxTop, follow: true } };
    default:
      return { effect: 'pass' };
  }
}
