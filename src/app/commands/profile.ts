import { configPath, loadConfigFile, saveConfigFile, type ProfileConfig } from '../../workspace/configFile.js';
import { httpsEndpoint, parseApiToken } from '../../workspace/connection.js';
import { normalizeFingerprint } from '../../proxmox/tls.js';
import type { GlobalOptions } from '../cli.js';
import { UserError } from '../userError.js';

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
  }));
  if (opts.output === 'json') {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stderr.write(`no profiles in ${path}: add one with proxmox-mpc profile add <name> --endpoint <url> --token <token>\n`);
    return;
  }
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    process.stdout.write(`${r.default ? '*' : ' '} ${r.name.padEnd(width)}  ${r.endpoint}  ${r.auth}  tls:${r.tls}\n`);
  }
}

interface ProfileAddOptions extends GlobalOptions {
  default?: boolean;
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
