// Connection settings' credentials in the shapes the client and messages need. Kept apart from
// connect.ts, which loads the HTTP stack, for callers that only pass credentials on (the
// console hands them to the sync worker).
import type { Credentials } from '../proxmox/auth.js';
import type { ConnectionAuth } from '../workspace/connection.js';

export function toCredentials(auth: ConnectionAuth): Credentials {
  if (auth.kind === 'token') return { tokenId: auth.tokenId, tokenSecret: auth.secret };
  return { username: auth.username, password: auth.password };
}

/** The identity a connection acts as, for messages (never the secret). */
export function principalOf(auth: ConnectionAuth): string {
  return auth.kind === 'token' ? auth.tokenId : auth.username;
}
