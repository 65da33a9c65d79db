import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { emitYaml, yamlString } from './yaml.js';

const TRICKY = [
  '',
  ' ',
  ' lead',
  'trail ',
  'yes',
  'No',
  'ON',
  'off',
  'y',
  'N',
  'true',
  'null',
  'Null',
  '~',
  '0',
  '0x1F',
  '1e3',
  '1_000',
  '012',
  '.5',
  '.inf',
  '-.inf',
  '.nan',
  '1:20',
  '2025-01-05',
  '2025-01-05T10:00:00Z',
  '- item',
  '-',
  '? q',
  ': x',
  'a: b',
  'a:b',
  'x #y',
  '#c',
  '&anchor',
  '*alias',
  '!tag',
  '%dir',
  '@at',
  '`tick',
  '|',
  '>',
  '[a]',
  '{a}',
  '"q"',
  "'q'",
  'multi\nline',
  'tab\there',
  'esc\u001b[31m',
  'c1\u009b2J',
  'nel\u0085',
  'del\u007f',
  'ls\u2028ps\u2029',
  'emoji 😀',
  '名前',
  'web-01',
  'root@pam',
  'local-lvm:vm-100-disk-0',
  'UPID:pve1:0001:x:',
  'Production services',
  'a/b/c',
  '_x',
];

const RAW_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

describe('emitYaml', () => {
  it.each(TRICKY)('%j reads back as the same string in YAML 1.2 and 1.1, and prints no raw control', (text) => {
    const out = emitYaml({ v: text, [text === '' ? 'empty' : text]: 1 });
    expect(out).not.toMatch(RAW_CONTROLS);
    for (const version of ['1.1', '1.2'] as const) {
      const back = parse(out, { version }) as Record<string, unknown>;
      expect(back.v).toBe(text);
    }
  });

  it('plain strings stay plain', () => {
    for (const text of ['web-01', 'root@pam', 'Production services', 'a/b', 'vm-100']) expect(yamlString(text)).toBe(text);
  });

  it('lays out records as the yaml package does', () => {
    const data = [
      { node: 'pve1', cpu: 0.12, tags: ['a', 'b'], empty: [], map: {}, none: null, ok: true, nested: { x: [{ y: 1, z: [1, 2] }], list: [[1, 2], []] } },
      { node: 'pve2', cpu: 0, tags: [], empty: [], map: { k: 'v' }, none: null, ok: false, nested: { x: [], list: [] } },
    ];
    expect(emitYaml(data)).toBe(stringify(data, { version: '1.1', lineWidth: 0 }));
    expect(parse(emitYaml(data))).toEqual(data);
  });

  it('prints empty and scalar documents', () => {
    expect(emitYaml([])).toBe('[]\n');
    expect(emitYaml({})).toBe('{}\n');
    expect(emitYaml('yes')).toBe('"yes"\n');
    expect(emitYaml(42)).toBe('42\n');
    expect(emitYaml(null)).toBe('null\n');
  });

  it('is fast enough for 100,000 records', () => {
    const records = Array.from({ length: 100_000 }, (_, i) => ({ type: 'qemu', vmid: i, name: `vm-${i}`, node: 'pve1', tags: ['a', 'b'], pool: null, mem: 1e9 }));
    const start = performance.now();
    const out = emitYaml(records);
    expect(out.length).toBeGreaterThan(1_000_000);
    // Generous: the yaml package needs seconds here.
    expect(performance.now() - start).toBeLessThan(3000);
  });
});
