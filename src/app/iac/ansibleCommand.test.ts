import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRecapLine } from '../../workspace/runners/ansible.js';
import { checkExtraVars, findPlaybook, RecapCollector, recapSummary } from './ansibleCommand.js';

const root = mkdtempSync(join(tmpdir(), 'pmc-ansible-cmd-'));
const ws = { root, ansibleDir: join(root, 'ansible'), testsDir: join(root, 'tests') };
mkdirSync(ws.ansibleDir);
mkdirSync(ws.testsDir);
for (const f of ['ansible/site.yml', 'ansible/start.yml', 'tests/inventory_check.yml', 'tests/start.yml', 'ansible/other.yaml']) writeFileSync(join(root, f), '---\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('findPlaybook', () => {
  it('ansible/ first, then tests/, with or without the extension', () => {
    expect(findPlaybook('site', ws, root)).toBe(join(root, 'ansible/site.yml'));
    expect(findPlaybook('start.yml', ws, root)).toBe(join(root, 'ansible/start.yml'));
    expect(findPlaybook('inventory_check', ws, root)).toBe(join(root, 'tests/inventory_check.yml'));
    expect(findPlaybook('other', ws, root)).toBe(join(root, 'ansible/other.yaml'));
    expect(findPlaybook('tests/start', ws, root)).toBe(join(root, 'tests/start.yml'));
    expect(findPlaybook(join(root, 'tests/start.yml'), ws, '/')).toBe(join(root, 'tests/start.yml'));
  });
  it('undefined for a missing one or a directory', () => {
    expect(findPlaybook('nosuch', ws, root)).toBeUndefined();
    expect(findPlaybook('ansible', ws, root)).toBeUndefined();
  });
});

describe('checkExtraVars', () => {
  it('accepts key=value, JSON and @file; refuses the rest with exit 2', () => {
    expect(() => checkExtraVars(['target=web-01', 'snapname=a b', '{"a":1}', '@vars.yml'])).not.toThrow();
    for (const bad of ['', 'target', '=x', '1a=b', 'a b=c']) {
      expect(() => checkExtraVars([bad])).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringContaining('expected key=value') }));
    }
  });
});

describe('RecapCollector and recapSummary', () => {
  it('sums only the lines after PLAY RECAP and names the failed hosts', () => {
    const c = new RecapCollector(parseRecapLine);
    for (const line of [
      'TASK [x] ***',
      'weird : ok=9 changed=9',
      'PLAY RECAP *********************************************************************',
      'web-01                     : ok=2    changed=1    unreachable=0    failed=0    skipped=1    rescued=0    ignored=0',
      'db-01                      : ok=1    changed=0    unreachable=1    failed=0    skipped=0    rescued=0    ignored=0',
      'localhost                  : ok=0    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0',
    ]) c.push(line);
    expect(c.hosts.map((h) => h.host)).toEqual(['web-01', 'db-01', 'localhost']);
    expect(recapSummary(c.hosts)).toBe('3 hosts: ok=3 changed=1 unreachable=1 failed=1 skipped=1 (failed: db-01, localhost)');
  });
  it('one host, and none', () => {
    expect(recapSummary([{ host: 'a', ok: 2, changed: 1, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 }])).toBe('1 host: ok=2 changed=1 unreachable=0 failed=0 skipped=0');
    expect(recapSummary([])).toBe('no PLAY RECAP');
  });
});
