// The credentials vault as a user runs it: the built CLI against the simulator, secrets kept in
// the encrypted vault and referenced as $vault.<name>; afterwards the token secret and the
// password are in no file under the temporary HOME (config, cache, state) but the vault, and in
// no output.
import { chmodSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isolatedEnv, type CliResult } from './support/cli.js';
import { useSimulatorCli } from './support/simCli.js';
import { spawnTty, ttyEnv, type TtySession } from './support/tty.js';

const cli = useSimulatorCli('vault-cli');
const PASSPHRASE = 'a long vault passphrase for the test';
const homes: string[] = [];
/** Every output of every run, to scan for secrets at the end. */
const outputs: string[] = [];

const sessions: TtySession[] = [];
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.dispose()));
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

function freshEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = isolatedEnv({ XDG_STATE_HOME: '', COLUMNS: '200', ...extra });
  env.XDG_STATE_HOME = join(env.HOME!, '.local', 'state');
  homes.push(env.HOME!);
  return env;
}

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const r = await cli.run(args, env);
  outputs.push(r.stdout, r.stderr);
  return r;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** Files under `home` holding `secret` as bytes (UTF-8 or base64 of it). */
function filesHolding(home: string, secret: string): string[] {
  return filesUnder(home).filter((f) => {
    const bytes = readFileSync(f);
    return bytes.includes(Buffer.from(secret)) || bytes.includes(Buffer.from(Buffer.from(secret).toString('base64')));
  });
}

function vaultFile(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME!, 'proxmox-mpc', 'vault.json');
}

function configFile(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME!, 'proxmox-mpc', 'config.yml');
}

describe('vault (CLI)', () => {
  it('set from the environment, profile add puts the token in the vault, ping and get --refresh resolve $vault.', async () => {
    const secret = cli.sim.root.tokenSecret;
    const env = freshEnv({ PMC_VAULT_PASSPHRASE: PASSPHRASE });

    const set = await run(['vault', 'set', 'spare', '--from-env', 'SPARE'], { ...env, SPARE: 'spare-secret-value' });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stderr).toContain("vault entry 'spare' saved in");
    expect(statSync(vaultFile(env)).mode & 0o777).toBe(0o600);

    const add = await run(['profile', 'add', 'sim', '--endpoint', cli.sim.url, '--fingerprint', cli.sim.fingerprint], {
      ...env,
      PROXMOX_VE_API_TOKEN: `${cli.sim.root.tokenId}=${secret}`,
    });
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toContain("the token secret is in the vault as 'sim'");
    const config = readFileSync(configFile(env), 'utf8');
    expect(config).not.toContain(secret);
    expect(config).toContain('tokenSecret: $vault.sim');
    expect(statSync(configFile(env)).mode & 0o777).toBe(0o600);

    const list = await run(['vault', 'list', '-o', 'json'], env);
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ name: string }>).map((e) => e.name)).toEqual(['sim', 'spare']);

    const ping = await run(['ping'], env);
    expect(ping.code, ping.stderr).toBe(0);
    expect(ping.stdout).toContain(`as ${cli.sim.root.tokenId} (token)`);

    const get = await run(['get', 'vms', '--refresh', '-o', 'json'], env);
    expect(get.code, get.stderr).toBe(0);
    expect((JSON.parse(get.stdout) as unknown[]).length).toBeGreaterThan(0);

    // Reading the cache needs no passphrase: the reference is resolved only when connecting.
    const { PMC_VAULT_PASSPHRASE: _, ...locked } = env;
    const cached = await run(['get', 'vms', '-o', 'json'], locked);
    expect(cached.code, cached.stderr).toBe(0);
    const refresh = await run(['get', 'vms', '--refresh'], locked);
    expect(refresh.code).toBe(2);
    expect(refresh.stderr.trim()).toMatch(/^proxmox-mpc: the vault .*vault\.json needs its passphrase: set PMC_VAULT_PASSPHRASE \(there is no terminal to ask it on\)$/);

    const hidden = await run(['vault', 'get', 'sim'], env);
    expect(hidden.code).toBe(0);
    expect(hidden.stdout).toContain("vault entry 'sim' exists and decrypts");
    expect(hidden.stdout).not.toContain(secret);

    // The secret is in the vault file only, sealed; nowhere else under HOME (config, cache, state).
    expect(filesHolding(env.HOME!, secret)).toEqual([]);
    expect(filesUnder(env.HOME!)).toContain(vaultFile(env));
    for (const output of outputs) expect(output).not.toContain(secret);

    // --reveal is the one way to see it again.
    const reveal = await cli.run(['vault', 'get', 'sim', '--reveal'], env);
    expect(reveal.code).toBe(0);
    expect(reveal.stdout).toBe(`${secret}\n`);
  });

  it('--token and PROXMOX_VE_PASSWORD take references, whole tokens too', async () => {
    const env = freshEnv({ PMC_VAULT_PASSPHRASE: PASSPHRASE, PROXMOX_VE_ENDPOINT: cli.sim.url, PMC_FINGERPRINT: cli.sim.fingerprint });
    const secrets = { SECRET: cli.sim.root.tokenSecret, TOKEN: `${cli.sim.root.tokenId}=${cli.sim.root.tokenSecret}`, PW: cli.sim.root.password };
    for (const [name, from] of [['home', 'SECRET'], ['full', 'TOKEN'], ['pw', 'PW']] as const) {
      const r = await run(['vault', 'set', name, '--from-env', from], { ...env, ...secrets });
      expect(r.code, r.stderr).toBe(0);
    }
    const bySecret = await run(['ping', '--token', `${cli.sim.root.tokenId}=$vault.home`], env);
    expect(bySecret.code, bySecret.stderr).toBe(0);
    const byToken = await run(['ping', '--token', '$vault.full', '-o', 'json'], env);
    expect(byToken.code, byToken.stderr).toBe(0);
    expect(JSON.parse(byToken.stdout)).toMatchObject({ principal: cli.sim.root.tokenId, healthy: true });
    const byPassword = await run(['ping'], { ...env, PROXMOX_VE_USERNAME: cli.sim.root.username, PROXMOX_VE_PASSWORD: '$vault.pw' });
    expect(byPassword.code, byPassword.stderr).toBe(0);
    expect(byPassword.stdout).toContain(`as ${cli.sim.root.username} (ticket)`);

    // A --username profile's password goes to the vault as well.
    const { PROXMOX_VE_ENDPOINT: _e, ...noEndpoint } = env;
    const addPw = await run(['profile', 'add', 'pwlogin', '--username', cli.sim.root.username, '--endpoint', cli.sim.url], { ...noEndpoint, PROXMOX_VE_PASSWORD: cli.sim.root.password });
    expect(addPw.code, addPw.stderr).toBe(0);
    expect(readFileSync(configFile(env), 'utf8')).toContain('password: $vault.pwlogin');
    const byProfilePassword = await run(['ping', '--profile', 'pwlogin'], noEndpoint);
    expect(byProfilePassword.code, byProfilePassword.stderr).toBe(0);
    expect(byProfilePassword.stdout).toContain(`as ${cli.sim.root.username} (ticket)`);

    const notWhole = await run(['ping', '--token', '$vault.home'], env);
    expect(notWhole.code).toBe(2);
    expect(notWhole.stderr.trim()).toBe("proxmox-mpc: --token: vault entry 'home' holds a secret, not a whole API token: pass 'USER@REALM!TOKENID=$vault.home' instead");

    for (const secret of Object.values(secrets)) {
      expect(filesHolding(env.HOME!, secret)).toEqual([]);
      for (const output of outputs) expect(output).not.toContain(secret);
    }
  });

  it('without a passphrase, or with --no-vault, profile add keeps the token secret in the 0600 config and says so', async () => {
    const secret = cli.sim.root.tokenSecret;
    const token = `${cli.sim.root.tokenId}=${secret}`;
    const plain = freshEnv();
    const add = await cli.run(['profile', 'add', 'sim', '--endpoint', cli.sim.url, '--fingerprint', cli.sim.fingerprint], { ...plain, PROXMOX_VE_API_TOKEN: token });
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toContain('note: the token secret is stored in plain text in the config file: set PMC_VAULT_PASSPHRASE');
    // The scan that proves the other tests' point does find a plaintext secret.
    expect(filesHolding(plain.HOME!, secret)).toEqual([configFile(plain)]);
    expect(statSync(configFile(plain)).mode & 0o777).toBe(0o600);

    const listed = await cli.run(['profile', 'list'], plain);
    expect(listed.stdout).toMatch(/\* sim .* tls:pinned  secret:config/);
    expect(listed.stderr).toContain('proxmox-mpc vault migrate moves it into the vault');
    // vault migrate moves it out of the config file; ping still works.
    const migrated = await run(['vault', 'migrate'], { ...plain, PMC_VAULT_PASSPHRASE: PASSPHRASE });
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stderr).toContain("profile 'sim': tokenSecret moved to the vault as 'sim'");
    expect(readFileSync(configFile(plain), 'utf8')).toContain('tokenSecret: $vault.sim');
    expect(filesHolding(plain.HOME!, secret)).toEqual([]);
    expect((await run(['ping'], { ...plain, PMC_VAULT_PASSPHRASE: PASSPHRASE })).code).toBe(0);
    expect((await run(['profile', 'list'], plain)).stdout).toMatch(/secret:vault/);
    const again = await run(['vault', 'migrate', '-o', 'json'], { ...plain, PMC_VAULT_PASSPHRASE: PASSPHRASE });
    expect(JSON.parse(again.stdout)).toMatchObject({ moved: [] });

    const optedOut = freshEnv({ PMC_VAULT_PASSPHRASE: PASSPHRASE });
    const noVault = await cli.run(['profile', 'add', 'sim', '--no-vault', '--endpoint', cli.sim.url], { ...optedOut, PROXMOX_VE_API_TOKEN: token });
    expect(noVault.code, noVault.stderr).toBe(0);
    expect(noVault.stderr).toContain('(--no-vault)');
    expect(filesHolding(optedOut.HOME!, secret)).toEqual([configFile(optedOut)]);
  });

  it('a missing entry, a wrong passphrase and loose file modes: one line each', async () => {
    const env = freshEnv({ PMC_VAULT_PASSPHRASE: PASSPHRASE, PROXMOX_VE_ENDPOINT: cli.sim.url, PMC_FINGERPRINT: cli.sim.fingerprint });
    const noVault = await run(['vault', 'get', 'home'], env);
    expect(noVault.code).toBe(4);
    expect(noVault.stderr.trim()).toBe(`proxmox-mpc: no vault entry 'home': there is no vault at ${vaultFile(env)} (add one with proxmox-mpc vault set home)`);
    expect((await run(['vault', 'set', 'home', '--from-env', 'S'], { ...env, S: cli.sim.root.tokenSecret })).code).toBe(0);

    const missing = await run(['ping', '--token', `${cli.sim.root.tokenId}=$vault.gone`], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toMatch(
      /^proxmox-mpc: the token secret of root@pam!mpc refers to \$vault\.gone, which is not in the vault .*vault\.json: add it with proxmox-mpc vault set gone \(proxmox-mpc vault list shows the entries\)$/,
    );

    const wrong = await run(['ping', '--token', `${cli.sim.root.tokenId}=$vault.home`], { ...env, PMC_VAULT_PASSPHRASE: 'not it' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.trim()).toBe(`proxmox-mpc: wrong passphrase for the vault ${vaultFile(env)} (or its file is damaged): check PMC_VAULT_PASSPHRASE`);

    const noSecretOnArgv = await run(['vault', 'set', 'x'], env);
    expect(noSecretOnArgv.code).toBe(2);
    expect(noSecretOnArgv.stderr).toContain('--from-env VAR or --stdin');

    const rm = await run(['vault', 'rm', 'nope'], env);
    expect(rm.code).toBe(4);

    chmodSync(vaultFile(env), 0o644);
    const loose = await run(['ping', '--token', `${cli.sim.root.tokenId}=$vault.home`], env);
    expect(loose.code, loose.stderr).toBe(0);
    expect(loose.stderr).toContain(`proxmox-mpc: warning: ${vaultFile(env)} is readable by others (mode 644): run chmod 600 ${vaultFile(env)}`);
    for (const output of outputs) expect(output).not.toContain(cli.sim.root.tokenSecret);
  });

  it('on a terminal: the secret and the passphrase are asked without echo, the new passphrase twice', async () => {
    const secret = cli.sim.root.tokenSecret;
    const passphrase = 'typed-passphrase-42';
    const env = freshEnv({ PROXMOX_VE_ENDPOINT: cli.sim.url, PMC_FINGERPRINT: cli.sim.fingerprint });
    const set = spawnTty([cli.cliPath, 'vault', 'set', 'home'], { env: ttyEnv(env) });
    sessions.push(set);
    await set.waitForText("Secret for 'home' (not shown):");
    set.write(`${secret}Zé\x7f\x7f\r`); // two backspaces take back 'é' (two bytes) and 'Z'
    await set.waitForText('New vault passphrase');
    set.write(`${passphrase}\r`);
    await set.waitForText('Repeat the passphrase:');
    set.write(`${passphrase}\r`);
    expect((await set.exited).exitCode).toBe(0);
    await set.settled();
    expect(set.text()).toContain("vault entry 'home' saved in");
    expect(set.rawOutput()).not.toContain(secret);
    expect(set.rawOutput()).not.toContain(passphrase);

    const ping = spawnTty([cli.cliPath, 'ping', '--token', `${cli.sim.root.tokenId}=$vault.home`], { env: ttyEnv(env) });
    sessions.push(ping);
    await ping.waitForText('Vault passphrase (');
    ping.write(`${passphrase}\r`);
    expect((await ping.exited).exitCode).toBe(0);
    await ping.settled();
    expect(ping.text()).toContain(`as ${cli.sim.root.tokenId} (token)`);
    expect(ping.rawOutput()).not.toContain(passphrase);
    expect(ping.rawOutput()).not.toContain(secret);
    expect(filesHolding(env.HOME!, secret)).toEqual([]);
    const reveal = await cli.run(['vault', 'get', 'home', '--reveal'], { ...env, PMC_VAULT_PASSPHRASE: passphrase });
    expect(reveal.stdout).toBe(`${secret}\n`);

    // Ctrl-C at the prompt: nothing saved, exit 1.
    const cancelled = spawnTty([cli.cliPath, 'vault', 'set', 'other'], { env: ttyEnv(env) });
    sessions.push(cancelled);
    await cancelled.waitForText("Secret for 'other'");
    cancelled.write('abc\x03');
    expect((await cancelled.exited).exitCode).toBe(1);
    await cancelled.settled();
    expect(cancelled.text()).toContain('proxmox-mpc: cancelled: nothing was saved');
    const list = await cli.run(['vault', 'list', '-o', 'json'], env);
    expect((JSON.parse(list.stdout) as Array<{ name: string }>).map((e) => e.name)).toEqual(['home']);
  });
});
