// The build's string-width fast path (scripts/narrowText.mjs) must agree with string-width: every
// character it admits is one cell, and strings of them are as wide as they are long.
import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs build helper without types
import { NARROW_TEXT_SOURCE } from '../scripts/narrowText.mjs';

const narrow = new RegExp(NARROW_TEXT_SOURCE as string);
const admitted: string[] = [];
for (let cp = 0; cp <= 0xffff; cp++) {
  const ch = String.fromCodePoint(cp);
  if (narrow.test(ch)) admitted.push(ch);
}

describe('the narrow-text fast path', () => {
  it('admits the characters the console draws, and not wide, zero-width or control ones', () => {
    for (const ch of ['a', '~', 'é', '─', '│', '●', '○', '◇', '‖', '✓', '✕', '…', '→']) expect(narrow.test(ch), ch).toBe(true);
    for (const ch of ['\x1b', '\t', '\u00ad', '\u200b', '\u200d', '\u0301', '\ufe0f', '◽', '✅', '中', '😀']) expect(narrow.test(ch), JSON.stringify(ch)).toBe(false);
  });

  it('every admitted character is one cell to string-width', () => {
    expect(admitted.length).toBeGreaterThan(900);
    const wrong = admitted.filter((ch) => stringWidth(ch) !== 1).map((ch) => ch.codePointAt(0)!.toString(16));
    expect(wrong).toEqual([]);
  });

  it('a string of admitted characters is as wide as it is long', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...admitted), { maxLength: 60 }), (chars) => {
        const text = chars.join('');
        expect(narrow.test(text)).toBe(true);
        expect(stringWidth(text)).toBe(text.length);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('lazy Unicode tables (scripts/lazyConstants.mjs)', () => {
  it('turns a segmenter and property-escape regexes into first-use getters, leaving other code alone', async () => {
    // @ts-expect-error a plain .mjs build helper without types
    const { lazyConstants } = (await import('../scripts/lazyConstants.mjs')) as { lazyConstants: (s: string) => { contents: string; names: string[] } };
    const source = [
      'const segmenter = new Intl.Segmenter();',
      'const emoji = /^\\p{RGI_Emoji}$/v;',
      "const plain = /^[a-z]+$/;",
      'export default function width(s) {',
      '  if (plain.test(s)) return s.length;',
      '  let n = 0;',
      '  for (const { segment } of segmenter.segment(s)) n += emoji.test(segment) ? 2 : 1;',
      '  return n;',
      '}',
    ].join('\n');
    const { contents, names } = lazyConstants(source);
    expect(names).toEqual(['segmenter', 'emoji']);
    expect(contents).toContain('segmenter().segment(s)');
    expect(contents).toContain('emoji().test(segment)');
    expect(contents).toContain('plain.test(s)');
    const width = (await import(`data:text/javascript,${encodeURIComponent(contents)}`)).default as (s: string) => number;
    expect(width('abc')).toBe(3);
    expect(width('a😀')).toBe(3);
  });
});
