// From flags, environment and config file to a connected API client.
import { ProxmoxClient } from '../proxmox/client.js';
import type { ConnectionSettings } from '../workspace/connection.js';
import type { GlobalOptions } from './cli.js';
import { toCredentials } from './credentials.js';
import { loadConnectionSettings } from './settings.js';

export { loadConnectionSettings } from './settings.js';
export { principalOf, toCredentials } from './credentials.js';

export function createClient(settings: ConnectionSettings): ProxmoxClient {
  return new ProxmoxClient({
    endpoint: settings.endpoint,
    auth: toCredentials(settings.auth),
    insecure: settings.insecure,
    ...(settings.fingerprint ? { fingerprint: settings.fingerprint } : {}),
    ...(settings.timeoutMs ? { timeouts: { responseMs: settings.timeoutMs } } : {}),
  });
}

/** A client for what `fn` reads, closed afterwards. */
export async function withClient<T>(opts: GlobalOptions, fn: (client: ProxmoxClient) => Promise<T>): Promise<T> {
  const client = createClient(loadConnectionSettings(opts));
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}
