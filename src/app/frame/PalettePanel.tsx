// The palette's completions for what is typed, from the cluster the store holds.
import { useMemo } from 'react';
import { CommandPalette } from '../../components/CommandPalette.js';
import { safeText } from '../../util/terminalText.js';
import { completions } from '../commands.js';
import { useConsole, useTheme } from '../ConsoleContext.js';
import { PALETTE_ROWS } from '../layout.js';

export function PalettePanel({ width }: { width: number }) {
  const theme = useTheme();
  const input = useConsole((s) => s.palette.input);
  const selected = useConsole((s) => s.palette.selected);
  const guests = useConsole((s) => s.data.guests);
  const nodes = useConsole((s) => s.data.nodes);
  const storage = useConsole((s) => s.data.storage);
  const items = useMemo(
    () => completions(input, { guests, nodes, storage }).map((c) => ({ ...c, label: safeText(c.label), description: safeText(c.description) })),
    [input, guests, nodes, storage],
  );
  return <CommandPalette items={items} selected={selected} height={PALETTE_ROWS} width={width} theme={theme} />;
}
