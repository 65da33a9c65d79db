// The two input lines: the `:` palette (completion, history, commands) and the `/` filter
// (applied live; `/sync`-style commands too). Both edit their text the same way.
import type { Key } from 'ink';
import type { ConsoleStore } from '../store/consoleStore.js';
import { currentRoute, listOf, selectListRows } from '../store/selectors.js';
import { completions, PALETTE_COMMANDS } from './commands.js';
import { typedText } from './keys.js';
import type { PaletteHistory } from './paletteHistory.js';

export interface LineModeDeps {
  console: ConsoleStore;
  history?: PaletteHistory;
  /** Runs a command line (`vm web`, `/sync`). */
  runLine(line: string): void;
}

export interface LineModes {
  palette(input: string, key: Key, name: string | undefined): void;
  filter(input: string, key: Key, name: string | undefined): void;
}

export function createLineModes(deps: LineModeDeps): LineModes {
  const { console: c, history, runLine } = deps;
  const { store, actions } = c;
  const state = () => store.getState();

  const palette = (input: string, key: Key, name: string | undefined): void => {
    const s = state();
    const { input: text, selected } = s.palette;
    switch (name) {
      case 'escape':
        actions.setMode('normal');
        return;
      case 'enter': {
        const options = completions(text, s.data);
        // Enter runs what is typed, or the completion picked with Tab: never a guess.
        const line = selected >= 0 && options[selected] ? options[selected].value : text;
        actions.setMode('normal');
        if (line.trim() !== '') history?.add(line.trim());
        runLine(line);
        return;
      }
      case 'tab':
      case 'shift+tab': {
        const options = completions(text, s.data);
        if (options.length === 0) return;
        const next = name === 'tab' ? (selected + 1) % options.length : (selected - 1 + options.length) % options.length;
        actions.setPaletteInput(text, next);
        if (options.length === 1) actions.setPaletteInput(options[0]!.value, -1);
        return;
      }
      case 'up': {
        const entry = history?.prev();
        if (entry !== undefined) actions.setPaletteInput(entry);
        return;
      }
      case 'down': {
        const entry = history?.next();
        if (entry !== undefined) actions.setPaletteInput(entry);
        return;
      }
      default: {
        // Editing after picking a completion continues from it.
        const base = selected >= 0 ? (completions(text, s.data)[selected]?.value ?? text) : text;
        editLine(name, input, key, base, (line) => actions.setPaletteInput(line));
      }
    }
  };

  /** The keys every input line shares: Backspace (an empty line leaves it), Ctrl-U clears,
   * Ctrl-C leaves, text is typed. */
  const editLine = (name: string | undefined, input: string, key: Key, text: string, setText: (text: string) => void): void => {
    switch (name) {
      case 'backspace':
        if (text === '') actions.setMode('normal');
        else setText(text.slice(0, -1));
        return;
      case 'ctrl+u':
        setText('');
        return;
      case 'ctrl+c':
        actions.setMode('normal');
        return;
      default: {
        const typed = typedText(input, key);
        if (typed !== '') setText(text + typed);
      }
    }
  };

  const filter = (input: string, key: Key, name: string | undefined): void => {
    const s = state();
    const list = listOf(currentRoute(s));
    const text = s.filterInput;
    switch (name) {
      case 'escape':
        actions.setMode('normal');
        return;
      case 'enter': {
        // The seed's slash commands: `/sync`, `/help` (a regex needs its closing slash).
        // Only a command's full name: `/q` or `/no` are filters (a regex being typed).
        const slash = /^\/([a-z]+)(\s.*)?$/i.exec(text.trim());
        if (slash && PALETTE_COMMANDS.some((c) => c.name === slash[1]!.toLowerCase())) {
          actions.setMode('normal');
          runLine(text);
          return;
        }
        const rows = list === undefined ? undefined : selectListRows(s, list);
        if (rows?.filterError) {
          actions.notify(rows.filterError, 'error');
          return;
        }
        actions.setMode('normal');
        if (list !== undefined) actions.setFilter(list, text.trim());
        return;
      }
      default:
        editLine(name, input, key, text, (line) => actions.setFilterInput(line));
    }
  };

  return { palette, filter };
}
