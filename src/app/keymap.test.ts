import { describe, expect, it } from 'vitest';
import { applyKeyOverrides, bindingsFor, DEFAULT_KEYMAP, isKeyName, keyLabel, type KeyContext } from './keymap.js';

const CONTEXTS: readonly KeyContext[] = ['list', 'scroll', 'detail', 'taskLog', 'settings'];

describe('the default keymap', () => {
  it('uses only key names the input router produces', () => {
    for (const b of DEFAULT_KEYMAP) for (const k of b.keys) expect(isKeyName(k), `${b.action}: ${k}`).toBe(true);
  });

  it('never binds one key twice where both bindings apply', () => {
    for (const context of CONTEXTS) {
      // What a screen of this kind sees: its contexts and the global ones (see contextsFor).
      const seen = new Map<string, string>();
      const contexts: KeyContext[] = context === 'detail' ? ['detail', 'scroll', 'global'] : context === 'taskLog' ? ['taskLog', 'scroll', 'global'] : [context, 'global'];
      for (const b of bindingsFor(DEFAULT_KEYMAP, contexts)) {
        for (const k of b.keys) {
          expect(seen.get(k), `${k} in ${context}: ${seen.get(k)} and ${b.action}`).toBeUndefined();
          seen.set(k, b.action);
        }
      }
    }
  });

  it('has the keys the issue names', () => {
    const keysOf = (action: string) => DEFAULT_KEYMAP.find((b) => b.action === action)!.keys;
    expect(keysOf('cursor.down')).toEqual(['j', 'down']);
    expect(keysOf('cursor.top')).toContain('g g');
    expect(keysOf('halfpage.down')).toContain('ctrl+d');
    expect(keysOf('page.down')).toContain('pagedown');
    expect(keysOf('tab.next')).toEqual(expect.arrayContaining(['l', 'tab']));
    expect(keysOf('palette')).toEqual([':']);
    expect(keysOf('filter')).toEqual(['/']);
    expect(keysOf('mark')).toEqual(['space']);
    expect(keysOf('help')).toEqual(['?']);
    expect(keysOf('quit')).toContain('q');
    expect(keyLabel(DEFAULT_KEYMAP.find((b) => b.action === 'cursor.top')!)).toBe('gg/home');
  });
});

describe('isKeyName', () => {
  it('accepts characters, named keys, modifiers and two-key sequences', () => {
    for (const k of ['j', 'G', '?', '/', '1', 'down', 'pagedown', 'shift+tab', 'space', 'ctrl+d', 'alt+x', 'g g']) expect(isKeyName(k), k).toBe(true);
  });
  it('refuses what no key press produces', () => {
    for (const k of ['', 'jj', 'Down', 'ctrl+', 'ctl+d', 'g g g', 'é', 'f13']) expect(isKeyName(k), k).toBe(false);
  });
});

describe('applyKeyOverrides', () => {
  it('replaces the keys of an action and leaves the others', () => {
    const { keymap, warnings } = applyKeyOverrides(DEFAULT_KEYMAP, { 'cursor.down': ['n', 'down'], quit: 'Q' });
    expect(warnings).toEqual([]);
    expect(keymap.find((b) => b.action === 'cursor.down')!.keys).toEqual(['n', 'down']);
    expect(keymap.find((b) => b.action === 'quit')!.keys).toEqual(['Q']);
    expect(keymap.find((b) => b.action === 'cursor.up')!.keys).toEqual(['k', 'up']);
  });

  it('warns about unknown actions, malformed values and key names, and keeps the defaults', () => {
    const { keymap, warnings } = applyKeyOverrides(DEFAULT_KEYMAP, { 'cursor.sideways': 'x', quit: 42, help: ['F1'] });
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/unknown action 'cursor.sideways'/);
    expect(warnings[1]).toMatch(/console.keys.quit: expected a key name/);
    expect(warnings[2]).toMatch(/'F1' is not a key name/);
    expect(keymap.find((b) => b.action === 'quit')!.keys).toEqual(['q', 'ctrl+c']);
    expect(keymap.find((b) => b.action === 'help')!.keys).toEqual(['?']);
  });

  it('without overrides is the default keymap', () => {
    expect(applyKeyOverrides(DEFAULT_KEYMAP, undefined)).toEqual({ keymap: [...DEFAULT_KEYMAP], warnings: [] });
  });
});
