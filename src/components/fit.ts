// Fitting text into terminal cells: truncate with an ellipsis, pad to a width, align right.
// Measured in cells (a CJK character takes two), as the terminal draws them.
import stringWidth from 'string-width';

const ASCII = /^[\x20-\x7e]*$/;

const widths = new Map<string, number>();

function cells(text: string): number {
  if (ASCII.test(text)) return text.length;
  // The same few non-ASCII cells (`● running`) come back on every frame.
  let width = widths.get(text);
  if (width === undefined) {
    if (widths.size > 5000) widths.clear();
    widths.set(text, (width = stringWidth(text)));
  }
  return width;
}

export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  let used = cells(text);
  if (used > width) {
    let out = '';
    used = 0;
    for (const ch of text) {
      const w = cells(ch);
      if (used + w > width - 1) break;
      out += ch;
      used += w;
    }
    text = `${out}…`;
    used += 1;
  }
  const pad = ' '.repeat(Math.max(0, width - used));
  return align === 'right' ? pad + text : text + pad;
}

/** Column widths for a table `width` cells wide: fixed columns keep their width, flex columns
 * share what is left (one space between columns); columns that do not fit are dropped from the
 * right (width 0). */
export function columnWidths(columns: readonly { width: number; flex?: boolean }[], width: number): number[] {
  const widths = columns.map((c) => c.width);
  // Drop columns from the right until the fixed minimums fit.
  let count = columns.length;
  const used = (n: number): number => widths.slice(0, n).reduce((a, b) => a + b, 0) + Math.max(0, n - 1);
  while (count > 1 && used(count) > width) count--;
  for (let i = count; i < widths.length; i++) widths[i] = 0;
  const spare = width - used(count);
  const flex = columns.slice(0, count).map((c, i) => (c.flex ? i : -1)).filter((i) => i >= 0);
  if (spare > 0 && flex.length > 0) {
    const each = Math.floor(spare / flex.length);
    flex.forEach((i, k) => (widths[i]! += each + (k < spare - each * flex.length ? 1 : 0)));
  }
  return widths;
}

/** One table line from cell texts. */
export function joinCells(cells: readonly string[], widths: readonly number[], aligns: readonly ('left' | 'right' | undefined)[]): string {
  let line = '';
  for (let i = 0; i < widths.length; i++) {
    const w = widths[i]!;
    if (w === 0) continue;
    if (line !== '') line += ' ';
    line += fit(cells[i] ?? '', w, aligns[i] ?? 'left');
  }
  return line;
}

/** `[████░░░░]`-style bar for a fraction (ASCII `[##--]` without icons). */
export function usageBar(fraction: number | undefined, width: number, icons: boolean): string {
  if (width <= 0) return '';
  if (fraction === undefined || !Number.isFinite(fraction)) return (icons ? '·' : '.').repeat(width);
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return (icons ? '█' : '#').repeat(filled) + (icons ? '░' : '-').repeat(width - filled);
}
