// A tiny scriptable HTTP(S) server for the client's unit tests: records every request and
// answers what the test's handler says (status, reason phrase, JSON or raw body, a reset, or
// nothing at all).
import { X509Certificate } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export interface RecordedRequest {
  method: string;
  /** Path under /api2/json, without the query. */
  path: string;
  query: URLSearchParams;
  /** Form fields of a POST/PUT body. */
  form: URLSearchParams;
  rawBody: string;
  headers: http.IncomingHttpHeaders;
}

export type Reply =
  | { status?: number; reason?: string; json?: unknown; raw?: string; headers?: Record<string, string> }
  | { reset: true }
  | { hang: true };

export type Handler = (req: RecordedRequest) => Reply | Promise<Reply>;

export interface TestCert {
  key: string;
  cert: string;
  fingerprint256: string;
}

let cached: Promise<TestCert> | undefined;

/** One EC certificate for 127.0.0.1/localhost per test process. */
export function testCert(): Promise<TestCert> {
  cached ??= (async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
      ],
    });
    return { key: pems.private, cert: pems.cert, fingerprint256: new X509Certificate(pems.cert).fingerprint256 };
  })();
  return cached;
}

export interface FakePve {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** TCP connections accepted (to show that a refused pin did connect, yet sent nothing). */
  connections: number;
  handler: Handler;
  close(): Promise<void>;
}

export async function startFakePve(handler: Handler, options: { tls?: TestCert } = {}): Promise<FakePve> {
  const state: FakePve = {
    url: '',
    port: 0,
    requests: [],
    connections: 0,
    handler,
    close: async () => {},
  };
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname.replace(/^\/api2\/json/, ''),
        query: url.searchParams,
        form: new URLSearchParams(req.headers['content-type']?.includes('x-www-form-urlencoded') ? rawBody : ''),
        rawBody,
        headers: req.headers,
      };
      state.requests.push(recorded);
      void Promise.resolve(state.handler(recorded)).then((reply) => {
        if ('reset' in reply) {
          req.socket.destroy();
          return;
        }
        if ('hang' in reply) return;
        const body = reply.raw ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
        const headers: Record<string, string> = { ...(reply.headers ?? {}) };
        if (reply.json !== undefined) headers['content-type'] = 'application/json;charset=UTF-8';
        res.writeHead(reply.status ?? 200, reply.reason ?? 'OK', headers);
        res.end(body);
      });
    });
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, onRequest) : http.createServer(onRequest);
  server.on('connection', () => {
    state.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  state.port = port;
  state.url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** `{"data": …}` with status 200. */
export function ok(data: unknown, extra: Record<string, unknown> = {}): Reply {
  return { json: { data, ...extra } };
}

/** How PVE answers an error: reason phrase = message, JSON body with `message` (PVE 8.4+). */
export function pveError(status: number, message: string, errors?: Record<string, string>, opts: { legacy?: boolean } = {}): Reply {
  const json: Record<string, unknown> = { data: null };
  if (errors) json.errors = errors;
  if (!opts.legacy) json.message = `${message}\n`;
  return { status, reason: message, json };
}

export const SAMPLE_UPID = 'UPID:pve1:0000A1B2:00C0FFEE:66000000:qmstart:100:root@pam:';

/** Waits until `predicate` holds (no fixed sleeps in tests). */
export async function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A ticket as PVE formats it, issued at `issuedAtSec`. */
export function fakeTicket(user: string, issuedAtSec: number, tag = 'sig'): string {
  const hex = issuedAtSec.toString(16).toUpperCase().padStart(8, '0');
  return `PVE:${user}:${hex}::${Buffer.from(`${tag}-${issuedAtSec}`).toString('base64')}`;
}
