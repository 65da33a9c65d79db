// The command palette's history, kept across sessions in
// $XDG_STATE_HOME/proxmox-mpc/palette-history (one entry a line, oldest first, mode 0600).
//
// History is a convenience: a missing, unreadable or corrupt file is an empty history and a
// failed write leaves the history unsaved, never an error in the UI.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { safeText } from '../util/terminalText.js';

export interface PaletteHistory {
  /** oldest first */
  entries(): readonly string[];
  /** Trims; ignores empty; moves a repeated line to the end (no duplicates); keeps at most
   * `max` (default 500); persists; resets the Up/Down cursor. */
  add(line: string): void;
  /** Up/Down browsing: a cursor over entries, reset by `reset()`; returns the entry or
   * undefined past the ends. prev() from the start returns the newest entry. next() past the
   * newest returns '' (back to the empty input). */
  prev(): string | undefined;
  next(): string | undefined;
  reset(): void;
}

export const DEFAULT_HISTORY_MAX = 500;

/** `$XDG_STATE_HOME/proxmox-mpc/palette-history` (XDG default ~/.local/state). */
export function historyPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME && env.XDG_STATE_HOME !== '' ? env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(base, 'proxmox-mpc', 'palette-history');
}

/** One storable entry: a single line without control characters, trimmed ('' to drop). */
function clean(line: string): string {
  return safeText(line).trim();
}

/** Deduplicated (the last occurrence wins its place) and cut to the newest `max`. */
function normalize(lines: readonly string[], max: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (let k = lines.length - 1; k >= 0 && out.length < max; k--) {
    const line = clean(lines[k]!);
    if (line === '' || seen.has(line)) continue;
    seen.add(line);
    out.push(line);
  }
  return out.reverse();
}

function load(path: string, max: number): string[] {
  try {
    const bytes = readFileSync(path);
    if (bytes.includes(0)) return []; // binary, not a history file
    // Throws on bytes that are not UTF-8: a corrupt file is no history rather than mojibake.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return normalize(text.split(/\r?\n/), max);
  } catch {
    return []; // missing, a directory, unreadable, not UTF-8: no history
  }
}

function save(path: string, entries: readonly string[]): void {
  try {
    writeFileAtomic(path, entries.length > 0 ? `${entries.join('\n')}\n` : '', { mode: 0o600, dirMode: 0o700, fsync: false });
  } catch {
    // Not persisted this time; the in-memory history still works.
  }
}

export function openPaletteHistory(path: string, options: { max?: number } = {}): PaletteHistory {
  const max = Math.max(1, Math.floor(options.max ?? DEFAULT_HISTORY_MAX));
  let list = load(path, max);
  // The Up/Down cursor: an index into `list`, where list.length is the empty input line.
  let cursor = list.length;

  return {
    entries: () => list.slice(),
    add(line) {
      const entry = clean(line);
      cursor = list.length;
      if (entry === '') return;
      const next = list.filter((existing) => existing !== entry);
      next.push(entry);
      if (next.length > max) next.splice(0, next.length - max);
      list = next;
      cursor = list.length;
      save(path, list);
    },
    prev() {
      if (cursor === 0 || list.length === 0) return undefined;
      cursor = Math.min(cursor, list.length) - 1;
      return list[cursor];
    },
    next() {
      if (cursor >= list.length) return undefined;
      cursor++;
      return cursor === list.length ? '' : list[cursor];
    },
    reset() {
      cursor = list.length;
    },
  };
}
