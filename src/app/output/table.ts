// Plain-text tables that fit the terminal: columns two spaces apart, numbers right-aligned,
// and, when a row is wider than the terminal, the widest flexible columns truncated with `…`
// (never wrapped). Every cell passes through safeText: API text never reaches the terminal raw.
import { safeText } from '../../util/terminalText.js';

export interface TableColumn {
  header: string;
  align?: 'left' | 'right';
  /** May be truncated to fit the width (names, tags, descriptions). */
  flex?: boolean;
  /** The narrowest a flexible column gets (default: its header, at least 6). */
  minWidth?: number;
}

export interface TableOptions {
  /** The width to fit, in terminal columns. */
  width: number;
  /** Print the header row (default true). */
  headers?: boolean;
}

const GAP = 2;
const ELLIPSIS = '…';

/** The terminal width of the output: the TTY's columns, else $COLUMNS, else 120. */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  if (stream.isTTY && stream.columns && stream.columns > 0) return stream.columns;
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return 120;
}

// Wide (two-column) characters: CJK, Hangul, full-width forms and most emoji.
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
// Zero-width: combining marks, variation selectors, zero-width joiners and spaces.
const ZERO = /[\u0300-\u036f\u200b-\u200f\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f]/u;
// eslint-disable-next-line no-control-regex
const PLAIN = /^[\u0020-\u007e]*$/;

function charWidth(ch: string): number {
  if (ZERO.test(ch)) return 0;
  return WIDE.test(ch) ? 2 : 1;
}

/** Terminal columns a string occupies. */
export function displayWidth(text: string): number {
  if (PLAIN.test(text)) return text.length;
  let width = 0;
  for (const ch of text) width += charWidth(ch);
  return width;
}

/** Cuts text to at most `width` columns, ending in `…` when something was cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  if (width === 1) return ELLIPSIS;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return out + ELLIPSIS;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = width - displayWidth(text);
  if (fill <= 0) return text;
  return align === 'right' ? ' '.repeat(fill) + text : text + ' '.repeat(fill);
}

/** Column widths that fit `width`: flexible columns give up space, widest first, down to their
 * minimum. The sum may still exceed `width` when the fixed columns alone do not fit. */
export function fitWidths(columns: readonly TableColumn[], natural: readonly number[], width: number): number[] {
  const widths = [...natural];
  const budget = width - GAP * Math.max(0, columns.length - 1);
  let total = widths.reduce((a, b) => a + b, 0);
  const mins = columns.map((c, i) => (c.flex ? Math.min(natural[i]!, Math.max(c.minWidth ?? 6, displayWidth(c.header))) : natural[i]!));
  while (total > budget) {
    // The widest flexible column that can still shrink.
    let pick = -1;
    for (let i = 0; i < widths.length; i++) {
      if (widths[i]! > mins[i]! && (pick < 0 || widths[i]! > widths[pick]!)) pick = i;
    }
    if (pick < 0) break;
    // Shrink it to the next-widest flexible width (or its minimum); when two are equally wide,
    // take one column at a time so they end up sharing the cut.
    let next = mins[pick]!;
    for (let i = 0; i < widths.length; i++) if (i !== pick && widths[i]! <= widths[pick]! && widths[i]! > mins[i]!) next = Math.max(next, widths[i]!);
    const cut = Math.min(Math.max(1, widths[pick]! - next), total - budget);
    widths[pick] = widths[pick]! - cut;
    total -= cut;
  }
  return widths;
}

/** Renders rows under their columns, fitted to the width. Cells are made terminal-safe here. */
export function renderTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[], options: TableOptions): string {
  const showHeaders = options.headers !== false;
  const cells = rows.map((row) => columns.map((_, i) => safeText(row[i] ?? '')));
  const natural = columns.map((c, i) => {
    let w = showHeaders ? displayWidth(c.header) : 0;
    for (const row of cells) w = Math.max(w, displayWidth(row[i]!));
    return w;
  });
  const widths = fitWidths(columns, natural, options.width);
  const lines: string[] = [];
  const line = (values: readonly string[]): string => {
    const parts = values.map((v, i) => {
      const text = truncate(v, widths[i]!);
      return i === values.length - 1 && columns[i]!.align !== 'right' ? text : pad(text, widths[i]!, columns[i]!.align ?? 'left');
    });
    // Still too wide (fixed columns alone overflow): cut the line rather than wrap it.
    return truncate(parts.join(' '.repeat(GAP)).trimEnd(), options.width);
  };
  if (showHeaders) lines.push(line(columns.map((c) => c.header)));
  for (const row of cells) lines.push(line(row));
  return lines.length ? `${lines.join('\n')}\n` : '';
}
