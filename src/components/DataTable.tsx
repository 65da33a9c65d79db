// A virtualised table: it is handed only the rows that are on screen, already as text, and
// draws each as one Text (a Box per cell would make every frame cost hundreds of layout nodes).
import { Box, Text, useIsScreenReaderEnabled } from 'ink';
import { memo } from 'react';
import type { Theme } from '../app/theme.js';

export interface TableLine {
  /** Stable identity (React key). */
  key: string;
  text: string;
  selected: boolean;
  marked: boolean;
  /** Drawn dimmed (stopped guests, templates). */
  dim?: boolean;
  /** A colour for the whole row (an error, a warning), overriding dim. */
  color?: string;
}

export interface DataTableProps {
  /** `Guests (38)  filter: web  sort: name ▲` */
  title: string;
  header: string;
  lines: readonly TableLine[];
  /** Rows the table area has (empty rows fill the rest so the layout does not jump). */
  height: number;
  width: number;
  theme: Theme;
  /** Shown when there are no rows at all. */
  empty?: string;
}

const Row = memo(function Row({ line, width, theme, pointer }: { line: TableLine; width: number; theme: Theme; pointer: boolean }) {
  const text = line.text.length < width ? line.text.padEnd(width) : line.text;
  // Without styles (screen-reader mode) the selected row is pointed at instead of highlighted.
  const mark = pointer && line.selected ? '>' : line.marked ? '*' : ' ';
  if (line.selected) {
    return theme.selectedBg ? (
      <Text backgroundColor={theme.selectedBg} color={theme.selectedFg} wrap="truncate">
        {mark}
        {text}
      </Text>
    ) : (
      <Text inverse wrap="truncate">
        {mark}
        {text}
      </Text>
    );
  }
  const color = line.color ?? (line.marked ? theme.marked : line.dim ? theme.dim : undefined);
  return (
    <Text color={color} bold={line.marked && theme.marked === undefined} wrap="truncate">
      {mark}
      {text}
    </Text>
  );
});

export function DataTable({ title, header, lines, height, width, theme, empty }: DataTableProps) {
  const pointer = useIsScreenReaderEnabled();
  const fill = Math.max(0, height - Math.max(lines.length, empty && lines.length === 0 ? 1 : 0));
  return (
    <Box flexDirection="column" width={width}>
      <Text color={theme.heading} bold wrap="truncate">
        {title}
      </Text>
      <Text bold wrap="truncate">
        {' '}
        {header}
      </Text>
      {lines.map((line) => (
        <Row key={line.key} line={line} width={width - 1} theme={theme} pointer={pointer} />
      ))}
      {lines.length === 0 && empty ? (
        <Text color={theme.dim} wrap="truncate">
          {' '}
          {empty}
        </Text>
      ) : null}
      {fill > 0 ? <Box height={fill} /> : null}
    </Box>
  );
}
