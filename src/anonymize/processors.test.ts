import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Anonymizer } from './engine.js';
import { fileMode, loadMapping, PseudonymMap, saveMapping } from './mapping.js';
import { detectFormat, processDocument, type Format } from './processors.js';
import { scanBlockYaml } from './yamlScan.js';

const NAMES = { nodeNames: ['pve1', 'pve2'], guestNames: ['web-01', 'db-main'] };

function roundTrip(text: string, format: Format, opts = NAMES): { out: string; engine: Anonymizer } {
  const engine = new Anonymizer({ ...opts });
  const out = processDocument(text, format, engine, 'anonymize');
  const back = processDocument(out, format, new Anonymizer({ mapping: engine.mapping }), 'deanonymize');
  expect(back).toBe(text);
  return { out, engine };
}

describe('detectFormat', () => {
  it('goes by extension; anything else is text', () => {
    expect([detectFormat('a.json'), detectFormat('b.YAML'), detectFormat('c.yml'), detectFormat('d.log'), detectFormat(undefined)]).toEqual(['json', 'yaml', 'yaml', 'text', 'text']);
  });
});

describe('JSON', () => {
  const json = `{
  "data": [
    { "node": "pve1", "ip": "192.168.1.11", "status": "online", "uptime": 12345 },
    { "node": "pve2", "ip": "192.168.1.12", "password": "hunter2", "nested": { "token": "abc", "x": [1, 2] } }
  ],
  "pve1": { "mac": "BC:24:11:00:00:01" },
  "tokens": { "secret": ["s1", "s2"] },
  "log": "line one\\nstarted on pve1 from 10.0.0.9\\t\\"quoted\\" \\u00e9",
  "empty": "", "n": null, "t": true
}
`;
  it('keeps keys, order and layout byte for byte; replaces values, and keys that are data', () => {
    const { out } = roundTrip(json, 'json');
    const parsed = JSON.parse(out) as Record<string, unknown>;
    const original = JSON.parse(json) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['data', 'node-001', 'tokens', 'log', 'empty', 'n', 't']);
    expect(out.split('\n').length).toBe(json.split('\n').length);
    expect(parsed['data']).toEqual([
      { node: 'node-001', ip: '10.77.0.1', status: 'online', uptime: 12345 },
      { node: 'node-002', ip: '10.77.0.2', password: 'secret-0001', nested: { token: 'secret-0002', x: [1, 2] } },
    ]);
    expect(parsed['tokens']).toEqual({ secret: ['secret-0003', 'secret-0004'] });
    // Escaped strings: replaced in the decoded text, the other escapes kept as written.
    expect(out).toContain('"log": "line one\\nstarted on node-001 from 10.77.0.3\\t\\"quoted\\" \\u00e9"');
    expect(original['empty']).toBe(parsed['empty']);
  });
  it('a credential key written with escapes is still a credential key', () => {
    const { out } = roundTrip('{"passwor\\u0064": "zzq-Plain-Word", "tok\\u0065n": ["zzq-Other"]}', 'json');
    expect(JSON.parse(out)).toEqual({ password: 'secret-0001', token: ['secret-0002'] });
    expect(out).toContain('"passwor\\u0064"');
  });

  it('a string is never split from its quotes: a value with a comma or colon stays one value', () => {
    const { out } = roundTrip('{"a":"pve1, pve2: 10.0.0.1","password":"p:a,s\\"s"}', 'json');
    expect(JSON.parse(out)).toEqual({ a: 'node-001, node-002: 10.77.0.1', password: 'secret-0001' });
  });
  it('refuses invalid JSON with a one-line usage error', () => {
    expect(() => processDocument('{"a": ', 'json', new Anonymizer(), 'anonymize', 'x.json')).toThrow(/^x\.json is not valid JSON .*--format text$/);
  });
});

describe('YAML', () => {
  const yaml = `# cluster pve1, admin alice@acme.io
nodes:
  - name: pve1   # the first node, 10.0.0.5
    address: "192.168.1.11"
  - {name: pve2, address: 192.168.1.12}
credentials:
  password: hunter2
  token: 'root@pam!mpc=0b4c7a8e-1111-2222-3333-444455556666'
  api_secret: "s e c"
pve2:
  notes: |
    web-01 runs on pve2 (192.168.1.12)
    see https://wiki.acme.io/pve
anchor: &web web-01
alias: *web
---
second: pve1
`;
  it('keeps comments, quoting and layout; replaces scalars, credential values and comments', () => {
    const { out } = roundTrip(yaml, 'yaml');
    expect(out).toBe(`# cluster node-001, admin user1@example.invalid
nodes:
  - name: node-001   # the first node, 10.77.0.1
    address: "10.77.0.2"
  - {name: node-002, address: 10.77.0.3}
credentials:
  password: secret-0001
  token: 'root@pam!mpc=00000000-0000-4000-8000-000000000001'
  api_secret: "secret-0002"
node-002:
  notes: |
    guest-0001 runs on node-002 (10.77.0.3)
    see https://host-0001.example.invalid/pve
anchor: &web guest-0001
alias: *web
---
second: node-001
`);
    expect(() => parseYaml(out.split('---')[0]!)).not.toThrow();
  });
  it('block YAML (the fast scan, no library): the same treatment', () => {
    const block = `# pve1 at 10.0.0.5
nodes:
  - name: pve1   # first
    address: "192.168.1.11"
credentials:
  password: hunter 2
  tokens:
    - root@pam!mpc=0b4c7a8e-1111-2222-3333-444455556666
  api_secret: 's e c'
log: >-
  web-01 on pve1
  (192.168.1.12)
`;
    expect(scanBlockYaml(block)).toBeDefined();
    const { out } = roundTrip(block, 'yaml');
    expect(out).toBe(`# node-001 at 10.77.0.1
nodes:
  - name: node-001   # first
    address: "10.77.0.2"
credentials:
  password: secret-0001
  tokens:
    - root@pam!mpc=00000000-0000-4000-8000-000000000001
  api_secret: 'secret-0002'
log: >-
  guest-0001 on node-001
  (10.77.0.3)
`);
  });
  it('a credential written as a block scalar: each line of its value is replaced, the block keeps its shape, and it restores', () => {
    const block = `profile:
  password: |
    s3cr3t-Value!
  key_secret: >-
    first-half
    second-half
  note: |
    pve1 is fine
`;
    const { out } = roundTrip(block, 'yaml');
    expect(out).toBe(`profile:
  password: |
    secret-0001
  key_secret: >-
    secret-0002
    secret-0003
  note: |
    node-001 is fine
`);
    expect(out).not.toMatch(/s3cr3t|half/);
  });

  it('refuses invalid YAML with the line', () => {
    expect(() => processDocument('a: [1, 2\nb: c: d\n', 'yaml', new Anonymizer(), 'anonymize', 'x.yml')).toThrow(/^x\.yml is not valid YAML \(line \d+\)/);
  });
});

describe('mapping file', () => {
  it('is written 0600, reloads, and extends with the same pseudonyms', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmc-anon-'));
    const path = join(dir, 'm.json');
    const a = new Anonymizer({ nodeNames: ['pve1'] });
    const first = a.anonymize('pve1 10.0.0.1 password=x');
    saveMapping(path, a.mapping);
    expect(fileMode(path)).toBe(0o600);
    const b = new Anonymizer({ nodeNames: ['pve1'], mapping: loadMapping(path) });
    expect(b.anonymize('10.0.0.2 10.0.0.1 pve1')).toBe('10.77.0.2 10.77.0.1 node-001');
    expect(new Anonymizer({ mapping: b.mapping }).deanonymize(first)).toBe('pve1 10.0.0.1 password=x');
  });
  it('can leave credentials out', () => {
    const a = new Anonymizer();
    a.anonymize('password=hunter2 10.0.0.1');
    const file = a.mapping.toFile({ dropSecrets: true });
    expect(file.entries.map((e) => e.kind)).toEqual(['ipv4']);
    expect(JSON.stringify(file)).not.toContain('hunter2');
  });
  it('a file that is no mapping, or a damaged one, is a one-line usage error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmc-anon-'));
    writeFileSync(join(dir, 'x.json'), '{"a":1}');
    expect(() => loadMapping(join(dir, 'x.json'))).toThrow(/is not a proxmox-mpc anonymize mapping file/);
    const damaged = new PseudonymMap().toFile();
    damaged.entries.push({ kind: 'ipv4', original: '10.0.0.1', pseudonym: '10.77.0.1' }, { kind: 'ipv4', original: '10.0.0.2', pseudonym: '10.77.0.1' });
    writeFileSync(join(dir, 'd.json'), JSON.stringify(damaged));
    expect(() => loadMapping(join(dir, 'd.json'))).toThrow(/gives the pseudonym '10.77.0.1' to two values/);
    expect(() => loadMapping(join(dir, 'missing.json'))).toThrow(/does not exist/);
  });
});

// Property-based: whatever the input, anonymising and restoring gives it back byte for byte,
// and no two values share a pseudonym.
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const hex4 = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
const ipv6 = fc.oneof(
  fc.tuple(fc.constantFrom('fe80', 'fd00', '2a01', '2001'), hex4, hex4).map(([a, b, c]) => `${a}::${b}:${c}`),
  fc.array(hex4, { minLength: 8, maxLength: 8 }).map((g) => g.join(':')),
);
const mac = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 }).chain((b) =>
  fc.constantFrom(':', '-').map((sep) => b.map((x) => x.toString(16).padStart(2, '0')).join(sep)),
);
const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);
const host = fc.tuple(word, word, fc.constantFrom('com', 'lan', 'de', 'internal', 'invalid')).map(([a, b, t]) => `${a}.${b}.${t}`);
const email = fc.tuple(word, word).map(([u, d]) => `${u}@${d}.org`);
const secret = fc.stringMatching(/^[A-Za-z0-9!#$%^*()_+\-./]{1,20}$/).map((s) => `password=${s}`);
const token = fc.uuid().map((u) => `root@pam!mpc=${u}`);
const name = fc.constantFrom('pve1', 'pve2', 'web-01', 'db-main', 'node-001', 'guest-0001');
const noise = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('6.8.0', '12:30:45', 'debian-12.8.0-amd64-netinst.iso', 'UPID:pve1:0000A1B2:0012D4F5:65F1A2B3:qmstart:100:root@pam:', '::', ':', '.', '-', '@', '=', '"', "'", '\n', '/24', '%'));
const piece = fc.oneof(ipv4, ipv6, mac, host, email, secret, token, name, noise, word);
const separator = fc.constantFrom(' ', '', '\n', ', ', '.', ':', '/', '=', '"', '-', '\t');
const text = fc.array(fc.tuple(piece, separator), { maxLength: 25 }).map((parts) => parts.map(([p, s]) => p + s).join(''));

describe('properties', () => {
  it('text: the round trip is exact', () => {
    fc.assert(
      fc.property(text, (t) => {
        const a = new Anonymizer(NAMES);
        const out = a.anonymize(t);
        expect(new Anonymizer({ mapping: a.mapping }).deanonymize(out)).toBe(t);
      }),
      { numRuns: 1500 },
    );
  });
  it('the mapping is injective: distinct originals, distinct pseudonyms', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const a = new Anonymizer(NAMES);
        a.anonymize(pieces.join(' '));
        const entries = a.mapping.toFile().entries;
        const pseudonyms = new Set(entries.map((e) => `${e.kind} ${e.pseudonym}`));
        expect(pseudonyms.size).toBe(entries.length);
      }),
      { numRuns: 500 },
    );
  });
  it('JSON: the round trip is exact and the result parses to the same shape', () => {
    const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.oneof(name, word, fc.constantFrom('password', 'token', 'ip')), tie('v'), { maxKeys: 4 })),
    })).v;
    fc.assert(
      fc.property(value, fc.constantFrom(0, 2), (v, indent) => {
        const json = JSON.stringify(v, null, indent);
        if (json === undefined) return;
        const { out } = roundTrip(json, 'json');
        const shape = (x: unknown): unknown => (Array.isArray(x) ? x.map(shape) : x && typeof x === 'object' ? Object.values(x).map(shape) : typeof x);
        expect(shape(JSON.parse(out))).toEqual(shape(JSON.parse(json)));
      }),
      { numRuns: 200 },
    );
  });
  it('YAML: the round trip is exact', () => {
    const line = fc.tuple(fc.oneof(name, word, fc.constantFrom('password', 'ip', 'mac')), fc.oneof(ipv4, mac, host, name, word, token, email), fc.boolean()).map(
      ([k, v, comment]) => `${k}: ${JSON.stringify(v)}${comment ? ` # ${v}` : ''}`,
    );
    fc.assert(
      fc.property(fc.uniqueArray(line, { maxLength: 8, selector: (l) => l.split(':')[0] }), (lines) => {
        roundTrip(lines.join('\n') + '\n', 'yaml');
      }),
      { numRuns: 200 },
    );
  });
});
