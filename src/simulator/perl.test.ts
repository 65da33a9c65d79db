import { describe, expect, it } from 'vitest';
import { compilePerlPattern, isPerlInteger, isPerlNumber, parsePerlBoolean, perlSplit, splitList } from './perl.js';

describe('Perl semantics', () => {
  it('compiles schema patterns like m/^$pattern$/', () => {
    expect(compilePerlPattern('(?^:\\d+(?:;\\d+)*)').test('1;2;3')).toBe(true);
    expect(compilePerlPattern('[A-Za-z0-9\\-_\\s]{,8}').test('abc')).toBe(true); // {,n} is {0,n}
    expect(compilePerlPattern('[A-Za-z0-9\\-_\\s]{,8}').test('123456789')).toBe(false);
    // `$` also matches before a final newline
    expect(compilePerlPattern('(/dev/.+|socket)').test('socket\n')).toBe(true);
    // an ungrouped alternation binds like Perl: ^a|b$
    const re = compilePerlPattern('/dev/parport\\d+|/dev/usb/lp\\d+');
    expect(re.test('/dev/parport0-and-more')).toBe(true);
    expect(re.test('x/dev/usb/lp1')).toBe(true);
  });

  it('checks integers and numbers like JSONSchema.pm', () => {
    expect(['1', '+5', '-3', '007', '5\n'].every(isPerlInteger)).toBe(true);
    expect(['1.0', 'true', '', ' 1', '0x10'].some(isPerlInteger)).toBe(false);
    expect(['1.5', '1.', '.5', '1e3', '-2E-2'].every(isPerlNumber)).toBe(true);
    expect(['1,5', 'e3', '.'].some(isPerlNumber)).toBe(false);
  });

  it('parses property-string booleans', () => {
    expect(['1', 'on', 'YES', 'true'].map(parsePerlBoolean)).toEqual([1, 1, 1, 1]);
    expect(['0', 'off', 'no', 'False'].map(parsePerlBoolean)).toEqual([0, 0, 0, 0]);
    expect(parsePerlBoolean('2')).toBeUndefined();
  });

  it('splits lists like PVE::Tools::split_list', () => {
    expect(splitList('a;b,c  d ')).toEqual(['a', 'b', 'c', 'd']);
    expect(splitList('  a')).toEqual(['a']);
    expect(splitList('')).toEqual([]);
    expect(splitList('a b\0c')).toEqual(['a b', 'c']);
  });

  it('drops trailing empty fields like split', () => {
    expect(perlSplit('a=b=c', /=/)).toEqual(['a', 'b', 'c']);
    expect(perlSplit('k=', /=/)).toEqual(['k']);
    expect(perlSplit('', /=/)).toEqual([]);
  });
});
