// Connection settings' credentials in the shapes the client and messages need. Kept apart from
// connect.ts, which loads the HTTP stack, for callers that only pass credentials on (the
// console hands them to the sync worker).
import type { Credentials } from '../proxmox/auth.js';
import { registerSecret } from '../util/redact.js';
import type { ConnectionAuth } from '../workspace/connection.js';
import { resolveSecret } from '../workspace/vault.js';

/** The credentials to connect with: `$vault.<name>` references are resolved here, when
 * connecting, and not before (reading the cache needs no passphrase). */
export function toCredentials(auth: ConnectionAuth, env: NodeJS.ProcessEnv = process.env): Credentials {
  if (auth.kind === 'token') {
    const tokenSecret = resolveSecret(auth.secret, `the token secret of ${auth.tokenId}`, env);
    registerSecret('token-secret', tokenSecret);
    return { tokenId: auth.tokenId, tokenSecret };
  }
  const password = resolveSecret(auth.password, `the password of ${auth.username}`, env);
  registerSecret('password', password);
  return { username: auth.username, password };
}

/** `auth` with its `$vault.` references resolved (for a caller that connects later, out of
 * reach of a prompt: the full-screen console). */
export function resolveAuthSecrets(auth: ConnectionAuth, env: NodeJS.ProcessEnv = process.env): ConnectionAuth {
  const c = toCredentials(auth, env);
  return 'tokenSecret' in c ? { kind: 'token', tokenId: c.tokenId, secret: c.tokenSecret } : { kind: 'password', username: c.username, password: c.password };
}

/** The identity a connection acts as, for messages (never the secret). */
export function principalOf(auth: ConnectionAuth): string {
  return auth.kind === 'token' ? auth.tokenId : auth.username;
}
