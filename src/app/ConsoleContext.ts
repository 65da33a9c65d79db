// What every screen reads: the store (through narrow selectors), the keymap and the theme.
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { ConsoleStore } from '../store/consoleStore.js';
import type { ConsoleState } from '../store/types.js';
import type { Binding } from './keymap.js';
import { themeFor, type Theme } from './theme.js';

export interface ConsoleContextValue {
  console: ConsoleStore;
  keymap: readonly Binding[];
}

export const ConsoleContext = createContext<ConsoleContextValue | undefined>(undefined);

function useConsoleContext(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (value === undefined) throw new Error('a console component was rendered outside <App>');
  return value;
}

/** A narrow read of the store: the component re-renders only when the selected value changes. */
export function useConsole<T>(selector: (state: ConsoleState) => T): T {
  return useStore(useConsoleContext().console.store, selector);
}

export function useKeymap(): readonly Binding[] {
  return useConsoleContext().keymap;
}

export function useTheme(): Theme {
  const theme = useConsole((s) => s.settings.theme);
  const color = useConsole((s) => s.settings.color);
  return themeFor(theme, color);
}
