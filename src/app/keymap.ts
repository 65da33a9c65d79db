// The keymap as data: which keys run which action, where, with what description. The input
// router reads it, the help screen and the status-bar hints are generated from it, and users
// override keys in the config file (`console.keys: { cursor.down: [j, down] }`).

export type ActionId =
  | 'cursor.down'
  | 'cursor.up'
  | 'cursor.top'
  | 'cursor.bottom'
  | 'page.down'
  | 'page.up'
  | 'halfpage.down'
  | 'halfpage.up'
  | 'tab.next'
  | 'tab.prev'
  | 'open'
  | 'back'
  | 'refresh'
  | 'mark'
  | 'sort.next'
  | 'sort.reverse'
  | 'filter'
  | 'filter.clear'
  | 'palette'
  | 'help'
  | 'quit'
  | 'follow'
  | 'screen.overview'
  | 'screen.guests'
  | 'screen.nodes'
  | 'screen.storage'
  | 'screen.tasks'
  | 'screen.snapshots'
  | 'screen.settings'
  | 'actions'
  | 'create.vm'
  | 'create.ct'
  | 'tasks.toggle'
  | 'setting.toggle'
  | 'setting.next'
  | 'setting.prev';

/** Where a binding applies: `list` is any table screen (guests, nodes, storage...), `scroll`
 * any screen that scrolls text (detail tabs, task log, help), `global` everywhere. */
export type KeyContext = 'global' | 'list' | 'scroll' | 'detail' | 'taskLog' | 'settings';

export type KeyGroup = 'Move' | 'Screens' | 'Views' | 'General';

export interface Binding {
  action: ActionId;
  /** Key names as keyName() makes them: `j`, `down`, `ctrl+d`, `G`, `g g` (a sequence), `space`. */
  keys: readonly string[];
  contexts: readonly KeyContext[];
  description: string;
  group: KeyGroup;
  /** A short label for the status-bar hints; bindings without one are only in help. */
  hint?: string;
  /** Takes a count typed before it (`5j`). */
  countable?: boolean;
}

export const DEFAULT_KEYMAP: readonly Binding[] = [
  { action: 'cursor.down', keys: ['j', 'down'], contexts: ['list', 'scroll', 'settings'], description: 'down one row (a count first moves more: 5j)', group: 'Move', countable: true },
  { action: 'cursor.up', keys: ['k', 'up'], contexts: ['list', 'scroll', 'settings'], description: 'up one row', group: 'Move', countable: true },
  { action: 'cursor.top', keys: ['g g', 'home'], contexts: ['list', 'scroll'], description: 'first row (with a count: that row)', group: 'Move', countable: true },
  { action: 'cursor.bottom', keys: ['G', 'end'], contexts: ['list', 'scroll'], description: 'last row (with a count: that row)', group: 'Move', countable: true },
  { action: 'halfpage.down', keys: ['ctrl+d'], contexts: ['list', 'scroll'], description: 'down half a page', group: 'Move', countable: true },
  { action: 'halfpage.up', keys: ['ctrl+u'], contexts: ['list', 'scroll'], description: 'up half a page', group: 'Move', countable: true },
  { action: 'page.down', keys: ['pagedown', 'ctrl+f'], contexts: ['list', 'scroll'], description: 'down a page', group: 'Move', countable: true },
  { action: 'page.up', keys: ['pageup', 'ctrl+b'], contexts: ['list', 'scroll'], description: 'up a page', group: 'Move', countable: true },
  { action: 'tab.next', keys: ['l', 'right', 'tab'], contexts: ['detail'], description: 'next tab', group: 'Move', hint: 'tabs' },
  { action: 'tab.prev', keys: ['h', 'left', 'shift+tab'], contexts: ['detail'], description: 'previous tab', group: 'Move' },
  { action: 'open', keys: ['enter'], contexts: ['list'], description: 'open the row (guest detail, storage content, task log)', group: 'Views', hint: 'open' },
  { action: 'back', keys: ['escape'], contexts: ['global'], description: 'back to the previous screen', group: 'Views', hint: 'back' },
  { action: 'filter', keys: ['/'], contexts: ['list'], description: 'filter: text, /regex/, !negate, node:pve1 status:running tag:web type:ct', group: 'Views', hint: 'filter' },
  { action: 'filter.clear', keys: ['ctrl+l'], contexts: ['list'], description: 'clear the filter', group: 'Views' },
  { action: 'sort.next', keys: ['s'], contexts: ['list'], description: 'sort by the next column', group: 'Views', hint: 'sort' },
  { action: 'sort.reverse', keys: ['S'], contexts: ['list'], description: 'reverse the sort order', group: 'Views' },
  { action: 'mark', keys: ['space'], contexts: ['list'], description: 'mark the row for a batch action', group: 'Views', hint: 'mark' },
  { action: 'actions', keys: ['a'], contexts: ['list', 'detail'], description: 'act on the guest or the marked: power, snapshot, clone, migrate, delete...', group: 'Views', hint: 'act' },
  { action: 'create.vm', keys: ['c'], contexts: ['list'], description: 'create a VM (a wizard: node, name, source, disk, network, review)', group: 'Views', hint: 'create' },
  { action: 'create.ct', keys: ['C'], contexts: ['list'], description: 'create a container (a wizard: node, template, disk, network, review)', group: 'Views' },
  { action: 'follow', keys: ['f'], contexts: ['taskLog'], description: 'follow the log as it grows (on/off)', group: 'Views', hint: 'follow' },
  { action: 'setting.toggle', keys: ['enter', 'space'], contexts: ['settings'], description: 'change the setting', group: 'Views', hint: 'change' },
  { action: 'setting.next', keys: ['l', 'right'], contexts: ['settings'], description: 'next value', group: 'Views' },
  { action: 'setting.prev', keys: ['h', 'left'], contexts: ['settings'], description: 'previous value', group: 'Views' },
  { action: 'screen.overview', keys: ['1'], contexts: ['global'], description: 'cluster overview', group: 'Screens' },
  { action: 'screen.guests', keys: ['2'], contexts: ['global'], description: 'guests (VMs and containers)', group: 'Screens' },
  { action: 'screen.nodes', keys: ['3'], contexts: ['global'], description: 'nodes', group: 'Screens' },
  { action: 'screen.storage', keys: ['4'], contexts: ['global'], description: 'storage', group: 'Screens' },
  { action: 'screen.tasks', keys: ['5'], contexts: ['global'], description: 'tasks', group: 'Screens' },
  { action: 'screen.snapshots', keys: ['6'], contexts: ['global'], description: 'snapshots', group: 'Screens' },
  { action: 'screen.settings', keys: ['7'], contexts: ['global'], description: 'settings', group: 'Screens' },
  { action: 'palette', keys: [':'], contexts: ['global'], description: 'command palette (:vm :ct :node :storage :task :snap, sync, help, quit)', group: 'General', hint: 'cmd' },
  { action: 'refresh', keys: ['r'], contexts: ['global'], description: 'sync now', group: 'General', hint: 'sync' },
  { action: 'tasks.toggle', keys: ['T'], contexts: ['global'], description: 'show or hide the tasks panel (operations)', group: 'General' },
  { action: 'help', keys: ['?'], contexts: ['global'], description: 'this help', group: 'General', hint: 'help' },
  { action: 'quit', keys: ['q', 'ctrl+c'], contexts: ['global'], description: 'quit', group: 'General', hint: 'quit' },
];

const NAMED_KEYS = new Set(['up', 'down', 'left', 'right', 'pageup', 'pagedown', 'home', 'end', 'enter', 'escape', 'tab', 'shift+tab', 'backspace', 'space']);

/** A key name keyName() can produce (`j`, `G`, `?`, `down`, `ctrl+d`, `alt+x`), or a sequence of
 * two of them (`g g`). */
export function isKeyName(name: string): boolean {
  const parts = name.split(' ');
  if (parts.length > 2) return false;
  return parts.every((k) => NAMED_KEYS.has(k) || /^(ctrl|alt)\+[\x21-\x7e]$/.test(k) || /^[\x21-\x7e]$/u.test(k));
}

/** User overrides: action id -> the keys that replace its defaults. Unknown actions and
 * malformed entries are reported, not fatal. */
export function applyKeyOverrides(keymap: readonly Binding[], overrides: Readonly<Record<string, unknown>> | undefined): { keymap: Binding[]; warnings: string[] } {
  const warnings: string[] = [];
  if (overrides === undefined) return { keymap: [...keymap], warnings };
  const known = new Set(keymap.map((b) => b.action));
  const replaced = new Map<string, string[]>();
  for (const [action, value] of Object.entries(overrides)) {
    if (!known.has(action as ActionId)) {
      warnings.push(`console.keys: unknown action '${action}' (see the help screen for the action names)`);
      continue;
    }
    const keys = typeof value === 'string' ? [value] : Array.isArray(value) && value.every((k) => typeof k === 'string') ? (value as string[]) : undefined;
    if (keys === undefined || keys.length === 0 || keys.some((k) => k.trim() === '')) {
      warnings.push(`console.keys.${action}: expected a key name or a list of key names`);
      continue;
    }
    const unknown = keys.map((k) => k.trim()).filter((k) => !isKeyName(k));
    if (unknown.length > 0) {
      warnings.push(`console.keys.${action}: '${unknown[0]}' is not a key name (examples: j, G, down, pagedown, ctrl+d, space, "g g"); the defaults stay`);
      continue;
    }
    replaced.set(action, keys.map((k) => k.trim()));
  }
  return { keymap: keymap.map((b) => (replaced.has(b.action) ? { ...b, keys: replaced.get(b.action)! } : b)), warnings };
}

/** The bindings that apply in these contexts, most specific first (a context's own binding
 * wins over a global one for the same key). */
export function bindingsFor(keymap: readonly Binding[], contexts: readonly KeyContext[]): Binding[] {
  const out: Binding[] = [];
  for (const context of contexts) for (const b of keymap) if (b.contexts.includes(context) && !out.includes(b)) out.push(b);
  return out;
}

/** `j/down` for display. */
export function keyLabel(binding: Binding): string {
  return binding.keys.map((k) => (k === 'g g' ? 'gg' : k)).join('/');
}
