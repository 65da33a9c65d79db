import { describe, expect, it } from 'vitest';
import { ordered, runValidation, summarize } from '../../workspace/checks/runValidation.js';
import type { CheckResult } from '../../workspace/checks/types.js';
import { formatChecklist } from './validate.js';

const RESULTS: CheckResult[] = [
  { tool: 'terraform', check: 'fmt', ok: true, severity: 'info', message: 'every file is formatted' },
  { tool: 'terraform', check: 'validate', ok: false, severity: 'error', message: 'Unsupported argument: An argument named "cores" is not expected here.', file: 'terraform/main.tf', line: 3, column: 3 },
  { tool: 'ansible', check: 'syntax-check', ok: true, severity: 'info', message: 'syntax ok', file: 'ansible/site.yml' },
  { tool: 'ansible-lint', check: 'lint', ok: false, severity: 'warning', message: 'name[play]: All plays should be named.', file: 'ansible/site.yml', line: 2 },
];

describe('formatChecklist', () => {
  it('groups by tool, a mark per result, file:line:column, then a summary', () => {
    expect(formatChecklist(RESULTS, { icons: true, durationMs: 1234, toolDurationsMs: { terraform: 900, ansible: 1200 } })).toBe(
      [
        'Terraform',
        '  ✓ fmt       every file is formatted',
        '  ✗ validate  terraform/main.tf:3:3  Unsupported argument: An argument named "cores" is not expected here.',
        'Ansible',
        '  ✓ syntax-check  ansible/site.yml  syntax ok',
        'ansible-lint',
        '  ! lint  ansible/site.yml:2  name[play]: All plays should be named.',
        '',
        '✗ not valid: 1 failed, 1 warning, 2 passed in 1.2 s (terraform 0.9 s, ansible 1.2 s)',
        '',
      ].join('\n'),
    );
  });

  it('plain ASCII marks without icons; warnings alone do not fail', () => {
    const text = formatChecklist(RESULTS.filter((r) => r.severity !== 'error'), { icons: false });
    expect(text).toContain('  PASS fmt  every file is formatted');
    expect(text).toContain('  WARN lint  ansible/site.yml:2  name[play]');
    expect(text.trimEnd().split('\n').at(-1)).toBe('PASS valid: 0 failed, 1 warning, 2 passed');
    expect(text).not.toMatch(/[^\x20-\x7e\n]/);
  });

  it('strips escape sequences from what the tools echo of the files', () => {
    const evil: CheckResult = { tool: 'terraform', check: 'validate', ok: false, severity: 'error', message: 'Unsupported argument: "\u001b]0;pwned\u0007x"', file: 'terraform/\u001b[2Jmain.tf', line: 1 };
    const text = formatChecklist([evil], { icons: false });
    expect(text).not.toContain('\u001b');
    expect(text).toContain('terraform/main.tf:1  Unsupported argument: "x"');
  });
});

describe('summarize and ordered', () => {
  it('counts passed, failed (errors) and warnings; ok without errors', () => {
    expect(summarize(RESULTS)).toEqual({ ok: false, passed: 2, failed: 1, warnings: 1 });
    expect(summarize([])).toEqual({ ok: true, passed: 0, failed: 0, warnings: 0 });
  });

  it('puts passed checks first, then findings by file, line and column', () => {
    const r = (file: string | undefined, line?: number, ok = false): CheckResult => ({ tool: 't', check: 'c', ok, severity: ok ? 'info' : 'error', message: `${file}:${line}`, ...(file ? { file } : {}), ...(line ? { line } : {}) });
    expect(ordered([r('b.tf', 2), r('a.tf', 10), r(undefined, undefined, true), r('a.tf', 9), r(undefined)]).map((x) => x.message)).toEqual([
      'undefined:undefined',
      'undefined:undefined',
      'a.tf:9',
      'a.tf:10',
      'b.tf:2',
    ]);
  });
});

describe('runValidation', () => {
  it('a checker that throws is a failed check of its tool; results come tool by tool, in order', async () => {
    const heard: string[] = [];
    const groups: string[] = [];
    // No terraform/ nor ansible/: each tool says so, none throws; the order is the tools'.
    const root = '/nonexistent-pmc-workspace';
    const results = await runValidation(
      { root, terraformDir: `${root}/terraform`, ansibleDir: `${root}/ansible`, testsDir: `${root}/tests` },
      (r) => heard.push(r.tool),
      { onToolResults: (tool, done) => groups.push(`${tool}:${done.length}`) },
    );
    expect(results.map((r) => r.tool)).toEqual(heard);
    expect(results.map((r) => [r.tool, r.ok])).toEqual([
      ['terraform', false],
      ['ansible', false],
    ]);
    expect(groups).toEqual(['terraform:1', 'schema:0', 'ansible:1']);
  });
});
