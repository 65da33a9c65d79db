import { describe, expect, it } from 'vitest';
import { safeText } from './terminalText.js';

describe('safeText', () => {
  it.each([
    ['plain', 'plain'],
    ['\u001b[31mred\u001b[0m', 'red'],
    ['a\u001b[2J\u001b[Hb', 'ab'],
    ['\u001b]0;evil title\u0007name', 'name'],
    ['\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\', 'link'],
    ['\u009b31mc1\u009bm', 'c1'],
    ['\u001bPdcs payload\u001b\\ok', 'ok'],
    ['bell\u0007 back\u0008space', 'bell backspace'],
    ['line1\nline2\ttab', 'line1 line2 tab'],
    ['web-01 ✓ ünïcode', 'web-01 ✓ ünïcode'],
  ])('%j -> %j', (input, expected) => {
    expect(safeText(input)).toBe(expected);
  });
});
