// From flags, environment and config file to the connection settings of a profile. Kept apart
// from connect.ts (which builds the API client, and so loads the HTTP stack) for the commands
// that only need to know which profile they read: `get`, `describe` and `history` from the cache.
import { configPath, loadConfigFile } from '../workspace/configFile.js';
import { resolveConnection, type ConnectionSettings } from '../workspace/connection.js';
import type { GlobalOptions } from './cli.js';

export function loadConnectionSettings(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
  const loaded = loadConfigFile(configPath(env));
  for (const warning of loaded.warnings) process.stderr.write(`proxmox-mpc: warning: ${warning}\n`);
  const { requestTimeout, ...flags } = opts;
  return resolveConnection(loaded.config, env, { ...flags, timeoutMs: requestTimeout });
}
