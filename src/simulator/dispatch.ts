// From an authenticated request to an answer, in the order pve-manager's rest_handler and
// pve-common's RESTHandler do it: route (501), duplicate path parameter (400), API token
// allowed (403), permissions (403), proxy to the node (595 if it is down), parameter
// verification (400), then the handler (its result, or its error as 4xx/500).
import { checkApiPermissions } from './permissions.js';
import { errorBody, successBody, withNewline, type Reply } from './reply.js';
import type { Router } from './router.js';
import { endpointSchema } from './schema.js';
import { setOwn } from './perl.js';
import { validateParameters, type RawParam, type RawParams, type SimParams } from './validate.js';
import { isEnvelope, SimHttpError, type HttpMethod, type SimPrincipal, type SimRequest, type SimRouteTable } from './types.js';

export interface ApiCall {
  method: HttpMethod;
  /** The path below /api2/json, URI-unescaped. */
  relPath: string;
  params: RawParams;
  /** Undefined for the endpoints PVE serves without credentials. */
  principal: SimPrincipal | undefined;
  /** Whether the caller sent an API token (even to an endpoint that needs no credentials). */
  apiToken: boolean;
}

export interface DispatcherOptions {
  routes: SimRouteTable;
  router: Router;
  isNodeOffline: (node: string) => boolean;
  /** Decides the "simulated internal error" fault, once per call that reaches a handler. */
  injectError: () => boolean;
}

const ANONYMOUS: SimPrincipal = { userid: '' };

/** How Perl stringifies a parameter value when comparing it with `ne`. */
function perlString(value: RawParam): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (Array.isArray(value)) return 'ARRAY';
  if (typeof value === 'object') return 'HASH';
  return String(value);
}

function errorReply(status: number, message: string, errors?: Record<string, string>): Reply {
  return { status, reason: message, body: errorBody(message, errors) };
}

function replyForError(err: unknown): Reply {
  if (err instanceof SimHttpError) return errorReply(err.status, withNewline(err.message), err.errors);
  const message = err instanceof Error ? err.message : String(err);
  return errorReply(500, withNewline(message));
}

export function createDispatcher(options: DispatcherOptions): (call: ApiCall) => Promise<Reply> {
  return async (call) => {
    const match = options.router.match(call.method, call.relPath);
    const handler = match && Object.hasOwn(options.routes, match.key) ? options.routes[match.key] : undefined;
    // The only 5xx whose message has no final newline: rest_handler's default answer.
    if (!match || !handler) return errorReply(501, `Method '${call.method} ${call.relPath}' not implemented`);

    for (const name of Object.keys(call.params).sort()) {
      if (Object.hasOwn(match.pathParams, name) && match.pathParams[name] !== perlString(call.params[name]!)) {
        return errorReply(400, 'Parameter verification failed.\n', {
          [name]: 'duplicate parameter (already defined in URI) with conflicting values!',
        });
      }
    }
    const merged: RawParams = { ...match.pathParams };
    for (const [name, value] of Object.entries(call.params)) setOwn(merged, name, value);

    const schema = endpointSchema(match.key);
    try {
      if (call.apiToken && schema && !schema.allowtoken) {
        throw new SimHttpError(403, `URI '${call.relPath}' not available with API token, need proper ticket.`);
      }
      checkApiPermissions(schema ? schema.permissions : { user: 'all' }, call.principal, merged);
    } catch (err) {
      return replyForError(err);
    }

    const node = match.pathParams['node'];
    if (node !== undefined && options.isNodeOffline(node)) return { status: 595, reason: 'No route to host' };
    if (options.injectError()) return errorReply(500, 'simulated internal error\n');

    let params: SimParams;
    if (schema) {
      const verdict = validateParameters(schema.parameters, merged);
      if (!verdict.ok) return errorReply(400, 'Parameter verification failed.\n', verdict.errors);
      params = verdict.params;
    } else {
      params = {};
      for (const [name, value] of Object.entries(merged)) if (value !== null) setOwn(params, name, perlString(value));
    }

    const principal = call.principal ?? ANONYMOUS;
    const request: SimRequest = {
      method: call.method,
      path: call.relPath,
      template: match.template,
      params,
      principal,
      authid: principal.tokenid ? `${principal.userid}!${principal.tokenid}` : principal.userid,
    };
    try {
      const result = await handler(request);
      return { status: 200, body: isEnvelope(result) ? successBody(result.data, result.total) : successBody(result) };
    } catch (err) {
      return replyForError(err);
    }
  };
}
