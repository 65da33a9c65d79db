// The control endpoint outside /api2, so that a test or a user can flip faults on a separately
// running simulator: GET|PUT /_simulator/faults (JSON), POST /_simulator/expire-tickets.
// Only root@pam's API token may use it.
import type { Authority } from './auth.js';
import { extractAuthValue } from './auth.js';
import type { FaultController } from './faults.js';
import type { Reply } from './reply.js';

export const CONTROL_PREFIX = '/_simulator/';

export interface ControlRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Buffer;
}

const json = (status: number, value: unknown): Reply => ({ status, body: JSON.stringify(value) });
const failure = (status: number, message: string): Reply => ({ status, reason: message, body: JSON.stringify({ data: null, message }) });

export function handleControlRequest(req: ControlRequest, faults: FaultController, authority: Authority): Reply {
  const token = extractAuthValue(req.authorization, 'PVEAPIToken');
  const principal = token ? authority.verifyApiToken(token) : undefined;
  if (!principal || principal.userid !== 'root@pam') return { status: 401, reason: 'root@pam API token required' };

  const route = `${req.method} ${req.path.replace(/\/+$/, '')}`;
  switch (route) {
    case 'GET /_simulator/faults':
      return json(200, { data: faults.get() });
    case 'PUT /_simulator/faults':
    case 'POST /_simulator/faults': {
      let patch: unknown;
      try {
        patch = JSON.parse(req.body.toString('utf8') || '{}');
      } catch {
        return failure(400, 'body must be JSON');
      }
      try {
        return json(200, { data: faults.set(patch as Parameters<FaultController['set']>[0]) });
      } catch (e) {
        return failure(400, e instanceof Error ? e.message : String(e));
      }
    }
    case 'POST /_simulator/expire-tickets':
      faults.expireTickets();
      return json(200, { data: null });
    default:
      return failure(404, `no such control endpoint '${req.method} ${req.path}'`);
  }
}
