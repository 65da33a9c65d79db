// The one place that talks HTTP: builds the got instance (agent with the TLS policy, timeouts,
// GET-only retries), sends a request, checks the `{"data": …}` envelope and maps every failure
// to a ProxmoxError. Authentication headers are supplied by the caller (auth.ts).
// Success is a 2xx whose body is a JSON object with a `data` key, nothing less: an empty body
// or a redirect is a 'protocol' error, never a write that seemed to work.
import got, { type Got, type Response, type RetryObject } from 'got';
import type http from 'node:http';
import type https from 'node:https';
import {
  EnvelopeError,
  looksLikeNotFound,
  mapHttpFailure,
  mapTransportFailure,
  type AuthMode,
  type HttpFailure,
  type RequestContext,
} from './errorMapping.js';
import { hostLabel, normalizeEndpoint } from './endpoint.js';
import { ProxmoxError } from './errors.js';
import { log } from '../observability/log.js';
import { performance } from 'node:perf_hooks';
import { encodeParams, type Params } from './params.js';
import { SecretRedactor } from './redact.js';
import { createAgent, resolveTlsMode, type TlsMode, type TlsOptions } from './tls.js';

// Endpoint normalisation lives in a module of its own (no got), for code that only reads
// settings; re-exported here so that existing imports keep working.
export { endpointBase, hostLabel, normalizeEndpoint } from './endpoint.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Timeouts {
  /** DNS + TCP connect + TLS handshake, each (default 5000). */
  connectMs: number;
  /** From the request being sent to the response arriving, and any stall while reading it (default 30000). */
  responseMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 5_000, responseMs: 30_000 };

/**
 * Retries apply to GET only (reads are idempotent; a POST/PUT/DELETE that reached the server
 * may have acted, so it is never repeated). Retried: connection failures (refused, reset,
 * unreachable, broken pipe), timeouts, a malformed body, and HTTP 500/502/503/504 — except a
 * 500 that says the object does not exist, which is final. Not retried: 501, 595/596 (the
 * node is down; the sync poller will ask again on its next round), 4xx, TLS failures, DNS
 * "host not found". The delay before retry n (1-based) is
 * min(maxDelayMs, baseDelayMs * 2^(n-1)) scaled by a random factor in [0.5, 1] ("equal
 * jitter"), so it never exceeds maxDelayMs.
 */
export interface RetryPolicy {
  /** Retries after the first attempt (default 2, i.e. at most 3 attempts). */
  limit: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Source of jitter in [0, 1); injectable for tests. */
  random: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = { limit: 2, baseDelayMs: 300, maxDelayMs: 5_000, random: Math.random };

const RETRY_ERROR_CODES = new Set([
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'ECONNABORTED',
  'ERR_BODY_PARSE_FAILURE',
]);
const RETRY_STATUS = new Set([500, 502, 503, 504]);

export function retryDelayMs(retryNumber: number, policy: RetryPolicy): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retryNumber - 1));
  const jitter = Math.min(Math.max(policy.random(), 0), 1);
  return Math.round(exp / 2 + (exp / 2) * jitter);
}

interface RetryableErrorShape {
  name?: string;
  code?: string;
  response?: { statusCode?: number; statusMessage?: string; rawBody?: Buffer; headers?: Record<string, string | string[] | undefined> };
  /** got's request (non-enumerable on its errors): how many retries were made. */
  request?: { retryCount?: number };
}

/** Whether a failed GET is worth another attempt (see RetryPolicy). */
export function isRetryableFailure(error: RetryableErrorShape): boolean {
  const status = error.response?.statusCode;
  if (error.name === 'HTTPError' && status !== undefined) {
    if (!RETRY_STATUS.has(status)) return false;
    if (status === 500) {
      const text = `${error.response?.statusMessage ?? ''} ${error.response?.rawBody?.toString('utf8') ?? ''}`;
      return !looksLikeNotFound(text);
    }
    return true;
  }
  if (error.name === 'TimeoutError') return true;
  return error.code !== undefined && RETRY_ERROR_CODES.has(error.code);
}

/** A successful PVE answer: `data` plus, for task list/log, `total`. */
export interface Envelope {
  data: unknown;
  total?: number;
}

function isEnvelope(body: unknown): body is Envelope {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'data' in body;
}

function parseEnvelope(text: string): Envelope {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new EnvelopeError('the body is JSON but not an object');
  }
  const record = parsed as Record<string, unknown>;
  if (!('data' in record)) throw new EnvelopeError('the body has no "data" field');
  const envelope: Envelope = { data: record.data };
  const total = record.total;
  if (typeof total === 'number') envelope.total = total;
  else if (typeof total === 'string' && /^\d+$/.test(total)) envelope.total = Number(total);
  return envelope;
}

export interface TransportOptions {
  endpoint: string;
  tls?: TlsOptions;
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryPolicy>;
  userAgent?: string;
  /** Ask for gzip-compressed answers (default false). Proxmox clusters are usually reached
   * over a LAN, where compressing costs more than it saves: at 10,000 guests pveproxy's gzip
   * and our gunzip of /cluster/resources take longer than moving the plain bytes. Turn it on
   * for a slow or metered link. */
  compression?: boolean;
  /** Shared with auth so every secret it learns is masked in messages. */
  redactor?: SecretRedactor;
  /** Called once per request, before its first attempt (observability; never sees parameters). */
  onRequest?: (info: { method: HttpMethod; path: string }) => void;
  /** Called before each retry (observability, tests). */
  onRetry?: (info: { method: string; path: string; retryNumber: number; delayMs: number; reason: string }) => void;
}

export interface TransportRequest {
  method: HttpMethod;
  /** Path under /api2/json, starting with `/`. */
  path: string;
  params?: Params;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  authMode: AuthMode;
  principal?: string;
  /** Overrides the response timeout for this request. */
  responseTimeoutMs?: number;
}

export class HttpTransport {
  readonly baseUrl: URL;
  readonly host: string;
  readonly tlsMode: TlsMode;
  readonly timeouts: Timeouts;
  readonly retryPolicy: RetryPolicy;
  readonly redactor: SecretRedactor;
  private readonly agent: http.Agent;
  private readonly got: Got;

  constructor(private readonly options: TransportOptions) {
    this.baseUrl = normalizeEndpoint(options.endpoint);
    this.host = hostLabel(this.baseUrl);
    this.tlsMode = resolveTlsMode(options.tls ?? {});
    if (this.baseUrl.protocol === 'http:' && this.tlsMode.mode === 'pinned') {
      throw new ProxmoxError('parameter', `a certificate fingerprint needs an https:// endpoint, not ${this.baseUrl.origin}`);
    }
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.retryPolicy = { ...DEFAULT_RETRY, ...options.retry };
    this.redactor = options.redactor ?? new SecretRedactor();
    this.agent = createAgent(this.baseUrl.protocol === 'http:' ? 'http:' : 'https:', this.tlsMode);
    this.got = got.extend({
      agent: { http: this.agent, https: this.agent as https.Agent },
      // Never followed (credentials would go wherever the server points), yet not passed
      // through as a success either: with maxRedirects 0 a 3xx with a Location fails at once
      // (MaxRedirectsError, nothing sent to the new address) and one without is an HTTPError.
      followRedirect: true,
      maxRedirects: 0,
      throwHttpErrors: true,
      responseType: 'json',
      parseJson: parseEnvelope,
      // Without it got sends no Accept-Encoding, so the server answers uncompressed.
      decompress: options.compression === true,
      headers: { accept: 'application/json', 'user-agent': options.userAgent ?? 'proxmox-mpc' },
      retry: {
        limit: this.retryPolicy.limit,
        methods: ['GET'],
        // The decision is made in calculateDelay; these lists only document the intent.
        statusCodes: [...RETRY_STATUS],
        errorCodes: [...RETRY_ERROR_CODES],
        calculateDelay: (retry) => this.retryDelay(retry),
      },
      hooks: {
        // got hands back '' for an empty body without calling parseJson; make it a malformed
        // body like any other (so a GET is retried, and nothing counts as success).
        afterResponse: [(response) => rejectEmptyBody(response)],
      },
    });
  }

  private retryDelay({ attemptCount, error }: RetryObject): number {
    if (attemptCount > this.retryPolicy.limit) return 0;
    if (error.options.method !== 'GET') return 0;
    if (!isRetryableFailure(error as RetryableErrorShape)) return 0;
    const delayMs = Math.max(1, retryDelayMs(attemptCount, this.retryPolicy));
    const url = error.options.url;
    const path = url instanceof URL ? url.pathname.slice(this.baseUrl.pathname.length) : '';
    const status = error.response?.statusCode;
    this.options.onRetry?.({
      method: 'GET',
      path,
      retryNumber: attemptCount,
      delayMs,
      reason: status !== undefined ? `HTTP ${status}` : (error.code ?? error.name),
    });
    return delayMs;
  }

  private context(req: TransportRequest): RequestContext {
    const ctx: RequestContext = {
      method: req.method,
      path: this.redactor.path(req.path),
      host: this.host,
      authMode: req.authMode,
      connectTimeoutMs: this.timeouts.connectMs,
      responseTimeoutMs: req.responseTimeoutMs ?? this.timeouts.responseMs,
    };
    if (req.principal !== undefined) ctx.principal = req.principal;
    return ctx;
  }

  url(path: string): URL {
    if (!path.startsWith('/') || path.includes('?')) {
      throw new ProxmoxError(
        'parameter',
        `'${this.redactor.path(path, 120)}' is not an API path: it starts with '/' and carries no query (pass parameters separately)`,
      );
    }
    const url = new URL(this.baseUrl.href);
    url.pathname = `${this.baseUrl.pathname}${path}`;
    return url;
  }

  async send(req: TransportRequest): Promise<Envelope> {
    const ctx = this.context(req);
    const url = this.url(req.path);
    let pairs: [string, string][];
    try {
      pairs = encodeParams(req.params);
    } catch (e) {
      // encodeParams' own wording (it names a non-finite number), never a parameter's text
      throw new ProxmoxError('parameter', `bad parameter for ${req.method} ${ctx.path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (req.signal?.aborted) throw mapTransportFailure({ name: 'AbortError' }, ctx, this.redactor);
    this.options.onRequest?.({ method: req.method, path: req.path });
    const withBody = req.method === 'POST' || req.method === 'PUT';
    const responseMs = ctx.responseTimeoutMs;
    const connectMs = this.timeouts.connectMs;
    let response: Response;
    const started = log.enabled('debug') ? performance.now() : undefined;
    try {
      response = await this.got(url, {
        method: req.method,
        headers: req.headers ?? {},
        ...(withBody ? { form: Object.fromEntries(pairs) } : { searchParams: new URLSearchParams(pairs) }),
        timeout: { lookup: connectMs, connect: connectMs, secureConnect: connectMs, response: responseMs, socket: responseMs },
        ...(req.signal ? { signal: req.signal } : {}),
      });
    } catch (e) {
      const failure = this.describeFailure(e, ctx, url);
      if (started !== undefined) logRequest(ctx, failure.status ?? failure.kind, started);
      throw failure;
    }
    if (started !== undefined) logRequest(ctx, response.statusCode, started);
    // got resolves a 304 whatever the redirect policy; PVE never sends one.
    if (response.statusCode < 200 || response.statusCode > 299) {
      throw mapHttpFailure(httpFailure(response, url), ctx, this.redactor);
    }
    const body: unknown = response.body;
    if (!isEnvelope(body)) throw mapTransportFailure(new EnvelopeError('the body is not a JSON object with "data"'), ctx, this.redactor);
    return body;
  }

  private describeFailure(e: unknown, ctx: RequestContext, url: URL): ProxmoxError {
    if (e instanceof ProxmoxError) return e;
    const shaped = (typeof e === 'object' && e !== null ? e : {}) as RetryableErrorShape;
    const retries = shaped.request?.retryCount;
    const tried: RequestContext = typeof retries === 'number' && retries > 0 ? { ...ctx, attempts: retries + 1 } : ctx;
    const response = shaped.response;
    if ((shaped.name === 'HTTPError' || shaped.name === 'MaxRedirectsError') && response?.statusCode !== undefined) {
      return mapHttpFailure(httpFailure(response, url), tried, this.redactor);
    }
    return mapTransportFailure(e, tried, this.redactor);
  }

  /** Closes idle keep-alive connections; the transport must not be used afterwards. */
  close(): void {
    this.agent.destroy();
  }
}

/** One debug line per request: method, path (secrets masked), status or failure kind, time.
 * Never parameters (a password, a guest's cloud-init secret) or headers (credentials). */
function logRequest(ctx: RequestContext, status: number | string, started: number): void {
  log.debug('api request', { method: ctx.method, path: ctx.path, status, ms: Math.round((performance.now() - started) * 10) / 10 });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function httpFailure(response: NonNullable<RetryableErrorShape['response']>, url: URL): HttpFailure {
  const failure: HttpFailure = {
    status: response.statusCode ?? 0,
    reasonPhrase: response.statusMessage ?? '',
    body: response.rawBody?.toString('utf8') ?? '',
    url: url.href,
  };
  const location = headerValue(response.headers?.location);
  if (location !== undefined) failure.location = location;
  return failure;
}

/** afterResponse hook: a 2xx with an empty body is a malformed answer (see send()). */
function rejectEmptyBody(response: Response): Response {
  if (response.statusCode >= 200 && response.statusCode <= 299 && response.rawBody.length === 0) {
    throw new EnvelopeError('the body is empty');
  }
  return response;
}
