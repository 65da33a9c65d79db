// From flags, environment and config file to a connected API client.
import { ProxmoxClient } from '../proxmox/client.js';
import type { Credentials } from '../proxmox/auth.js';
import type { ConnectionAuth, ConnectionSettings } from '../workspace/connection.js';

export { loadConnectionSettings } from './settings.js';

export function toCredentials(auth: ConnectionAuth): Credentials {
  if (auth.kind === 'token') return { tokenId: auth.tokenId, tokenSecret: auth.secret };
  return { username: auth.username, password: auth.password };
}

/** The identity a connection acts as, for messages (never the secret). */
export function principalOf(auth: ConnectionAuth): string {
  return auth.kind === 'token' ? auth.tokenId : auth.username;
}

export function createClient(settings: ConnectionSettings): ProxmoxClient {
  return new ProxmoxClient({
    endpoint: settings.endpoint,
    auth: toCredentials(settings.auth),
    insecure: settings.insecure,
    ...(settings.fingerprint ? { fingerprint: settings.fingerprint } : {}),
    ...(settings.timeoutMs ? { timeouts: { responseMs: settings.timeoutMs } } : {}),
  });
}
