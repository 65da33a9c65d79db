// Two processes changing the vault at the same moment, the first of them creating it: no entry
// is lost, and the file has one salt that opens every entry.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets } from '../util/redact.js';
import { lockVaults, Vault } from './vault.js';

const KDF = { N: 1024, r: 8, p: 1 };
const dirs: string[] = [];
const dir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'pmc-vault-race-'));
  dirs.push(d);
  return d;
};

afterEach(() => {
  lockVaults();
  clearSecrets();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('vault creation by two at once', () => {
  it('in one process: the second new vault adopts the first one written (same passphrase), both entries kept', () => {
    const path = join(dir(), 'sub', 'vault.json');
    const a = Vault.open(path, 'pp', { kdf: KDF });
    const b = Vault.open(path, 'pp', { kdf: KDF });
    a.set('from-a', 'secret-of-a');
    b.set('from-b', 'secret-of-b');
    const after = Vault.open(path, 'pp');
    expect(after.list().map((e) => e.name)).toEqual(['from-a', 'from-b']);
    expect(after.get('from-a')).toBe('secret-of-a');
    expect(after.get('from-b')).toBe('secret-of-b');
    // b goes on with the adopted key
    b.set('from-b-again', 'another-secret');
    expect(Vault.open(path, 'pp').get('from-b-again')).toBe('another-secret');
    expect(readdirSync(join(path, '..')).sort()).toEqual(['vault.json']); // no temp or lock file left
  });

  it('in one process: a new vault with another passphrase refuses to overwrite the one created meanwhile', () => {
    const path = join(dir(), 'vault.json');
    const a = Vault.open(path, 'pp', { kdf: KDF });
    const b = Vault.open(path, 'not-pp', { kdf: KDF });
    a.set('from-a', 'secret-of-a');
    expect(() => b.set('from-b', 'secret-of-b')).toThrow(/created by another process with another passphrase: nothing was saved/);
    expect(Vault.open(path, 'pp').list().map((e) => e.name)).toEqual(['from-a']);
  });

  it('a lock left by a process that died does not block the vault', () => {
    const path = join(dir(), 'vault.json');
    const vault = Vault.open(path, 'pp', { kdf: KDF });
    writeFileSync(`${path}.lock`, '2147483646\n'); // a pid that cannot exist
    vault.set('one', 'secret-one');
    expect(existsSync(`${path}.lock`)).toBe(false);
    expect(Vault.open(path, 'pp').get('one')).toBe('secret-one');
  });

  it('two processes racing to create it with different entries: both entries survive and decrypt', async () => {
    const vaultModule = pathToFileURL(join(import.meta.dirname, 'vault.ts')).href;
    const work = dir();
    const script = join(work, 'racer.mts');
    writeFileSync(
      script,
      `import { existsSync, writeFileSync } from 'node:fs';
import { Vault } from ${JSON.stringify(vaultModule)};
const [path, name, value, go] = process.argv.slice(2);
const vault = Vault.open(path, 'race-pass', { kdf: ${JSON.stringify(KDF)} });
writeFileSync(path + '.ready-' + name, '');
const nap = new Int32Array(new SharedArrayBuffer(4));
while (!existsSync(go)) Atomics.wait(nap, 0, 0, 1);
vault.set(name, value);
`,
    );
    const rounds = [join(work, 'r1', 'vault.json'), join(work, 'r2', 'vault.json')];
    for (const path of rounds) mkdirSync(join(path, '..'));
    const go = join(work, 'go');
    const children = rounds.flatMap((path) =>
      ['alpha', 'beta'].map((name) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, path, name, `${name}-secret-value`, go], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
        return { path, name, done };
      }),
    );
    // Every racer has opened the (missing) vault, each with its own fresh salt, before any writes.
    const deadline = Date.now() + 20_000;
    while (!children.every((c) => existsSync(`${c.path}.ready-${c.name}`))) {
      if (Date.now() > deadline) throw new Error(`the racers did not start: ${JSON.stringify(await Promise.race([Promise.all(children.map((c) => c.done)), Promise.resolve('still running')]))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    writeFileSync(go, '');
    const results = await Promise.all(children.map((c) => c.done));
    expect(results).toEqual(results.map(() => ({ code: 0, stderr: '' })));
    for (const path of rounds) {
      const vault = Vault.open(path, 'race-pass');
      expect(vault.list().map((e) => e.name)).toEqual(['alpha', 'beta']);
      expect(vault.get('alpha')).toBe('alpha-secret-value');
      expect(vault.get('beta')).toBe('beta-secret-value');
    }
  }, 30_000);
});
