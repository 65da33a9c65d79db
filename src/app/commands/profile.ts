import { toJson } from '../output/serialize.js';
import { configPath, loadConfigFile, saveConfigFile, type ProfileConfig } from '../../workspace/configFile.js';
import { httpsEndpoint, parseApiToken } from '../../workspace/connection.js';
import { normalizeFingerprint } from '../../proxmox/tls.js';
import type { GlobalOptions } from '../cli.js';
import { UserError } from '../userError.js';
import { unlockVault, vaultRefName } from '../../workspace/vault.js';

function load() {
  const loaded = loadConfigFile(configPath());
  for (const w of loaded.warnings) process.stderr.write(`proxmox-mpc: warning: ${w}\n`);
  return loaded;
}

export function runProfileList(opts: GlobalOptions): void {
  const { config, path } = load();
  const rows = Object.entries(config.profiles).map(([name, p]) => ({
    name,
    default: name === config.defaultProfile,
    endpoint: p.endpoint,
    auth: p.tokenId ? `token ${p.tokenId}` : p.username ? `password ${p.username}` : 'none',
    tls: p.fingerprint ? 'pinned' : p.insecure ? 'insecure' : 'verify',
    secret: secretPlace(p.tokenSecret ?? p.password),
  }));
  if (opts.output === 'json') {
    process.stdout.write(toJson(rows));
    return;
  }
  if (rows.length === 0) {
    process.stderr.write(`no profiles in ${path}: add one with proxmox-mpc profile add <name> --endpoint <url> --token <token>\n`);
    return;
  }
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    process.stdout.write(`${r.default ? '*' : ' '} ${r.name.padEnd(width)}  ${r.endpoint}  ${r.auth}  tls:${r.tls}  secret:${r.secret}\n`);
  }
  if (rows.some((r) => r.secret === 'config')) {
    process.stderr.write('note: a secret marked secret:config is in plain text in the config file: proxmox-mpc vault migrate moves it into the vault\n');
  }
}

/** Where a profile's secret lives: `vault` ($vault.<name>), `config` (plain text), `env` (none
 * stored: PROXMOX_VE_* when connecting). */
function secretPlace(secret: string | undefined): 'vault' | 'config' | 'env' {
  if (secret === undefined) return 'env';
  return vaultRefName(secret) !== undefined ? 'vault' : 'config';
}

interface ProfileAddOptions extends GlobalOptions {
  default?: boolean;
  /** commander's --no-vault: keep the secret in the config file. */
  vault?: boolean;
}

/** Moves the profile's token secret or password into the vault (entry named after the profile)
 * when a passphrase is at hand (PMC_VAULT_PASSPHRASE or a terminal), leaving `$vault.<name>` in
 * the config; otherwise the token secret stays in the 0600 config file, with a note. */
function secretsToVault(name: string, profile: ProfileConfig, password: string | undefined, opts: ProfileAddOptions, env: NodeJS.ProcessEnv): void {
  const secret = profile.tokenSecret ?? password;
  if (secret === undefined || vaultRefName(secret) !== undefined) return;
  const field = profile.tokenSecret !== undefined ? 'tokenSecret' : 'password';
  const available = (env.PMC_VAULT_PASSPHRASE !== undefined && env.PMC_VAULT_PASSPHRASE !== '') || process.stdin.isTTY === true;
  if (opts.vault === false || !available) {
    if (field === 'tokenSecret') {
      process.stderr.write(
        opts.vault === false
          ? `note: the token secret is stored in plain text in the config file (--no-vault)\n`
          : `note: the token secret is stored in plain text in the config file: set PMC_VAULT_PASSPHRASE to keep it in the encrypted vault instead\n`,
      );
    }
    return;
  }
  unlockVault(env).set(name, secret);
  profile[field] = `$vault.${name}`;
  process.stderr.write(`the ${field === 'tokenSecret' ? 'token secret' : 'password'} is in the vault as '${name}' (the config file holds $vault.${name})\n`);
}

export function runProfileAdd(name: string, opts: ProfileAddOptions, env: NodeJS.ProcessEnv = process.env): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    throw new UserError(`profile name '${name}' is not valid: use letters, digits, '-', '_' and '.'`);
  }
  if (!opts.endpoint) throw new UserError('give --endpoint https://HOST:8006 for the new profile');
  if (opts.insecure && opts.fingerprint) {
    throw new UserError('--insecure and --fingerprint contradict each other: pin the certificate with --fingerprint (safer) or skip checks with --insecure');
  }
  const profile: ProfileConfig = { endpoint: httpsEndpoint(opts.endpoint) };
  const token = opts.token ?? env.PROXMOX_VE_API_TOKEN;
  if (token) {
    const { tokenId, secret } = parseApiToken(token, opts.token ? '--token' : 'PROXMOX_VE_API_TOKEN');
    profile.tokenId = tokenId;
    profile.tokenSecret = secret;
  } else if (opts.username) {
    profile.username = opts.username;
  } else {
    throw new UserError('give the credentials: PROXMOX_VE_API_TOKEN=USER@REALM!TOKENID=SECRET in the environment (or --token), or --username USER@REALM');
  }
  if (opts.insecure) profile.insecure = true;
  if (opts.fingerprint) {
    try {
      profile.fingerprint = normalizeFingerprint(opts.fingerprint);
    } catch (error) {
      throw new UserError(`--fingerprint: ${(error as Error).message}`);
    }
  }
  const { config, path } = load();
  // Last, once everything else was checked: nothing goes into the vault for a refused profile.
  secretsToVault(name, profile, profile.tokenSecret === undefined ? env.PROXMOX_VE_PASSWORD : undefined, opts, env);
  config.profiles[name] = profile;
  if (opts.default || !config.defaultProfile) config.defaultProfile = name;
  saveConfigFile(path, config);
  process.stderr.write(`profile '${name}' saved to ${path}${config.defaultProfile === name ? ' (default)' : ''}\n`);
}

export function runProfileRemove(name: string, _opts: GlobalOptions): void {
  const { config, path } = load();
  if (!config.profiles[name]) throw new UserError(`no profile named '${name}'`, 4);
  delete config.profiles[name];
  if (config.defaultProfile === name) delete config.defaultProfile;
  saveConfigFile(path, config);
  process.stderr.write(`profile '${name}' removed from ${path}\n`);
}

export function runProfileUse(name: string, _opts: GlobalOptions): void {
  const { config, path } = load();
  if (!config.profiles[name]) throw new UserError(`no profile named '${name}'`, 4);
  config.defaultProfile = name;
  saveConfigFile(path, config);
  process.stderr.write(`default profile is now '${name}'\n`);
}
