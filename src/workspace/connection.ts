// Resolves how to reach a cluster: a profile from the config file, overridden by the
// environment variables the bpg/proxmox Terraform provider reads, overridden by flags.
import { UserError } from '../app/userError.js';
import { parseApiToken as splitApiToken } from '../proxmox/auth.js';
import { endpointBase } from '../proxmox/endpoint.js';
import type { ConfigFile, ProfileConfig } from './configFile.js';
import { resolveSecret, vaultRefName } from './vault.js';

export type ConnectionAuth =
  | { kind: 'token'; tokenId: string; secret: string }
  | { kind: 'password'; username: string; password: string };

export interface ConnectionSettings {
  /** The profile's name, or `env` when everything came from the environment and flags. */
  profile: string;
  endpoint: string;
  auth: ConnectionAuth;
  insecure: boolean;
  fingerprint?: string;
  timeoutMs?: number;
}

export interface ConnectionFlags {
  profile?: string;
  endpoint?: string;
  /** `USER@REALM!TOKENID=SECRET`, as PROXMOX_VE_API_TOKEN. */
  token?: string;
  username?: string;
  insecure?: boolean;
  fingerprint?: string;
  timeoutMs?: number;
}

/** Splits `user@realm!tokenid=secret`, naming where a malformed one came from. */
export function parseApiToken(value: string, source: string): { tokenId: string; secret: string } {
  try {
    const { tokenId, tokenSecret } = splitApiToken(value);
    return { tokenId, secret: tokenSecret };
  } catch {
    throw new UserError(`${source} is not an API token: expected USER@REALM!TOKENID=SECRET (e.g. root@pam!mpc=xxxxxxxx-...)`);
  }
}

function envBool(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new UserError(`${name}='${value}' is not a boolean: use true or false`);
}

export function resolveConnection(config: ConfigFile, env: NodeJS.ProcessEnv, flags: ConnectionFlags): ConnectionSettings {
  const endpointOverride = flags.endpoint ?? env.PROXMOX_VE_ENDPOINT;
  const selected = selectProfile(config, env, flags, endpointOverride);
  const profile = selected?.profile;

  const endpointRaw = endpointOverride ?? profile?.endpoint;
  if (!endpointRaw) {
    throw new UserError(
      'no Proxmox VE endpoint configured: set PROXMOX_VE_ENDPOINT and PROXMOX_VE_API_TOKEN, pass --endpoint and --token, or add a profile (proxmox-mpc profile add --help); try `proxmox-mpc demo` for the built-in demo cluster',
    );
  }
  const endpoint = httpsEndpoint(endpointRaw);

  const auth = resolveAuth(profile, env, flags);
  const insecure = flags.insecure ?? envBool(env.PROXMOX_VE_INSECURE, 'PROXMOX_VE_INSECURE') ?? profile?.insecure ?? false;
  const fingerprint = flags.fingerprint ?? env.PMC_FINGERPRINT ?? profile?.fingerprint;
  const settings: ConnectionSettings = { profile: selected?.name ?? envProfileName(endpoint), endpoint, auth, insecure };
  if (fingerprint) settings.fingerprint = fingerprint;
  const timeoutMs = flags.timeoutMs ?? profile?.timeoutMs;
  if (timeoutMs !== undefined) settings.timeoutMs = timeoutMs;
  return settings;
}

/** Settings from the environment and flags alone belong to a profile named after the
 * endpoint (`env-pve.lan-8006`), so that pointing PROXMOX_VE_ENDPOINT at another cluster
 * never reads or writes the first cluster's cache. */
export function envProfileName(endpoint: string): string {
  const url = new URL(endpointBase(endpoint));
  return `env-${url.hostname}-${url.port || '443'}`.replace(/[^A-Za-z0-9.-]+/g, '_');
}

export function isEnvProfileName(name: string): boolean {
  return name.startsWith('env-');
}

/** The normalised endpoint; PVE serves its API over https only, and anything else would send
 * credentials in clear text. */
export function httpsEndpoint(raw: string): string {
  const base = endpointBase(raw);
  if (!base.startsWith('https://')) {
    throw new UserError(`endpoint '${raw}' is not https: Proxmox VE serves its API over https only (port 8006), and credentials must not travel in clear text`);
  }
  return base;
}

function sameEndpoint(a: string, b: string): boolean {
  return endpointBase(a) === endpointBase(b);
}

/** A profile is used as a unit: its credentials and TLS settings only ever go to its own
 * endpoint. An endpoint given by flag or environment selects the profile for that endpoint,
 * if there is one, and none otherwise. */
function selectProfile(
  config: ConfigFile,
  env: NodeJS.ProcessEnv,
  flags: ConnectionFlags,
  endpointOverride: string | undefined,
): { name: string; profile: ProfileConfig } | undefined {
  const names = Object.keys(config.profiles);
  const known = () => (names.length ? `known profiles: ${names.join(', ')}` : 'no profiles are configured yet');
  const explicit = flags.profile ?? env.PMC_PROFILE;
  if (explicit !== undefined) {
    const profile = config.profiles[explicit];
    if (!profile) throw new UserError(`no profile named '${explicit}' (${known()})`);
    if (endpointOverride !== undefined && !sameEndpoint(endpointOverride, profile.endpoint)) {
      throw new UserError(
        `profile '${explicit}' is for ${endpointBase(profile.endpoint)}, not ${endpointBase(endpointOverride)}: a profile's credentials only go to its own endpoint; drop --profile or the other endpoint`,
      );
    }
    return { name: explicit, profile };
  }
  if (endpointOverride !== undefined) {
    const candidates = config.defaultProfile ? [config.defaultProfile, ...names] : names;
    const name = candidates.find((n) => config.profiles[n] && sameEndpoint(config.profiles[n].endpoint, endpointOverride));
    return name ? { name, profile: config.profiles[name]! } : undefined;
  }
  const implicit = config.defaultProfile ?? (names.length === 1 ? names[0] : undefined);
  if (implicit === undefined) return undefined;
  const profile = config.profiles[implicit];
  if (!profile) throw new UserError(`the default profile '${implicit}' does not exist (${known()}): choose one with proxmox-mpc profile use <name>`);
  return { name: implicit, profile };
}

/** A whole API token given as `$vault.<name>` (the entry holds USER@REALM!TOKENID=SECRET) is
 * resolved now, since its token id is needed to say who connects; `USER@REALM!TOKENID=$vault.<name>`
 * (the entry holds the secret) is resolved only when connecting. */
function tokenAuth(value: string, source: string, env: NodeJS.ProcessEnv): ConnectionAuth {
  const name = vaultRefName(value.trim());
  if (name === undefined) return { kind: 'token', ...parseApiToken(value, source) };
  const token = resolveSecret(value.trim(), source, env);
  try {
    return { kind: 'token', ...parseApiToken(token, source) };
  } catch {
    throw new UserError(`${source}: vault entry '${name}' holds a secret, not a whole API token: pass 'USER@REALM!TOKENID=$vault.${name}' instead`);
  }
}

function resolveAuth(profile: ProfileConfig | undefined, env: NodeJS.ProcessEnv, flags: ConnectionFlags): ConnectionAuth {
  if (flags.token) return tokenAuth(flags.token, '--token', env);
  if (flags.username) return passwordAuth(flags.username, env.PROXMOX_VE_PASSWORD ?? profile?.password, '--username');
  if (env.PROXMOX_VE_API_TOKEN) return tokenAuth(env.PROXMOX_VE_API_TOKEN, 'PROXMOX_VE_API_TOKEN', env);
  if (env.PROXMOX_VE_USERNAME) return passwordAuth(env.PROXMOX_VE_USERNAME, env.PROXMOX_VE_PASSWORD ?? profile?.password, 'PROXMOX_VE_USERNAME');
  if (profile?.tokenId) {
    if (!profile.tokenSecret) throw new UserError(`profile has tokenId ${profile.tokenId} but no tokenSecret: add it, or set PROXMOX_VE_API_TOKEN`);
    return { kind: 'token', ...parseApiToken(`${profile.tokenId}=${profile.tokenSecret}`, 'the profile token') };
  }
  if (profile?.username) {
    return passwordAuth(profile.username, env.PROXMOX_VE_PASSWORD ?? profile.password, 'the profile username');
  }
  throw new UserError('no credentials: set PROXMOX_VE_API_TOKEN (USER@REALM!TOKENID=SECRET) or PROXMOX_VE_USERNAME and PROXMOX_VE_PASSWORD, or pass --token');
}

function passwordAuth(username: string, password: string | undefined, source: string): ConnectionAuth {
  if (!/^[^@\s]+@[^@\s]+$/.test(username)) {
    throw new UserError(`${source} '${username}' needs a realm: USER@REALM, e.g. root@pam`);
  }
  if (!password) throw new UserError(`no password for ${username}: set PROXMOX_VE_PASSWORD`);
  return { kind: 'password', username, password };
}
