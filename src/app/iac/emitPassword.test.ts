import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clearSecrets } from '../../util/redact.js';
import { lockVaults, Vault, vaultPath } from '../../workspace/vault.js';
import { emitPasswordOf } from './emitPassword.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function env(withVault: boolean): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'pmc-emit-pw-'));
  dirs.push(home);
  const e: NodeJS.ProcessEnv = { XDG_CONFIG_HOME: home };
  if (withVault) {
    Vault.open(vaultPath(e), 'the passphrase', { kdf: { N: 1024, r: 8, p: 1 } }).set('ct-root', 'never-read-42');
    lockVaults();
    clearSecrets();
  }
  return e;
}

describe('emitPasswordOf', () => {
  it('a plain value: a password is given, nothing else is taken from it', () => {
    expect(emitPasswordOf('hunter2-plain', 'CT_PW', env(false))).toEqual({});
  });

  it('a $vault reference names its entry, found by name in a locked vault (no passphrase in the environment)', () => {
    const e = env(true);
    expect(e.PMC_VAULT_PASSPHRASE).toBeUndefined();
    expect(emitPasswordOf('$vault.ct-root', 'CT_PW', e)).toEqual({ vault: 'ct-root' });
  });

  it('a reference to a missing entry, to no vault, or a malformed one is a problem naming the variable and the fix', () => {
    const e = env(true);
    expect(emitPasswordOf('$vault.other', 'CT_PW', e)).toEqual({ problem: expect.stringMatching(/^CT_PW refers to \$vault\.other, which is not in the vault .*proxmox-mpc vault set other/) });
    expect(emitPasswordOf('$vault.ct-root', 'CT_PW', env(false))).toEqual({ problem: expect.stringMatching(/^CT_PW refers to \$vault\.ct-root, but there is no vault at .*vault set ct-root$/) });
    expect(emitPasswordOf('$vault.bad name', 'CT_PW', e)).toEqual({ problem: expect.stringMatching(/^CT_PW: '\$vault\.bad name' is not a vault reference/) });
  });
});
