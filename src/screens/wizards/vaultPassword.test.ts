import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { forgetVaultEntries } from '../../app/vaultCompletion.js';
import type { CreateChoices } from '../../operations/choices.js';
import { clearSecrets, redact } from '../../util/redact.js';
import { lockVaults, Vault, vaultPath } from '../../workspace/vault.js';
import { startWizard, wizardFrame, wizardKey, type WizardSession } from './engine.js';
import { createCtWizard } from './createCt.js';
import { CREATE_WIZARDS } from './index.js';
import { vaultReferenceProblem } from './vaultPassword.js';

const GiB = 1024 ** 3;
const choices: CreateChoices = {
  node: 'pve1',
  nodes: [{ name: 'pve1', online: true, cpus: 8, memFreeBytes: 12 * GiB }],
  nextVmid: 105,
  usedVmids: new Set([100]),
  storages: [{ id: 'local-lvm', type: 'lvmthin', content: ['images', 'rootdir'], availBytes: 90 * GiB, totalBytes: 200 * GiB, active: true }],
  bridges: [{ name: 'vmbr0' }],
  isos: [],
  ctTemplates: [{ volid: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', sizeBytes: 0.12 * GiB }],
  vmTemplates: [],
  pools: [],
};
const SECRET = 'root password from the vault';
const PASSPHRASE = 'the passphrase';
const homes: string[] = [];

function drive(keys: string[], session: WizardSession = startWizard(createCtWizard, choices)): WizardSession {
  for (const k of keys) session = wizardKey(createCtWizard, session, choices, k).session;
  return session;
}
const typed = (text: string): string[] => [...text].map((c) => (c === ' ' ? 'space' : c));

/** A vault with ct-root in a temporary XDG_CONFIG_HOME, the process's environment set to it. */
function useVault(): void {
  const home = mkdtempSync(join(tmpdir(), 'pmc-wizard-vault-'));
  homes.push(home);
  vi.stubEnv('PMC_VAULT', '');
  vi.stubEnv('XDG_CONFIG_HOME', home);
  vi.stubEnv('PMC_VAULT_PASSPHRASE', '');
  Vault.open(vaultPath(), PASSPHRASE, { kdf: { N: 1024, r: 8, p: 1 } }).set('ct-root', SECRET);
  lockVaults();
  clearSecrets();
}

afterEach(() => {
  vi.unstubAllEnvs();
  forgetVaultEntries();
  lockVaults();
  clearSecrets();
});
afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

describe('the create-container wizard with $vault.NAME as the root password', () => {
  it('shows the reference as typed, checks its name against the vault, and reviews it by name', () => {
    useVault();
    let s = drive(['enter', ...typed('ct-01'), 'enter', 'enter', ...typed('$vault.nope')]);
    let field = wizardFrame(createCtWizard, s, choices).fields[0]!;
    expect(field.text).toBe('$vault.nope');
    expect(field.problem).toBe("the vault has no entry 'nope': add it with proxmox-mpc vault set nope (:vault lists the entries)");
    s = drive(['ctrl+u', ...typed('$vault.ct-root')], s);
    field = wizardFrame(createCtWizard, s, choices).fields[0]!;
    expect(field.problem).toBeUndefined();
    s = drive(['enter', 'enter', 'enter', 'enter', 'enter', 'enter'], s);
    const review = wizardFrame(createCtWizard, s, choices).review!;
    expect(review.lines).toContain('Access:   root password from $vault.ct-root');
    expect(review.command).toContain('--password-env PMC_CT_PASSWORD');
    expect(JSON.stringify(s)).not.toContain(SECRET);
  });

  it('resolves the reference only when the create runs: the API call has the password, redacted by name', () => {
    useVault();
    const s = drive(['enter', ...typed('ct-01'), 'enter', 'enter', ...typed('$vault.ct-root'), 'enter', 'enter', 'enter', 'enter', 'enter', 'enter']);
    // The wizard's checks read names only: nothing was decrypted so far.
    expect(redact(SECRET)).toBe(SECRET);
    const locked = CREATE_WIZARDS['create-ct'].plan(s.values, choices, false);
    expect(locked).toMatchObject({ reason: 'blocked' });
    expect('message' in locked && locked.message).toMatch(/^the root password refers to \$vault\.ct-root, but the vault is locked: .*export PMC_VAULT_PASSPHRASE=/);

    vi.stubEnv('PMC_VAULT_PASSPHRASE', PASSPHRASE);
    const plan = CREATE_WIZARDS['create-ct'].plan(s.values, choices, false);
    expect('calls' in plan && plan.calls[0]!.params).toMatchObject({ hostname: 'ct-01', password: SECRET });
    expect(redact(`password=${SECRET}`)).toBe('password=***ct-root***');

    vi.stubEnv('PMC_VAULT_PASSPHRASE', 'wrong');
    lockVaults();
    const wrong = CREATE_WIZARDS['create-ct'].plan(s.values, choices, false);
    expect('message' in wrong && wrong.message).toMatch(/^wrong passphrase for the vault/);
  });

  it('leaves a plain password alone, and says what is wrong with a malformed reference', () => {
    expect(vaultReferenceProblem('hunter22', () => [])).toBeUndefined();
    expect(vaultReferenceProblem('$vault.', () => [])).toBe("'$vault.' is not a vault reference: $vault.NAME, the name with letters, digits, '-', '_' and '.'");
    expect(vaultReferenceProblem('$vault.x', () => [{ name: 'x', createdAt: '', updatedAt: '' }])).toBeUndefined();
  });
});
