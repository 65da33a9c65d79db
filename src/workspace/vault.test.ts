import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toCredentials } from '../app/credentials.js';
import { UserError } from '../app/userError.js';
import { resolveConnection } from './connection.js';
import { clearSecrets, redact } from '../util/redact.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { DEFAULT_KDF, listVaultEntries, lockVaults, looseModeWarning, resolveSecret, Vault, vaultPassphrase, vaultPath, type VaultFile } from './vault.js';

const dir = () => mkdtempSync(join(tmpdir(), 'pmc-vault-'));
/** The directory of a vault just written (so its file exists). */
function dirOf(v: Vault): string {
  v.set('seed', 'seed-secret');
  return v.path.slice(0, v.path.lastIndexOf('/'));
}
const SECRET = '6f1c2a9e-4b7d-4e0a-9d3c-1f2e3a4b5c6d';

function readJson(path: string): VaultFile {
  return JSON.parse(readFileSync(path, 'utf8')) as VaultFile;
}

function thrown(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError');
}

afterEach(() => {
  lockVaults();
  clearSecrets();
});

describe('vault', () => {
  it('lives under XDG_CONFIG_HOME unless PMC_VAULT names it', () => {
    expect(vaultPath({ XDG_CONFIG_HOME: '/x' })).toBe('/x/proxmox-mpc/vault.json');
    expect(vaultPath({ XDG_CONFIG_HOME: '/x', PMC_VAULT: '/y/v.json' })).toBe('/y/v.json');
  });

  it('round-trips secrets through the file with the same passphrase, and records the KDF', () => {
    const path = join(dir(), 'sub', 'vault.json');
    const v = Vault.open(path, 'correct horse');
    expect(v.exists).toBe(false);
    v.set('home', SECRET);
    v.set('pw', 'pässwörd ✓');
    const again = Vault.open(path, 'correct horse');
    expect(again.get('home')).toBe(SECRET);
    expect(again.get('pw')).toBe('pässwörd ✓');
    expect(again.get('nope')).toBeUndefined();
    expect(again.list().map((e) => e.name)).toEqual(['home', 'pw']);
    const file = readJson(path);
    expect(file.kdf).toMatchObject({ name: 'scrypt', N: DEFAULT_KDF.N, r: DEFAULT_KDF.r, p: DEFAULT_KDF.p });
    expect(Buffer.from(file.kdf.salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(file.entries.home!.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(file.entries.home!.tag, 'base64')).toHaveLength(16);
    expect(readFileSync(path, 'utf8')).not.toContain(SECRET);
    expect(readFileSync(path, 'utf8')).not.toContain(Buffer.from(SECRET).toString('base64'));
  });

  it('uses a new IV for every encryption', () => {
    const path = join(dir(), 'vault.json');
    const v = Vault.open(path, 'pp');
    v.set('a', SECRET);
    const first = readJson(path).entries.a!;
    v.set('a', SECRET);
    const second = readJson(path).entries.a!;
    expect(second.iv).not.toBe(first.iv);
    expect(second.data).not.toBe(first.data);
    expect(second.createdAt).toBe(first.createdAt);
  });

  it('refuses a wrong passphrase with one line and exit code 2', () => {
    const path = join(dir(), 'vault.json');
    Vault.open(path, 'right').set('home', SECRET);
    const error = thrown(() => Vault.open(path, 'wrong'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`wrong passphrase for the vault ${path} (or its file is damaged): check PMC_VAULT_PASSPHRASE`);
  });

  it('a changed ciphertext, tag or swapped entry fails the auth tag check', () => {
    const path = join(dir(), 'vault.json');
    const v = Vault.open(path, 'pp');
    v.set('a', SECRET);
    v.set('b', 'another-secret-value');
    const good = readJson(path);

    const flipped = structuredClone(good);
    const data = Buffer.from(flipped.entries.a!.data, 'base64');
    data[0] = data[0]! ^ 1;
    flipped.entries.a!.data = data.toString('base64');
    writeFileSync(path, JSON.stringify(flipped));
    const error = thrown(() => Vault.open(path, 'pp').get('a'));
    expect(error.message).toMatch(/^vault entry 'a' in .* failed its integrity check/);
    expect(error.exitCode).toBe(2);
    expect(Vault.open(path, 'pp').get('b')).toBe('another-secret-value');

    const tag = structuredClone(good);
    const t = Buffer.from(tag.entries.a!.tag, 'base64');
    t[15] = t[15]! ^ 0x80;
    tag.entries.a!.tag = t.toString('base64');
    writeFileSync(path, JSON.stringify(tag));
    expect(() => Vault.open(path, 'pp').get('a')).toThrow(/integrity check/);

    // The name and times are authenticated: an entry moved under another name does not open.
    const swapped = structuredClone(good);
    swapped.entries.b = { ...good.entries.a! };
    writeFileSync(path, JSON.stringify(swapped));
    expect(() => Vault.open(path, 'pp').get('b')).toThrow(/integrity check/);
    const redated = structuredClone(good);
    redated.entries.a!.updatedAt = '2000-01-01T00:00:00.000Z';
    writeFileSync(path, JSON.stringify(redated));
    expect(() => Vault.open(path, 'pp').get('a')).toThrow(/integrity check/);

    // A lowered scrypt cost changes the key: the passphrase check fails.
    const weaker = structuredClone(good);
    weaker.kdf.N = 1024;
    writeFileSync(path, JSON.stringify(weaker));
    expect(() => Vault.open(path, 'pp')).toThrow(/wrong passphrase/);
  });

  it('refuses a file that is not a vault, or asks for absurd scrypt parameters', () => {
    const path = join(dir(), 'vault.json');
    writeFileSync(path, '{ nope');
    expect(() => Vault.open(path, 'pp')).toThrow(`${path}: cannot read the vault: it is not valid JSON`);
    Vault.open(join(dir(), 'x.json'), 'pp');
    const v = Vault.open(path.replace('vault.json', 'v2.json'), 'pp');
    v.set('a', SECRET);
    const file = readJson(v.path);
    file.kdf.N = 2 ** 30;
    writeFileSync(path, JSON.stringify(file));
    expect(() => Vault.open(path, 'pp')).toThrow(/not a proxmox-mpc vault: 'kdf.N'/);
  });

  it('creates the file 0600 in a 0700 directory, and warns about looser modes', () => {
    const base = dir();
    const path = join(base, 'proxmox-mpc', 'vault.json');
    Vault.open(path, 'pp').set('a', SECRET);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(base, 'proxmox-mpc')).mode & 0o777).toBe(0o700);
    expect(looseModeWarning(path)).toBeUndefined();
    chmodSync(path, 0o644);
    expect(looseModeWarning(path)).toBe(`${path} is readable by others (mode 644): run chmod 600 ${path}`);
    // The next write puts it back to 0600.
    Vault.open(path, 'pp').set('b', SECRET);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('writes atomically: a new file renamed over the old one, no temp files left', () => {
    const base = dir();
    const path = join(base, 'vault.json');
    const v = Vault.open(path, 'pp');
    v.set('a', SECRET);
    const before = readFileSync(path, 'utf8');
    const inode = statSync(path).ino;
    const fd = openSync(path, 'r');
    try {
      v.set('b', 'second-secret');
      // A reader that had the file open still sees the whole old version (no in-place rewrite).
      const buf = Buffer.alloc(before.length + 10);
      const n = readSync(fd, buf, 0, buf.length, 0);
      expect(buf.subarray(0, n).toString('utf8')).toBe(before);
    } finally {
      closeSync(fd);
    }
    expect(statSync(path).ino).not.toBe(inode);
    expect(readdirSync(base)).toEqual(['vault.json']);
  });

  it('a failed write leaves no temp file behind', () => {
    const base = dir();
    // The rename target is a non-empty directory: the rename fails after the temp file was written.
    const path = join(base, 'vault.json');
    mkdirSync(join(path, 'occupied'), { recursive: true });
    const v = Vault.open(join(base, 'elsewhere.json'), 'pp');
    v.set('a', SECRET);
    writeFileSync(join(base, 'elsewhere.json'), readFileSync(join(base, 'elsewhere.json')));
    expect(() => Vault.open(path, 'pp')).toThrow(`${path}: cannot read the vault: it is a directory`);
    expect(() => writeFileAtomic(path, '{}', { mode: 0o600, dirMode: 0o700 })).toThrow();
    expect(readdirSync(base).sort()).toEqual(['elsewhere.json', 'vault.json']);
    expect(Vault.open(join(base, 'elsewhere.json'), 'pp').get('a')).toBe(SECRET);
  });

  it('keeps what another process added since it was opened', () => {
    const path = join(dir(), 'vault.json');
    Vault.open(path, 'pp').set('first', SECRET);
    const a = Vault.open(path, 'pp');
    const b = Vault.open(path, 'pp');
    a.set('from-a', 'secret-of-a');
    b.set('from-b', 'secret-of-b');
    const after = Vault.open(path, 'pp');
    expect(after.list().map((e) => e.name)).toEqual(['first', 'from-a', 'from-b']);
    expect(after.get('from-a')).toBe('secret-of-a');
    // A vault re-created with another passphrase meanwhile is not overwritten with the old key.
    const stale = Vault.open(path, 'pp');
    writeFileSync(path, readFileSync(join(dirOf(Vault.open(join(dir(), 'v.json'), 'other')), 'v.json'), 'utf8'));
    expect(() => stale.set('x', SECRET)).toThrow(/was replaced while this command ran/);
  });

  it('lists names and times without the passphrase', () => {
    const path = join(dir(), 'vault.json');
    expect(listVaultEntries(path)).toEqual([]);
    const v = Vault.open(path, 'pp', { now: () => new Date('2026-01-02T03:04:05Z') });
    v.set('zeta', SECRET);
    v.set('alpha', SECRET);
    expect(listVaultEntries(path)).toEqual([
      { name: 'alpha', createdAt: '2026-01-02T03:04:05.000Z', updatedAt: '2026-01-02T03:04:05.000Z' },
      { name: 'zeta', createdAt: '2026-01-02T03:04:05.000Z', updatedAt: '2026-01-02T03:04:05.000Z' },
    ]);
    expect(v.remove('zeta')).toBe(true);
    expect(v.remove('zeta')).toBe(false);
    expect(listVaultEntries(path).map((e) => e.name)).toEqual(['alpha']);
  });

  it('takes the passphrase from PMC_VAULT_PASSPHRASE, a prompt (twice for a new vault), or says how to give it', () => {
    const path = join(dir(), 'vault.json');
    expect(vaultPassphrase(path, { env: { PMC_VAULT_PASSPHRASE: 'env-pp' }, interactive: false })).toBe('env-pp');
    const none = thrown(() => vaultPassphrase(path, { env: {}, interactive: false }));
    expect(none.message).toBe(`the vault ${path} needs its passphrase: set PMC_VAULT_PASSPHRASE (there is no terminal to ask it on)`);
    expect(none.exitCode).toBe(2);
    const asked: string[] = [];
    const answers = ['new-pp', 'new-pp'];
    expect(vaultPassphrase(path, { env: {}, interactive: true, prompt: (q) => (asked.push(q), answers.shift()!) })).toBe('new-pp');
    expect(asked).toEqual([`New vault passphrase (${path}): `, 'Repeat the passphrase: ']);
    const differ = ['a', 'b'];
    expect(() => vaultPassphrase(path, { env: {}, interactive: true, prompt: () => differ.shift()! })).toThrow('the passphrases differ: nothing was saved');
    Vault.open(path, 'x').set('a', SECRET);
    expect(vaultPassphrase(path, { env: {}, interactive: true, prompt: (q) => (q.startsWith('Vault passphrase') ? 'x' : 'no') })).toBe('x');
  });

  it('resolves $vault.<name> references, naming a missing entry, and registers the secret for redaction', () => {
    const base = dir();
    const env = { XDG_CONFIG_HOME: base, PMC_VAULT_PASSPHRASE: 'pp' };
    expect(resolveSecret('plain-value', 'the token', env)).toBe('plain-value');
    const noVault = thrown(() => resolveSecret('$vault.home', 'the token secret of root@pam!mpc', env));
    expect(noVault.message).toMatch(/^the token secret of root@pam!mpc refers to \$vault\.home, but there is no vault at .*: add the secret with proxmox-mpc vault set home$/);
    Vault.open(vaultPath(env), 'pp').set('other', 'other-secret');
    clearSecrets();
    const missing = thrown(() => resolveSecret('$vault.home', 'the token secret of root@pam!mpc', env));
    expect(missing.message).toContain("refers to $vault.home, which is not in the vault");
    expect(missing.exitCode).toBe(2);
    expect(() => resolveSecret('$vault.', 'x', env)).toThrow(/is not a vault reference/);
    Vault.open(vaultPath(env), 'pp').set('home', SECRET);
    clearSecrets();
    lockVaults();
    expect(redact(`token ${SECRET}`)).toBe(`token ${SECRET}`);
    expect(resolveSecret('$vault.home', 'the token', env)).toBe(SECRET);
    expect(redact(`token ${SECRET}`)).toBe('token ***home***');
    lockVaults();
    expect(() => resolveSecret('$vault.home', 'the token', { ...env, PMC_VAULT_PASSPHRASE: 'bad' })).toThrow(/wrong passphrase/);
  });

  it('a vault unlocked earlier in a long-running process (the console) sees entries set, changed or a vault re-made since', () => {
    const env = { XDG_CONFIG_HOME: dir(), PMC_VAULT_PASSPHRASE: 'pp' };
    const kdf = { kdf: { N: 1024, r: 8, p: 1 } };
    Vault.open(vaultPath(env), 'pp', kdf).set('db', 'first-secret');
    expect(resolveSecret('$vault.db', 'pw', env)).toBe('first-secret');
    // `vault set` in another shell, while the console runs:
    const other = Vault.open(vaultPath(env), 'pp');
    other.set('db', 'second-secret');
    other.set('added', 'added-secret');
    expect(resolveSecret('$vault.db', 'pw', env)).toBe('second-secret');
    expect(resolveSecret('$vault.added', 'pw', env)).toBe('added-secret');
    // The file moved away and a new vault made (another salt, same passphrase):
    rmSync(vaultPath(env));
    Vault.open(vaultPath(env), 'pp', kdf).set('db', 'third-secret');
    expect(resolveSecret('$vault.db', 'pw', env)).toBe('third-secret');
    expect(() => resolveSecret('$vault.added', 'pw', env)).toThrow(/which is not in the vault/);
  });

  it('a profile reference is resolved when connecting (toCredentials), not when the settings are read', () => {
    const base = dir();
    const env = { XDG_CONFIG_HOME: base };
    const config = { profiles: { home: { endpoint: 'https://pve.lan:8006', tokenId: 'root@pam!mpc', tokenSecret: '$vault.home' } } };
    // No vault and no passphrase: reading the settings works (a cache read needs no secret)...
    const settings = resolveConnection(config, env, {});
    expect(settings.auth).toEqual({ kind: 'token', tokenId: 'root@pam!mpc', secret: '$vault.home' });
    // ...connecting says what is missing.
    expect(() => toCredentials(settings.auth, env)).toThrow(/refers to \$vault\.home, but there is no vault/);
    Vault.open(vaultPath(env), 'pp').set('home', SECRET);
    expect(() => toCredentials(settings.auth, { ...env, PMC_VAULT_PASSPHRASE: 'wrong' })).toThrow(/wrong passphrase/);
    expect(toCredentials(settings.auth, { ...env, PMC_VAULT_PASSPHRASE: 'pp' })).toEqual({ tokenId: 'root@pam!mpc', tokenSecret: SECRET });
    // A whole token in the vault, given as --token '$vault.<name>', is resolved at once (its id names who connects).
    Vault.open(vaultPath(env), 'pp').set('full', `root@pam!other=${SECRET}`);
    lockVaults();
    expect(resolveConnection(config, { ...env, PMC_VAULT_PASSPHRASE: 'pp' }, { token: '$vault.full' }).auth).toEqual({ kind: 'token', tokenId: 'root@pam!other', secret: SECRET });
  });
});
