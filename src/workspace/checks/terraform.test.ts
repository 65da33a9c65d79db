// checkTerraform against real terraform (it must be installed: these tests fail without it, they
// never skip) and the schema-only provider, on the fixtures of test/fixtures/iac/terraform/:
// a valid configuration, the broken one whose 8 errors were captured, an unformatted one.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTerraform, INSTALL_TERRAFORM, validateResults } from './terraform.js';
import type { CheckResult } from './types.js';

const FIXTURES = resolve(import.meta.dirname, '../../../test/fixtures/iac/terraform');

function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: false }).map(String).sort();
}

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pmc-tfcheck-'));
  scratch.push(dir);
  cpSync(join(FIXTURES, name), join(dir, 'terraform'), { recursive: true });
  return dir;
}

interface CapturedDiagnostic {
  severity: string;
  summary: string;
  detail: string;
  range?: { filename: string; start: { line: number; column: number } };
}

describe('checkTerraform', () => {
  it('passes a valid configuration (fmt and the offline validate), leaving nothing in its directory', async () => {
    const dir = join(FIXTURES, 'valid');
    const before = listing(dir);
    const results = await checkTerraform(dir);
    expect(results).toEqual([
      { tool: 'terraform', check: 'fmt', ok: true, severity: 'info', message: 'every file is formatted' },
      { tool: 'terraform', check: 'validate', ok: true, severity: 'info', message: 'the configuration is valid (offline, against the bpg/proxmox schema)' },
    ]);
    expect(listing(dir)).toEqual(before);
    // The capture agrees: valid, no error.
    const captured = JSON.parse(readFileSync(join(FIXTURES, 'valid-validate.json'), 'utf8')) as { valid: boolean; error_count: number };
    expect(captured).toMatchObject({ valid: true, error_count: 0 });
  });

  it('finds the 8 errors of the broken configuration, each at the file, line and column terraform captured', async () => {
    const results = await checkTerraform(join(FIXTURES, 'broken'));
    const validate = results.filter((r) => r.check === 'validate');
    const captured = (JSON.parse(readFileSync(join(FIXTURES, 'broken-validate.json'), 'utf8')) as { diagnostics: CapturedDiagnostic[] }).diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => ({ summary: d.summary, file: d.range!.filename, line: d.range!.start.line, column: d.range!.start.column }))
      .sort((a, b) => a.line - b.line || a.column - b.column);
    expect(captured).toHaveLength(8);
    expect(validate.map((r) => ({ summary: r.message.split(':')[0], file: r.file, line: r.line, column: r.column }))).toEqual(captured);
    expect(validate.every((r) => !r.ok && r.severity === 'error')).toBe(true);
    expect(validate.map((r) => r.message)).toContain('Unsupported argument: An argument named "memory" is not expected here. Did you mean to define a block of type "memory"?');
    expect(validate.map((r) => r.message)).toContain('Too many cpu blocks: No more than 1 "cpu" blocks are allowed');
    // Its alignment is not terraform fmt's either.
    expect(results.filter((r) => r.check === 'fmt')).toEqual([
      expect.objectContaining({ ok: false, severity: 'error', file: 'main.tf', message: expect.stringMatching(/not formatted/) }),
    ]);
  });

  it('lists each file terraform fmt would change, relative to the directory asked for', async () => {
    const ws = copyFixture('unformatted');
    mkdirSync(join(ws, 'terraform', 'modules', 'a'), { recursive: true });
    writeFileSync(join(ws, 'terraform', 'modules', 'a', 'x.tf'), 'locals {\n  a = 1\n  bb = 2\n}\n');
    writeFileSync(join(ws, 'terraform', 'modules', 'a', 'ok.tf'), 'locals {\n  c = 1\n}\n');
    const results = await checkTerraform(join(ws, 'terraform'), { relativeTo: ws });
    expect(results.filter((r) => r.check === 'fmt').map((r) => [r.ok, r.file])).toEqual([
      [false, 'terraform/main.tf'],
      [false, 'terraform/modules/a/x.tf'],
    ]);
  });

  it("checks the workspace's tests/ directory (fmt, and validate's -test-directory), paths from the workspace root", async () => {
    const ws = copyFixture('valid');
    mkdirSync(join(ws, 'tests'));
    writeFileSync(join(ws, 'tests', 'bad.tftest.hcl'), 'run "plan" {\n  command = plan\n  bogus   = 1\n}\n');
    writeFileSync(join(ws, 'tests', 'ugly.tftest.hcl'), 'run "x" {\ncommand=plan\n}\n');
    const results = await checkTerraform(join(ws, 'terraform'), { relativeTo: ws, testsDir: join(ws, 'tests') });
    expect(results.filter((r) => !r.ok)).toEqual([
      expect.objectContaining({ check: 'fmt', file: 'tests/ugly.tftest.hcl' }),
      { tool: 'terraform', check: 'validate', ok: false, severity: 'error', message: 'Unsupported argument: An argument named "bogus" is not expected here.', file: 'tests/bad.tftest.hcl', line: 3, column: 3 },
    ]);
    expect(listing(ws)).toEqual(['terraform', 'terraform/main.tf', 'terraform/provider.tf', 'tests', 'tests/bad.tftest.hcl', 'tests/ugly.tftest.hcl']);
  });

  it('says what to install when terraform cannot be found, once', async () => {
    const results = await checkTerraform(join(FIXTURES, 'valid'), { terraform: '/nonexistent/terraform' });
    expect(results).toEqual([{ tool: 'terraform', check: 'installed', ok: false, severity: 'error', message: `/nonexistent/terraform not found: ${INSTALL_TERRAFORM}` }]);
  });

  it('an empty directory is a warning, a missing one an error', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'pmc-tfcheck-'));
    scratch.push(ws);
    mkdirSync(join(ws, 'terraform'));
    expect(await checkTerraform(join(ws, 'terraform'), { relativeTo: ws })).toEqual([
      expect.objectContaining({ check: 'files', ok: false, severity: 'warning', message: 'no .tf file in terraform: nothing to check (run proxmox-mpc generate)' }),
    ]);
    expect(await checkTerraform(join(ws, 'nope'), { relativeTo: ws })).toEqual([
      expect.objectContaining({ check: 'files', ok: false, severity: 'error', message: 'no directory nope: run proxmox-mpc generate first' }),
    ]);
  });
});

describe('validateResults', () => {
  const rel = (f: string): string => `terraform/${f}`;
  const overrides = { severity: 'warning' as const, summary: 'Provider development overrides are in effect', detail: 'The following provider development overrides are set...' };

  it("drops the dev_overrides warning (our own set-up), keeps other warnings, sorts by position", () => {
    const results = validateResults(
      {
        valid: true,
        error_count: 0,
        warning_count: 2,
        diagnostics: [
          overrides,
          { severity: 'warning', summary: 'Deprecated attribute', detail: 'The attribute "enabled" is deprecated.\nRemove it.', range: { filename: 'b.tf', start: { line: 2, column: 5 } } },
          { severity: 'warning', summary: 'Deprecated attribute', detail: 'x', range: { filename: 'a.tf', start: { line: 9, column: 1 } } },
        ],
      },
      rel,
    );
    expect(results.map((r: CheckResult) => [r.ok, r.severity, r.file, r.line, r.message])).toEqual([
      [true, 'info', undefined, undefined, 'the configuration is valid (offline, against the bpg/proxmox schema)'],
      [false, 'warning', 'terraform/a.tf', 9, 'Deprecated attribute: x'],
      [false, 'warning', 'terraform/b.tf', 2, 'Deprecated attribute: The attribute "enabled" is deprecated. Remove it.'],
    ]);
  });

  it('explains a missing provider: bpg/proxmox not declared, or another provider the offline check cannot serve', () => {
    const missing = (provider: string) => ({
      severity: 'error' as const,
      summary: 'Missing required provider',
      detail: `This configuration requires provider ${provider}, but that provider isn't available. You may be able to install it automatically by running:\n  terraform init`,
    });
    const results = validateResults({ valid: false, error_count: 2, warning_count: 1, diagnostics: [missing('registry.terraform.io/hashicorp/proxmox'), missing('registry.terraform.io/hashicorp/random'), overrides] }, rel);
    expect(results.map((r) => r.message)).toEqual([
      expect.stringMatching(/hashicorp\/proxmox.*declare proxmox = \{ source = "bpg\/proxmox" \}/),
      expect.stringMatching(/hashicorp\/random.*validates offline, with the bpg\/proxmox schema only/),
    ]);
    expect(results.every((r) => !r.ok && r.severity === 'error' && r.file === undefined)).toBe(true);
  });
});
