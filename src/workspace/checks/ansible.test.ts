// checkAnsible on the fixtures of test/fixtures/iac/ansible (see its SOURCES.md), with the real
// ansible-playbook, ansible-inventory and ansible-lint (CI installs them; without them these
// tests fail, they do not skip).
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ansibleErrorLocation, ansiblePlaybooks, checkAnsible, lintResults, moduleHint } from './ansible.js';

const FIXTURES = new URL('../../../test/fixtures/iac/ansible/', import.meta.url).pathname;
const TOOL_TIMEOUT = 120_000;

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** A copy of a fixture workspace (the checks must not write into the checked directory). */
function workspace(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pmc-ansible-check-'));
  temps.push(dir);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

describe('checkAnsible', () => {
  it(
    'passes a valid workspace: inventory --list, syntax-check of each playbook, ansible-lint --offline --strict',
    async () => {
      const results = await checkAnsible(workspace('valid'));
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(results.map((r) => [r.tool, r.check, r.file])).toEqual([
        ['ansible', 'inventory', 'ansible/inventory.yml'],
        ['ansible', 'syntax-check', 'ansible/site.yml'],
        ['ansible-lint', 'lint', undefined],
      ]);
      expect(results[0]!.message).toBe('4 hosts');
    },
    TOOL_TIMEOUT,
  );

  it(
    'catches an unknown module (syntax-check) and a bad module argument (ansible-lint args[module]) with file:line',
    async () => {
      const results = await checkAnsible(workspace('broken'));
      const failed = results.filter((r) => !r.ok);
      expect(failed).toEqual([
        {
          tool: 'ansible',
          check: 'syntax-check',
          ok: false,
          severity: 'error',
          message: expect.stringContaining("couldn't resolve module/action 'community.general.proxmox_vm_start'"),
          file: 'ansible/unknown-module.yml',
          line: 6,
          column: 7,
        },
        {
          tool: 'ansible-lint',
          check: 'args[module]',
          ok: false,
          severity: 'error',
          message: expect.stringMatching(/value of state must be one of: .*got: runnning|Unsupported parameters .*corez/),
          file: 'ansible/bad-args.yml',
          line: 6,
        },
      ]);
      // The playbook with a good syntax passed that check.
      expect(results.find((r) => r.check === 'syntax-check' && r.file === 'ansible/bad-args.yml')?.ok).toBe(true);
    },
    TOOL_TIMEOUT,
  );

  it(
    'catches an inventory Ansible cannot parse, with its line',
    async () => {
      const results = await checkAnsible(workspace('broken-inventory'));
      expect(results[0]).toEqual({
        tool: 'ansible',
        check: 'inventory',
        file: 'ansible/inventory.yml',
        ok: false,
        severity: 'error',
        message: expect.stringContaining('not a valid inventory: Syntax Error while loading YAML'),
        line: 7,
        column: 10,
      });
    },
    TOOL_TIMEOUT,
  );

  it('says how to install Ansible when it is missing, as one error result (no crash)', async () => {
    const results = await checkAnsible(workspace('valid'), { ansiblePlaybook: '/nonexistent/ansible-playbook', ansibleInventory: '/nonexistent/ansible-inventory', ansibleLint: '/nonexistent/ansible-lint' });
    expect(results).toEqual([
      { tool: 'ansible', check: 'inventory', ok: false, severity: 'error', message: '/nonexistent/ansible-inventory not found: install Ansible: apt-get install ansible ansible-lint (Debian/Ubuntu) or pipx install ansible-core ansible-lint' },
    ]);
  });

  it(
    'without ansible-lint, says the module arguments were not checked (a warning) and still runs the other checks',
    async () => {
      const results = await checkAnsible(workspace('valid'), { ansibleLint: '/nonexistent/ansible-lint' });
      expect(results.map((r) => [r.check, r.ok, r.severity])).toEqual([
        ['inventory', true, 'info'],
        ['syntax-check', true, 'info'],
        ['lint', false, 'warning'],
      ]);
      expect(results[2]!.message).toBe('/nonexistent/ansible-lint not found, so module arguments were not checked: apt-get install ansible-lint');
    },
    TOOL_TIMEOUT,
  );

  it('reports a missing inventory as what to run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmc-ansible-check-'));
    temps.push(dir);
    expect(await checkAnsible(dir)).toEqual([
      { tool: 'ansible', check: 'inventory', ok: false, severity: 'error', message: 'ansible/inventory.yml is missing: run proxmox-mpc generate', file: 'ansible/inventory.yml' },
    ]);
  });
});

describe('checkAnsible helpers', () => {
  it('finds the playbooks (YAML lists) of ansible/ and tests/, not the inventory', () => {
    expect(ansiblePlaybooks(join(FIXTURES, 'broken')).map((p) => p.slice(FIXTURES.length))).toEqual(['broken/ansible/bad-args.yml', 'broken/ansible/unknown-module.yml']);
  });

  it("reads Ansible's error and where it is, even wrapped", () => {
    expect(ansibleErrorLocation("ERROR! couldn't resolve module/action 'x.y'. This often\nindicates a misspelling.\n\nThe error appears to be in '/w/site.yml': line 5, column 7, but may\nbe elsewhere")).toEqual({
      message: "couldn't resolve module/action 'x.y'. This often indicates a misspelling.",
      file: '/w/site.yml',
      line: 5,
      column: 7,
    });
    expect(ansibleErrorLocation('ERROR! something broke')).toEqual({ message: 'something broke' });
  });

  it('says what to do about Proxmox modules of a collection that is not installed, and nothing else', () => {
    expect(moduleHint("couldn't resolve module/action 'community.proxmox.proxmox_kvm'. This often indicates a misspelling")).toMatch(
      /\(install the collection: ansible-galaxy collection install community\.proxmox, or set generate\.ansibleNamespace: community\.general in \.proxmox-mpc\/config\.yml\)$/,
    );
    expect(moduleHint("couldn't resolve module/action 'community.general.proxmox_snap'.")).toContain('set generate.ansibleNamespace: community.proxmox');
    expect(moduleHint("couldn't resolve module/action 'community.general.proxmox_vm_start'.")).toBe("couldn't resolve module/action 'community.general.proxmox_vm_start'.");
    expect(moduleHint("couldn't resolve module/action 'foo.bar'.")).toBe("couldn't resolve module/action 'foo.bar'.");
  });

  it("maps ansible-lint's codeclimate report (lines or positions) to results, sorted by file and line", () => {
    const report = JSON.stringify([
      { check_name: 'yaml[truthy]', description: 'Truthy value should be one of [false, true]', level: 'warning', location: { path: 'ansible/b.yml', positions: { begin: { line: 9, column: 3 } } } },
      { check_name: 'args[module]', description: 'Unsupported parameters\nfor x: corez', level: 'warning', location: { path: 'ansible/a.yml', lines: { begin: 6 } } },
    ]);
    expect(lintResults(report, '/w', (f) => f.replace('/w/', ''))).toEqual([
      { tool: 'ansible-lint', check: 'args[module]', ok: false, severity: 'error', message: 'Unsupported parameters for x: corez', file: 'ansible/a.yml', line: 6 },
      { tool: 'ansible-lint', check: 'yaml[truthy]', ok: false, severity: 'error', message: 'Truthy value should be one of [false, true]', file: 'ansible/b.yml', line: 9, column: 3 },
    ]);
    expect(lintResults('not json', '/w', (f) => f)).toBeUndefined();
  });
});
