// Keys and commands, generated from the keymap and the palette's command table.
import { useConsole, useKeymap, useTheme } from '../app/ConsoleContext.js';
import { TextView } from '../components/TextView.js';
import { helpLines } from './textContent.js';

export function HelpScreen({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const keymap = useKeymap();
  const top = useConsole((s) => s.textScroll);
  return <TextView lines={helpLines(keymap)} top={top} height={height} width={width} theme={theme} />;
}
