// The user's config file in a report: parsed and re-written with every secret masked, so that
// a password YAML stores escaped, or one too short for the redactor, never reaches the file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { maskedUserConfig } from './report.js';

const dir = mkdtempSync(join(tmpdir(), 'pmc-report-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('masks token secrets and passwords, escaped or short; keeps $vault. references and the rest', () => {
  const path = join(dir, 'config.yml');
  writeFileSync(
    path,
    [
      'defaultProfile: home',
      'profiles:',
      '  home:',
      '    endpoint: https://pve.lan:8006',
      '    tokenId: root@pam!mpc',
      '    tokenSecret: "pa\\"ss\\u0041"',
      '  lab:',
      '    endpoint: https://lab:8006',
      '    username: root@pam',
      "    password: 'it''s'",
      '  vaulted:',
      '    endpoint: https://v:8006',
      '    tokenId: root@pam!v',
      '    tokenSecret: $vault.v',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const text = maskedUserConfig(path)!;
  expect(text).not.toMatch(/pa.?"ss|paA|it's|it''s/);
  expect(text).toContain('tokenSecret: "***home-token-secret***"');
  expect(text).toContain('password: "***lab-password***"');
  expect(text).toContain('tokenSecret: $vault.v');
  expect(text).toContain('endpoint: https://pve.lan:8006');
});

it('leaves out a file that does not parse (its text could hold secrets), and says why', () => {
  const path = join(dir, 'broken.yml');
  writeFileSync(path, 'profiles:\n  home:\n    tokenSecret: [unclosed\n', { mode: 0o600 });
  const text = maskedUserConfig(path)!;
  expect(text).toMatch(/^\(left out: .*; its text could hold secrets\)$/);
  expect(text).not.toContain('unclosed');
  expect(maskedUserConfig(join(dir, 'none.yml'))).toBeNull();
});
