// Property-based tests (fast-check) of the `/` filter language: any text compiles to a predicate
// or a one-line error, never an exception, and the predicate runs on any row; plain words match
// as case-insensitive substrings of the searched values; `!` inverts; terms are a conjunction;
// a quoted term keeps its spaces; a field term tests that field only.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFilter, type FilterFields } from './filterExpr.js';

interface Row {
  vmid: number;
  name: string;
  node: string;
  status: string;
  tags: string[];
}

const fields: FilterFields<Row> = {
  search: (r) => [r.name, r.vmid, r.node, ...r.tags],
  fields: { name: (r) => r.name, vmid: (r) => r.vmid, node: (r) => r.node, status: (r) => r.status, tag: (r) => r.tags },
  aliases: { s: 'status', tags: 'tag' },
};

const RUNS = 400;
const word = fc.stringMatching(/^[a-zA-Z0-9_.-]{1,6}$/).filter((w) => !w.startsWith('!') && !w.startsWith('/'));
const row: fc.Arbitrary<Row> = fc.record({
  vmid: fc.integer({ min: 100, max: 999_999 }),
  name: fc.oneof(fc.string({ maxLength: 12 }), fc.stringMatching(/^[a-zA-Z0-9 _.-]{0,12}$/)),
  node: fc.stringMatching(/^pve[0-9]{1,2}$/),
  status: fc.constantFrom('running', 'stopped', 'paused'),
  tags: fc.array(fc.stringMatching(/^[a-z0-9_-]{1,6}$/), { maxLength: 3 }),
});
const rows = fc.array(row, { minLength: 1, maxLength: 8 });
const contains = (r: Row, text: string): boolean => fields.search(r).some((v) => v !== undefined && String(v).toLowerCase().includes(text.toLowerCase()));

function predicate(text: string): (r: Row) => boolean {
  const compiled = compileFilter(text, fields);
  if (!compiled.ok) throw new Error(`'${text}' did not compile: ${compiled.error}`);
  return compiled.predicate ?? (() => true);
}

describe('filter parser (properties)', () => {
  it('any text: a predicate that runs on any row, or a one-line error; never an exception', () => {
    const soup = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.array(fc.constantFrom('/', '\\', '"', '!', ':', ',', ' ', '(', '[', '*', '+', '?', 'a', 'name', 'status', 's', 'run', '1'), { maxLength: 20 }).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(soup, rows, (text, sample) => {
        const compiled = compileFilter(text, fields);
        if (compiled.ok) {
          for (const r of sample) expect(typeof (compiled.predicate ?? (() => true))(r)).toBe('boolean');
          for (const t of compiled.terms) expect(['text', 'regex', 'field']).toContain(t.kind);
        } else {
          expect(compiled.error.length).toBeGreaterThan(0);
          expect(compiled.error).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a word matches the rows holding it (any case); !word the others; words together all of them', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 3 }), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), rows, (words, negated, sample) => {
        const terms = words.map((w, i) => `${negated[i] ? '!' : ''}${w}`);
        const p = predicate(terms.join(' '));
        for (const r of sample) expect(p(r)).toBe(words.every((w, i) => contains(r, w) !== negated[i]));
      }),
      { numRuns: RUNS },
    );
  });

  it('a quoted phrase keeps its spaces; a field term looks at that field only', () => {
    fc.assert(
      fc.property(word, word, rows, (a, b, sample) => {
        const phrase = predicate(`"${a} ${b}"`);
        for (const r of sample) expect(phrase(r)).toBe(contains(r, `${a} ${b}`));
        // Field values compare whole (any case); a comma lists alternatives.
        const status = predicate(`s:${a},${b}`);
        for (const r of sample) expect(status(r)).toBe(r.status === a.toLowerCase() || r.status === b.toLowerCase());
        const tag = predicate(`tags:${a.toUpperCase()}`);
        for (const r of sample) expect(tag(r)).toBe(r.tags.includes(a.toLowerCase()));
        const first = sample[0]!;
        const byVmid = predicate(`vmid:${first.vmid}`);
        for (const r of sample) expect(byVmid(r)).toBe(r.vmid === first.vmid);
      }),
      { numRuns: RUNS },
    );
  });

  it('a regular expression term is the same test as the RegExp it spells (flag i)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9.]{1,4}(\|[a-z0-9]{1,3})?$/), rows, (source, sample) => {
        const p = predicate(`/${source}/`);
        const re = new RegExp(source, 'i');
        for (const r of sample) expect(p(r)).toBe(fields.search(r).some((v) => v !== undefined && re.test(String(v))));
      }),
      { numRuns: RUNS },
    );
  });
});
