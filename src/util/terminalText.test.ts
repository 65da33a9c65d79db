import { describe, expect, it } from 'vitest';
import { safeText, visibleControls } from './terminalText.js';

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
    ['name\u202egnp.exe', 'namegnp.exe'],
    ['\u2067isolate\u2069 \u202aembed\u202c', 'isolate embed'],
    ['שלום abc', 'שלום abc'],
  ])('%j -> %j', (input, expected) => {
    expect(safeText(input)).toBe(expected);
  });
});

describe('visibleControls', () => {
  it.each([
    ['plain key', 'plain key'],
    ['x\ny', 'x\\ny'],
    ['a\u001b[2Jb', 'a\\u001b[2Jb'],
    ['\t\r\u0000\u009b\u2028', '\\t\\r\\u0000\\u009b\\u2028'],
  ])('%j -> %j', (input, expected) => {
    expect(visibleControls(input)).toBe(expected);
  });
});
