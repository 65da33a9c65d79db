import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { fixtureData } from '../store/test-support/consoleFixture.js';
import { clearSecrets, isRegisteredSecret } from '../util/redact.js';
import { lockVaults, Vault, vaultPath } from '../workspace/vault.js';
import { commandEffect, completions } from './commands.js';
import { cachedVaultEntries, forgetVaultEntries, vaultCompletions } from './vaultCompletion.js';
import { vaultLines, vaultModal } from './vaultView.js';

const FAST = { N: 1024, r: 8, p: 1 };
const SECRETS = { 'db-password': 'correct horse battery staple', 'ct-root': 'hunter2-but-longer', 'api.token': '0b9c4e3a-1111-2222-3333-444455556666' };
const homes: string[] = [];

/** An environment whose XDG_CONFIG_HOME holds a vault with `entries` (none: no vault file). */
function envWith(entries: Record<string, string> = {}, times: string[] = []): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'pmc-vault-completion-'));
  homes.push(home);
  const env: NodeJS.ProcessEnv = { XDG_CONFIG_HOME: home };
  let i = 0;
  const vault = Vault.open(vaultPath(env), 'a passphrase for the test', { kdf: FAST, now: () => new Date(times[i++] ?? '2025-03-01T14:05:09.000Z') });
  for (const [name, value] of Object.entries(entries)) vault.set(name, value);
  clearSecrets(); // as a new process would be: nothing learnt yet
  return env;
}

afterEach(() => {
  forgetVaultEntries();
  lockVaults();
  clearSecrets();
  vi.unstubAllEnvs();
});
afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

const data = fixtureData();
const labels = (input: string, env: NodeJS.ProcessEnv) => completions(input, data, () => cachedVaultEntries(env)).map((c) => c.label);

describe('$vault completion in the palette', () => {
  it('offers every entry for $, $v and $vault., in any argument position of any command', () => {
    const env = envWith(SECRETS);
    const all = ['$vault.api.token', '$vault.ct-root', '$vault.db-password'];
    expect(labels('ansible start pw=$', env).sort()).toEqual(all);
    expect(labels(':ansible start -e pw=$v', env).sort()).toEqual(all);
    expect(labels('ansible start $vault.', env).sort()).toEqual(all);
    expect(labels('vm $', env).sort()).toEqual(all);
    expect(labels('anonymize a b $va', env).sort()).toEqual(all);
  });

  it('matches fuzzily after $vault. (and after a bare $), best first, with the matched positions', () => {
    const env = envWith(SECRETS);
    const db = completions('ansible site pw=$vault.db', data, () => cachedVaultEntries(env));
    expect(db[0]).toMatchObject({ label: '$vault.db-password', value: 'ansible site pw=$vault.db-password' });
    expect(db[0]!.positions).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(labels('ansible site $ctr', env)).toEqual(['$vault.ct-root']);
    expect(labels('ansible site x=$vault.zzz', env)).toEqual([]);
  });

  it('keeps the line as typed and replaces only the word: Tab then Enter runs it', () => {
    const env = envWith(SECRETS);
    const [first] = completions(':ansible baseline target=web-01 -e pw=$vault.ct', data, () => cachedVaultEntries(env));
    expect(first!.value).toBe('ansible baseline target=web-01 -e pw=$vault.ct-root');
    const effect = commandEffect(first!.value, data);
    expect(effect).toEqual({ kind: 'ansible', playbook: 'baseline', vars: ['target=web-01', 'pw=$vault.ct-root'], check: false });
  });

  it('describes each entry by its update time and never reads a value', () => {
    const env = envWith({ 'db-password': SECRETS['db-password'] }, ['2025-03-01T14:05:09.000Z']);
    const [c] = completions('ansible site pw=$', data, () => cachedVaultEntries(env));
    expect(c!.description).toBe('vault entry, updated 2025-03-01 14:05 UTC');
    expect(JSON.stringify(c)).not.toContain(SECRETS['db-password']);
    // Nothing was decrypted: the redactor learnt no value.
    expect(isRegisteredSecret(SECRETS['db-password'])).toBe(false);
  });

  it('leaves other completions alone: commands, guests, a word without $', () => {
    const env = envWith(SECRETS);
    expect(labels('vau', env)).toContain('vault');
    expect(labels('vm web', env).some((l) => l.startsWith('$'))).toBe(false);
    expect(labels('ansible site pw=x', env)).toEqual([]);
    expect(labels('bogus $', env)).toEqual([]);
    expect(vaultCompletions('$', () => [])).toEqual([]);
  });

  it('has no entries and no error without a vault file, or with one that cannot be read', () => {
    const home = mkdtempSync(join(tmpdir(), 'pmc-vault-completion-'));
    homes.push(home);
    const env = { XDG_CONFIG_HOME: home };
    expect(labels('ansible site pw=$', env)).toEqual([]);
    forgetVaultEntries();
    mkdirSync(join(home, 'proxmox-mpc'));
    writeFileSync(vaultPath(env), 'not json');
    expect(labels('ansible site pw=$', env)).toEqual([]);
  });

  it('reads the file at most every 2 s, and again once it changed', () => {
    const env = envWith({ 'db-password': SECRETS['db-password'] });
    expect(cachedVaultEntries(env, 0).map((e) => e.name)).toEqual(['db-password']);
    Vault.open(vaultPath(env), 'a passphrase for the test', { kdf: FAST }).set('later', 'a later secret');
    expect(cachedVaultEntries(env, 1000).map((e) => e.name)).toEqual(['db-password']);
    expect(cachedVaultEntries(env, 2500).map((e) => e.name)).toEqual(['db-password', 'later']);
  });

  it('reads the vault of the environment by default (XDG_CONFIG_HOME)', () => {
    const env = envWith(SECRETS);
    vi.stubEnv('PMC_VAULT', '');
    vi.stubEnv('XDG_CONFIG_HOME', env.XDG_CONFIG_HOME!);
    expect(completions('ansible site pw=$vault.api', data).map((c) => c.label)).toEqual(['$vault.api.token']);
  });
});

describe(':vault', () => {
  it('is a palette command that shows the entries, never a value, and how to add one', () => {
    expect(commandEffect(':vault', data)).toEqual({ kind: 'vault' });
    const env = envWith(SECRETS, ['2025-01-02T03:04:05.000Z', '2025-01-02T03:04:05.000Z', '2025-02-03T04:05:06.000Z']);
    const modal = vaultModal(env);
    expect(modal.title).toBe('Vault: 3 entries (values are never shown)');
    const text = modal.body.join('\n');
    for (const value of Object.values(SECRETS)) expect(text).not.toContain(value);
    expect(modal.body).toContain('db-password  2025-01-02 03:04 UTC  2025-01-02 03:04 UTC');
    expect(modal.body).toContain('api.token    2025-02-03 04:05 UTC  2025-02-03 04:05 UTC');
    expect(text).toContain('proxmox-mpc vault set NAME');
    expect(isRegisteredSecret(SECRETS['ct-root'])).toBe(false);
  });

  it('says there is none yet, or why the file cannot be read', () => {
    const home = mkdtempSync(join(tmpdir(), 'pmc-vault-completion-'));
    homes.push(home);
    const env = { XDG_CONFIG_HOME: home };
    expect(vaultModal(env).body[0]).toBe(`The vault ${vaultPath(env)} has no entries yet.`);
    writeFileSync(join(home, 'proxmox-mpc-vault.json'), '{}');
    expect(vaultModal({ PMC_VAULT: join(home, 'proxmox-mpc-vault.json') })).toMatchObject({ title: 'Vault: cannot be read' });
  });

  it('lists the first 15 and counts the rest', () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ name: `e${String(i).padStart(2, '0')}`, createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z' }));
    const lines = vaultLines('/v.json', many);
    expect(lines.filter((l) => /^e\d\d /.test(l))).toHaveLength(15);
    expect(lines).toContain('... and 5 more: proxmox-mpc vault list shows them all');
  });
});
