import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../app/userError.js';
import { clearSecrets, redact } from '../../util/redact.js';
import { lockVaults, Vault, vaultPath } from '../vault.js';
import { runAnsiblePlaybook } from './ansible.js';
import { cliResolver, consoleResolver, prepareExtraVars } from './vaultExtraVars.js';

const FAST = { N: 1024, r: 8, p: 1 };
const PASSPHRASE = 'a passphrase for the test';
const SECRET = 'S3cr3t value with spaces, $HOME & ;';
const dirs: string[] = [];
const temp = (prefix: string): string => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

/** An environment with a vault holding db-password (and the passphrase, unless `locked`). */
function vaultEnv(locked = false): NodeJS.ProcessEnv {
  const home = temp('pmc-extra-vars-');
  const env: NodeJS.ProcessEnv = { XDG_CONFIG_HOME: home, XDG_RUNTIME_DIR: temp('pmc-runtime-') };
  Vault.open(vaultPath(env), PASSPHRASE, { kdf: FAST }).set('db-password', SECRET);
  lockVaults();
  clearSecrets();
  if (!locked) env.PMC_VAULT_PASSPHRASE = PASSPHRASE;
  return env;
}

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected a UserError');
}

afterEach(() => {
  lockVaults();
  clearSecrets();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('prepareExtraVars', () => {
  it('passes plain k=v as -e, as before, writing nothing', () => {
    const vars = prepareExtraVars(['target=web-01', 'n=2'], () => {
      throw new Error('not called');
    });
    expect(vars.args).toEqual(['-e', 'target=web-01', '-e', 'n=2']);
    expect(vars.files).toEqual([]);
  });

  it('puts a vault value in a 0600 file of a 0700 directory, never in the arguments, and removes it', () => {
    const env = vaultEnv();
    const vars = prepareExtraVars(['target=web-01', 'pw=$vault.db-password', 'n=2'], cliResolver(env), { env });
    expect(vars.files).toHaveLength(1);
    const file = vars.files[0]!;
    expect(vars.args).toEqual(['-e', 'target=web-01', '-e', `@${file}`, '-e', 'n=2']);
    expect(vars.args.join(' ')).not.toContain(SECRET);
    expect(file.startsWith(env.XDG_RUNTIME_DIR!)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ pw: SECRET });
    // Resolving taught the redactor the value, under the entry's name.
    expect(redact(`password is ${SECRET}.`)).toBe('password is ***db-password***.');
    vars.cleanup();
    expect(existsSync(file)).toBe(false);
    expect(existsSync(join(file, '..'))).toBe(false);
    vars.cleanup(); // twice is fine
  });

  it("writes into the caller's directory when given one, removing only its files", () => {
    const env = vaultEnv();
    const dir = temp('pmc-run-');
    const vars = prepareExtraVars(['a=$vault.db-password', 'b=$vault.db-password'], cliResolver(env), { dir });
    expect(vars.files.map((f) => f.slice(dir.length))).toEqual(['/vars-1.json', '/vars-2.json']);
    vars.cleanup();
    expect(vars.files.some((f) => existsSync(f))).toBe(false);
    expect(existsSync(dir)).toBe(true);
  });

  it('writes nothing when one reference cannot be resolved', () => {
    const env = vaultEnv();
    const dir = temp('pmc-run-');
    expect(message(() => prepareExtraVars(['a=$vault.db-password', 'b=$vault.nope'], cliResolver(env), { dir }))).toContain("-e b refers to $vault.nope, which is not in the vault");
    expect(existsSync(join(dir, 'vars-1.json'))).toBe(false);
  });
});

describe('a process stopped by a signal while the files exist', () => {
  it('removes them before it ends, by the same signal (SIGTERM, SIGHUP: no exit handler runs then)', async () => {
    const moduleUrl = pathToFileURL(join(import.meta.dirname, 'vaultExtraVars.ts')).href;
    const work = temp('pmc-extra-vars-sig-');
    const script = join(work, 'hold.mts');
    writeFileSync(
      script,
      `import { prepareExtraVars } from ${JSON.stringify(moduleUrl)};
const vars = prepareExtraVars(['pw=$vault.x'], () => 'the-secret-value', { env: { XDG_RUNTIME_DIR: ${JSON.stringify(work)} } });
process.stdout.write(vars.files[0] + '\\n');
setInterval(() => {}, 1000);
`,
    );
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      const file = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.trim());
        });
        child.on('close', () => reject(new Error(`the child ended first: ${out}`)));
      });
      expect(readFileSync(file, 'utf8')).toContain('the-secret-value');
      const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, sig) => resolve(sig)));
      child.kill(signal);
      expect(await ended).toBe(signal);
      expect(existsSync(file)).toBe(false);
      expect(existsSync(join(file, '..'))).toBe(false);
    }
  }, 30_000);
});

describe('consoleResolver', () => {
  it('says the vault is locked when the console has no PMC_VAULT_PASSPHRASE, and how to fix it', () => {
    const env = vaultEnv(true);
    expect(message(() => prepareExtraVars(['pw=$vault.db-password'], consoleResolver(env), { env }))).toBe(
      '-e pw refers to $vault.db-password, but the vault is locked: the console cannot ask for its passphrase; quit, export PMC_VAULT_PASSPHRASE=... and start the console again (or run the command in a shell, which asks)',
    );
  });

  it('says when the passphrase is wrong, the name unknown, the vault missing or the reference malformed', () => {
    const env = vaultEnv();
    expect(message(() => consoleResolver({ ...env, PMC_VAULT_PASSPHRASE: 'not it' })('$vault.db-password', '-e pw'))).toMatch(/^wrong passphrase for the vault .*: check PMC_VAULT_PASSPHRASE$/);
    expect(message(() => consoleResolver(env)('$vault.other', '-e pw'))).toMatch(/not in the vault .*: add it with proxmox-mpc vault set other/);
    const empty = { XDG_CONFIG_HOME: temp('pmc-extra-vars-') };
    expect(message(() => consoleResolver(empty)('$vault.x', '-e pw'))).toMatch(/but there is no vault at .*: add the secret with proxmox-mpc vault set x/);
    expect(message(() => consoleResolver(env)('$vault.bad!name', '-e pw'))).toContain("is not a vault reference");
    expect(consoleResolver(env)('$vault.db-password', '-e pw')).toBe(SECRET);
  });
});

describe('an ansible-playbook run with a vault variable', () => {
  it('gets the value from the file; what it prints of it is masked on the way out and in the log', async () => {
    const env = vaultEnv();
    const ws = temp('pmc-extra-vars-ws-');
    // A stand-in for ansible-playbook: prints its arguments, then the variable from the @file.
    const fake = join(ws, 'fake-ansible-playbook');
    writeFileSync(fake, `#!/bin/sh\necho "argv: $*"\nfor a in "$@"; do case "$a" in @*) cat "\${a#@}";; esac; done\n`);
    chmodSync(fake, 0o755);
    const vars = prepareExtraVars(['pw=$vault.db-password'], cliResolver(env), { env });
    const seen: string[] = [];
    const run = runAnsiblePlaybook({ dir: ws, playbook: join(ws, 'site.yml'), extraArgs: vars.args, logsDir: join(ws, 'logs'), executable: fake, onLine: (l) => seen.push(redact(l.text)) });
    const r = await run.done;
    vars.cleanup();
    expect(r.code).toBe(0);
    expect(seen[0]).toBe(`argv: -e @${vars.files[0]} ${join(ws, 'site.yml')}`);
    expect(seen[1]).toBe('{"pw":"***db-password***"}');
    const log = readFileSync(r.logPath!, 'utf8');
    expect(log).toContain('***db-password***');
    expect(log).not.toContain(SECRET);
    expect(existsSync(vars.files[0]!)).toBe(false);
  });
});
