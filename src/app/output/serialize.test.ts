import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { toJson, toYaml } from './serialize.js';

const EVIL = 'a\u001b[31mred\u009b2J\u0085\u007f\u2028b';
// Raw control characters a terminal would act on (tab and newline are fine in output).
const RAW_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('toJson', () => {
  it('is two-space indented with a final newline and keeps key order', () => {
    expect(toJson([{ b: 1, a: 'x' }])).toBe('[\n  {\n    "b": 1,\n    "a": "x"\n  }\n]\n');
    expect(toJson([])).toBe('[]\n');
  });
  it('escapes every control character, and the data reads back exactly', () => {
    const out = toJson({ name: EVIL });
    expect(out).not.toMatch(RAW_CONTROLS);
    expect(out).not.toContain('\u2028');
    expect(JSON.parse(out)).toEqual({ name: EVIL });
  });
});

describe('toYaml', () => {
  it('prints block YAML, [] when empty', () => {
    expect(toYaml([])).toBe('[]\n');
    expect(toYaml([{ vmid: 100, tags: ['a', 'b'], pool: null }])).toBe('- vmid: 100\n  tags:\n    - a\n    - b\n  pool: null\n');
  });
  it('quotes strings YAML 1.1 would read as booleans or numbers', () => {
    const out = toYaml([{ name: 'yes', other: 'on', n: '0x1F', num: '123' }]);
    expect(parse(out, { version: '1.1' })).toEqual([{ name: 'yes', other: 'on', n: '0x1F', num: '123' }]);
  });
  it('escapes every control character, and the data reads back exactly', () => {
    const out = toYaml({ name: EVIL, multi: 'line1\nline2\u009b' });
    expect(out).not.toMatch(RAW_CONTROLS);
    expect(parse(out)).toEqual({ name: EVIL, multi: 'line1\nline2\u009b' });
  });
});
