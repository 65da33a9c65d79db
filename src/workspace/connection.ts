// Resolves how to reach a cluster: a profile from the config file, overridden by the
// environment variables the bpg/proxmox Terraform provider reads, overridden by flags.
import { UserError } from '../app/userError.js';
import { parseApiToken as splitApiToken } from '../proxmox/auth.js';
import { endpointBase } from '../proxmox/http.js';
import type { ConfigFile, ProfileConfig } from './configFile.js';

export type ConnectionAuth =
  | { kind: 'token'; tokenId: string; secret: string }
  | { kind: 'password'; username: string; password: string; realm?: 'pam' | 'pve' };

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
  const names = Object.keys(config.profiles);
  const profileName = flags.profile ?? env.PMC_PROFILE ?? config.defaultProfile ?? (names.length === 1 ? names[0] : undefined);
  let profile: ProfileConfig | undefined;
  if (profileName !== undefined) {
    profile = config.profiles[profileName];
    if (!profile && (flags.profile !== undefined || env.PMC_PROFILE !== undefined || config.defaultProfile !== undefined)) {
      const known = names.length ? `known profiles: ${names.join(', ')}` : 'no profiles are configured yet';
      throw new UserError(`no profile named '${profileName}' (${known})`);
    }
  }

  const endpointRaw = flags.endpoint ?? env.PROXMOX_VE_ENDPOINT ?? profile?.endpoint;
  if (!endpointRaw) {
    throw new UserError(
      'no Proxmox VE endpoint configured: set PROXMOX_VE_ENDPOINT and PROXMOX_VE_API_TOKEN, pass --endpoint and --token, or add a profile (proxmox-mpc profile add --help); try `proxmox-mpc demo` for the built-in demo cluster',
    );
  }
  const endpoint = endpointBase(endpointRaw);

  const auth = resolveAuth(profile, env, flags);
  const insecure = flags.insecure ?? envBool(env.PROXMOX_VE_INSECURE, 'PROXMOX_VE_INSECURE') ?? profile?.insecure ?? false;
  const fingerprint = flags.fingerprint ?? env.PMC_FINGERPRINT ?? profile?.fingerprint;
  const settings: ConnectionSettings = { profile: profile ? profileName! : 'env', endpoint, auth, insecure };
  if (fingerprint) settings.fingerprint = fingerprint;
  const timeoutMs = flags.timeoutMs ?? profile?.timeoutMs;
  if (timeoutMs !== undefined) settings.timeoutMs = timeoutMs;
  return settings;
}

function resolveAuth(profile: ProfileConfig | undefined, env: NodeJS.ProcessEnv, flags: ConnectionFlags): ConnectionAuth {
  if (flags.token) return { kind: 'token', ...parseApiToken(flags.token, '--token') };
  if (flags.username) return passwordAuth(flags.username, env.PROXMOX_VE_PASSWORD ?? profile?.password, '--username');
  if (env.PROXMOX_VE_API_TOKEN) return { kind: 'token', ...parseApiToken(env.PROXMOX_VE_API_TOKEN, 'PROXMOX_VE_API_TOKEN') };
  if (env.PROXMOX_VE_USERNAME) return passwordAuth(env.PROXMOX_VE_USERNAME, env.PROXMOX_VE_PASSWORD ?? profile?.password, 'PROXMOX_VE_USERNAME');
  if (profile?.tokenId) {
    if (!profile.tokenSecret) throw new UserError(`profile has tokenId ${profile.tokenId} but no tokenSecret: add it, or set PROXMOX_VE_API_TOKEN`);
    return { kind: 'token', ...parseApiToken(`${profile.tokenId}=${profile.tokenSecret}`, 'the profile token') };
  }
  if (profile?.username) {
    const auth = passwordAuth(profile.username, env.PROXMOX_VE_PASSWORD ?? profile.password, 'the profile username');
    if (profile.realm && auth.kind === 'password') auth.realm = profile.realm;
    return auth;
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
