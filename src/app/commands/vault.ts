// `proxmox-mpc vault set|get|list|rm`: the encrypted credentials vault (src/workspace/vault.ts).
// A secret never comes from the command line (shell history, `ps`): from an environment
// variable, stdin, or a prompt without echo. It is printed only by `vault get --reveal`.
import { toJson } from '../output/serialize.js';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { GlobalOptions } from '../cli.js';
import { ExitCode, UserError } from '../userError.js';

// The vault module (node:crypto, zod) is loaded when a vault command runs, not at start-up.
const vaultModule = () => import('../../workspace/vault.js');

export interface VaultSetOptions extends GlobalOptions {
  fromEnv?: string;
  stdin?: boolean;
}

export interface VaultGetOptions extends GlobalOptions {
  reveal?: boolean;
}

function wantsJson(opts: GlobalOptions): boolean {
  if (opts.output === 'json') return true;
  if (opts.output === 'text' || opts.output === 'table' || opts.output === undefined) return false;
  throw new UserError(`-o ${opts.output} is not available for vault commands: use -o json or the default text`, ExitCode.usage);
}

/** The secret to store: from --from-env, --stdin or a prompt without echo, never from argv. */
async function readSecret(name: string, opts: VaultSetOptions, env: NodeJS.ProcessEnv): Promise<string> {
  if (opts.fromEnv !== undefined && opts.stdin) throw new UserError('--from-env and --stdin both give the secret: use one of them', ExitCode.usage);
  if (opts.fromEnv !== undefined) {
    const value = env[opts.fromEnv];
    if (value === undefined || value === '') throw new UserError(`--from-env ${opts.fromEnv}: the variable is not set or empty`, ExitCode.usage);
    return value;
  }
  if (opts.stdin) {
    const text = readFileSync(0, 'utf8').replace(/\r?\n$/, '');
    if (text === '') throw new UserError('--stdin: nothing was read from standard input', ExitCode.usage);
    return text;
  }
  if (process.stdin.isTTY !== true) {
    throw new UserError(`give the secret for '${name}' with --from-env VAR or --stdin (there is no terminal to ask it on; never put it on the command line)`, ExitCode.usage);
  }
  const { promptSecret } = await vaultModule();
  const value = promptSecret(`Secret for '${name}' (not shown): `);
  if (value === '') throw new UserError(`no secret was typed for '${name}': nothing was saved`, ExitCode.usage);
  return value;
}

function checkName(name: string, pattern: RegExp): void {
  if (!pattern.test(name)) throw new UserError(`vault entry name '${name}' is not valid: use letters, digits, '-', '_' and '.'`, ExitCode.usage);
}

export async function runVaultSet(name: string, opts: VaultSetOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { VAULT_NAME, unlockVault } = await vaultModule();
  checkName(name, VAULT_NAME);
  const secret = await readSecret(name, opts, env);
  const vault = unlockVault(env);
  const replaced = vault.has(name);
  vault.set(name, secret);
  const info = vault.list().find((e) => e.name === name)!;
  if (wantsJson(opts)) process.stdout.write(toJson({ ...info, path: vault.path, replaced }));
  else process.stderr.write(`vault entry '${name}' ${replaced ? 'replaced' : 'saved'} in ${vault.path}; use it as $vault.${name}\n`);
}

export async function runVaultGet(name: string, opts: VaultGetOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { unlockVault, vaultPath } = await vaultModule();
  const { existsSync } = await import('node:fs');
  const path = vaultPath(env);
  if (!existsSync(path)) throw new UserError(`no vault entry '${name}': there is no vault at ${path} (add one with proxmox-mpc vault set ${name})`, ExitCode.notFound);
  const vault = unlockVault(env);
  // Decrypted even without --reveal: "exists" then also means "the passphrase and the entry are good".
  const secret = vault.get(name);
  if (secret === undefined) throw new UserError(`no vault entry '${name}' in ${vault.path} (proxmox-mpc vault list shows the entries)`, ExitCode.notFound);
  const info = vault.list().find((e) => e.name === name)!;
  if (opts.reveal) {
    // Deliberately not redacted: this is the one place a secret is shown, on request.
    process.stdout.write(wantsJson(opts) ? toJson({ ...info, secret }) : `${secret}\n`);
    return;
  }
  if (wantsJson(opts)) process.stdout.write(toJson({ ...info, exists: true }));
  else process.stdout.write(`vault entry '${name}' exists and decrypts (updated ${info.updatedAt}); --reveal prints the secret\n`);
}

export async function runVaultList(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { listVaultEntries, vaultPath, warnLooseMode } = await vaultModule();
  const path = vaultPath(env);
  warnLooseMode(path);
  const entries = listVaultEntries(path);
  if (wantsJson(opts)) {
    process.stdout.write(toJson(entries));
    return;
  }
  if (entries.length === 0) {
    process.stderr.write(`the vault ${path} has no entries: add one with proxmox-mpc vault set <name> --from-env VAR\n`);
    return;
  }
  const width = Math.max(4, ...entries.map((e) => e.name.length));
  process.stdout.write(`${'NAME'.padEnd(width)}  UPDATED\n`);
  for (const e of entries) process.stdout.write(`${e.name.padEnd(width)}  ${e.updatedAt}\n`);
}

export async function runVaultRemove(name: string, opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { unlockVault, vaultPath } = await vaultModule();
  const { existsSync } = await import('node:fs');
  const path = vaultPath(env);
  if (!existsSync(path)) throw new UserError(`no vault entry '${name}': there is no vault at ${path}`, ExitCode.notFound);
  const vault = unlockVault(env);
  if (!vault.remove(name)) throw new UserError(`no vault entry '${name}' in ${vault.path} (proxmox-mpc vault list shows the entries)`, ExitCode.notFound);
  if (wantsJson(opts)) process.stdout.write(toJson({ name, removed: true, path: vault.path }));
  else process.stderr.write(`vault entry '${name}' removed from ${vault.path}\n`);
}

/** Moves every plain-text token secret and password of the config file's profiles into the
 * vault (entry named after the profile), leaving `$vault.<profile>` in the config. */
export async function runVaultMigrate(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const [{ unlockVault, vaultRefName }, { configPath, loadConfigFile, saveConfigFile }] = await Promise.all([vaultModule(), import('../../workspace/configFile.js')]);
  const loaded = loadConfigFile(configPath(env));
  for (const w of loaded.warnings) process.stderr.write(`proxmox-mpc: warning: ${w}\n`);
  const { config, path } = loaded;
  const plain = Object.entries(config.profiles).filter(([, p]) =>
    [p.tokenSecret, p.password].some((v) => v !== undefined && vaultRefName(v) === undefined),
  );
  const moved: Array<{ profile: string; field: 'tokenSecret' | 'password'; entry: string }> = [];
  if (plain.length > 0) {
    const vault = unlockVault(env);
    for (const [name, profile] of plain) {
      for (const field of ['tokenSecret', 'password'] as const) {
        const value = profile[field];
        if (value === undefined || vaultRefName(value) !== undefined) continue;
        const entry = field === 'tokenSecret' || profile.tokenSecret === undefined ? name : `${name}.password`;
        if (vault.has(entry) && vault.get(entry) !== value) {
          throw new UserError(`vault entry '${entry}' already holds another secret: rename it (vault rm ${entry}) or move profile '${name}' by hand; the config file was not changed`, ExitCode.usage);
        }
        if (!vault.has(entry)) vault.set(entry, value);
        profile[field] = `$vault.${entry}`;
        moved.push({ profile: name, field, entry });
      }
    }
    saveConfigFile(path, config);
  }
  if (wantsJson(opts)) {
    process.stdout.write(toJson({ config: path, moved }));
    return;
  }
  if (moved.length === 0) process.stderr.write(`no plain-text secrets in ${path}: nothing to move\n`);
  for (const m of moved) process.stderr.write(`profile '${m.profile}': ${m.field} moved to the vault as '${m.entry}'\n`);
}

export function registerVaultCommands(program: Command): void {
  const vault = program
    .command('vault')
    .description('the encrypted credentials vault: secrets referenced as $vault.<name> in the config file and in --token')
    .addHelpText(
      'after',
      `
The vault is $XDG_CONFIG_HOME/proxmox-mpc/vault.json (PMC_VAULT overrides), mode 0600: each secret
sealed with AES-256-GCM under a key derived from a passphrase with scrypt. The passphrase comes from
PMC_VAULT_PASSPHRASE or, on a terminal, a prompt without echo. Names and times are not encrypted.

A reference $vault.<name> works as a profile's tokenSecret or password in config.yml, in
--token 'USER@REALM!TOKENID=$vault.<name>' (or --token '$vault.<name>' when the entry holds the
whole token) and in PROXMOX_VE_API_TOKEN / PROXMOX_VE_PASSWORD; it is resolved when connecting.

Exit codes: 0 ok, 2 wrong passphrase, no passphrase, damaged entry or bad input, 4 no such entry.

Examples:
  read -rs S && S="$S" proxmox-mpc vault set home --from-env S
  pass show pve/home | proxmox-mpc vault set home --stdin
  proxmox-mpc vault list
  proxmox-mpc vault migrate                  move plain-text secrets out of config.yml
  proxmox-mpc --token 'root@pam!mpc=$vault.home' ping`,
    );
  vault
    .command('set <name>')
    .description('store a secret (from --from-env VAR, --stdin, or a prompt without echo; never from the command line)')
    .option('--from-env <var>', 'read the secret from this environment variable')
    .option('--stdin', 'read the secret from standard input (one trailing newline dropped)')
    .action(async (name: string, opts: { fromEnv?: string; stdin?: boolean }, cmd: Command) => {
      return runVaultSet(name, { ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
    });
  vault
    .command('get <name>')
    .description('check that an entry exists and decrypts; --reveal prints the secret itself')
    .option('--reveal', 'print the secret on stdout')
    .action(async (name: string, opts: { reveal?: boolean }, cmd: Command) => {
      return runVaultGet(name, { ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
    });
  vault
    .command('list')
    .description('names and times of the entries (never the secrets; no passphrase needed)')
    .action(async (_opts, cmd: Command) => runVaultList(cmd.optsWithGlobals<GlobalOptions>()));
  vault
    .command('migrate')
    .description("move the config file's plain-text token secrets and passwords into the vault ($vault.<profile> left in their place)")
    .action(async (_opts, cmd: Command) => runVaultMigrate(cmd.optsWithGlobals<GlobalOptions>()));
  vault
    .command('rm <name>')
    .alias('remove')
    .description('remove an entry')
    .action(async (name: string, _opts, cmd: Command) => runVaultRemove(name, cmd.optsWithGlobals<GlobalOptions>()));
}
