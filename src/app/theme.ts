// Themes as data: what each role is drawn in. `mono` (and NO_COLOR) draws no colour at all;
// selection and emphasis then use inverse and bold, which every terminal has.
import type { ThemeName } from '../store/types.js';

export interface Theme {
  name: ThemeName;
  /** undefined: the terminal's default colour. */
  accent?: string;
  dim?: string;
  ok?: string;
  warn?: string;
  error?: string;
  heading?: string;
  /** The selected row: inverse when no colour is set. */
  selectedBg?: string;
  selectedFg?: string;
  marked?: string;
  headerBg?: string;
  headerFg?: string;
}

export const THEMES: Readonly<Record<ThemeName, Theme>> = {
  dark: { name: 'dark', accent: 'cyan', dim: 'gray', ok: 'green', warn: 'yellow', error: 'red', heading: 'cyan', selectedBg: 'blue', selectedFg: 'white', marked: 'magenta', headerBg: 'blue', headerFg: 'white' },
  light: { name: 'light', accent: 'blue', dim: 'gray', ok: 'green', warn: 'magenta', error: 'red', heading: 'blue', selectedBg: 'cyan', selectedFg: 'black', marked: 'magenta', headerBg: 'cyan', headerFg: 'black' },
  mono: { name: 'mono' },
};

export function themeFor(name: ThemeName, color: boolean): Theme {
  return color ? THEMES[name] : THEMES.mono;
}

/** The colour of a status word (running, stopped, OK, an error...). */
export function statusColor(theme: Theme, status: string): string | undefined {
  if (/^(running|online|ok|available|active)$/i.test(status)) return theme.ok;
  if (/^(paused|suspended|warning|prelaunch|unknown|inactive)$/i.test(status)) return theme.warn;
  if (/^(offline|error|failed|disabled)$/i.test(status)) return theme.error;
  return undefined;
}
