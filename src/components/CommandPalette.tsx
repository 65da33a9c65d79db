// The palette's completions, above the status bar (the input itself is on the status bar).
import { Box, Text } from 'ink';
import type { Theme } from '../app/theme.js';

export interface PaletteItem {
  label: string;
  description: string;
  /** Indexes of the label's characters that matched what was typed. */
  positions: readonly number[];
}

export interface CommandPaletteProps {
  items: readonly PaletteItem[];
  selected: number;
  height: number;
  width: number;
  theme: Theme;
}

function Highlighted({ label, positions, color }: { label: string; positions: readonly number[]; color?: string }) {
  const set = new Set(positions);
  const parts: { text: string; hit: boolean }[] = [];
  Array.from(label).forEach((ch, i) => {
    const hit = set.has(i);
    const last = parts[parts.length - 1];
    if (last && last.hit === hit) last.text += ch;
    else parts.push({ text: ch, hit });
  });
  return (
    <>
      {parts.map((p, i) => (
        <Text key={i} bold={p.hit} color={p.hit ? color : undefined} underline={p.hit && color === undefined}>
          {p.text}
        </Text>
      ))}
    </>
  );
}

export function CommandPalette({ items, selected, height, width, theme }: CommandPaletteProps) {
  const start = selected >= height ? selected - height + 1 : 0;
  const shown = items.slice(start, start + height);
  const labelWidth = Math.min(32, Math.max(8, ...shown.map((i) => i.label.length)) + 2);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {shown.length === 0 ? <Text color={theme.dim}> no completions</Text> : null}
      {shown.map((item, i) => {
        const isSelected = start + i === selected;
        return (
          <Text key={`${start + i}`} wrap="truncate" inverse={isSelected}>
            {' '}
            <Highlighted label={item.label} positions={item.positions} {...(theme.accent ? { color: theme.accent } : {})} />
            {' '.repeat(Math.max(1, labelWidth - item.label.length))}
            <Text color={isSelected ? undefined : theme.dim}>{item.description}</Text>
          </Text>
        );
      })}
    </Box>
  );
}
