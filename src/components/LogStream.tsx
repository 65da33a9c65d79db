// A live log, virtualised like DataTable: it reads only the lines on screen from its source
// (a ring buffer of up to 50,000 lines), so a frame costs the same at 10 lines or 50,000. The
// search term is highlighted; the current match's line is marked. Lines arrive already made
// safe for the terminal (the controller runs them through safeText).
import { Box, Text } from 'ink';
import { memo } from 'react';
import type { Theme } from '../app/theme.js';

/** Where the lines come from: an array or a ring buffer. */
export interface LineSource {
  readonly length: number;
  at(index: number): string | undefined;
}

export interface LogStreamProps {
  lines: LineSource;
  /** First line shown (clamped so that the window is full when there are lines enough). */
  top: number;
  height: number;
  width: number;
  theme: Theme;
  /** Highlighted wherever it occurs (case-insensitive). */
  search?: string;
  /** The index of the current match's line: marked with `>`. */
  matchLine?: number;
  /** Shown when there are no lines yet. */
  empty?: string;
}

/** The first line a window of `height` lines shows: `top` clamped to the lines there are. */
export function windowTop(length: number, top: number, height: number): number {
  return Math.max(0, Math.min(top, Math.max(0, length - height)));
}

/** Splits `text` around the case-insensitive occurrences of `term`. */
export function highlightParts(text: string, term: string): { text: string; hit: boolean }[] {
  if (term === '') return [{ text, hit: false }];
  const lower = text.toLowerCase();
  const t = term.toLowerCase();
  const parts: { text: string; hit: boolean }[] = [];
  let from = 0;
  for (let i = lower.indexOf(t); i >= 0; i = lower.indexOf(t, i + t.length)) {
    if (i > from) parts.push({ text: text.slice(from, i), hit: false });
    parts.push({ text: text.slice(i, i + t.length), hit: true });
    from = i + t.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), hit: false });
  return parts.length > 0 ? parts : [{ text, hit: false }];
}

const Line = memo(function Line({ text, width, search, current, theme }: { text: string; width: number; search: string; current: boolean; theme: Theme }) {
  // Longer than the screen: cut here, before Ink tokenises it (Ink caches every distinct line
  // it draws, char by char: a streaming log must not hand it more than shows).
  const shown = text.length > width ? text.slice(0, width) : text;
  const mark = current ? '>' : ' ';
  if (search === '' || !shown.toLowerCase().includes(search.toLowerCase())) {
    return (
      <Text wrap="truncate">
        {mark}
        {shown === '' ? ' ' : shown}
      </Text>
    );
  }
  return (
    <Text wrap="truncate">
      <Text color={current ? theme.accent : undefined}>{mark}</Text>
      {highlightParts(shown, search).map((p, i) =>
        p.hit ? (
          <Text key={i} inverse color={theme.warn}>
            {p.text}
          </Text>
        ) : (
          <Text key={i}>{p.text}</Text>
        ),
      )}
    </Text>
  );
});

export function LogStream({ lines, top, height, width, theme, search = '', matchLine, empty }: LogStreamProps) {
  const start = windowTop(lines.length, top, height);
  const end = Math.min(lines.length, start + height);
  const rows: { index: number; text: string }[] = [];
  for (let i = start; i < end; i++) rows.push({ index: i, text: lines.at(i) ?? '' });
  const fill = height - rows.length - (rows.length === 0 && empty ? 1 : 0);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {rows.length === 0 && empty ? (
        <Text color={theme.dim} wrap="truncate">
          {' '}
          {empty}
        </Text>
      ) : null}
      {rows.map((r) => (
        // Keyed by position on screen: as the log scrolls, each row redraws its new text.
        <Line key={r.index - start} text={r.text} width={width - 1} search={search} current={r.index === matchLine} theme={theme} />
      ))}
      {fill > 0 ? <Box height={fill} /> : null}
    </Box>
  );
}
