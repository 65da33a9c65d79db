import { format } from '@cdktn/hcl-tools';
import { getExpressionAst, parse } from '@cdktn/hcl2json';
import { describe, expect, it } from 'vitest';
import { attr, blank, block, bool, comment, num, ref, render, str, strList } from './hcl.js';

// The literal must parse as one template of literal parts only (no interpolation, no
// directive), whose text is the original: hcl2json prints a literal's text with `${` and `%{`
// escaped again as `$${` and `%%{`.
async function roundTrip(text: string): Promise<unknown> {
  const literal = str(text).hcl;
  const ast = await getExpressionAst('t.tf', literal);
  const parts = (ast?.children ?? []).map((c) => c.type);
  expect(parts.every((t) => t === 'literalValue')).toBe(true);
  const json = (await parse('t.tf', render([attr('v', str(text))]))) as { v: string };
  return json.v.replaceAll('$${', '${').replaceAll('%%{', '%{');
}

describe('str: API text as an HCL string literal', () => {
  const nasty = [
    'plain',
    'quote " and backslash \\ and \\"',
    'interpolation ${var.secret} and directive %{ if true }x%{ endif }',
    'already escaped $${x} %%{y}',
    'trailing $ and % signs $',
    'new\nline\r\nand\ttab',
    'controls \u0000\u0001\u001b[31m\u007f\u009b2J end',
    'line separators \u2028\u2029',
    'unicode ✓ 日本語 🙂',
    'lone surrogate \ud800 here',
    '}\n}\nresource "x" "y" {',
    '# not a comment',
  ];
  for (const text of nasty) {
    it(`round-trips ${JSON.stringify(text).slice(0, 40)}`, async () => {
      const back = await roundTrip(text);
      expect(back).toBe(text.replace(/\ud800/, '\ufffd'));
    });
  }

  it('keeps everything on one line', () => {
    expect(str('a\nb\u2028c').hcl).not.toMatch(/[\n\r\u2028]/);
  });
});

describe('comment', () => {
  it('turns every line of API text into its own comment line, controls removed', () => {
    const nodes = comment('one\ntwo\u001b[2J\rthree');
    expect(render(nodes)).toBe('# one\n# two [2J three\n');
  });
});

describe('render', () => {
  it('prints as terraform fmt does: aligned runs, broken by blocks, blanks and comments', async () => {
    const src = render([
      block('resource', ['a_b', 'c'], [
        attr('x', num(1)),
        attr('longer_name', str('a')),
        ...comment('note'),
        attr('y', bool(false)),
        blank,
        block('inner', [], [attr('list', strList(['b', 'a'])), attr('r', ref('var.x'))]),
        block('empty', [], []),
        attr('after', num(2)),
      ]),
    ]);
    expect(await format(src)).toBe(src);
    expect(src).toContain('  x           = 1\n  longer_name = "a"\n  # note\n  y = false\n');
  });
});
