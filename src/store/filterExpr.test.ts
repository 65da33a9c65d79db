import { describe, expect, it } from 'vitest';
import { compileFilter, type FilterFields } from './filterExpr.js';

interface Guest {
  vmid: number;
  name: string;
  node: string;
  type: 'qemu' | 'lxc';
  status: string;
  tags: string[];
  description?: string;
}

const guestFields: FilterFields<Guest> = {
  search: (g) => [g.name, g.vmid, g.node, ...g.tags, g.description],
  fields: {
    name: (g) => g.name,
    vmid: (g) => g.vmid,
    node: (g) => g.node,
    type: (g) => g.type,
    status: (g) => g.status,
    tag: (g) => g.tags,
    description: (g) => g.description,
  },
  aliases: { t: 'type', s: 'status', tags: 'tag', id: 'vmid' },
  synonyms: { type: { vm: 'qemu', ct: 'lxc', container: 'lxc' } },
};

const guests: Guest[] = [
  { vmid: 100, name: 'web-01', node: 'pve1', type: 'qemu', status: 'running', tags: ['prod', 'Web'] },
  { vmid: 101, name: 'web-02', node: 'pve2', type: 'qemu', status: 'stopped', tags: ['prod'] },
  { vmid: 102, name: 'web 03', node: 'pve3', type: 'lxc', status: 'running', tags: [] },
  { vmid: 200, name: 'DB-Main', node: 'pve1', type: 'lxc', status: 'running', tags: ['db', 'prod'], description: 'foo:bar' },
  { vmid: 1000, name: 'test-box', node: 'pve2', type: 'qemu', status: 'paused', tags: ['test'] },
  { vmid: 300, name: 'my vm', node: 'pve3', type: 'qemu', status: 'running', tags: [] },
];

function names(text: string): string[] {
  const result = compileFilter(text, guestFields);
  if (!result.ok) throw new Error(result.error);
  const predicate = result.predicate;
  return (predicate ? guests.filter(predicate) : guests).map((g) => g.name);
}

function errorOf(text: string): string {
  const result = compileFilter(text, guestFields);
  if (result.ok) throw new Error(`expected an error for ${text}`);
  return result.error;
}

describe('compileFilter', () => {
  it('blank text is no filter', () => {
    for (const text of ['', '   ', '\t\n']) {
      const result = compileFilter(text, guestFields);
      expect(result).toEqual({ ok: true, predicate: undefined, terms: [] });
    }
  });

  it('plain text is a case-insensitive substring of any search value', () => {
    expect(names('WEB')).toEqual(['web-01', 'web-02', 'web 03']);
    expect(names('main')).toEqual(['DB-Main']);
    expect(names('pve2')).toEqual(['web-02', 'test-box']);
    expect(names('10')).toEqual(['web-01', 'web-02', 'web 03', 'test-box']); // vmids as text
    expect(names('db')).toEqual(['DB-Main']); // name and tag
    expect(names('nothing-like-this')).toEqual([]);
  });

  it('ANDs all terms', () => {
    expect(names('web pve1')).toEqual(['web-01']);
    expect(names('prod status:running')).toEqual(['web-01', 'DB-Main']);
    expect(names('web prod pve2')).toEqual(['web-02']);
  });

  it('field terms compare whole values, case-insensitively', () => {
    expect(names('status:running')).toEqual(['web-01', 'web 03', 'DB-Main', 'my vm']);
    expect(names('STATUS:Running')).toEqual(['web-01', 'web 03', 'DB-Main', 'my vm']);
    expect(names('status:run')).toEqual([]); // not a substring match
    expect(names('name:db-main')).toEqual(['DB-Main']);
  });

  it('numbers compare as their decimal string', () => {
    expect(names('vmid:100')).toEqual(['web-01']);
    expect(names('vmid:10')).toEqual([]);
    expect(names('vmid:1e2')).toEqual([]);
    expect(names('vmid:100,1000')).toEqual(['web-01', 'test-box']);
  });

  it('array fields match when any element does', () => {
    expect(names('tag:prod')).toEqual(['web-01', 'web-02', 'DB-Main']);
    expect(names('tag:web')).toEqual(['web-01']);
    expect(names('tag:db,test')).toEqual(['DB-Main', 'test-box']);
  });

  it('a comma list is any of', () => {
    expect(names('node:pve1,pve2')).toEqual(['web-01', 'web-02', 'DB-Main', 'test-box']);
    expect(names('node:pve1,,')).toEqual(['web-01', 'DB-Main']);
  });

  it('resolves aliases and synonyms', () => {
    expect(names('t:ct')).toEqual(['web 03', 'DB-Main']);
    expect(names('type:container')).toEqual(['web 03', 'DB-Main']);
    expect(names('TYPE:VM s:running')).toEqual(['web-01', 'my vm']);
    expect(names('type:vm,ct')).toEqual(guests.map((g) => g.name));
    expect(names('id:200')).toEqual(['DB-Main']);
    const result = compileFilter('t:ct', guestFields);
    expect(result.ok && result.terms).toEqual([{ kind: 'field', field: 'type', value: 'lxc', negated: false }]);
  });

  it('word:rest with an unknown word is plain text', () => {
    expect(names('foo:bar')).toEqual(['DB-Main']);
    const result = compileFilter('foo:bar', guestFields);
    expect(result.ok && result.terms).toEqual([{ kind: 'text', value: 'foo:bar', negated: false }]);
    expect(names(':bar')).toEqual(['DB-Main']); // text, in the description
  });

  it('an empty field value is an error', () => {
    expect(errorOf('status:')).toMatch(/^'status:' needs a value/);
    expect(errorOf('web node:,')).toMatch(/^'node:,' needs a value/);
    expect(errorOf('s:')).toContain('s:<value>');
    expect(errorOf('status:')).not.toContain('\n');
  });

  it('regex terms test every search value with flag i', () => {
    expect(names('/^web-0[12]$/')).toEqual(['web-01', 'web-02']);
    expect(names('/^db-/')).toEqual(['DB-Main']);
    expect(names('/^1000$/')).toEqual(['test-box']);
    expect(names('/web 0[1-3]/')).toEqual(['web 03']);
    expect(names('/web 0[1-3]/ status:running')).toEqual(['web 03']);
    expect(names('/a\\/b/')).toEqual([]);
    const result = compileFilter('/web 0[1-3]/ pve3', guestFields);
    expect(result.ok && result.terms).toEqual([
      { kind: 'regex', value: 'web 0[1-3]', negated: false },
      { kind: 'text', value: 'pve3', negated: false },
    ]);
  });

  it('an unclosed regex runs to the end of the text (while it is typed)', () => {
    expect(names('/^web')).toEqual(['web-01', 'web-02', 'web 03']);
    expect(names('/^web 0')).toEqual(['web 03']);
    const result = compileFilter('/^web 0', guestFields);
    expect(result.ok && result.terms).toEqual([{ kind: 'regex', value: '^web 0', negated: false }]);
  });

  it('an invalid regex is a one-line error', () => {
    const error = errorOf('/(/');
    expect(error).toMatch(/^'\/\(\/' is not a valid regular expression: \S/);
    expect(error).not.toContain('\n');
    expect(error).not.toContain('Invalid regular expression');
    expect(errorOf('web !/[a-/')).toMatch(/^'\/\[a-\/' is not a valid regular expression: /);
  });

  it('a leading ! inverts any term', () => {
    expect(names('!status:running')).toEqual(['web-02', 'test-box']);
    expect(names('!/^web/')).toEqual(['DB-Main', 'test-box', 'my vm']);
    expect(names('!web')).toEqual(['DB-Main', 'test-box', 'my vm']);
    expect(names('!web !t:vm')).toEqual(['DB-Main']);
    expect(names('!description:foo:bar')).toEqual(guests.filter((g) => g.name !== 'DB-Main').map((g) => g.name));
    const result = compileFilter('!s:running', guestFields);
    expect(result.ok && result.terms).toEqual([{ kind: 'field', field: 'status', value: 'running', negated: true }]);
  });

  it('a lone ! is an error', () => {
    expect(errorOf('!')).toMatch(/^'!'/);
    expect(errorOf('web ! status:running')).toMatch(/^'!'/);
  });

  it('double quotes keep spaces', () => {
    expect(names('name:"my vm"')).toEqual(['my vm']);
    expect(names('"web 0"')).toEqual(['web 03']);
    expect(names('!"web 0"')).toEqual(['web-01', 'web-02', 'DB-Main', 'test-box', 'my vm']);
    expect(names('"my vm" pve3')).toEqual(['my vm']);
    expect(names('"foo:bar"')).toEqual(['DB-Main']); // a quoted colon is not a field term
    expect(names('"status:running"')).toEqual([]);
    expect(names('name:"web 03",web-01')).toEqual(['web-01', 'web 03']);
    const result = compileFilter('name:"my vm"', guestFields);
    expect(result.ok && result.terms).toEqual([{ kind: 'field', field: 'name', value: 'my vm', negated: false }]);
  });

  it('undefined values never match a field term', () => {
    expect(names('description:foo:bar')).toEqual(['DB-Main']);
    expect(names('!description:x')).toEqual(guests.map((g) => g.name));
  });

  it('filters 100,000 rows', () => {
    const rows: Guest[] = [];
    for (let i = 0; i < 100_000; i++) {
      rows.push({
        vmid: 100 + i,
        name: `guest-${i}`,
        node: `pve${i % 8}`,
        type: i % 3 === 0 ? 'lxc' : 'qemu',
        status: i % 5 === 0 ? 'stopped' : 'running',
        tags: i % 7 === 0 ? ['prod', 'Web'] : ['dev'],
      });
    }
    const result = compileFilter('guest-1 !t:ct node:pve1,pve2 /[05]$/ tag:WEB', guestFields);
    if (!result.ok || !result.predicate) throw new Error('expected a predicate');
    const got = rows.filter(result.predicate).map((g) => g.vmid);
    const expected = rows
      .filter(
        (g) =>
          (g.name.includes('guest-1') || String(g.vmid).includes('guest-1')) &&
          g.type !== 'lxc' &&
          (g.node === 'pve1' || g.node === 'pve2') &&
          [g.name, String(g.vmid), g.node, ...g.tags].some((v) => /[05]$/i.test(v)) &&
          g.tags.some((t) => t.toLowerCase() === 'web'),
      )
      .map((g) => g.vmid);
    expect(expected.length).toBeGreaterThan(10);
    expect(got).toEqual(expected);
  });
});
