// Any list screen (guests, nodes, storage, content, tasks, snapshots): the visible window of
// its filtered, sorted rows, drawn by the DataTable.
import { useMemo } from 'react';
import { useConsole, useTheme } from '../app/ConsoleContext.js';
import { DataTable, type TableLine } from '../components/DataTable.js';
import { columnWidths, joinCells } from '../components/fit.js';
import type { Theme } from '../app/theme.js';
import type { GuestKey } from '../db/model.js';
import { currentRoute, effectiveFilter, selectListRows } from '../store/selectors.js';
import type { ListId } from '../store/types.js';
import { safeText } from '../util/terminalText.js';
import { LIST_KINDS, type CellContext, type ListKind, type RowTone } from './listKinds.js';

export interface ListScreenProps {
  list: ListId;
  width: number;
  height: number;
}

function toneStyle(tone: RowTone | undefined, theme: Theme): { dim?: boolean; color?: string } {
  if (tone === undefined) return {};
  if (tone === 'dim') return { dim: true };
  const color = theme[tone === 'accent' ? 'accent' : tone];
  return color ? { color } : {};
}

// Rows are drawn again on every key press, but their text rarely changes: keep it per row.
const rowTexts = new WeakMap<object, { key: string; text: string }>();

function rowText(row: unknown, key: string, build: () => string): string {
  const cached = rowTexts.get(row as object);
  if (cached !== undefined && cached.key === key) return cached.text;
  const text = build();
  rowTexts.set(row as object, { key, text });
  return text;
}

export function ListScreen({ list, width, height }: ListScreenProps) {
  const theme = useTheme();
  const kind = LIST_KINDS[list] as ListKind<unknown>;
  const result = useConsole((s) => selectListRows(s, list));
  const view = useConsole((s) => s.views[list]);
  const marks = useConsole((s) => s.marks);
  const icons = useConsole((s) => s.settings.icons);
  const filter = useConsole((s) => effectiveFilter(s, list));
  const typeFilter = useConsole((s) => {
    const r = currentRoute(s);
    return r.screen === 'guests' ? r.type : undefined;
  });
  const subtitle = useConsole((s) => {
    const r = currentRoute(s);
    return r.screen === 'content' ? ` ${r.node}/${r.storage}` : '';
  });
  const partial = useConsole((s) => list === 'guests' && s.data.guestsPartial);
  // Live figures change the text of rows without changing the rows array.
  const figuresVersion = useConsole((s) => s.data.figuresVersion);

  const rowsHeight = Math.max(1, height - 2);
  // Room for the header and its sort arrow, however narrow the values are.
  const widths = useMemo(() => columnWidths(kind.columns.map((c) => ({ ...c, width: Math.max(c.width, c.header.length + 1) })), width - 1), [kind, width]);
  const aligns = useMemo(() => kind.columns.map((c) => c.align), [kind]);
  const arrow = (descending: boolean): string => (icons ? (descending ? '▼' : '▲') : descending ? 'v' : '^');
  const header = joinCells(
    kind.columns.map((c) => (c.id === view.sort.column ? `${c.header}${arrow(view.sort.descending)}` : c.header)),
    widths,
    aligns,
  );

  const now = Date.now();
  const ctx: CellContext = { now, icons };
  // A row's text changes with its figures, the layout, icons and (times) the clock's second.
  const textKey = `${figuresVersion}|${widths.join(',')}|${icons}|${Math.floor(now / 1000)}`;
  const top = Math.max(0, Math.min(view.top, Math.max(0, result.rows.length - rowsHeight)));
  const cursor = Math.min(view.cursor, result.rows.length - 1);
  const lines: TableLine[] = [];
  for (let i = top; i < Math.min(result.rows.length, top + rowsHeight); i++) {
    const row = result.rows[i];
    const key = kind.rowKey(row);
    lines.push({ key, text: rowText(row, textKey, () => joinCells(kind.columns.map((c) => safeText(c.cell(row, ctx))), widths, aligns)), selected: i === cursor, marked: marks.has(key as GuestKey), ...toneStyle(kind.tone?.(row), theme) });
  }

  const typeLabel = typeFilter === 'qemu' ? ' VMs' : typeFilter === 'lxc' ? ' Containers' : '';
  const title = [
    `${typeLabel ? typeLabel.trim() : kind.title}${safeText(subtitle)} (${partial ? '...' : result.rows.length === result.total ? result.total : `${result.rows.length}/${result.total}`})`,
    filter ? `filter: ${safeText(filter)}` : '',
    result.filterError ? `! ${result.filterError}` : '',
    list === 'guests' && marks.size > 0 ? `${marks.size} marked` : '',
    result.rows.length > 0 && !partial ? `${cursor + 1}/${result.rows.length}` : '',
  ]
    .filter(Boolean)
    .join('  ');

  return (
    <DataTable
      title={title}
      header={header}
      lines={lines}
      height={rowsHeight}
      width={width}
      theme={theme}
      empty={result.total === 0 ? (list === 'guests' ? 'No guests in the cache yet: the first sync fills it.' : 'Nothing here.') : 'No rows match the filter (Esc clears it).'}
    />
  );
}
