// The settings screen as data: each setting, the values it cycles through, and how it reads.
// Changes go to the store; the console saves them to the config file (console.ts).
import type { ConsoleStore } from '../store/consoleStore.js';
import type { ConsoleSettings, ThemeName } from '../store/types.js';

export interface SettingItem {
  id: keyof Pick<ConsoleSettings, 'theme' | 'icons' | 'refreshMs'>;
  label: string;
  description: string;
  values: readonly (string | number | boolean)[];
  show(value: unknown): string;
}

export const THEMES: readonly ThemeName[] = ['dark', 'light', 'mono'];
export const REFRESH_CHOICES_MS: readonly number[] = [2_000, 5_000, 10_000, 30_000, 60_000];

export const SETTING_ITEMS: readonly SettingItem[] = [
  { id: 'theme', label: 'Theme', description: 'colours for dark or light terminals, or none', values: THEMES, show: (v) => String(v) },
  { id: 'icons', label: 'Icons', description: 'status symbols (● ○ ✓), or plain ASCII', values: [true, false], show: (v) => (v ? 'on' : 'off') },
  { id: 'refreshMs', label: 'Refresh interval', description: 'how often the cluster is polled', values: REFRESH_CHOICES_MS, show: (v) => `${Number(v) / 1000} s` },
];

export function settingsActions(c: ConsoleStore): { move(delta: number): void; change(direction: 1 | -1): void } {
  const { store, actions } = c;
  return {
    move(delta) {
      const cursor = Math.max(0, Math.min(SETTING_ITEMS.length - 1, store.getState().settingsCursor + delta));
      actions.setSettingsCursor(cursor);
    },
    change(direction) {
      const s = store.getState();
      const item = SETTING_ITEMS[s.settingsCursor];
      if (item === undefined) return;
      const current = s.settings[item.id];
      const i = item.values.indexOf(current);
      const next = item.values[(i + direction + item.values.length) % item.values.length]!;
      actions.updateSettings({ [item.id]: next } as Partial<ConsoleSettings>);
      actions.notify(`${item.label}: ${item.show(next)}`);
    },
  };
}
