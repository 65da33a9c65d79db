import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { yamlScalarsByLibrary } from './processors.js';
import { fromFlat, scanBlockYaml as scanFlat } from './yamlScan.js';

const scanBlockYaml = (text: string) => {
  const flat = scanFlat(text);
  return flat && fromFlat(flat);
};

/** What the library says: the scalars, or 'error' for a document it rejects. */
function library(text: string) {
  try {
    return yamlScalarsByLibrary(text);
  } catch {
    return 'error' as const;
  }
}

/** The scan either declines or agrees with the library exactly (and never accepts an error). */
function agrees(text: string): boolean {
  const fast = scanBlockYaml(text);
  if (fast === undefined) return false;
  expect(fast, JSON.stringify(text)).toEqual(library(text));
  return true;
}

describe('scanBlockYaml', () => {
  it('reads block YAML as the library does: keys, values, nulls, quoting, block scalars, documents, credential contexts', () => {
    const text = [
      '# head',
      'a: b   # c',
      'password: hunter 2',
      "'api token': 'it''s'",
      'empty:',
      'blank:   # nothing',
      'nested:',
      '  x: "1 # 2"',
      '  list:',
      '  - one',
      '  -',
      '  - k: v',
      '    secret: s',
      '  -   deep: 1',
      'token:',
      '  - t1',
      '  - sub:',
      '      z: 1',
      'log: >-',
      '  folded line',
      '',
      '  # not a comment',
      '',
      '# a comment',
      'lit: |',
      '   keep',
      '---',
      '- 1',
      '---',
      '---',
      '  k: v',
      '',
    ].join('\n');
    expect(agrees(text)).toBe(true);
    const secrets = scanBlockYaml(text)!.filter((s) => s.secret).map((s) => text.slice(s.start, s.end));
    expect(secrets).toEqual(['hunter 2', "'it''s'", 's', 't1']);
  });

  it('a document with more scalars than the first guess of their number (the buffer grows)', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `k${i}:${i % 3 ? ' v' : ''}\n`).join('');
    expect(agrees(text)).toBe(true);
    expect(scanBlockYaml(text)).toHaveLength(6000);
  });

  it('declines what it does not model, and every document the library rejects', () => {
    const declined = [
      'a: [1, 2]\n',
      'a: {b: 1}\n',
      'a: &x 1\nb: *x\n',
      'a: !t 1\n',
      '? a\n: b\n',
      'a: "multi\n  line"\n',
      'a: plain\n  continued\n',
      'a:\tb\n',
      'a: b\r\n',
      'a: |2\n   x\n',
      'a: |+\n  x\n\n',
      'a: b\na: c\n',
      "a: 1\n'a': 2\n",
      '1: a\n1.0: b\n',
      'a: b: c\n',
      'a: 1\n- b\n',
      '- a\nb: 1\n',
      'a: "x" y\n',
      'just a scalar\n',
      '%YAML 1.2\n---\na: 1\n',
      'a: 1\n...\n',
      '  a: 1\nb: 2\n',
    ];
    for (const text of declined) expect(scanBlockYaml(text), JSON.stringify(text)).toBeUndefined();
    expect(scanBlockYaml('1: a\n2: b\n10: c\n')).toBeDefined();
  });

  // Documents the library writes, in every style it has, from random data.
  const key = fc.oneof(
    fc.constantFrom('password', 'api_token', 'name', 'ip', '1', '01', 'true', 'null', '~', '-a', 'a b', 'a:b', 'a #b', "it's", 'x"y', '<<', ''),
    fc.string({ maxLength: 8 }),
  );
  const scalar = fc.oneof(
    fc.constantFrom('pve1', '10.0.0.1', 'a: b', 'a #b', '#c', '- x', '|', '>', "'q'", '"d"', 'multi\nline\n', 'x\n\n  y', ' lead', 'trail ', '', 'null', '12', '1e3', '0x1F', 'ü', '\t', 'a\\b'),
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
  );
  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(key, tie('v'), { maxKeys: 4 })),
  })).v;
  const options = fc.record({
    indent: fc.integer({ min: 1, max: 4 }),
    indentSeq: fc.boolean(),
    lineWidth: fc.constantFrom(0, 20, 80),
    defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED') as fc.Arbitrary<'PLAIN'>,
    defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE') as fc.Arbitrary<null>,
  });

  it('agrees with the library on what the library writes', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 }), fc.array(value, { minLength: 1, maxLength: 4 }), value), options, fc.boolean(), (v, opts, twoDocs) => {
        const one = stringify(v, opts);
        if (agrees(twoDocs ? `${one}---\n${one}` : one)) accepted++;
      }),
      { numRuns: 600 },
    );
    expect(accepted).toBeGreaterThan(200); // the fast path is taken, not always declined
  });

  // Block YAML written by hand, the way people write it: comments and blank lines anywhere,
  // sequences at their key's indentation or deeper, entries on the dash's line, empty values,
  // block scalars with blank and comment-like lines, odd indentation.
  type Doc = { map: [string, Doc, Style][] } | { seq: [Doc, Style][] } | { scalar: string } | { block: [string, string[]] } | { empty: true };
  type Style = { step: number; gap: string; comment: string; spaces: string; compact: boolean };
  const style: fc.Arbitrary<Style> = fc.record({
    step: fc.constantFrom(1, 2, 2, 4),
    gap: fc.constantFrom('', '', '', '\n', '# note\n', '  \n'),
    comment: fc.constantFrom('', '', ' # c 10.0.0.1', '#c'),
    spaces: fc.constantFrom(' ', ' ', '  ', ''),
    compact: fc.boolean(),
  });
  const doc: fc.Arbitrary<Doc> = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.record({ scalar: fc.constantFrom('pve1', 'web-01 on pve2', '10.0.0.1', '"q # x"', "'it''s'", '"esc \\" q"', 'a#b', 'http://h.lan:80/x', '-x', ':x', '[]', '{}', '"', 'a: b', '~', '0x1F', 'x  ') }),
      fc.record({ block: fc.tuple(fc.constantFrom('|', '>', '|-', '>-', '|+', '|2'), fc.array(fc.constantFrom('line pve1', '', '  more', '# hash', ' ', 'x: y'), { minLength: 1, maxLength: 4 })) }),
      fc.constant({ empty: true as const }),
      fc.record({ map: fc.array(fc.tuple(fc.constantFrom('a', 'b', 'password', 'token', "'q k'", '"d k"', '1', '01', 'pve1', 'x y', 'a b', 'c'), tie('node') as fc.Arbitrary<Doc>, style), { minLength: 1, maxLength: 4 }) }),
      fc.record({ seq: fc.array(fc.tuple(tie('node') as fc.Arbitrary<Doc>, style), { minLength: 1, maxLength: 3 }) }),
    ),
  })).node;
  const pad = (n: number) => ' '.repeat(n);
  /** `node` after a key's `:` or an entry's `-` (at column `col`; children at `col + step`). */
  function after(node: Doc, col: number, st: Style, inMap: boolean): string {
    if ('scalar' in node) return `${st.spaces || ' '}${node.scalar}${st.comment}\n`;
    if ('empty' in node) return `${st.spaces}${st.comment}\n`;
    if ('block' in node) return ` ${node.block[0]}${st.comment}\n${node.block[1].map((l) => (l ? pad(col + st.step) + l : '')).join('\n')}\n`;
    if ('seq' in node && inMap && st.compact) return `${st.comment}\n${render(node, col)}`;
    if (!inMap && st.compact && 'map' in node) return ` ${render(node, col + 2).slice(col + 2)}`;
    return `${st.comment}\n${render(node, col + st.step)}`;
  }
  function render(node: Doc, col: number): string {
    if ('map' in node) return node.map.map(([k, v, st]) => `${st.gap}${pad(col)}${k}:${after(v, col, st, true)}`).join('');
    if ('seq' in node) return node.seq.map(([v, st]) => `${st.gap}${pad(col)}-${after(v, col, st, false)}`).join('');
    return after(node, col, { step: 2, gap: '', comment: '', spaces: ' ', compact: false }, true).trimStart();
  }

  it('agrees with the library on hand-written block YAML', () => {
    let accepted = 0;
    fc.assert(
      fc.property(doc, fc.constantFrom(0, 0, 2), fc.boolean(), (d, col, twoDocs) => {
        const one = render(d, col);
        if (agrees(twoDocs ? `${one}---\n${one}` : one)) accepted++;
      }),
      { numRuns: 1500 },
    );
    expect(accepted).toBeGreaterThan(300);
  });

  it('agrees with the library on damaged documents and on line soup', () => {
    const written = fc.oneof(
      fc.tuple(value, options).map(([v, opts]) => stringify(v, opts)),
      doc.map((d) => render(d, 0)),
    );
    const edit = fc.tuple(fc.nat(), fc.constantFrom('', ' ', '  ', '\n', ':', ': ', '- ', '#', ' #', '"', "'", '|', '>', '---\n', 'a', '\\', '-'), fc.nat(3));
    const damaged = fc.tuple(written, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([original, edits]) => {
      let text = original;
      for (const [at, insert, remove] of edits) {
        const i = text.length ? at % text.length : 0;
        text = text.slice(0, i) + insert + text.slice(i + remove);
      }
      return text;
    });
    const fragment = fc.constantFrom('- ', '-', 'a: ', 'a:', 'b: c', "'k': ", '"k": ', 'password: ', 'x', 'y z', '# c', ' # c', '|', '|-', '>', '"q"', "'q'", '"', ':', ': ', '---', '...', '1: ', '01: ', '? ', '&a ', '*a', '!t ', '[1]', '{}', '\\n', 'ü');
    const soup = fc.array(fc.tuple(fc.nat(6), fc.array(fragment, { maxLength: 4 })), { maxLength: 10 }).map((lines) => lines.map(([indent, parts]) => ' '.repeat(indent) + parts.join('')).join('\n'));
    fc.assert(
      fc.property(fc.oneof(damaged, soup), (text) => {
        agrees(text);
      }),
      { numRuns: 1500 },
    );
  });
});
