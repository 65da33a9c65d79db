// The simulator's HTTPS server: pveproxy's request handling in front of a route table. Only
// ever bound to 127.0.0.1. The order of checks follows pve-http-server's AnyEvent.pm (method,
// transfer encoding, base URI, authentication, body size and type, formatter, body parsing),
// then dispatch.ts (rest_handler). Faults are injected around that.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAccessRoutes } from './accessRoutes.js';
import { authenticate, createAccounts, createAuthority, type AccountOptions } from './auth.js';
import { generateCertificate } from './cert.js';
import { CONTROL_PREFIX, handleControlRequest } from './control.js';
import { createDispatcher } from './dispatch.js';
import { createFaultController, isFaultController, type FaultController } from './faults.js';
import { percentDecodeBytes, utf8FromBytes } from './perl.js';
import { errorBody, sendReply, withNewline, type Reply } from './reply.js';
import { extractParams, mediaType } from './requestParams.js';
import { createRouter } from './router.js';
import type { HttpMethod, SimCredentials, SimFaults, SimRouteTable } from './types.js';

export interface ApiServerOptions {
  /** The cluster's handlers. POST /access/ticket and GET /access/domains are answered by the
   * HTTP layer itself (it owns the accounts); entries for them here are ignored. */
  routes: SimRouteTable;
  /** A shared controller (so the cluster can ask isNodeOffline), or initial fault values. */
  faults?: FaultController | Partial<SimFaults>;
  accounts?: AccountOptions;
  /** 0 (default): a free port. The server only ever binds 127.0.0.1. */
  port?: number;
  /** PVE answers every 401 after about 3000 ms; default 0 so tests stay fast. */
  unauthorizedDelayMs?: number;
  /** The cluster name a ticket login reports to users with Sys.Audit on `/`. */
  clusterName?: string | (() => string | undefined);
  /** Milliseconds since the epoch, for ticket and CSRF ages (tests move time with it). */
  now?: () => number;
  /** Random source for the probabilistic faults (0 <= r < 1). */
  random?: () => number;
}

export interface ApiServer {
  /** `https://127.0.0.1:<port>`; the API lives under /api2/json. */
  url: string;
  port: number;
  /** SHA-256 of the certificate, `AB:CD:...` upper-case. */
  fingerprint: string;
  certPem: string;
  root: SimCredentials;
  auditor: SimCredentials;
  faults: FaultController;
  close(): Promise<void>;
}

const KNOWN_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);
/** pve-http-server $limit_max_post */
const MAX_POST_BYTES = 64 * 1024;
const BASE_URI = '/api2';

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('close', () => reject(new Error('request closed')));
  });
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
};

const bodyless = (status: number, reason: string): Reply => ({ status, reason });

export async function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const cert = await generateCertificate();
  const faults = isFaultController(options.faults) ? options.faults : createFaultController(options.faults ?? {});
  const accounts = createAccounts(options.accounts);
  const authority = createAuthority({
    accounts: accounts.list,
    ticketLifetimeSec: () => faults.get().ticketLifetimeSec,
    ...(options.now ? { now: options.now } : {}),
  });
  const unsubscribe = faults.onExpireTickets(() => authority.expireTickets());
  const clusterName = typeof options.clusterName === 'function' ? options.clusterName : () => options.clusterName as string | undefined;
  const random = options.random ?? Math.random;
  const chance = (rate: number) => rate > 0 && random() < rate;
  const unauthorizedDelayMs = options.unauthorizedDelayMs ?? 0;

  const routes: SimRouteTable = { ...options.routes, ...createAccessRoutes(authority, { clusterName }) };
  const dispatch = createDispatcher({
    routes,
    router: createRouter(Object.keys(routes)),
    isNodeOffline: (node) => faults.isNodeOffline(node),
    injectError: () => chance(faults.get().errorRate),
  });

  async function answerApi(req: IncomingMessage, method: HttpMethod, path: string, rawQuery: string): Promise<Reply | undefined> {
    const m = /^\/api2\/+([a-z][a-z0-9]+)(\/.*)?$/.exec(path);
    if (!m) return bodyless(501, 'no such uri');
    const format = m[1]!;
    const relPath = m[2] ?? '/';

    const current = faults.get();
    if (chance(current.resetRate)) {
      req.socket.destroy();
      return undefined;
    }
    if (current.latencyMs > 0) await sleep(current.latencyMs);

    const auth = authenticate(authority, {
      method,
      relPath,
      cookie: header(req, 'cookie'),
      authorization: header(req, 'authorization'),
      csrfToken: header(req, 'csrfpreventiontoken'),
    });
    if (!auth.ok) return bodyless(401, auth.reason);

    const length = Number(header(req, 'content-length') ?? 0);
    const contentType = header(req, 'content-type');
    if (length) {
      if (method !== 'POST' && method !== 'PUT') return bodyless(501, `Unexpected content for method '${method}'`);
      if (length > MAX_POST_BYTES) return bodyless(501, 'for data too large');
      const type = mediaType(contentType);
      if (type && type !== 'application/x-www-form-urlencoded' && type !== 'application/json') {
        return bodyless(506, `upload 'Content-Type '${contentType}' not implemented`);
      }
    }
    const body = length ? await readBody(req, MAX_POST_BYTES) : Buffer.alloc(0);

    if (format !== 'json') return bodyless(501, `no formatter for uri ${relPath}, ${format}`);
    const extracted = extractParams(method, contentType, body, rawQuery);
    if (!extracted.ok) return bodyless(501, extracted.message);

    const reply = await dispatch({ method, relPath, params: extracted.params, principal: auth.principal, apiToken: auth.apiToken });
    if (reply.status === 200 && reply.body && chance(faults.get().malformedRate)) {
      return { ...reply, body: reply.body.slice(0, Math.max(1, Math.floor(reply.body.length / 2))) };
    }
    return reply;
  }

  async function answer(req: IncomingMessage): Promise<Reply | undefined> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const path = utf8FromBytes(percentDecodeBytes(rawPath));

    if (path.startsWith(CONTROL_PREFIX)) {
      const body = await readBody(req, MAX_POST_BYTES);
      return handleControlRequest({ method, path, authorization: header(req, 'authorization'), body }, faults, authority);
    }
    if (!KNOWN_METHODS.has(method)) return bodyless(501, `method '${method}' not available`);
    const te = header(req, 'transfer-encoding');
    if (te) return bodyless(501, te.toLowerCase() === 'chunked' ? 'chunked transfer encoding not supported' : `Unknown transfer encoding '${te}'`);

    if (path.startsWith(BASE_URI)) return answerApi(req, method as HttpMethod, path, rawQuery);

    const length = Number(header(req, 'content-length') ?? 0);
    if (length && method !== 'POST' && method !== 'PUT') return bodyless(501, `Unexpected content for method '${method}'`);
    return bodyless(501, `no such file '${path}'`);
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: Reply | undefined;
    try {
      reply = await answer(req);
    } catch (err) {
      const message = withNewline(err instanceof Error ? err.message : String(err));
      reply = { status: 500, reason: message, body: errorBody(message) };
    }
    if (!reply) return;
    if (reply.status === 401 && unauthorizedDelayMs > 0) await sleep(unauthorizedDelayMs);
    sendReply(req, res, reply);
  }

  const server = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    // A client that goes away mid-request must not crash the simulator.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    void onRequest(req, res);
  });
  server.on('tlsClientError', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    fingerprint: cert.fingerprint,
    certPem: cert.certPem,
    root: accounts.root,
    auditor: accounts.auditor,
    faults,
    close() {
      closed ??= new Promise<void>((resolve) => {
        unsubscribe();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
