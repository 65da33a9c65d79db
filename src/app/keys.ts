// Ink's key event -> the key names the keymap uses (`j`, `down`, `ctrl+d`, `G`, `space`...).
import type { Key } from 'ink';

export function keyName(input: string, key: Key): string | undefined {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  if (key.tab) return key.shift ? 'shift+tab' : 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl && input.length === 1) return `ctrl+${input.toLowerCase()}`;
  if (input === ' ') return 'space';
  if (key.meta) return input.length === 1 ? `alt+${input}` : undefined;
  return input.length === 1 ? input : undefined;
}

/** The character a key name (keyName's) types into a line the screen edits itself: `a`, `space`
 * -> ' '; undefined for a named key (`enter`, `ctrl+u`). */
export function charOfKeyName(name: string): string | undefined {
  if (name === 'space') return ' ';
  return [...name].length === 1 ? name : undefined;
}

/** Printable text typed into an input (a paste may bring several characters at once). */
export function typedText(input: string, key: Key): string {
  if (!isPlain(key)) return '';
  // eslint-disable-next-line no-control-regex
  return input.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}

/** No key flag but shift: plain text (possibly several keys at once). */
export function isPlain(key: Key): boolean {
  return !(key.ctrl || key.meta || key.escape || key.return || key.tab || key.backspace || key.delete || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.home || key.end);
}

/** One character of a multi-key input as the key event it would have been alone. */
export function keyOfChar(ch: string, template: Key): { input: string; key: Key } {
  const key: Key = { ...template, shift: false };
  const code = ch.codePointAt(0)!;
  if (ch === '\r' || ch === '\n') return { input: '', key: { ...key, return: true } };
  if (ch === '\t') return { input: '', key: { ...key, tab: true } };
  if (ch === '\x7f' || ch === '\b') return { input: '', key: { ...key, backspace: true } };
  if (ch === '\x1b') return { input: '', key: { ...key, escape: true } };
  if (code < 0x20) return { input: String.fromCharCode(code + 0x60), key: { ...key, ctrl: true } };
  return { input: ch, key: { ...key, shift: ch !== ch.toLowerCase() } };
}
