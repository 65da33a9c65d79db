import { describe, expect, it } from 'vitest';
import { fuzzyFilter } from './fuzzy.js';

const id = (s: string): string => s;
const labels = (query: string, items: readonly string[], limit?: number): string[] =>
  fuzzyFilter(query, items, id, limit === undefined ? {} : { limit }).map((m) => m.item);

describe('fuzzyFilter', () => {
  it('ranks exact, then prefix, then the rest', () => {
    expect(labels('vm', ['savemode', 'vmid-list', 'vm'])).toEqual(['vm', 'vmid-list', 'savemode']);
    expect(labels('VM', ['savemode', 'vmid-list', 'Vm'])).toEqual(['Vm', 'vmid-list', 'savemode']);
  });

  it('ranks a run at a word start above letters scattered over words', () => {
    expect(labels('web', ['w-e-b', 'my-web-server', 'web-01'])).toEqual(['web-01', 'my-web-server', 'w-e-b']);
    // Word starts count for more than a run inside a word.
    expect(labels('web', ['cobweb', 'w-e-b', 'my-web-server'])).toEqual(['my-web-server', 'w-e-b', 'cobweb']);
  });

  it('prefers word starts to letters inside words', () => {
    expect(labels('gs', ['things', 'get storage'])).toEqual(['get storage', 'things']);
    expect(labels('ds', ['dangers', 'describe/storage'])).toEqual(['describe/storage', 'dangers']);
    expect(labels('gv', ['gravy', 'getVm'])).toEqual(['getVm', 'gravy']);
    expect(labels('w1', ['awful1x', 'web1'])).toEqual(['web1', 'awful1x']);
  });

  it('prefers consecutive letters to scattered ones', () => {
    expect(labels('ode', ['xoxdxe', 'xnode'])).toEqual(['xnode', 'xoxdxe']);
    expect(labels('tor', ['xtxoxr', 'storage'])).toEqual(['storage', 'xtxoxr']);
  });

  it('breaks ties by shorter label, then input order', () => {
    expect(labels('vm', ['vmid-list', 'vms', 'vmx'])).toEqual(['vms', 'vmx', 'vmid-list']);
    expect(labels('b', ['ab', 'cb', 'db'])).toEqual(['ab', 'cb', 'db']);
    const scores = fuzzyFilter('b', ['ab', 'cb'], id).map((m) => m.score);
    expect(scores[0]).toBe(scores[1]);
  });

  it('is a case-insensitive subsequence match', () => {
    expect(labels('WEB', ['Web-01', 'bew', 'we', 'xWxExB'])).toEqual(['Web-01', 'xWxExB']);
    expect(labels('ÉT', ['étage', 'ete'])).toEqual(['étage']);
    expect(labels('abc', ['ab', 'acb', ''])).toEqual([]);
  });

  it('returns the matched positions', () => {
    const [match] = fuzzyFilter('web', ['my-web-server'], id);
    expect(match?.positions).toEqual([3, 4, 5]);
    expect(fuzzyFilter('web', ['web-01'], id)[0]?.positions).toEqual([0, 1, 2]);
    expect(fuzzyFilter('web', ['w-e-b'], id)[0]?.positions).toEqual([0, 2, 4]);
    // The best alignment, not the leftmost: the run at "web" rather than w...e...b scattered.
    expect(fuzzyFilter('web', ['wide-web'], id)[0]?.positions).toEqual([5, 6, 7]);
    expect(fuzzyFilter('gs', ['things get storage'], id)[0]?.positions).toEqual([7, 11]);
    expect(fuzzyFilter('s', ['xs-store'], id)[0]?.positions).toEqual([3]); // one character: its best word start
    expect(fuzzyFilter('s', ['xsxs'], id)[0]?.positions).toEqual([1]);
    expect(labels('s', ['xsxs', 'xs-store', 'sx'])).toEqual(['sx', 'xs-store', 'xsxs']);
    for (const { item, positions } of fuzzyFilter('st', ['start', 'list', 'a-s-t', 'cost-sheet'], id)) {
      expect(positions.map((p) => item[p]).join('')).toBe('st');
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    }
  });

  it('works on any item type through the label function', () => {
    const guests = [
      { vmid: 101, name: 'db-01' },
      { vmid: 100, name: 'web-01' },
    ];
    const got = fuzzyFilter('100', guests, (g) => `${g.vmid} ${g.name}`);
    expect(got.map((m) => m.item.name)).toEqual(['web-01', 'db-01']); // "101 db-01" holds 1, 0, 0 too
    expect(got[0]?.positions).toEqual([0, 1, 2]);
  });

  it('applies the limit', () => {
    const items = ['a1', 'a2', 'a3', 'b', 'a4'];
    expect(labels('a', items, 2)).toEqual(['a1', 'a2']);
    expect(labels('a', items, 0)).toEqual([]);
    expect(labels('a', items)).toEqual(['a1', 'a2', 'a3', 'a4']);
    // The limit keeps the best, not the first found.
    expect(labels('vm', ['savemode', 'xvmx', 'vmid-list', 'vm'], 2)).toEqual(['vm', 'vmid-list']);
  });

  it('returns every item in order for an empty query', () => {
    const items = ['c', 'a', 'b'];
    expect(fuzzyFilter('', items, id)).toEqual([
      { item: 'c', score: 0, positions: [] },
      { item: 'a', score: 0, positions: [] },
      { item: 'b', score: 0, positions: [] },
    ]);
    expect(labels('', items, 2)).toEqual(['c', 'a']);
    expect(labels('  ', items)).toEqual(items);
  });

  it('handles 100,000 items with a limit', () => {
    const items: { vmid: number; name: string }[] = [];
    for (let i = 0; i < 100_000; i++) items.push({ vmid: 100 + i, name: `${i % 2 ? 'web' : 'db'}-node${i % 97}-guest-${i}` });
    const label = (g: { vmid: number; name: string }): string => g.name;
    const got = fuzzyFilter('web-99999', items, label, { limit: 20 });
    expect(got[0]?.item.name).toBe('web-node89-guest-99999');
    expect(got.length).toBeLessThanOrEqual(20);
    const many = fuzzyFilter('wg', items, label, { limit: 20 });
    expect(many).toHaveLength(20);
    for (let k = 1; k < many.length; k++) expect(many[k - 1]!.score).toBeGreaterThanOrEqual(many[k]!.score);
    const none = fuzzyFilter('zzz', items, label, { limit: 20 });
    expect(none).toEqual([]);
    const byVmid = fuzzyFilter('1000', items, (g) => String(g.vmid), { limit: 20 });
    expect(byVmid[0]?.item.vmid).toBe(1000);
    expect(byVmid.slice(1).every((m) => m.score <= byVmid[0]!.score)).toBe(true);
  });
});
